"""``symdln report``: run every derivation, claim verdict and fast Monte Carlo check, then write
``report.tex`` (+ ``report.pdf``), ``report.md``, ``report.html`` (with its KaTeX files in ``katex/``),
``results.json`` and the figures to a folder.

The folder is a :class:`symdln._output.OutputDir`: refused before any work unless symdln made it (or it is
new/empty), built in a hidden folder inside it and moved into place only when everything (including the
LaTeX build) succeeded, so a failed or killed run leaves the previous report intact.  Run times go to
``timings.json`` only, so same-seed runs give byte-identical ``report.tex``, ``report.md``, ``report.html``
and ``results.json`` (and ``report.pdf`` when ``SOURCE_DATE_EPOCH`` fixes pdfTeX's creation date).
"""
from __future__ import annotations

import importlib
import shutil
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from .._io import atomic_write_json, atomic_write_text, git_commit, provenance
from .._output import OutputDir, split_timings
from ..progress import Progress
from .document import render_tex
from .html import copy_katex, render_fragment, render_html
from .latex import CompileResult, compile_tex, tex_engine
from .markdown import render_markdown
from .model import ReportData
from .notation import to_latex

__all__ = ["optional_module", "collect", "write_report", "results_json", "summary_table", "ReportOutcome",
           "git_commit"]


def optional_module(module: str, attr: str):
    """``symdln.<module>`` if it is built and defines ``attr``, else None (a module that exists but
    fails to import for another reason raises)."""
    try:
        mod = importlib.import_module(f"symdln.{module}")
    except ModuleNotFoundError as exc:
        if exc.name == f"symdln.{module}":
            return None
        raise
    return mod if hasattr(mod, attr) else None


def _optional(module: str, data: ReportData, attr: str):
    """:func:`optional_module`, recording a component that is not built yet as missing (not an error)."""
    mod = optional_module(module, attr)
    if mod is None:
        data.missing.append(f"symdln.{module}.{attr}")
    return mod


def _stage(data: ReportData, name: str, fn):
    t0 = time.perf_counter()
    try:
        return fn()
    except Exception as exc:  # recorded, reported, and turned into a non-zero exit code
        tb = traceback.extract_tb(exc.__traceback__)[-1]
        data.errors.append(f"{name}: {type(exc).__name__}: {exc} ({Path(tb.filename).name}:{tb.lineno})")
        return None
    finally:
        data.timings[name] = time.perf_counter() - t0


class Report(ReportData):
    """What :func:`collect` returns: the report's data (:class:`~symdln.export.model.ReportData`) with its
    notebook display (the HTML first page: the paper, what was checked, the errata at a glance).  The display
    lives here, above the model, because the HTML renderer reads the model."""

    def _repr_html_(self) -> str:
        return render_fragment(self)


def collect(*, fast: bool, seed: int, command: str = "symdln report", quiet: bool = False,
            figures_dir: Path | None = None, results_dir: Path | None = None, paper: str | None = None) -> ReportData:
    """Run derivations, verdicts and checks; make figures into ``figures_dir`` (if given).  ``paper`` is a
    registry name (:func:`symdln.papers.load`; default: the default paper)."""
    from ..papers import load as load_paper
    paper_obj = load_paper(paper)
    data = Report(command=command, fast=fast, seed=seed)
    data.provenance = provenance(seed=seed, command=command, fast=fast)  # git commit: symdln's own checkout only

    def derivations():
        from ..symbolic import derive, quantity_ids
        ids = quantity_ids()
        bar = Progress("derivations", quiet=quiet)
        for i, q in enumerate(ids):
            try:
                data.derivations.append(derive(q))
            except Exception as exc:
                data.errors.append(f"derive({q!r}): {type(exc).__name__}: {exc}")
            bar.update(i + 1, len(ids), q)
        bar.close()
    _stage(data, "derivations", derivations)

    data.claims = list(_stage(data, "claims", paper_obj.claims) or [])
    verify = _optional("verify", data, "verify_all")
    if verify is not None:
        bar = Progress("verdicts", quiet=quiet)
        data.verdicts = list(_stage(data, "verdicts", lambda: verify.verify_all(paper=paper_obj, fast=fast, seed=seed,
                                                                                progress=bar)) or [])
        bar.close()
    checks = _optional("verify.core_checks", data, "run_checks")
    if checks is not None:
        bar = Progress("monte-carlo", quiet=quiet)
        data.checks = _stage(data, "monte-carlo", lambda: checks.run_checks(fast=fast, seed=seed, progress=bar))
        bar.close()
    if figures_dir is not None:
        from .figures import experiment_figures, make_figures
        figs = _stage(data, "figures", lambda: make_figures(data, Path(figures_dir)))
        data.figures = list(figs or [])
        if results_dir is not None:
            data.figures += _stage(data, "experiment figures",
                                   lambda: experiment_figures(Path(results_dir), Path(figures_dir))) or []
    return data


def results_json(data: ReportData, latex: CompileResult | None = None) -> dict:
    """Machine-readable content of the report (verdicts, checks, derivations, provenance)."""
    def der(d):
        def tex(x):
            try:
                return to_latex(x) if x is not None and not isinstance(x, str) else None
            except Exception:  # a derivation object the printer cannot handle stays out of the JSON
                return None
        return {"quantity": d.quantity, "title": d.title, "statement": d.statement, "source": d.source,
                "assumptions": list(d.assumptions), "notes": list(d.notes), "latex": tex(d.expr),
                "steps": [{"text": s.text, "latex": tex(s.expr), "check": s.check} for s in d.steps]}
    checks = None
    if data.checks is not None:
        checks = data.checks.to_json() if hasattr(data.checks, "to_json") else {"rows": data.check_rows()}
    out = {"provenance": data.provenance, "seed": data.seed, "fast": data.fast,
           "verdict_counts": data.verdict_counts(),
           "verdicts": [v.to_json() for v in data.verdicts],
           "checks": checks,
           "derivations": [der(d) for d in data.derivations],
           "figures": [{"name": f.name, "caption": f.caption, "png": f"figures/{f.png.name}",
                        "pdf": f"figures/{f.pdf.name}" if f.pdf else None, "origin": f.origin,
                        "data": f.data}
                       for f in data.figures],
           "missing": data.missing, "errors": data.errors}
    if latex is not None:
        out["latex_build"] = {"ok": latex.ok, "engine": latex.engine, "runs": latex.runs,
                              "errors": latex.errors, "undefined_references": latex.undefined,
                              "overfull_boxes": len(latex.overfull)}
    return out


@dataclass
class ReportOutcome:
    data: ReportData
    out_dir: Path | None        # None when nothing was written
    latex: CompileResult | None
    exit_code: int
    message: str

    def _repr_html_(self) -> str:
        """Jupyter: where the report went, then its first page (paper, what was checked, errata)."""
        import html
        where = (f"written to <code>{html.escape(str(self.out_dir))}</code>" if self.out_dir is not None
                 else "<b>nothing written</b>")
        msg = f" ({html.escape(self.message)})" if self.message else ""
        return f"<div>Report {where}, exit code {self.exit_code}{msg}.</div>" + render_fragment(self.data)


def write_report(out, *, fast: bool = False, seed: int = 0, pdf: bool = True, quiet: bool = False,
                 results_dir: Path | None = Path("results"), command: str | None = None,
                 data: ReportData | None = None, paper: str | None = None,
                 output: OutputDir | None = None) -> ReportOutcome:
    """Build the whole report folder atomically.  ``data`` (e.g. a test fixture) skips ``collect``.

    ``output``: an already opened :class:`OutputDir` (the command opens it before any work, so a bad
    ``--out`` is refused at once); otherwise ``out`` is opened here.  Exit code: 0 on success, 1 when the
    LaTeX build failed (nothing is written) or a component raised (the report is written and lists the errors).
    """
    od = output if output is not None else OutputDir(out, option="out").open()
    try:
        tmp = od.build
        figdir = tmp / "figures"
        figdir.mkdir()
        if data is None:
            data = collect(fast=fast, seed=seed, quiet=quiet, figures_dir=figdir, results_dir=results_dir, paper=paper,
                           command=command or f"symdln report --seed {seed}{' --fast' if fast else ''}")
        else:
            for f in data.figures:  # fixture figures live elsewhere: copy them in
                for p in (f.png, f.pdf):
                    if p is not None and Path(p).parent != figdir:
                        shutil.copy2(p, figdir / Path(p).name)
        t0 = time.perf_counter()
        atomic_write_text(tmp / "report.tex", render_tex(data))
        atomic_write_text(tmp / "report.md", render_markdown(data))
        atomic_write_text(tmp / "report.html", render_html(data))
        copy_katex(tmp / "katex")
        latex = None
        if pdf and tex_engine() is not None:
            latex = compile_tex(tmp / "report.tex")
            data.timings["latex"] = time.perf_counter() - t0
            if not latex.ok:
                return ReportOutcome(data, None, latex, 1, "LaTeX build failed; nothing written.")
            for ext in (".aux", ".out", ".toc"):
                (tmp / f"report{ext}").unlink(missing_ok=True)
        # run times differ between runs: they go to timings.json, so results.json is the same for the same seed
        content, inner = split_timings(results_json(data, latex))
        atomic_write_json(tmp / "results.json", content)
        atomic_write_json(tmp / "timings.json", {"timings_s": {k: round(v, 3) for k, v in data.timings.items()},
                                                 **({"results": inner} if inner else {})})
        od.commit()
        notes = []
        if pdf and tex_engine() is None:
            notes.append("no TeX engine (pdflatex) found: report.pdf not built")
        code = 1 if data.errors else 0
        return ReportOutcome(data, od.path, latex, code, "; ".join(notes))
    finally:
        if output is None:
            od.close()


def summary_table(data: ReportData, width: int = 110) -> str:
    """The terminal summary: one line per claim (id, verdict, one-line reason), then totals."""
    lines = []
    if data.verdicts:
        idw = max(8, max(len(v.claim_id) for v in data.verdicts))
        lines.append(f"{'claim':<{idw}}  {'verdict':<11}  reason")
        lines.append("-" * min(width, idw + 60))
        for v in data.verdicts:
            reason = " ".join(v.reason.split())
            room = max(20, width - idw - 15)
            if len(reason) > room:
                reason = reason[:room - 3] + "..."
            lines.append(f"{v.claim_id:<{idw}}  {v.verdict:<11}  {reason}")
        lines.append("")
    counts = data.verdict_counts()
    lines.append(f"claims: {sum(counts.values())} (" + (", ".join(f"{n} {k}" for k, n in counts.items())
                                                        or "none") + ")")
    lines.append(f"derivations: {len(data.derivations)}")
    rows = data.check_rows()
    if rows:
        npass = sum(1 for r in rows if (r.get("passed") if isinstance(r, dict) else getattr(r, "passed", False)))
        lines.append(f"monte-carlo checks: {npass}/{len(rows)} passed")
    engine = [v.claim_id for v in data.verdicts if v.reason.startswith("engine error")]
    if engine:  # the verifier failed on these claims: left undecided, shown so they are not mistaken for evidence
        lines.append(f"verifier errors (verdict undecided): {', '.join(engine)}")
    if data.missing:
        lines.append("not available: " + ", ".join(data.missing))
    for e in data.errors:
        lines.append("ERROR " + e)
    return "\n".join(lines)

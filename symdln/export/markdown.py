"""The report as Markdown (``report.md``) for a browser or a repository page.

Same content as the LaTeX report (:mod:`symdln.export.document`): formulas as ``$...$`` /
``$$...$$`` (GitHub and MathJax syntax) from :func:`symdln.export.notation.to_latex`, with the
report's macros (``\\vecop``, ``\\trop``) expanded since Markdown renderers do not read a preamble.
"""
from __future__ import annotations

import re

from .latex import printed_math
from .model import ReportData, check_note, fmt_num, proposition_of, row_get
from .notation import MACROS, split_long

__all__ = ["render_markdown", "md_escape", "md_math"]

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def md_escape(text: str) -> str:
    """Escape Markdown control characters in text (one line)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _expand(latex_src: str) -> str:
    for name, body in MACROS.items():
        latex_src = re.sub(r"\\%s(?![A-Za-z])" % name, lambda _m, b=body: b, latex_src)
    return latex_src


def md_math(latex_src: str, *, cell: bool = False) -> str:
    """Inline math; in a table cell, ``|`` would end the cell, so it becomes ``\\vert``."""
    s = " ".join(_expand(latex_src).split())
    if cell:
        s = s.replace(r"\|", r"\Vert ").replace("|", r"\vert ")
    return f"${s}$"


def _display(expr) -> str:
    lines = split_long(expr)
    body = lines[0] if len(lines) == 1 else r"\begin{aligned}&" + r"\\ &".join(lines) + r"\end{aligned}"
    return "$$\n" + _expand(body) + "\n$$\n"


def _typesettable(expr) -> bool:
    import sympy as sp
    if expr is None or isinstance(expr, str):
        return False
    if isinstance(expr, dict):
        return bool(expr) and all(_typesettable(v) for v in expr.values())
    return isinstance(expr, (sp.Basic, sp.MatrixBase, int, float))


def _formula_cell(src: str) -> str:
    if not src:
        return "–"
    math, is_math = printed_math(src)
    return md_math(math, cell=True) if is_math else "`" + " ".join(src.split()).replace("|", "\\|") + "`"


def _derivation(d) -> list[str]:
    out = [f"### {md_escape(d.title)}", "",
           f"Quantity `{d.quantity}`" + (f"; paper: {md_escape(d.source)}." if d.source else "."), ""]
    if d.statement:
        out += [md_escape(d.statement), ""]
    if d.assumptions:
        out += ["**Assumptions:** " + md_escape("; ".join(d.assumptions)) + ".", ""]
    for i, st in enumerate(d.steps, 1):
        out.append(f"{i}. {md_escape(st.text)}")
        if _typesettable(st.expr):
            out += ["", _display(st.expr)]
        if st.check:
            out += [f"   *Checked:* {md_escape(st.check)}", ""]
    if _typesettable(d.expr):
        out += ["", "**Result.**", "", _display(d.expr)]
    out += [f"**Note.** {md_escape(n)}\n" for n in d.notes]
    return out


def render_markdown(data: ReportData, *, figure_path=lambda f: f"figures/{f.png.name}") -> str:
    p = data.provenance
    out = ["# symdln verification report", "",
           "SGD on deep linear networks: derivations, claim verdicts and Monte Carlo checks.", "",
           "## How to reproduce", "", "```", data.command, "```", "",
           f"Seed {data.seed}{' (fast setting)' if data.fast else ''}.", "", "| | |", "|---|---|"]
    out += [f"| {md_escape(k)} | {md_escape(str(p[k]))} |" for k in sorted(p)
            if isinstance(p[k], (str, int, float, bool)) and k != "command"]
    out.append("")
    if data.timings:
        out += ["Run time: " + ", ".join(f"{k} {v:.1f} s" for k, v in data.timings.items()) + ".", ""]
    if data.missing:
        out += ["**Not available in this build:** " + md_escape(", ".join(data.missing)) + ".", ""]
    if data.errors:
        out += ["**Errors during the run:**", ""] + [f"- {md_escape(e)}" for e in data.errors] + [""]
    counts = data.verdict_counts()
    out += ["## Summary", "", f"{sum(counts.values())} claims checked: "
            + (", ".join(f"{n} {k}" for k, n in counts.items()) or "none") + "; "
            f"{len(data.derivations)} derivations; {len(data.check_rows())} Monte Carlo checks.", ""]
    if data.verdicts:
        out += ["| Claim | Verdict | Reason |", "|---|---|---|"]
        out += [f"| `{v.claim_id}` | **{v.verdict}** | {md_escape(v.reason)} |" for v in data.verdicts]
        out.append("")

    groups: dict[str, dict[str, list]] = {}
    for d in data.derivations:
        groups.setdefault(proposition_of(d.source) or "", {"der": [], "claims": []})["der"].append(d)
    for c in data.claims:
        groups.setdefault(proposition_of(c.location) or "", {"der": [], "claims": []})["claims"].append(c)
    for prop in sorted(groups, key=lambda q: (q == "", [int(x) for x in q.split(".")] if q else [])):
        g = groups[prop]
        out += [f"## {'Proposition ' + prop if prop else 'Other results'}", ""]
        for c in g["claims"]:
            v = next((x for x in data.verdicts if x.claim_id == c.id), None)
            out.append(f"- `{c.id}` ({md_escape(c.location)}): "
                       + (f"**{v.verdict}** — {md_escape(v.reason)}" if v else "*no verdict*"))
        if g["claims"]:
            out.append("")
        for d in g["der"]:
            out += _derivation(d)

    out += ["## Errata", ""]
    wrong = [v for v in data.verdicts if v.verdict != "confirmed"]
    right = [v for v in data.verdicts if v.verdict == "confirmed"]
    if wrong:
        out += ["Every claim symdln does not confirm: as printed, as derived, the verdict and its evidence.", "",
                "| Claim | As printed | Derived | Verdict | Evidence |", "|---|---|---|---|---|"]
        for v in wrong:
            c = data.claim(v.claim_id)
            printed = v.printed_latex or (c.printed if c else "")
            ev = "; ".join(f"**{e.kind}** ({'pass' if e.passed else 'FAIL'}): {md_escape(e.summary)}"
                           for e in v.evidence)
            if v.counterexample:
                ev += "; counterexample: " + md_escape(", ".join(f"{k}={x}" for k, x in v.counterexample.items()))
            if v.condition:
                ev += "; holds if: " + md_escape(v.condition)
            out.append(f"| `{v.claim_id}` {md_escape(v.location or (c.location if c else ''))} | "
                       f"{_formula_cell(printed)} | {_formula_cell(v.derived_latex)} | "
                       f"**{v.verdict}**: {md_escape(v.reason)} | {ev or '–'} |")
    else:
        out.append("*No claim was refuted, found conditional or left undecided.*")
    if right:
        out += ["", "### Confirmed claims", "", "| Claim | Location | Evidence |", "|---|---|---|"]
        for v in right:
            kinds = ", ".join(dict.fromkeys(e.kind for e in v.evidence)) or "–"
            out.append(f"| `{v.claim_id}` | {md_escape(v.location)} | {md_escape(kinds)}: {md_escape(v.reason)} |")
    out += ["", "## Monte Carlo checks", ""]
    rows = data.check_rows()
    if rows:
        thr = getattr(data.checks, "threshold_z", None)
        note = check_note(data.checks)
        out += [f"Threshold $|z| <$ {fmt_num(thr)}; overall: "
                f"{'passed' if getattr(data.checks, 'passed', False) else 'FAILED'}."
                + (f" {md_escape(note)}." if note else ""), "",
                "| Quantity | Network | n | Estimate | s.e. | Closed form | z | Pass |",
                "|---|---|---|---|---|---|---|---|"]
        for r in rows:
            out.append("| " + " | ".join([md_escape(str(row_get(r, "label", None) or row_get(r, "quantity", ""))),
                                           md_escape(str(row_get(r, "network", ""))), fmt_num(row_get(r, "n"), 6),
                                           fmt_num(row_get(r, "estimate")), fmt_num(row_get(r, "se"), 2),
                                           fmt_num(row_get(r, "closed_form")), fmt_num(row_get(r, "z"), 3),
                                           "yes" if row_get(r, "passed") else "**NO**"]) + " |")
    else:
        out.append("*No Monte Carlo checks available.*")
    out += ["", "## Figures", ""]
    for f in data.figures:
        out += [f"![{md_escape(f.caption)}]({figure_path(f)})", "", f"*{md_escape(f.caption)}*", ""]
    if not data.figures:
        out.append("*No figures.*")
    return "\n".join(out) + "\n"

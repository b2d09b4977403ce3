"""The verification report: built from a fixture (fast, exact content checks) and by the real command.

Compile tests need pdflatex (and pdftoppm for the page render); without them they are skipped
with that reason.
"""
import json
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from symdln.export import report as report_mod
from symdln.export.latex import CompileResult, parse_log
from symdln.export.model import FigureInfo, ReportData
from symdln.export.report import summary_table, write_report
from symdln.symbolic.result import Derivation, Step
from symdln.symbolic.symbols import L, beta, s, sigma_q, w, w_beta
from symdln.verdict import Claim, Evidence, Verdict

needs_tex = pytest.mark.skipif(shutil.which("pdflatex") is None, reason="no TeX engine (pdflatex) installed")
needs_render = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) not installed")
NASTY = "user text with 50% & a_b # $x$ {braces} \\backslash ~tilde ^caret"


@dataclass
class _Row:
    quantity: str
    network: str
    estimate: float
    se: float
    closed_form: float
    z: float
    passed: bool


@dataclass
class _Checks:
    rows: list
    threshold_z: float = 3.5
    passed: bool = True
    extra: dict = field(default_factory=dict)

    def to_json(self):
        return {"rows": [r.__dict__ for r in self.rows], "threshold_z": self.threshold_z, "passed": self.passed}


def drawn_once(draw):
    """Run ``draw(folder)`` once per test session in a private temporary folder (removed at exit) and return its
    result: the report tests only copy fixture figures into the reports they build, so one drawing serves all
    of them (each drawing is a matplotlib PNG + PDF save, ~0.1-0.2 s of CPU)."""
    import atexit
    import functools
    import tempfile

    @functools.cache
    def files():
        folder = Path(tempfile.mkdtemp(prefix="symdln-test-figure-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        return draw(folder)
    return files


@drawn_once
def _figure_files(tmp: Path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(3, 2))
    x = np.linspace(0, 1, 50)
    ax.plot(x, x ** 2)
    fig.savefig(tmp / "fixture-fig.png")
    fig.savefig(tmp / "fixture-fig.pdf")
    plt.close(fig)
    return tmp / "fixture-fig.png", tmp / "fixture-fig.pdf"


def _figure(tmp: Path) -> FigureInfo:
    """The fixture figure (drawn once per session; ``tmp`` is unused and kept for the callers)."""
    png, pdf = _figure_files()
    return FigureInfo("fixture-fig", "A fixture figure with " + NASTY, png, pdf)


def fixture_data(tmp: Path) -> ReportData:
    D = beta * L ** 2 * (2 * (s - w) ** 2 + sigma_q ** 2) * w ** (4 * (L - 1) / L)
    k = sp.Symbol("k", integer=True, positive=True)
    ito = (beta * L * (L - 1) / 2 * w ** ((3 * L - 4) / L) * (2 * (s - w) ** 2 + sigma_q ** 2)
           + beta * (s - w) * (1 - w_beta) * sp.Sum((L - k) * w ** ((2 * L - 2 * k - 2) / L)
                                                    * w_beta ** ((L + 2 * k - 2) / L), (k, 1, L - 1)))
    long_sum = sum(beta ** j * (s - w) ** j * w ** sp.Rational(j, 3) * sigma_q ** (2 * j) for j in range(1, 14))
    A = sp.MatrixSymbol("W_<l", 2, 2)
    B = sp.MatrixSymbol("W_>l", 2, 2)
    from sympy.matrices.expressions.kronecker import KroneckerProduct
    ders = [
        Derivation("diffusion_aligned", "Aligned diffusion " + NASTY, "D_alpha for aligned balanced weights.", D,
                   assumptions=("A1 balanced", "A2 aligned", NASTY), source="Prop. 3.5, Eq. (7); App. E",
                   steps=(Step("Contract the noise with K_a " + NASTY, sp.Eq(sp.Symbol("D"), D), "simplify == 0"),
                          Step("A very long intermediate sum", long_sum),
                          Step("A matrix", sp.Matrix([[w, s], [s, w]])),
                          Step("Jacobian", KroneckerProduct(A, B.T)),
                          Step("prose only")),
                   notes=("keeps every term",)),
        Derivation("ito_drift_aligned", "Aligned Ito drift", "Keeps a cross-mode term.", ito,
                   source="Prop. 3.5, Eq. (6)"),
        Derivation("gaussian_identity", "A Gaussian identity", "E[...]", sp.Integer(0), source="App. B"),
    ]
    claims = [
        Claim("eq.7", "Sec. 3, Prop. 3.5, Eq. (7)",
              r"D_{\alpha}(w_{\alpha})=\beta\,L^{2}\Big(2\,(s_{\alpha}-w_{\alpha})^{2}+\sigma_{q}^{2}\Big)\,"
              r"w_{\alpha}^{\frac{4(L-1)}{L}}", quantity="diffusion_aligned", expr=D, dimension="diffusion"),
        Claim("eq.6", "Sec. 3, Prop. 3.5, Eq. (6)",
              r"\mu_{\alpha}^{\rm Ito}(w_{\alpha})=\beta\,(s_{\alpha}-w_{\alpha})\,L(L-1)\,"
              r"w_{\alpha}^{\frac{2(L-2)}{L}}"
              r"\;+\;\beta\,L(L-1)\,w_{\alpha}^{\frac{2(L-2)}{L}}\;\sigma_{q}",
              quantity="ito_drift_aligned", expr=beta * (s - w) * L * (L - 1) * w ** (2 * (L - 2) / L),
              dimension="drift"),
        Claim("odd_macro", "Sec. 4, somewhere", r"\weirdmacro{x}_{1} + 50\% & y", kind="statement"),
    ]
    from symdln.export.notation import to_latex
    verdicts = [
        Verdict("eq.7", "confirmed", "symbolic difference simplifies to 0",
                (Evidence("symbolic", True, "difference is 0"),
                 Evidence("monte-carlo", True, "z = 0.4 at n = 10^5", {"z": 0.4})),
                printed_latex=claims[0].printed, derived_latex=to_latex(D), location=claims[0].location),
        Verdict("eq.6", "refuted", "misses a factor and fails dimensional homogeneity " + NASTY,
                (Evidence("dimension", False, "scales like c^1 not c^(1+2(L-1)/L)"),),
                printed_latex=claims[1].printed, derived_latex=to_latex(ito), location=claims[1].location,
                counterexample={"w": 0.5, "L": 2, "note": "a_b%"}),
        Verdict("odd_macro", "conditional", "holds if the layers are square", (), printed_latex=claims[2].printed,
                derived_latex=to_latex(long_sum), location=claims[2].location, condition="d_0 = d_L & #x"),
    ]
    checks = _Checks([_Row("D_alpha", "L=3 widths (3, 4, 5, 2) " + NASTY, 0.1234, 0.0011, 0.1229, 0.45, True),
                      _Row("ito_drift", "L=2", -0.5, 0.01, -0.49, -1.0, True)])
    return ReportData(derivations=ders, claims=claims, verdicts=verdicts, checks=checks, figures=[_figure(tmp / "fig")],
                      provenance={"symdln": "0.1.0", "numpy": np.__version__, "seed": 7, "note": NASTY},
                      command="symdln report --seed 7", seed=7)


@needs_tex
def test_fixture_report_compiles_cleanly_and_renders(tmp_path):
    data = fixture_data(tmp_path)
    out = tmp_path / "report"
    outcome = write_report(out, data=data)
    assert outcome.exit_code == 0, outcome.message + (outcome.latex.summary() if outcome.latex else "")
    for name in ("report.tex", "report.pdf", "report.md", "results.json", "figures/fixture-fig.png",
                 "figures/fixture-fig.pdf"):
        assert (out / name).is_file(), name
    log = (out / "report.log").read_text(errors="replace")
    errors, undefined, overfull = parse_log(log)
    assert not errors and not undefined
    assert not overfull, overfull  # long formulas and table cells must fit
    tex = (out / "report.tex").read_text()
    assert r"\begin{longtable}" in tex and r"\fitmath{" in tex
    assert r"\section{Proposition 3.5}" in tex
    assert r"\texttt{\textbackslash{}weirdmacro" in tex.replace(r"\allowbreak{}", "")  # unknown macro shown verbatim
    assert r"50\% \& a\_b \# \$x\$ \{braces\} \textbackslash{}backslash" in tex.replace(r"\allowbreak{}", "")
    assert r"\begin{aligned}" in tex  # the long sum was broken into lines
    res = json.loads((out / "results.json").read_text())
    assert [v["id"] for v in res["verdicts"]] == ["eq.7", "eq.6", "odd_macro"]
    assert res["verdict_counts"] == {"refuted": 1, "conditional": 1, "confirmed": 1}
    assert res["latex_build"]["ok"] and res["provenance"]["seed"] == 7
    assert res["checks"]["rows"][0]["z"] == 0.45
    md = (out / "report.md").read_text()
    assert "## Errata" in md and "$" in md and "![" in md and "`eq.6`" in md and r"\vecop" not in md
    assert not list(out.glob(".symdln-build-*")), "temporary build folder left behind"


# slow tier: test_report_front.py::test_pdf_first_page_shows_paper_and_errata_no_type3_fonts builds a report too and
# checks the same first page more strictly (text on it, not blank, not black); this one is the older, weaker form
@pytest.mark.slow
@needs_tex
@needs_render
def test_report_first_page_renders_non_blank(tmp_path):
    out = tmp_path / "report"
    assert write_report(out, data=fixture_data(tmp_path)).exit_code == 0
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(out / "report.pdf"),
                    str(tmp_path / "page")], check=True)
    png = next(tmp_path.glob("page*.png"))
    import matplotlib.image as mpimg
    img = mpimg.imread(png)
    assert img.var() > 0


def test_failed_latex_build_writes_nothing_and_keeps_previous(tmp_path, monkeypatch):
    out = tmp_path / "report"
    assert write_report(out, data=fixture_data(tmp_path), pdf=False).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    monkeypatch.setattr(report_mod, "tex_engine", lambda: "/bin/false")
    monkeypatch.setattr(report_mod, "compile_tex",
                        lambda tex: CompileResult(False, None, "", ["./report.tex:3: Undefined control sequence."],
                                                  engine="pdflatex", runs=1))
    outcome = write_report(out, data=fixture_data(tmp_path))
    assert outcome.exit_code == 1 and outcome.out_dir is None
    assert "LaTeX build failed" in outcome.message
    assert {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before  # previous report intact
    assert not list(out.glob(".symdln-build-*")), "temporary build folder left behind"


def test_no_pdf_writes_tex_md_json(tmp_path):
    out = tmp_path / "r"
    outcome = write_report(out, data=fixture_data(tmp_path), pdf=False)
    assert outcome.exit_code == 0 and outcome.latex is None
    assert (out / "report.tex").is_file() and (out / "report.md").is_file() and not (out / "report.pdf").exists()
    assert "latex_build" not in json.loads((out / "results.json").read_text())


def test_component_error_is_reported_and_exits_1(tmp_path):
    data = fixture_data(tmp_path)
    data.errors.append("verdicts: RuntimeError: boom")
    outcome = write_report(tmp_path / "r", data=data, pdf=False)
    assert outcome.exit_code == 1 and outcome.out_dir is not None
    assert "boom" in (tmp_path / "r" / "report.md").read_text()


def test_summary_table_lists_each_claim_once(tmp_path):
    text = summary_table(fixture_data(tmp_path))
    lines = text.splitlines()
    for cid, verdict in (("eq.7", "confirmed"), ("eq.6", "refuted"), ("odd_macro", "conditional")):
        assert sum(1 for x in lines if x.startswith(cid + " ") and verdict in x) == 1
    assert "claims: 3 (1 refuted, 1 conditional, 1 confirmed)" in text
    assert "monte-carlo checks: 2/2 passed" in text


def test_comparison_figure_from_claims(tmp_path):
    from symdln.export.figures import evaluate
    grid = np.linspace(0.1, 1.0, 5)
    D = beta * L ** 2 * (2 * (s - w) ** 2 + sigma_q ** 2) * w ** (4 * (L - 1) / L)
    y = evaluate(D, grid, 2)
    expected = 0.01 * 4 * (2 * (1 - grid) ** 2 + 0.09) * grid ** 2
    np.testing.assert_allclose(y, expected, rtol=1e-12)
    assert evaluate(D + sp.Symbol("unknown"), grid, 2) is None


def _report_components_available():
    from symdln.export.report import optional_module
    return all(optional_module(m, a) is not None for m, a in
               (("papers.corlouer2026", "claims"), ("verify", "verify_all"), ("verify.core_checks", "run_checks")))


@needs_tex
@pytest.mark.slow
@pytest.mark.skipif(not _report_components_available(), reason="claims/verify/core_checks not built yet")
def test_cli_report_fast_builds(tmp_path, capsys):
    """The real thing (slow: ~40 s of CPU for derivations, verdicts and Monte Carlo; CI also runs it
    as its own step).  The budget is on CPU time, which shared cores do not inflate."""
    from symdln.cli import main
    from symdln.commands.report import cpu_seconds
    c0 = cpu_seconds()
    rc = main(["report", "--fast", "--quiet", "--out", str(tmp_path / "rep"), "--results", str(tmp_path / "none")])
    cpu = cpu_seconds() - c0
    out = capsys.readouterr().out
    assert rc == 0, out
    assert (tmp_path / "rep" / "report.pdf").is_file()
    res = json.loads((tmp_path / "rep" / "results.json").read_text())
    assert res["verdicts"] and res["derivations"] and res["latex_build"]["ok"]
    assert not res["errors"] and not res["missing"]
    for v in res["verdicts"]:
        assert v["id"] in out
    assert cpu < 60, f"--fast report took {cpu:.0f} s of CPU"


def test_registry_figures_show_the_printed_vs_derived_gap(tmp_path):
    """On the real registries: the figures exist (PNG + PDF, non-blank) and the gap they plot is 0 for a
    claim the verifier confirms under the std reading (Eq. 7) and not 0 for a refuted one (Eq. 6)."""
    from symdln.export.report import optional_module
    paper = optional_module("papers.corlouer2026", "claims")
    if paper is None:
        pytest.skip("claims registry not built yet")
    from symdln.export.figures import make_figures
    figs = {f.name: f for f in make_figures(ReportData(claims=paper.claims()), tmp_path)}
    assert {"compare-diffusion-aligned", "compare-ito-drift-aligned", "stationary-density"} <= set(figs)
    import matplotlib.image as mpimg
    for f in figs.values():
        assert f.png.is_file() and f.pdf.is_file()
        assert mpimg.imread(f.png).var() > 0
    gap_D = figs["compare-diffusion-aligned"].data["max_relative_gap_printed_vs_derived"]
    assert all(g < 1e-12 for g in gap_D["eq.7"].values())
    assert all(g > 1e-3 for g in gap_D["eq.7 [sigma_q read as a variance]"].values())
    gap_mu = figs["compare-ito-drift-aligned"].data["max_relative_gap_printed_vs_derived"]
    assert all(g > 1e-2 for g in gap_mu["eq.6"].values())


def test_experiment_figures_are_collected_with_their_pdf(tmp_path):
    from symdln.export.figures import experiment_figures
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    res = tmp_path / "results"
    (res / "diffusion-peak").mkdir(parents=True)
    (res / "other_exp").mkdir()
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.plot([0, 1], [1, 0])
    fig.savefig(res / "diffusion-peak" / "diffusion-peak.png")
    fig.savefig(res / "diffusion-peak" / "diffusion-peak.pdf")
    fig.savefig(res / "other_exp" / "only_png.png")
    plt.close(fig)
    (res / "stray.png").write_bytes(b"not in an experiment folder")
    out = tmp_path / "figs"
    out.mkdir()
    figs = experiment_figures(res, out)
    assert [f.name for f in figs] == ["exp-diffusion-peak-diffusion-peak", "exp-other-exp-only-png"]
    assert figs[0].pdf is not None and figs[0].pdf.is_file() and figs[0].png.parent == out
    assert figs[1].pdf is None and figs[1].origin == "experiment:other_exp"
    assert "symdln experiment diffusion-peak" in figs[0].caption
    assert experiment_figures(tmp_path / "missing", out) == []
    # a PNG-only figure is included as PNG and the report still compiles
    if shutil.which("pdflatex"):
        data = fixture_data(tmp_path)
        data.figures.append(figs[1])
        outcome = write_report(tmp_path / "rep", data=data)
        assert outcome.exit_code == 0, outcome.latex.summary()
        assert "figures/exp-other-exp-only-png.png" in (tmp_path / "rep" / "report.tex").read_text()


@needs_tex
def test_real_latex_failure_is_loud_and_leaves_nothing(tmp_path, monkeypatch):
    """Mutation: a report whose LaTeX has an undefined reference (or control sequence) must not be
    written, and the exit code must be 1."""
    from symdln.export.document import render_tex
    for broken in (r"See Table~\ref{tab:nowhere}.", r"\undefinedcontrolsequence"):
        monkeypatch.setattr(report_mod, "render_tex",
                            lambda data, b=broken: render_tex(data).replace(r"\end{document}", b + "\n\\end{document}"))
        outcome = write_report(tmp_path / "r", data=fixture_data(tmp_path))
        assert outcome.exit_code == 1 and outcome.out_dir is None and not (tmp_path / "r").exists()
        assert outcome.latex.errors or outcome.latex.undefined
        assert not list(tmp_path.glob(".r.build-*"))

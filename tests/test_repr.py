"""Notebook displays: Verdict, Claim, Derivation and the report objects render as math/HTML in
Jupyter (``_repr_latex_`` / ``_repr_html_``); a Trajectory's repr is one short line, never its arrays."""
import numpy as np
import sympy as sp

from symdln.network import Teacher
from symdln.simulate.trajectory import Trajectory
from symdln.symbolic.result import Derivation, Step
from symdln.symbolic.symbols import L, beta, s, sigma_q, w
from symdln.verdict import Claim, Evidence, Verdict


def _verdict():
    return Verdict("eq.7", "refuted", "differs at exact point L=2 <b>",
                   (Evidence("exact", False, "differs at L=2 & w=1/2", {"reading": "std"}),),
                   printed_latex=r"D_{\alpha}=\beta L^{2}\sigma_q \label{eq:7}", derived_latex=r"D_{\alpha}=\beta L^{2}\sigma_{q}^{2}",
                   location="Sec. 3, Eq. (7)", level="reduction", severity="substantive")


def test_verdict_displays_printed_and_derived_as_math():
    v = _verdict()
    tex = v._repr_latex_()
    assert tex.startswith("$$") and tex.endswith("$$") and r"\longrightarrow" in tex
    assert r"\beta L^{2}\sigma_{q}^{2}" in tex and r"\label" not in tex
    page = v._repr_html_()
    assert "refuted" in page and "$$D_{\\alpha}=\\beta L^{2}\\sigma_{q}^{2}$$" in page
    assert "&lt;b&gt;" in page and "<b>\"" not in page  # the reason is escaped text
    assert "severity: substantive" in page and "reduction level" in page and "FAILS" in page


def test_claim_displays_its_printed_formula():
    c = Claim("eq.7", "Sec. 3, Eq. (7)", r"$D_{\alpha}=\beta L^{2}$", paper="corlouer2026")
    assert c._repr_latex_() == r"$$D_{\alpha}=\beta L^{2}$$"
    assert "corlouer2026:eq.7" in c._repr_html_() and "$$D_{\\alpha}=\\beta L^{2}$$" in c._repr_html_()


def test_derivation_displays_result_and_steps_with_paper_symbols():
    D = beta * L ** 2 * (2 * (s - w) ** 2 + sigma_q ** 2)
    d = Derivation("diffusion_aligned", "Aligned diffusion", "D for aligned weights.", D, source="Prop. 3.5",
                   steps=(Step("contract", sp.Eq(sp.Symbol("D"), D), "simplify == 0"), Step("prose only")))
    tex = d._repr_latex_()
    assert r"\sigma_{q}" in tex and r"s_{\alpha}" in tex and tex.startswith("$$")
    page = d._repr_html_()
    assert page.count("$$") == 4 and "<ol>" in page and "prose only" in page and "checked: simplify" in page
    assert repr(d) == "Derivation('diffusion_aligned': Aligned diffusion; 2 steps; Prop. 3.5)"
    assert Derivation("x", "t", "s", "prose")._repr_latex_() is None  # nothing to typeset: no math repr


def test_trajectory_repr_is_one_short_line():
    T, S = 50, 8
    layers = [np.zeros((T, S, 4, 3)), np.zeros((T, S, 2, 4))]
    teacher = Teacher(np.eye(2)[:, :1], np.array([1.0]), np.eye(3)[:, :1], 0.01 * np.eye(2))
    tr = Trajectory(np.linspace(0, 5, T), np.arange(T), layers, teacher, {"method": "sgd"})
    r = repr(tr)
    assert r == "Trajectory(L=2, widths=(3, 4, 2), S=8 trajectories, T=50 checkpoints, t in [0, 5], method='sgd')"
    assert "\n" not in r and "array" not in r


def test_report_objects_display_the_errata(tmp_path):
    from dataclasses import fields
    from symdln.export.report import Report, ReportOutcome
    from test_report_front import front_data
    plain = front_data(tmp_path)
    data = Report(**{f.name: getattr(plain, f.name) for f in fields(plain)})
    page = data._repr_html_()
    assert "Errata at a glance" in page and "2604.06366" in page and r"\(" in page
    assert repr(plain).startswith("ReportData(4 claims") and repr(data).startswith("Report(4 claims: 1 refuted, 2 conditional, 1 confirmed")
    out = ReportOutcome(data, tmp_path / "rep", None, 0, "")
    assert "written to" in out._repr_html_() and "Errata at a glance" in out._repr_html_()

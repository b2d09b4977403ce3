"""The report's first page, typeset prose, number formatting and fonts (issue: errata at a glance).

Fast tests build the LaTeX/Markdown/HTML text from a fixture; the compile tests need pdflatex,
pdftoppm/pdftotext/pdffonts (poppler-utils) and are skipped with that reason otherwise.
"""
import dataclasses
import re
import shutil
import subprocess

import numpy as np
import pytest

from symdln.export.blocks import build_blocks
from symdln.export.document import render_tex
from symdln.export.errata import decisive, errata_groups, evidence_items
from symdln.export.front import tt
from symdln.export.markdown import render_markdown
from symdln.export.model import FigureInfo, mc_numbers, num_tex
from symdln.export.prose import math_of, segments, to_tex
from symdln.export.report import write_report
from symdln.verdict import Evidence, Verdict
from test_report import drawn_once, fixture_data

needs_tex = pytest.mark.skipif(shutil.which("pdflatex") is None, reason="no TeX engine (pdflatex) installed")
needs_poppler = pytest.mark.skipif(any(shutil.which(t) is None for t in ("pdftoppm", "pdftotext", "pdffonts")),
                                   reason="poppler-utils (pdftoppm, pdftotext, pdffonts) not installed")


@drawn_once
def _styled_files(tmp):
    """A figure made the way symdln makes them (diagnostics.figures style: TrueType fonts), drawn once."""
    from symdln.diagnostics.figures import plt, save_figure
    P = plt()
    fig, ax = P.subplots(figsize=(4, 2.5))
    x = np.linspace(0, 1, 50)
    ax.plot(x, x ** 2, label="derived")
    ax.set_xlabel(r"mode amplitude $w_\alpha$")
    ax.set_ylabel(r"diffusion $D_\alpha$")
    ax.legend()
    save_figure(fig, tmp, "styled")
    return tmp / "styled.png", tmp / "styled.pdf"


def _styled_figure(tmp):
    png, pdf = _styled_files()
    return FigureInfo("styled", "A styled figure", png, pdf)


def front_data(tmp):
    """The shared fixture, attributed to the built-in paper, with severities and a figure made in symdln style."""
    data = fixture_data(tmp)
    sev = {"eq.6": "substantive", "odd_macro": None}
    data.verdicts = [dataclasses.replace(v, paper="corlouer2026", severity=sev.get(v.claim_id), level="reduction")
                     for v in data.verdicts]
    data.verdicts.append(Verdict(
        "eq.8", "conditional", "holds for the std reading; fails otherwise (variance: refuted)",
        (Evidence("symbolic", True, "simplify(printed - derived) == 0 for symbolic L", {"reading": "std"}),
         Evidence("exact", False, "differs at exact point L=1, b=7, eta=13/100", {"reading": "variance"})),
        printed_latex=r"a\Longleftrightarrow b", location="Sec. 4, Eq. (8)", paper="corlouer2026",
        severity="notation", level="network",
        counterexample={"point": {"L": "1", "b": "7", "eta": "13/100", "sigma_q": "1/10"},
                        "printed_value": 0.00025, "derived_value": 0.0042, "reading": "variance"}))
    data.figures = [_styled_figure(tmp / "fig")]
    data.command = "symdln report --fast --seed 7"
    return data


def test_errata_grouped_by_severity_substantive_first_unclassified_last(tmp_path):
    groups = errata_groups(front_data(tmp_path))
    assert [g for g, _ in groups] == ["substantive", "notation", "unclassified"]
    assert [e.id for e in groups[0][1]] == ["eq.6"] and [e.id for e in groups[-1][1]] == ["odd_macro"]
    # mutation: without severities every claim is "unclassified" (the code works before they are filled)
    data = front_data(tmp_path)
    data.verdicts = [dataclasses.replace(v, severity=None) for v in data.verdicts]
    assert [g for g, _ in errata_groups(data)] == ["unclassified"]


def test_first_page_source_names_paper_and_opens_with_errata(tmp_path):
    tex = render_tex(front_data(tmp_path))
    body = tex.split(r"\begin{document}", 1)[1]
    first = body.split(r"\clearpage", 1)[0]
    assert "Stochastic Gradient Descent in the Saddle-to-Saddle Regime" in first and "2604.06366" in first
    assert "Corlouer" in first and "What was checked" in first and r"\label{tab:errata}" in first
    assert first.index("Substantive") < first.index("Notation") < first.index("Unclassified")
    assert "reduction level" in first and "network level" in first
    assert r"\Longleftrightarrow" in first and r"\textbackslash{}Longleftrightarrow" not in first
    assert r"\tableofcontents" not in first  # the contents come after the errata
    assert r"\usepackage{lmodern}" in tex and r"\usepackage[T1]{fontenc}" in tex
    assert r"\resizebox" not in tex


def test_reproduce_line_keeps_two_hyphens():
    assert tt("symdln report --fast --seed 7") == r"\texttt{symdln report -{}-{}fast -{}-{}seed 7}"
    assert "--" not in tt("--seed").replace("-{}", "")


def test_prose_is_typeset_without_python_or_numpy_text():
    cases = {
        "W_{<l}^T kron W_{>l}": r"W_{<l}^{\top} \otimes W_{>l}",
        "mu(s) = L*eta*s**((3*L - 4)/L)": r"\mu(s) = L\,\eta\,s^{(3\,L - 4)/L}",
        "sigma_q**2": r"\sigma_{q}^{2}",
        "d_(l-1)": r"d_{l-1}",
        "0.0127 +- 8.8e-05": r"0.0127 \pm 8.8\times 10^{-5}",
        "gf_time_to_learn = 1": r"\mathtt{gf\_time\_to\_learn} = 1",  # an identifier, never a double subscript
    }
    for src, want in cases.items():
        assert math_of(src) == want, src
    text = ("ill-formed as printed (operands could not be broadcast together with shapes (15,15) (6,6) ); "
            "holds if J_l = W_{<l}^T kron W_{>l}; at L=2 scales like c^(3 - 2/L); diff 1.07e-05")
    tex = to_tex(text)
    for raw in ("operands could not", "broadcast", "**", "kron", "^T", "(15,15)", "e-05"):
        assert raw not in tex, raw
    assert r"$15\times 15$" in tex and r"$c^{3 - 2/L}$" in tex and r"10^{-5}" in tex
    # mutation: an unbalanced formula-like word stays text (the LaTeX must still compile)
    assert math_of("x^{(") is None
    assert all(k == "text" for k, _ in segments("plain words only"))


def test_decisive_evidence_and_reading_labels(tmp_path):
    data = front_data(tmp_path)
    v = next(x for x in data.verdicts if x.claim_id == "eq.8")
    dec = decisive(v)
    math = " ".join(s for k, s in dec if k == "math")
    assert r"\eta=\frac{13}{100}" in math and r"\sigma_{q}=\frac{1}{10}" in math
    assert any("read as a variance" in s for k, s in dec if k == "text")
    labels = ["".join(s for _, s in lab) for lab, _ in evidence_items(v)]
    assert labels == [r"\sigma_{q} read as a standard deviation", r"\sigma_{q} read as a variance"]


def test_monte_carlo_numbers_zero_and_standard_error():
    row = {"estimate": 0.00312, "se": 0.0029, "closed_form": -1.388e-18, "z": 1.07}
    m = mc_numbers(row)
    assert m["closed_form"] == "0"
    assert m["estimate"] == "0.0031" and m["se"] == "0.0029"  # the estimate to the precision its SE supports
    assert mc_numbers({**row, "estimate": 3.1e-5, "se": 2.9e-5})["estimate"] == r"3.1\times 10^{-5}"
    # mutation: a closed form that is small but far above round-off is not zeroed
    assert mc_numbers({**row, "closed_form": 1e-4})["closed_form"] == r"1.000\times 10^{-4}"
    assert num_tex(0.0) == "0" and num_tex(12.5) == "12.5"


def test_markdown_has_the_pdf_structure(tmp_path):
    data = front_data(tmp_path)
    md = render_markdown(data)
    heads = [line for line in md.splitlines() if line.startswith("#")]
    assert heads[0] == "# Errata and verification report" and heads[1] == "## Errata at a glance"
    assert heads[2].startswith("### Substantive") and "2604.06366" in md
    order = ["## Errata at a glance", "## How to reproduce", "## Summary", "## Evidence for the errata",
             "## Confirmed claims", "## Monte Carlo checks", "## Figures"]
    assert [md.index(h) for h in order] == sorted(md.index(h) for h in order)
    assert r"\vecop" not in md and "**" not in md.replace("**What was checked.**", "").split("## Summary")[0] \
        .replace("**refuted**", "").replace("**conditional**", "").replace("**confirmed**", "")
    kinds = {b[0] for b in build_blocks(data)}
    assert {"h", "p", "errata", "table", "img"} <= kinds


@needs_tex
@needs_poppler
def test_pdf_first_page_shows_paper_and_errata_no_type3_fonts(tmp_path):
    out = tmp_path / "report"
    outcome = write_report(out, data=front_data(tmp_path))
    assert outcome.exit_code == 0, outcome.latex.summary() if outcome.latex else outcome.message
    for name in ("report.pdf", "report.md", "report.html", "results.json", "katex/katex.min.js"):
        assert (out / name).is_file(), name
    page1 = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", str(out / "report.pdf"), "-"],
                           stdout=subprocess.PIPE, check=True).stdout.decode()
    assert "Errata and verification report" in page1 and "2604.06366" in page1
    assert "Errata at a glance" in page1 and "eq.6" in page1 and "Substantive" in page1
    assert "--seed" in page1  # two hyphens, not an en-dash
    fonts = subprocess.run(["pdffonts", str(out / "report.pdf")], stdout=subprocess.PIPE, check=True).stdout.decode()
    assert "Type 3" not in fonts, fonts
    subprocess.run(["pdftoppm", "-png", "-r", "30", "-f", "1", "-l", "1", str(out / "report.pdf"),
                    str(tmp_path / "page")], check=True)
    import matplotlib.image as mpimg
    img = mpimg.imread(next(tmp_path.glob("page*.png")))
    dark = (img[..., :3].mean(axis=2) < 0.5).mean()
    assert 0.005 < dark < 0.5, dark  # text on the page, not blank and not black


@pytest.mark.slow
@needs_tex
@needs_poppler
def test_real_report_fast_writes_every_format_without_type3_fonts(tmp_path):
    out = tmp_path / "rep"
    outcome = write_report(out, fast=True, seed=0, quiet=True, results_dir=tmp_path / "none")
    assert outcome.exit_code == 0, outcome.message
    for name in ("report.pdf", "report.md", "report.html", "results.json"):
        assert (out / name).stat().st_size > 1000, name
    fonts = subprocess.run(["pdffonts", str(out / "report.pdf")], stdout=subprocess.PIPE, check=True).stdout.decode()
    assert "Type 3" not in fonts, fonts
    page1 = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(out / "report.pdf"), "-"],
                           stdout=subprocess.PIPE, check=True).stdout.decode()
    assert "Corlouer" in page1 and "Errata at a glance" in page1
    tex = (out / "report.tex").read_text()
    assert not re.search(r"operands could not be broadcast|input array dimensions|\*\*\d", tex)


def test_formula_too_wide_to_read_is_replaced_not_shrunk():
    from symdln.export.latex import fit_math
    assert fit_math("a + b") == r"\fitmath{a + b}"
    huge = " + ".join(f"x_{{{i}}}" for i in range(3000))  # one line ~9000 symbols: overflowed TeX's dimensions
    note = fit_math(huge)
    assert r"\fitmath" not in note and "results.json" in note
    # the limit is per line: the same symbols stacked in short lines are typeset
    stacked = r"\\ ".join(" + ".join(f"x_{{{i}}}" for i in range(k, k + 20)) for k in range(0, 200, 20))
    assert fit_math(stacked).startswith(r"\fitmath{")


def test_long_code_names_may_break_in_latex_but_stay_whole_in_markdown():
    """A long name in inline math (``per_sample_gradients``) overfilled a report line by 21 pt: in LaTeX it may
    now break after each underscore; Markdown keeps it whole (not every renderer knows ``\\allowbreak``)."""
    from symdln.export.prose import to_md, to_tex
    text = "matches per_sample_gradients (max rel. diff 3e-16)"
    assert r"$\mathtt{per\_}\allowbreak \mathtt{sample\_}\allowbreak \mathtt{gradients}$" in to_tex(text)
    assert r"$\mathtt{per\_sample\_gradients}$" in to_md(text, escape=lambda s: s)
    assert r"\allowbreak" not in to_tex("x_1 + y")          # subscripts are not names: untouched
    assert r"(3,\allowbreak 3,\allowbreak 3)" in to_tex("generic (3, 3, 3): matches")

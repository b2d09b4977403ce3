"""LaTeX export: notation, escaping, printed-formula sanitising, snippets that compile, the TeX log checker.

The compile tests need pdflatex; without it they are skipped with that reason.
"""
import re
import shutil
import subprocess

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy.matrices.expressions.kronecker import KroneckerProduct

from symdln.cli import main
from symdln.export.latex import compile_tex, escape, parse_log, printed_math
from symdln.export.notation import MACROS, macro_preamble, split_long, to_latex
from symdln.symbolic.symbols import L, beta, s, sigma_q, w

needs_tex = pytest.mark.skipif(shutil.which("pdflatex") is None, reason="no TeX engine (pdflatex) installed")
SPECIALS = "_%&#${}\\~^"


def _unescape(tex: str) -> str:
    """Reference decoder for :func:`escape` (inverse on ASCII input)."""
    table = [(r"\textbackslash{}", "\\"), (r"\textasciitilde{}", "~"), (r"\textasciicircum{}", "^"),
             (r"\textless{}", "<"), (r"\textgreater{}", ">"), (r"\textbar{}", "|")]
    out, i = [], 0
    while i < len(tex):
        for k, v in table:
            if tex.startswith(k, i):
                out.append(v)
                i += len(k)
                break
        else:
            if tex[i] == "\\" and i + 1 < len(tex) and tex[i + 1] in "&%$#_{}":
                out.append(tex[i + 1])
                i += 2
            else:
                out.append(tex[i])
                i += 1
    return "".join(out)


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list(SPECIALS + "<>| abcXYZ019.-")), max_size=40))
def test_escape_round_trips_and_leaves_no_active_character(text):
    tex = escape(text)
    assert _unescape(tex) == text
    # outside the escape sequences we emit, no character that TeX treats specially may remain
    bare = re.sub(r"\\(?:textbackslash|textasciitilde|textasciicircum|textless|textgreater|textbar)\{\}"
                  r"|\\[&%$#_{}]", "", tex)
    assert not set(bare) & set(SPECIALS)


def test_escape_mutation_is_caught_by_the_round_trip():
    # a deliberately broken escaper (forgets '%') must fail the same property
    def bad(t):
        return escape(t.replace("%", "PCT")).replace("PCT", "%")
    tex = bad("50% of a_b")
    bare = re.sub(r"\\[&%$#_{}]", "", tex)
    assert "%" in bare


def test_notation_uses_the_symbol_table_and_paper_operators():
    D = beta * L ** 2 * (2 * (s - w) ** 2 + sigma_q ** 2) * w ** (4 * (L - 1) / L)
    tex = to_latex(D)
    assert r"w_{\alpha}" in tex and r"s_{\alpha}" in tex and r"\sigma_{q}" in tex and r"\beta" in tex
    A = sp.MatrixSymbol("W_<l", 3, 3)
    B = sp.MatrixSymbol("W_>l", 3, 3)
    Delta = sp.MatrixSymbol("Delta", 3, 3)
    assert to_latex(KroneckerProduct(A, B.T)) == r"W_{<l} \otimes W_{>l}^{\top}"
    vec = sp.Function("vec")
    assert to_latex(vec(Delta)) == r"\vecop\left(\Delta\right)"
    assert to_latex(sp.Trace(Delta * B)).startswith(r"\trop\left(")
    assert to_latex(sp.MatrixSymbol("W_gt_l", 2, 2)) == "W_{>l}"
    assert to_latex(sp.MatrixSymbol("W_l-1:m+1", 2, 2)) == "W_{l-1:m+1}"
    assert to_latex(sp.Transpose(A * B)) == r"\left(W_{<l} W_{>l}\right)^{\top}"
    assert to_latex((A * B).T) == r"W_{>l}^{\top} W_{<l}^{\top}"
    with pytest.raises(TypeError):
        to_latex("a string is text, not a formula")


def test_every_emitted_macro_is_defined_in_the_preamble():
    pre = macro_preamble()
    for name in MACROS:
        assert r"\providecommand{\%s}" % name in pre


def test_split_long_breaks_long_sums_only():
    short = s - w
    assert split_long(short) == [to_latex(short)]
    long = sum(beta * (s - w) ** j * w ** (sp.Rational(2 * j, 3)) * sigma_q ** j for j in range(1, 12))
    lines = split_long(sp.Eq(sp.Symbol("mu"), long), width=80)
    assert len(lines) > 1
    assert lines[0].startswith(r"\mu = ")
    assert all(len(x) < 80 + 60 for x in lines)


def test_printed_math_sanitising():
    ok, is_math = printed_math(r"D_{\alpha}(w_{\alpha})=\beta\,L^{2}"
                               r"\Big(2\,(s_{\alpha}-w_{\alpha})^{2}+\sigma_{q}^{2}\Big)")
    assert is_math and ok.startswith("D_")
    tex, is_math = printed_math(r"\mycustommacro{x} + 1")
    assert not is_math and r"\texttt" in tex and r"\textbackslash{}mycustommacro" in tex
    tex, is_math = printed_math(r"\frac{a}{b")  # unbalanced braces
    assert not is_math
    tex, is_math = printed_math(r"a &= b \\ c &= d \label{eq:x}")
    assert is_math and tex.startswith(r"\begin{aligned}") and r"\label" not in tex


@needs_tex
def test_log_checker_rejects_errors_and_undefined_references(tmp_path):
    good = tmp_path / "good.tex"
    good.write_text("\\documentclass{article}\\begin{document}\\section{A}\\label{a} See \\ref{a}.\\end{document}\n")
    assert compile_tex(good).ok
    # mutation 1: an undefined reference must fail the build
    undef = tmp_path / "undef.tex"
    undef.write_text("\\documentclass{article}\\begin{document}See \\ref{nowhere}.\\end{document}\n")
    res = compile_tex(undef)
    assert not res.ok and res.undefined
    # mutation 2: an unescaped special character must fail the build
    bad = tmp_path / "bad.tex"
    bad.write_text("\\documentclass{article}\\begin{document}a_b and x^2\\end{document}\n")
    res = compile_tex(bad)
    assert not res.ok and res.errors


def test_parse_log_reads_errors_undefined_and_overfull():
    log = ("./r.tex:12: Undefined control sequence.\nl.12 \\foo\n"
           "LaTeX Warning: Reference `x' on page 1 undefined on input line 3.\n"
           "Overfull \\hbox (25.3pt too wide) in paragraph at lines 4--5\n")
    errors, undef, overfull = parse_log(log)
    assert len(errors) == 1 and "Undefined control sequence" in errors[0]
    assert undef and overfull


@needs_tex
def test_escaped_text_compiles_and_survives_to_the_pdf(tmp_path):
    text = "user text: 50% of a_b & c # $5 {x} \\path ~tilde ^hat <less> |bar|"
    tex = tmp_path / "esc.tex"
    tex.write_text("\\documentclass{article}\\usepackage[T1]{fontenc}\\begin{document}\n"
                   + escape(text) + "\n\\end{document}\n")
    res = compile_tex(tex)
    assert res.ok, res.summary()
    if shutil.which("pdftotext"):
        out = subprocess.run(["pdftotext", str(res.pdf), "-"], stdout=subprocess.PIPE).stdout.decode()
        squash = lambda x: re.sub(r"\s+", "", x)  # noqa: E731
        assert squash(text) in squash(out)


def _all_snippets(with_verdict):
    from symdln.export.snippets import known_ids, quantity_snippet, snippet
    from symdln.papers.corlouer2026 import get
    quantities, claims = known_ids()
    out = []
    for q in quantities:
        for display in (True, False):
            try:
                out.append((q, quantity_snippet(q, display=display)))
            except ValueError as exc:  # a derivation whose result is prose has nothing to typeset
                assert "no formula" in str(exc)
    for c in claims:
        out.append((c, snippet(c, display=True, with_verdict=with_verdict)))
        math, is_math = printed_math(get(c).printed)  # the paper's own formula, as the report shows it
        out.append((c + " as printed", f"$\\displaystyle {math}$" if is_math else math))
    return out


def _compile_snippets(tmp_path, with_verdict):
    snippets = _all_snippets(with_verdict)
    assert snippets, "the registries are empty"
    body = "\n".join(f"\\section*{{{escape(i)}}}\n{s}\n\\par" for i, s in snippets)
    tex = tmp_path / "snippets.tex"
    tex.write_text("\\documentclass{article}\n" + macro_preamble() + "\\begin{document}\n" + body
                   + "\n\\end{document}\n")
    res = compile_tex(tex)
    assert res.ok, res.summary()


@needs_tex
def test_every_quantity_and_claim_snippet_compiles(tmp_path):
    """Formulas of every quantity and every claim (derived and as printed); verdict comments omitted."""
    _compile_snippets(tmp_path, with_verdict=False)


@needs_tex
@pytest.mark.slow
def test_every_claim_snippet_with_its_verdict_compiles(tmp_path):
    _compile_snippets(tmp_path, with_verdict=True)


def test_latex_command_unknown_id_exits_2(capsys):
    assert main(["latex", "no-such-quantity-or-claim"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown quantity or claim" in err


def test_latex_command_prints_macros_and_a_snippet(capsys):
    from symdln.export.snippets import known_ids
    assert main(["latex", "--macros"]) == 0
    assert r"\providecommand{\vecop}" in capsys.readouterr().out
    quantities, _ = known_ids()
    q = quantities[0]
    assert main(["latex", q, "--inline"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("% symdln:") and "$" in out

"""The paper's notation: every formula symdln typesets goes through :func:`to_latex`.

``to_latex(expr)`` is ``sympy.latex(expr, symbol_names=latex_names())`` (the symbol table of
:mod:`symdln.symbolic.symbols`) with a few printer overrides so the output reads like the paper
(arXiv 2604.06366, Secs. 3-5):

* transposes print as ``^{\\top}`` and Kronecker products as ``\\otimes`` (Prop. 3.1-3.2);
* ``vec`` (an undefined function named ``vec``) prints as ``\\vecop(\\cdot)``, ``tr`` and
  :class:`sympy.Trace` as ``\\trop(\\cdot)``;
* matrix symbols named ``W_>l`` / ``W_<l`` / ``W_gt_l`` / ``W_lt_l`` print as the partial
  products ``W_{>l}`` / ``W_{<l}``, and ``W_l-1:m+1`` as ``W_{l-1:m+1}`` (Prop. 3.4).

The macros the output relies on are in :data:`MACROS` (``symdln latex --macros`` prints them).
No formula is ever written by hand: strings only enter as *text* (escaped by
:func:`symdln.export.latex.escape`).  This is the one LaTeX printer of symdln; it lives in the lowest layer
so that the engine's ``derived_latex``, the exporters and the report all use it
(:mod:`symdln.export.notation` re-exports it and adds dicts of named parts).
"""
from __future__ import annotations

import re
from typing import Any

import sympy as sp
from sympy.printing.latex import LatexPrinter

from .._validation import to_sympy
from .symbols import latex_names

__all__ = ["MACROS", "PACKAGES", "NotationPrinter", "to_latex", "macro_preamble", "split_long"]

#: packages the snippets need (the report adds layout packages of its own)
PACKAGES = ("amsmath", "amssymb")

#: macro name -> definition; every macro :class:`NotationPrinter` emits is defined here
MACROS: dict[str, str] = {
    "vecop": r"\operatorname{vec}",
    "trop": r"\operatorname{tr}",
}

_PARTIAL = re.compile(r"^([A-Za-z]+)_(?:\{)?(>|<|gt_|lt_)(\w+)(?:\})?$")
_RANGE = re.compile(r"^([A-Za-z]+)_(?:\{)?([\w+\-]+:[\w+\-]+)(?:\})?$")


class NotationPrinter(LatexPrinter):
    """SymPy's LaTeX printer with the paper's notation (see the module docstring)."""

    def __init__(self, settings: dict | None = None):
        merged = {"symbol_names": latex_names()}
        merged.update(settings or {})
        super().__init__(merged)

    # -- matrices -------------------------------------------------------------------------------
    def _print_Transpose(self, expr):
        arg = expr.arg
        inner = self._print(arg)
        if not isinstance(arg, (sp.MatrixSymbol, sp.Symbol)):
            inner = r"\left(%s\right)" % inner
        return r"%s^{\top}" % inner

    def _print_MatMul(self, expr):
        # SymPy drops the parentheses of a Kronecker factor after a -1 coefficient: -(A (x) B) c
        coeff, rest = expr.as_coeff_mmul()
        if coeff == -1 and any(isinstance(a, sp.KroneckerProduct) for a in rest.args) and len(rest.args) > 1:
            return "- " + super()._print_MatMul(sp.MatMul(*rest.args))
        return super()._print_MatMul(expr)

    def _print_KroneckerProduct(self, expr):
        parts = []
        for a in expr.args:
            s = self._print(a)
            if isinstance(a, (sp.MatAdd, sp.Add)):
                s = r"\left(%s\right)" % s
            parts.append(s)
        return r" \otimes ".join(parts)

    def _print_MatrixSymbol(self, expr):
        name = str(expr.name)
        m = _PARTIAL.match(name)
        if m:
            base, rel, idx = m.groups()
            rel = {">": ">", "<": "<", "gt_": ">", "lt_": "<"}[rel]
            return "%s_{%s%s}" % (base, rel, idx)
        m = _RANGE.match(name)
        if m:
            return "%s_{%s}" % m.groups()
        return super()._print_MatrixSymbol(expr)

    def _print_Trace(self, expr):
        return r"\trop\left(%s\right)" % self._print(expr.arg)

    # -- operators written as undefined functions ----------------------------------------------
    def _print_Function(self, expr, exp=None):
        name = type(expr).__name__
        macro = {"vec": r"\vecop", "tr": r"\trop", "Tr": r"\trop"}.get(name)
        if macro is None:
            return super()._print_Function(expr, exp)
        out = r"%s\left(%s\right)" % (macro, ", ".join(self._print(a) for a in expr.args))
        return out if exp is None else r"%s^{%s}" % (out, exp)


def to_latex(expr: Any, **settings) -> str:
    """LaTeX (math mode, no delimiters) for a SymPy object in the paper's notation.

    Accepts an ``Expr``, ``Eq`` or relation, ``Matrix``, matrix expression, a number, or a list/tuple of
    them (joined by ``\\quad``).  Text is refused: it is escaped, never typeset as a formula.
    """
    if isinstance(expr, (list, tuple)):
        return r",\quad ".join(to_latex(v, **settings) for v in expr)
    if isinstance(expr, (str, dict)):
        raise TypeError("to_latex typesets SymPy objects only; escape text with symdln.export.latex.escape")
    return NotationPrinter(settings).doprint(to_sympy("expr", expr) if isinstance(expr, (int, float)) else expr)


def split_long(expr: Any, width: int = 110) -> list[str]:
    """Break a long formula into display lines at top-level ``+`` (of an ``Add``, or of the
    right-hand side of an ``Eq``); each line is LaTeX.  Short formulas give one line.

    The report stacks these lines in an ``aligned`` block, so long sums do not overflow.
    """
    whole = to_latex(expr)
    if len(whole) <= width:
        return [whole]
    if isinstance(expr, sp.Equality):
        lhs, rhs = to_latex(expr.lhs), expr.rhs
        prefix = lhs + " = "
    else:
        rhs, prefix = expr, ""
    if not isinstance(rhs, sp.Add):
        return [whole]
    printer = NotationPrinter()
    terms = [printer._print(t) for t in printer._as_ordered_terms(rhs, order=None)]
    lines, cur = [], prefix
    for i, term in enumerate(terms):
        piece = term if i == 0 else (term if term.startswith("-") else "+ " + term)
        if i > 0 and len(cur) + len(piece) > width:
            lines.append(cur)
            cur = "\\quad " + piece
        else:
            cur = (cur + " " + piece) if cur else piece
    lines.append(cur)
    return lines


def macro_preamble(packages: bool = True) -> str:
    """The ``\\usepackage`` lines and ``\\newcommand`` definitions the snippets rely on."""
    lines = [r"\usepackage{%s}" % ",".join(PACKAGES)] if packages else []
    for name, body in MACROS.items():
        lines.append(r"\providecommand{\%s}{%s}" % (name, body))
    return "\n".join(lines) + "\n"

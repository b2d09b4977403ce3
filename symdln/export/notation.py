"""The paper's notation for the exporters: the one printer of :mod:`symdln.symbolic.notation`, plus dicts of
named parts (printed as ``name: formula`` pairs separated by ``\\quad``, names set in ``\\text{}``)."""
from __future__ import annotations

from typing import Any

from ..symbolic.notation import MACROS, PACKAGES, NotationPrinter, macro_preamble, split_long
from ..symbolic.notation import to_latex as _to_latex
from .tex_text import escape

__all__ = ["MACROS", "PACKAGES", "NotationPrinter", "to_latex", "typesettable", "macro_preamble", "split_long"]


def to_latex(expr: Any, **settings) -> str:
    """:func:`symdln.symbolic.notation.to_latex`, also for a ``dict`` of named parts."""
    if isinstance(expr, dict):
        return r",\quad ".join(r"\text{%s}:\ %s" % (escape(str(k)), to_latex(v, **settings))
                               for k, v in expr.items())
    return _to_latex(expr, **settings)


def typesettable(expr: Any) -> bool:
    """Whether :func:`to_latex` has a formula to print: a SymPy object or number, or a non-empty ``dict`` of them
    (a derivation whose result is prose, ``None`` or text is not)."""
    import sympy as sp
    if expr is None or isinstance(expr, str):
        return False
    if isinstance(expr, dict):
        return bool(expr) and all(typesettable(v) for v in expr.values())
    return isinstance(expr, (sp.Basic, sp.MatrixBase, int, float))

"""Symbolic evidence: fetch and normalise a derived quantity, compare it with a printed transcription.

The comparison is ``simplify(printed - derived) == 0`` with the declared assumptions (positive symbols,
integer ``L >= 1``): first for symbolic ``L``, then for ``L = 1..6`` explicitly.  ``beta`` is rewritten as
``eta/b`` on both sides (Prop. 3.5 defines ``beta := eta/b``), so a derivation may use either.
"""
from __future__ import annotations

import sympy as sp

from .._validation import to_sympy
from ..checkkit import derived_expr, normalize, reading_variants
from ..symbolic.symbols import L, w
from ..verdict import Evidence

__all__ = ["normalize", "derived_expr", "reading_variants", "compare", "L_VALUES"]

L_VALUES = (1, 2, 3, 4, 5, 6)


def _is_zero(e) -> bool | None:
    try:
        z = sp.simplify(e)
    except Exception:  # pragma: no cover - sympy internals
        return None
    if z == 0:
        return True
    try:
        z2 = sp.simplify(sp.powsimp(sp.expand(sp.powdenest(z, force=True)), force=True))
    except Exception:  # pragma: no cover
        return None
    return True if z2 == 0 else None


def _equation_ratio(printed, derived):
    """For equations ``printed = 0`` vs ``derived = 0``: equivalent iff the ratio is a nonzero constant in w."""
    r = sp.simplify(printed / derived)
    return r, (_is_zero(sp.diff(r, w)) is True and r != 0)


def compare(printed, derived, *, equation: bool = False, fixed=None) -> tuple[str, Evidence]:
    """``("equal" | "unknown", Evidence)``: symbolic comparison for symbolic L, then L = 1..6.

    ``"unknown"`` means simplify could not prove the difference zero; the point checks decide."""
    fixed = fixed or {}
    p, d = to_sympy("printed", printed).subs(fixed), to_sympy("derived", derived).subs(fixed)
    if equation:
        r, ok = _equation_ratio(p, d)
        if ok:
            return "equal", Evidence("symbolic", True, f"equivalent equations: printed = ({sp.sstr(r)}) * derived",
                                     {"ratio": sp.sstr(r)})
        per_L = {}
        for k in L_VALUES if L in (p.free_symbols | d.free_symbols) else ():
            try:
                per_L[k] = _equation_ratio(p.subs(L, k), d.subs(L, k))[1]
            except ZeroDivisionError:
                per_L[k] = False
        if per_L and all(per_L.values()):
            return "equal", Evidence("symbolic", True, "equivalent equations for L = 1..6", {"per_L": per_L})
        return "unknown", Evidence("symbolic", False, "simplify could not show the equations equivalent",
                                   {"per_L": per_L, "scope": "inconclusive"})
    diff = p - d
    if _is_zero(diff):
        return "equal", Evidence("symbolic", True, "simplify(printed - derived) == 0 for symbolic L", {})
    if L in diff.free_symbols:
        per_L = {}
        for k in L_VALUES:                       # stop at the first depth where simplify cannot show 0
            per_L[k] = bool(_is_zero(diff.subs(L, k)))
            if not per_L[k]:
                break
        if len(per_L) == len(L_VALUES) and all(per_L.values()):
            return "equal", Evidence("symbolic", True, "simplify(printed - derived) == 0 for L = 1..6",
                                     {"per_L": per_L})
        return "unknown", Evidence("symbolic", False,
                                   f"difference not simplified to 0 (first depth not shown zero: L = "
                                   f"{next(k for k, v in per_L.items() if not v)})",
                                   {"per_L": per_L, "scope": "inconclusive"})
    return "unknown", Evidence("symbolic", False, "difference not simplified to 0", {"scope": "inconclusive"})

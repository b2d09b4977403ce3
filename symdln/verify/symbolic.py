"""Symbolic evidence: fetch and normalise a derived quantity, compare it with a printed transcription.

The comparison is ``simplify(printed - derived) == 0`` with the declared assumptions (positive symbols,
integer ``L >= 1``): first for symbolic ``L``, then for ``L = 1..6`` explicitly.  ``beta`` is rewritten as
``eta/b`` on both sides (Prop. 3.5 defines ``beta := eta/b``), so a derivation may use either.

Speed: a difference that is nonzero at an exact rational point of its domain cannot simplify to 0, so it is
reported "not simplified to 0" without running ``simplify`` (the evidence is the same, the cost ms instead
of seconds); ``simplify`` is memoised per process (:mod:`symdln.symbolic._simp`).
"""
from __future__ import annotations

import sympy as sp

from .._validation import to_sympy
from ..checkkit import derived_expr, normalize, reading_variants
from ..symbolic._simp import simplify
from ..symbolic.symbols import L, w
from ..verdict import Evidence

__all__ = ["normalize", "derived_expr", "reading_variants", "compare", "L_VALUES"]

L_VALUES = (1, 2, 3, 4, 5, 6)


def _assumptions_hold(x, v) -> bool:
    """Whether the number ``v`` satisfies every assumption declared on the symbol ``x`` (positive, integer, ...)."""
    return all(getattr(v, f"is_{k}", None) is flag for k, flag in x.assumptions0.items())


def _certainly_nonzero(e, *, seed: int = 7) -> bool:
    """``True`` when ``e`` evaluates to a nonzero number at an exact rational point of its declared domain
    (a proof that ``e`` is not identically zero, so no simplification can reduce it to 0); ``False`` when no
    point decides (a zero, an undefined value, a symbol whose assumptions the sampled point does not meet).

    This decides "not zero" in milliseconds where ``simplify`` searches for seconds; it never decides "zero".
    Points come from :func:`symdln.verify.points.exact_points` (``w = p^L``, small ``sigma_q``, ``L = 2, 3``).
    A rational value is decided exactly; an algebraic one (roots of rationals) by ``evalf(30, strict=True)``,
    which raises rather than return a value with fewer than 30 correct digits: a value above 1e-10 in modulus
    is then nonzero (a value below that bound is left to ``simplify``, it never counts as evidence)."""
    from .points import exact_points
    if not isinstance(e, sp.Expr):
        return False
    syms = e.free_symbols
    for pt in exact_points(syms | {L}, (2, 3), n_per_L=1, seed=seed):
        pt = {k: v for k, v in pt.items() if k in syms}
        if not all(_assumptions_hold(x, v) for x, v in pt.items()):
            return False
        try:
            v = e.xreplace(pt)
            if not v.is_number or v.has(sp.zoo, sp.oo, -sp.oo, sp.nan):
                continue
            if v.is_Rational:
                if v != 0:
                    return True
                continue
            n = v.evalf(30, strict=True)
        except Exception:  # noqa: BLE001 - PrecisionExhausted, evaluation errors: this point decides nothing
            continue
        if n.is_number and not n.has(sp.zoo, sp.nan) and abs(complex(n)) > 1e-10:
            return True
    return False


def _is_zero(e) -> bool | None:
    """``True`` when ``simplify`` (then ``powdenest``/``expand``/``powsimp`` and ``simplify`` again) reduces
    ``e`` to 0, else ``None``.  An ``e`` shown nonzero at an exact point (:func:`_certainly_nonzero`) is
    ``None`` at once: simplification is an identity, so it cannot reduce a nonzero function to 0."""
    if _certainly_nonzero(e):
        return None
    try:
        z = simplify(e)
    except Exception:  # pragma: no cover - sympy internals
        return None
    if z == 0:
        return True
    try:
        z2 = simplify(sp.powsimp(sp.expand(sp.powdenest(z, force=True)), force=True))
    except Exception:  # pragma: no cover
        return None
    return True if z2 == 0 else None


def _equation_ratio(printed, derived):
    """For equations ``printed = 0`` vs ``derived = 0``: equivalent iff the ratio is a nonzero constant in w.

    A ratio whose values at ``w = 2/7`` and ``w = 5/7`` differ at an exact point of the other symbols
    (:func:`_certainly_nonzero` of the difference) is not constant in ``w``: no simplification of it is, so the
    answer is "not equivalent" without ``simplify`` (the ratio is then not returned: ``None``)."""
    q = printed / derived
    if w in q.free_symbols and _certainly_nonzero(q.subs(w, sp.Rational(2, 7)) - q.subs(w, sp.Rational(5, 7))):
        return None, False
    r = simplify(q)
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

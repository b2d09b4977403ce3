"""Symbolic evidence: fetch and normalise a derived quantity, compare it with a printed transcription.

The comparison is ``simplify(printed - derived) == 0`` with the declared assumptions (positive symbols,
integer ``L >= 1``): first for symbolic ``L``, then for ``L = 1..6`` explicitly.  ``beta`` is rewritten as
``eta/b`` on both sides (Prop. 3.5 defines ``beta := eta/b``), so a derivation may use either.
"""
from __future__ import annotations

import sympy as sp

from ..symbolic.symbols import L, b, beta, eta, sigma_q, w
from ..symbolic.symbols import s as s_
from .._validation import to_sympy
from ..verdict import Evidence

__all__ = ["normalize", "derived_expr", "reading_variants", "compare", "L_VALUES"]

L_VALUES = (1, 2, 3, 4, 5, 6)


def normalize(e):
    """``beta -> eta/b``; drop ``O(.)`` terms; an ``Eq`` becomes its right-hand side."""
    if isinstance(e, sp.Equality):
        e = e.rhs
    if isinstance(e, sp.Basic):
        if e.has(sp.Order):
            e = e.removeO()
        e = e.subs(beta, eta / b)
    return e


def _leading(e):
    """Coefficient form of the O(eta) term: expand in eta/b = eps to first order."""
    eps = sp.Dummy("epsilon", positive=True)
    return sp.simplify(sp.series(e.subs(eta, eps * b), eps, 0, 2).removeO().subs(eps, eta / b))


def _fallback(quantity):
    """Leading-order stationary quantities computed from the registered drift and diffusion, used only
    when the stationary-law module has not registered them: the zero of mu by one Newton step from s
    (``-mu(s)/mu'(s)``) and the Ornstein-Uhlenbeck variance ``D(s)/(-2 mu'(s))``."""
    from ..symbolic import derive, quantity_ids
    if not {"drift_aligned", "diffusion_aligned"} <= set(quantity_ids()):
        return None
    mu, D = normalize(derive("drift_aligned").expr), normalize(derive("diffusion_aligned").expr)
    m0, m1 = mu.subs(w, s_), sp.diff(mu, w).subs(w, s_)
    if quantity == "drift_zero_expansion":
        return _leading(-m0 / m1)
    if quantity == "stationary_variance_expansion":
        return _leading(D.subs(w, s_) / (-2 * m1))
    return None


def derived_expr(claim, spec):
    """The derived expression a scalar claim is compared with (``None`` if the quantity is not registered)."""
    from ..symbolic import derive, quantity_ids
    if claim.quantity is None:
        return None
    if claim.quantity not in quantity_ids():
        e = _fallback(claim.quantity)
        if e is None:
            return None
        e = spec.transform(e) if spec.transform is not None else e
        return e.subs(spec.fixed) if spec.fixed else e
    d = derive(claim.quantity)
    e = d.expr
    if spec.select:
        e = e[spec.select] if isinstance(e, dict) and spec.select in e else d.extra[spec.select]
    if isinstance(e, dict):
        raise TypeError(f"derivation {claim.quantity!r} returns a dict; the claim needs Spec.select")
    if spec.equation and isinstance(e, sp.Equality):
        e = e.lhs - e.rhs
    e = normalize(e)
    if spec.transform is not None:
        e = spec.transform(e)
    if spec.fixed:
        e = e.subs(spec.fixed)
    return e


def reading_variants(claim, derived):
    """``[(reading, derived_under_reading, sigma_q weight)]``: the std reading always; the variance reading
    (``Sigma_q = sigma_q I``, Sec. 2.3) when the claim lists it and the derived form involves ``sigma_q``."""
    out = [("std", derived, 1)]
    if ("sigma_q", "variance") in claim.readings and derived is not None and derived.has(sigma_q):
        out.append(("variance", sp.expand(derived.subs(sigma_q, sp.sqrt(sigma_q))), 2))
    return out


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

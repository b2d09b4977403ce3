"""Point evidence: exact rational points and mpmath at several precisions.

Exponents such as ``2(L-1)/L`` make a rational ``w`` irrational after substitution, so exact points use
``w = p^L`` and ``s = q^L`` with rational ``p, q`` (every power ``w^(k/L)`` is then rational).  The
mpmath tier evaluates at ``dps = 15, 30, 50`` and calls two values equal when their relative difference is
below ``10**(-dps + 5)`` (STYLE.md item 6: five digits of headroom for cancellation), different when it
exceeds that bound at every precision.
"""
from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp

from ..symbolic.symbols import SYMBOLS, L, beta, eta, s, sigma_q, w, w0, w_beta, s_beta, z
from ..verdict import Evidence

__all__ = ["exact_points", "float_points", "compare_points", "at_point", "DPS"]

DPS = (15, 30, 50)
_ROOTED = (w, s, w_beta, s_beta, w0)      # symbols raised to powers k/L
#: node types that bind a variable: ``xreplace`` would also replace a bound variable, ``subs`` does not
_BINDING = (sp.Integral, sp.Sum, sp.Product, sp.Derivative, sp.Subs, sp.Lambda)


def at_point(e, pt):
    """``e`` with every symbol of ``pt`` replaced by its value in one pass (``xreplace``, ~8x cheaper than
    ``subs``, which substitutes one symbol at a time and rebuilds the expression after each); ``subs`` where
    ``e`` binds a variable (an integral, a sum, a derivative), whose bound symbol ``xreplace`` would touch.
    For symbols replaced by numbers both give the same expression (SymPy evaluates the rebuilt nodes)."""
    if not isinstance(e, sp.Basic):
        return e
    return e.subs(pt) if e.has(*_BINDING) else e.xreplace(pt)


def exact_points(symbols, Ls, n_per_L: int = 3, seed: int = 0, fixed=None) -> list[dict]:
    """Rational points (as SymPy Rationals) covering ``symbols``; ``L`` takes each value in ``Ls``."""
    rng = np.random.default_rng(seed)
    fixed = fixed or {}
    pts = []
    for k in Ls:
        for _ in range(n_per_L):
            pt = {L: sp.Integer(k)} if k is not None else {}
            for x in sorted(symbols, key=lambda y: y.name):
                if x == L or x in fixed:
                    continue
                if x == sigma_q:
                    pt[x] = sp.Rational(int(rng.integers(1, 6)), 20)          # small: keeps Eq. (9)'s root real
                elif x in _ROOTED or x == z:
                    base = sp.Rational(int(rng.integers(3, 13)), 8)            # 3/8 .. 3/2
                    pt[x] = base ** k if k else base
                elif x.is_integer:
                    pt[x] = sp.Integer(int(rng.integers(1, 9)))
                elif x in (eta, beta):
                    pt[x] = sp.Rational(int(rng.integers(1, 20)), 100)
                else:
                    pt[x] = sp.Rational(int(rng.integers(1, 20)), 8)
            pt.update(fixed)
            pts.append(pt)
    return pts


def _exact_value(e, pt):
    return _simplified_value(at_point(e, pt))


def _simplified_value(v):
    if v.is_Rational:                    # already exact and canonical: simplify would return it unchanged
        return v
    try:
        v = sp.nsimplify(v) if v.is_Float else v
        return sp.simplify(v)
    except Exception:  # pragma: no cover
        return v


def _point_equal(e, pt):
    """Is ``e`` zero at the exact point ``pt``?  ``None`` when undefined there (the point is skipped).

    An algebraic value whose ``evalf(50, strict=True)`` (50 correct digits, or an exception) exceeds 1e-30 in
    modulus is nonzero: decided without ``simplify`` (which keeps the value, so it could only have found it
    nonzero too).  Everything else -- rationals, floats, values near 0, undefined values -- is decided as
    before: ``simplify``, then exact comparison with 0, then 50 digits against 1e-40."""
    v = at_point(e, pt)
    if not v.is_Rational and v.is_number and not v.is_Float and not v.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        try:
            n = v.evalf(50, strict=True)
        except Exception:  # noqa: BLE001 - precision exhausted or not evaluable: the simplify path decides
            n = None
        if n is not None and n.is_number and not n.has(sp.zoo, sp.nan) and abs(complex(n)) > 1e-30:
            return False
    dv = _simplified_value(v)
    if not (dv.is_number and dv.is_finite is not False):
        return None
    eq = bool(dv == 0)
    if not eq and dv.is_zero is None:
        eq = abs(complex(sp.N(dv, 50))) < 1e-40
    return eq


def _mp_at(e, dps):
    """``e`` (already substituted at an exact point) to ``dps`` digits: as in the mpmath tier."""
    with mpmath.workdps(dps):
        return sp.N(e, dps)


def compare_points(printed, derived, symbols, Ls, *, seed: int = 0, fixed=None, n_per_L: int = 2):
    """Compare at exact rational points and with mpmath.  Returns ``(status, evidence, counterexample)`` where
    status is ``"equal"``, ``"differ"`` or ``"unknown"``."""
    fixed = fixed or {}
    pts = exact_points(symbols, Ls, n_per_L=n_per_L, seed=seed, fixed=fixed)
    exact_rows, differ, ce = [], False, None
    diff = printed - derived
    for pt in pts:
        eq = _point_equal(diff, pt)
        if eq is not None:
            exact_rows.append(eq)
            if not eq and ce is None:
                ce = _counterexample(printed, derived, pt)
            differ |= not eq
    # mpmath tier on the same points plus the counterexample: relative difference at each precision
    mp_rows = []
    for pt in pts[: max(2, len(Ls))]:
        rels = []
        pe, de = at_point(printed, pt), at_point(derived, pt)   # exact substitution once, evaluated at each dps
        for dps in DPS:
            a, d = _mp_at(pe, dps), _mp_at(de, dps)
            if not (a.is_number and d.is_number) or a.has(sp.zoo, sp.nan) or d.has(sp.zoo, sp.nan):
                rels = None
                break
            a_, d_ = complex(a), complex(d)
            scale = max(abs(a_), abs(d_), 1e-300)
            rels.append(abs(a_ - d_) / scale)
        if rels is not None:
            mp_rows.append(all(r <= 10.0 ** (-dps + 5) for r, dps in zip(rels, DPS)) if rels else True)
    data = {"n_exact": len(exact_rows), "n_mpmath": len(mp_rows), "dps": list(DPS),
            "L_values": [int(k) for k in Ls if k is not None]}
    if exact_rows and not any(not e for e in exact_rows) and all(mp_rows):
        return "equal", [Evidence("exact", True, f"equal at {len(exact_rows)} exact rational points", data),
                         Evidence("mpmath", True, f"equal at {len(mp_rows)} points, dps {DPS}, tol 10^(-dps+5)",
                                  data)], None
    if differ:
        summ = "differs at exact point " + ", ".join(f"{k}={v}" for k, v in ce["point"].items())
        return "differ", [Evidence("exact", False, summ, {**data, "counterexample": ce}),
                          Evidence("mpmath", False, "printed != derived beyond 10^(-dps+5) at dps 15/30/50",
                                   {**data, "printed": ce["printed_value"], "derived": ce["derived_value"]})], ce
    return "unknown", [Evidence("exact", False, "no decisive exact point (undefined values)",
                                {**data, "scope": "inconclusive"})], None


def _counterexample(printed, derived, pt):
    def num(e):
        try:
            return float(sp.N(e.subs(pt), 20))
        except TypeError:
            return str(sp.N(e.subs(pt), 20))
    return {"point": {str(k): str(v) for k, v in sorted(pt.items(), key=lambda kv: kv[0].name)},
            "printed_value": num(printed), "derived_value": num(derived)}


def float_points(symbols, n: int, seed: int = 0) -> list[dict]:
    """Random float points from the symbols' typical ranges (for dimension checks)."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        pt = {}
        for x in sorted(symbols, key=lambda y: y.name):
            info = next((i for i in SYMBOLS.values() if i.symbol == x), None)
            lo, hi = info.typical if info else (0.5, 2.0)
            lo = max(lo, 0.05) if x != L else lo
            pt[x] = int(rng.integers(1, 6)) if x.is_integer else float(rng.uniform(lo, hi))
        out.append(pt)
    return out

"""Dimensional homogeneity under the rescaling symmetry (docs/conventions.md).

``w, s, sigma_q -> c *`` and ``t, eta, beta -> c^(-2(L-1)/L) *`` leave the modewise dynamics invariant, so a
printed formula for a drift must scale like ``c^(1 + 2(L-1)/L)``, a diffusion like ``c^(2 + 2(L-1)/L)``, a
location like ``c`` and a variance like ``c^2``.  The check evaluates ``f(scaled point) / f(point)`` with
mpmath (30 digits) at ``L = 1..5`` and compares with ``c^k``.  Under the variance reading of the label-noise
scale, ``sigma_q`` carries ``c^2``.
"""
from __future__ import annotations

import mpmath
import sympy as sp

from .._validation import SymdlnInputError, to_sympy

from ..symbolic.symbols import L, scale_weights, sigma_q, time_weight
from ..verdict import Evidence
from .points import float_points

__all__ = ["expected_weight", "check_dimension", "WEIGHTS"]

WEIGHTS = {
    "drift": 1 - time_weight, "diffusion": 2 - time_weight, "location": sp.Integer(1), "variance": sp.Integer(2),
    "dimensionless": sp.Integer(0), "time": time_weight, "rate": -time_weight,
    # eta^{-1} x drift: the Frobenius contraction sum <Sigma_lm, H_lm> of App. E
    "contraction": 1 - 2 * time_weight,
}


def expected_weight(dimension: str):
    try:
        return WEIGHTS[dimension]
    except (KeyError, TypeError):
        raise SymdlnInputError(f"unknown dimension {dimension!r}; known: {sorted(WEIGHTS)}") from None


def check_dimension(expr, dimension: str, *, sigma_weight: int = 1, Ls=(1, 2, 3, 4, 5), c=sp.Rational(3, 2),
                    seed: int = 0, label: str = "printed") -> Evidence:
    """Does ``expr`` carry ``c^k`` under the rescaling, k from ``dimension``?  Evidence with the first failure."""
    k = expected_weight(dimension)
    weights = dict(scale_weights())
    weights[sigma_q] = sp.Integer(sigma_weight)
    expr = to_sympy("expr", expr)
    if not isinstance(expr, sp.Basic):
        raise SymdlnInputError(f"expr must be a SymPy expression; got {type(expr).__name__}")
    if expr == 0:
        return Evidence("dimension", True, f"{label}: identically 0 (homogeneous of any weight)",
                        {"dimension": dimension})
    syms = sorted(expr.free_symbols | {L}, key=lambda x: x.name)
    fails = []
    Lvals = Ls if L in expr.free_symbols or any(L in to_sympy("weight", wt).free_symbols for wt in weights.values()) else Ls
    for Lk in Lvals:
        pts = float_points([x for x in syms if x != L], 2, seed=seed + Lk)
        for pt in pts:
            base = {**{x: sp.Float(v, 30) for x, v in pt.items()}, L: Lk}
            scaled = {x: base[x] * c ** to_sympy("weight", weights.get(x, 0)).subs(L, Lk) for x in base if x != L}
            scaled[L] = Lk
            with mpmath.workdps(30):
                f0 = sp.N(expr.subs(base), 30)
                f1 = sp.N(expr.subs(scaled), 30)
                want = sp.N(c ** to_sympy("power", k).subs(L, Lk), 30)
            if not (f0.is_number and f1.is_number) or f0 == 0 or f0.has(sp.zoo, sp.nan):
                continue
            ratio = complex(f1) / complex(f0)
            if abs(ratio - complex(want)) > 1e-15 * abs(complex(want)):
                # the power of c the formula actually carries at this L
                got = mpmath.log(abs(ratio)) / mpmath.log(float(c))
                fails.append({"L": Lk, "expected_power": float(sp.N(to_sympy("power", k).subs(L, Lk))),
                              "actual_power": float(got)})
                break
    want_s = sp.sstr(sp.simplify(k))
    if fails:
        f = fails[0]
        return Evidence("dimension", False,
                        f"{label}: not homogeneous: at L={f['L']} scales like c^{f['actual_power']:.4g}, "
                        f"a {dimension} must scale like c^{f['expected_power']:.4g} (c^({want_s}))",
                        {"dimension": dimension, "expected": want_s, "failures": fails, "sigma_q_weight": sigma_weight})
    return Evidence("dimension", True, f"{label}: scales like c^({want_s}) ({dimension}) at L = {list(Lvals)}",
                    {"dimension": dimension, "expected": want_s, "sigma_q_weight": sigma_weight})

"""Dimensional homogeneity under the rescaling symmetry (docs/conventions.md).

``w, s, sigma_q -> c *`` and ``t, eta, beta -> c^(-2(L-1)/L) *`` leave the modewise dynamics invariant, so a
printed formula for a drift must scale like ``c^(1 + 2(L-1)/L)``, a diffusion like ``c^(2 + 2(L-1)/L)``, a
location like ``c`` and a variance like ``c^2``.  The check evaluates ``f(scaled point) / f(point)`` with
mpmath (30 digits) at ``L = 1..5`` and compares with ``c^k``.  Under the variance reading of the label-noise
scale, ``sigma_q`` carries ``c^2``.
"""
from __future__ import annotations

import functools

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


#: node types the fast evaluator accepts (with numbers and symbols): elementary functions mpmath evaluates the
#: way SymPy's evalf does; anything else is evaluated by exact substitution and ``evalf``
_FAST_NODES = (sp.Add, sp.Mul, sp.Pow, sp.exp, sp.log, sp.Abs)
#: working precision of the fast evaluator (and +20 digits for the stability check): straight-line evaluation
#: has no adaptive precision, so a value is used only when the two precisions agree to 1e-25 relative, ten
#: orders below the check's 1e-15 tolerance
_FAST_DPS = 50


@functools.lru_cache(maxsize=None)
def _weight_text(k) -> str:
    """``k`` as shown in the evidence (memoised: a handful of weights, each simplified once per process)."""
    return sp.sstr(sp.simplify(k))


def _fast_evaluator(expr, syms):
    """``f(values, L) -> mpmath number`` evaluating ``expr`` at ``_FAST_DPS`` digits (one ``lambdify`` per
    expression instead of two ``subs`` + ``evalf`` per point), or ``None`` when ``expr`` holds a node outside
    :data:`_FAST_NODES`.  Every symbol is an argument and ``dummify=True`` gives each a generated name, so the
    generated code holds no text of the expression's own names."""
    if any(not (a.is_Atom or isinstance(a, _FAST_NODES)) for a in sp.preorder_traversal(expr)) or \
            any(not (a.is_Symbol or a.is_Number) for a in expr.atoms()):
        return None
    try:
        return sp.lambdify(list(syms), expr, modules="mpmath", dummify=True)
    except Exception:  # noqa: BLE001 - an expression the printer cannot write: the exact path evaluates it
        return None


def _mp(v):
    """A real point coordinate (int, SymPy Float or a product with a power of ``c``) as an mpmath number at the
    current precision."""
    if isinstance(v, (int, sp.Float)):
        return mpmath.mpf(v)
    return mpmath.mpf(sp.N(v, _FAST_DPS + 30))


def _fast_ratio(fn, syms, base, scaled):
    """``f(scaled) / f(base)`` from the fast evaluator as a complex number, or ``None`` when it does not decide:
    undefined (a zero, a pole, a non-finite value: the exact path then decides whether the point is skipped) or
    not stable under more precision (the ratio at ``_FAST_DPS`` and ``_FAST_DPS + 20`` digits differ by more
    than 1e-25 relative, a cancellation: the exact path evaluates it)."""
    out = []
    try:
        for dps in (_FAST_DPS, _FAST_DPS + 20):
            with mpmath.workdps(dps):
                f0 = fn(*[_mp(base[x]) for x in syms])
                f1 = fn(*[_mp(scaled[x]) for x in syms])
                if f0 == 0 or not (mpmath.isfinite(f0) and mpmath.isfinite(f1)):
                    return None
                out.append(f1 / f0)
    except (ZeroDivisionError, ValueError, TypeError, OverflowError):
        return None
    with mpmath.workdps(_FAST_DPS):
        if abs(out[0] - out[1]) > mpmath.mpf(10) ** -25 * abs(out[1]):
            return None
    return complex(out[1])


def _exact_ratio(expr, base, scaled):
    """``f(scaled) / f(base)`` by substitution and ``evalf`` at 30 digits, or ``None`` where undefined."""
    with mpmath.workdps(30):
        f0 = sp.N(expr.subs(base), 30)
        f1 = sp.N(expr.subs(scaled), 30)
    if not (f0.is_number and f1.is_number) or f0 == 0 or f0.has(sp.zoo, sp.nan):
        return None
    return complex(f1) / complex(f0)


def check_dimension(expr, dimension: str, *, sigma_weight: int = 1, Ls=(1, 2, 3, 4, 5), c=sp.Rational(3, 2),
                    seed: int = 0, label: str = "printed") -> Evidence:
    """Does ``expr`` carry ``c^k`` under the rescaling, k from ``dimension``?  Evidence with the first failure.

    Each point is evaluated by a compiled mpmath function of the expression at 50 and 70 digits (one
    ``lambdify`` per expression instead of two ``subs`` + ``evalf`` per point); where the two ratios differ by
    more than 1e-25 relative (a cancellation), or the expression holds a function the fast path does not
    take, the point is evaluated by exact substitution and ``evalf`` at 30 digits, as it always was."""
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
    fast = _fast_evaluator(expr, syms)
    fails = []
    Lvals = Ls
    for Lk in Lvals:
        pts = float_points([x for x in syms if x != L], 2, seed=seed + Lk)
        want = sp.N(c ** to_sympy("power", k).subs(L, Lk), 30)
        if expr.xreplace({L: sp.Integer(Lk)}) == 0:       # e.g. a factor L - 1 at L = 1: f = 0 at every point
            continue
        for pt in pts:
            base = {**{x: sp.Float(v, 30) for x, v in pt.items()}, L: Lk}
            scaled = {x: base[x] * c ** to_sympy("weight", weights.get(x, 0)).subs(L, Lk) for x in base if x != L}
            scaled[L] = Lk
            ratio = _fast_ratio(fast, syms, base, scaled) if fast is not None else None
            if ratio is None:
                ratio = _exact_ratio(expr, base, scaled)
            if ratio is None:
                continue
            if abs(ratio - complex(want)) > 1e-15 * abs(complex(want)):
                # the power of c the formula actually carries at this L
                got = mpmath.log(abs(ratio)) / mpmath.log(float(c))
                fails.append({"L": Lk, "expected_power": float(sp.N(to_sympy("power", k).subs(L, Lk))),
                              "actual_power": float(got)})
                break
    want_s = _weight_text(k)
    if fails:
        f = fails[0]
        return Evidence("dimension", False,
                        f"{label}: not homogeneous: at L={f['L']} scales like c^{f['actual_power']:.4g}, "
                        f"a {dimension} must scale like c^{f['expected_power']:.4g} (c^({want_s}))",
                        {"dimension": dimension, "expected": want_s, "failures": fails, "sigma_q_weight": sigma_weight})
    return Evidence("dimension", True, f"{label}: scales like c^({want_s}) ({dimension}) at L = {list(Lvals)}",
                    {"dimension": dimension, "expected": want_s, "sigma_q_weight": sigma_weight})

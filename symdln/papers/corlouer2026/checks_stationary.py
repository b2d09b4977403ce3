"""Stationary-law evidence (Prop. 5.2, App. F) from high-precision quadrature of the stationary density of
the derived scalar SDE (:func:`symdln.stationary_numeric.expansion_check`, mpmath at 30 digits).

For a first-order expansion ``X(beta) = X_1 beta + O(beta^2)`` the residual ``value - prediction`` must
shrink like ``beta^2``: a log-log slope >= 1.9 over ``beta = 1e-3, 2e-3, 4e-3`` (``SLOPE_TOL``).  A wrong
``O(beta)`` coefficient leaves an ``O(beta)`` residual (slope ~1).  The printed prediction is checked under
each reading of ``sigma_q``, the derived one as a check of the derivation itself.  Skipped with ``fast``.
"""
from __future__ import annotations

import sympy as sp

from ...symbolic.symbols import L, b, eta, s, sigma_q
from ...verdict import Evidence
from ._base import PAPER
from ...checkkit import normalize

#: s != 1 so that a wrong power of s cannot hide (s^k = 1 at s = 1)
SETTING = {"L": 3, "s": 1.3, "sigma": 0.3, "betas": (1e-3, 2e-3, 4e-3)}
_WHICH = {"drift_zero_expansion": ("drift_zero", True), "stationary_variance_expansion": ("variance", False)}


def _slope_evidence(label, rows, pred_fn, *, scope, reading=None):
    from ...stationary_numeric import SLOPE_TOL, fit_slope
    betas = [r["beta"] for r in rows]
    res = [float(sp.Float(r["value"], 30)) - pred_fn(bt) for r, bt in zip(rows, betas)]
    slope = fit_slope(betas, res)
    ok = slope >= 2 - SLOPE_TOL
    return Evidence("mpmath", ok, f"{label}: |stationary value - prediction| ~ beta^{slope:.2f} over beta = "
                    f"{', '.join(f'{x:g}' for x in betas)} (first order right iff slope >= {2 - SLOPE_TOL})",
                    {"scope": scope, "slope": slope, "residuals": res, "setting": SETTING,
                     **({"reading": reading} if reading else {})})


@PAPER.check("expansion")
def _(claim, spec, *, seed, fast, paper=None):
    from ...stationary_numeric import expansion_check
    from ...checkkit import derived_expr, reading_variants
    if fast:
        return [Evidence("mpmath", True, "stationary-law quadrature skipped in fast mode", {"scope": "info"})]
    which, shifted = _WHICH[claim.quantity]
    S = SETTING
    res = expansion_check(which, S["L"], S["s"], S["sigma"], list(S["betas"]))
    rows = res["rows"]
    base = S["s"] if shifted else 0.0
    derived = derived_expr(claim, spec)
    evs = []
    for reading, d, _ in reading_variants(claim, derived):
        sig = S["sigma"] if reading == "std" else S["sigma"] ** 2
        pe = normalize(claim.expr).subs({L: S["L"], s: S["s"], sigma_q: sig, b: 1})
        evs.append(_slope_evidence(f"printed ({reading} reading)", rows,
                                   lambda bt, pe=pe: base + float(pe.subs(eta, bt)), scope="printed", reading=reading))
    de = derived.subs({L: S["L"], s: S["s"], sigma_q: S["sigma"], b: 1})
    evs.append(_slope_evidence("derived", rows, lambda bt: base + float(de.subs(eta, bt)), scope="derived"))
    return evs

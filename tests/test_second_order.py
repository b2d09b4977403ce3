"""Second-order (beta^2) stationary mean, variance and mode of the 1-D law (derive("stationary_second_order"))
against mpmath quadrature of the exact density: the residual of the second-order expansion must fall like
beta^3 (log-log slope 3), the first-order one like beta^2 (slope 2); a wrong beta^2 coefficient gives slope 2.

Tolerance: quadrature at dps = 30 is exact to ~1e-25, far below the smallest residual (~1e-10); the slope over
beta = 4e-3, 2e-3, 1e-3 differs from 3 by ~|c4/c3| beta < 0.05 at these settings, so |slope - 3| < 0.1 (the
project's SLOPE_TOL) separates a correct second-order term (3) from a wrong one (2)."""
import functools

import mpmath
import pytest
import sympy as sp

from symdln.stationary_density import SLOPE_TOL, coefficient_callables, fit_slope, stationary_law
from symdln.symbolic import derive
from symdln.symbolic.fokker_planck import aligned_coefficient_exprs
from symdln.symbolic.symbols import L, beta, s, sigma_q

BETAS = (4e-3, 2e-3, 1e-3)
FIELDS = {"mean": ("mean_coeffs", True), "variance": ("variance_coeffs", False), "mode": ("mode_coeffs", True)}


@functools.lru_cache(maxsize=None)
def _law(Lv, sv, qv, bv, dps):
    mu, D = aligned_coefficient_exprs("derived")
    return stationary_law(*coefficient_callables(mu, D, L=Lv, s=sv, sigma_q=qv, beta=bv), s=sv, dps=dps)


def _residuals(Lv, sv, qv, which, coeffs, dps=30):
    out = []
    for bv in BETAS:
        law = _law(Lv, sv, qv, bv, dps)
        sub = {L: Lv, s: sp.Rational(str(sv)), sigma_q: sp.Rational(str(qv)), beta: sp.Rational(str(bv))}
        pred = sum(c * beta ** (j + 1) for j, c in enumerate(coeffs)).subs(sub)
        base = mpmath.mpf(sv) if FIELDS[which][1] else 0
        out.append(float(getattr(law, which) - base - mpmath.mpf(sp.N(pred, dps + 10))))
    return out


def test_second_order_mean_slope_depth2():
    c = derive("stationary_second_order").extra["mean_coeffs"]
    r2 = _residuals(2, 1.0, 0.3, "mean", c, dps=20)
    r1 = _residuals(2, 1.0, 0.3, "mean", c[:1], dps=20)
    assert abs(fit_slope(BETAS, r2) - 3) < SLOPE_TOL
    assert abs(fit_slope(BETAS, r1) - 2) < SLOPE_TOL
    # mutation: the beta^2 coefficient doubled leaves an O(beta^2) residual
    assert abs(fit_slope(BETAS, _residuals(2, 1.0, 0.3, "mean", [c[0], 2 * c[1]], dps=20)) - 2) < SLOPE_TOL


@pytest.mark.slow
@pytest.mark.parametrize("Lv,sv,qv", [(2, 1.0, 0.3), (3, 2.0, 0.5), (4, 1.5, 0.4)])
@pytest.mark.parametrize("which", sorted(FIELDS))
def test_second_order_slopes(Lv, sv, qv, which):
    c = derive("stationary_second_order").extra[FIELDS[which][0]]
    assert abs(fit_slope(BETAS, _residuals(Lv, sv, qv, which, c)) - 3) < SLOPE_TOL
    assert abs(fit_slope(BETAS, _residuals(Lv, sv, qv, which, c[:1])) - 2) < SLOPE_TOL
    # mutations: the sigma_q^4 part of the beta^2 coefficient dropped; the beta^2 coefficient's sign flipped
    dropped = sp.expand(c[1]).subs(sigma_q ** 4, 0)
    for wrong in (dropped, -c[1]):
        assert abs(fit_slope(BETAS, _residuals(Lv, sv, qv, which, [c[0], wrong])) - 2) < SLOPE_TOL

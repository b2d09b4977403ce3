"""SymPy derivations, part 3: the diffusion peak (Sec. 4) and gradient flow (Eqs. 2-3, time to learn)."""
from __future__ import annotations

import math

import mpmath as mp
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from symdln.symbolic import derive
from symdln.symbolic.gradient_flow import (gf_results, time_to_learn_closed, time_to_learn_mpmath,
                                           time_to_learn_ode)
from symdln.symbolic.peak import a_exp, peak_results, x_gap
from symdln.symbolic.symbols import L, beta, c_frac, s, sigma_q, t, w, w0

FEW = settings(max_examples=15, deadline=None)


def _D(Lv, sv, sig):
    D = sp.lambdify(w, derive("diffusion_aligned").expr.subs({L: Lv, s: sv, sigma_q: sig, beta: 1}), "mpmath")
    return D


# ---- peak ------------------------------------------------------------------------------------------
def test_condition_quadratic_matches_derivative_sign():
    r = peak_results()
    assert sp.simplify(r["a"] - 4 * (L - 1) / L) == 0
    quad = derive("diffusion_peak_condition").expr.lhs
    assert sp.Poly(quad, x_gap).all_coeffs() == [2 * a_exp + 4, 4 * s, a_exp * sigma_q**2]
    # sign of dD/dw equals sign of the quadratic at x = w - s (L = 3, s = 1, sigma = 0.2)
    dD = sp.diff(r["D"], w).subs({L: 3, s: 1, sigma_q: sp.Rational(1, 5), beta: 1})
    h = r["h_x"].subs({L: 3, s: 1, sigma_q: sp.Rational(1, 5)})
    for wv in (sp.Rational(k, 10) for k in range(1, 20)):
        assert sp.sign(dD.subs(w, wv)) == sp.sign(h.subs(x_gap, wv - 1))
    # mutations of the quadratic (leading coefficient 2a+4 -> 2a+2, dropped a sigma_q^2 term) change the sign
    # of dD/dw somewhere on the grid
    a3 = sp.Rational(8, 3)
    for wrong in ((2 * a3 + 2) * x_gap**2 + 4 * x_gap + a3 / 25, (2 * a3 + 4) * x_gap**2 + 4 * x_gap):
        assert any(sp.sign(dD.subs(w, wv)) != sp.sign(wrong.subs(x_gap, wv - 1))
                   for wv in (sp.Rational(k, 100) for k in range(1, 200)))


@given(Lv=st.integers(2, 8), sv=st.floats(0.1, 3.0), frac=st.floats(0.0, 0.95))
@FEW
def test_w_star_is_strict_local_max_below_s(Lv, sv, frac):
    r = peak_results()
    thr = float(r["threshold"].subs({L: Lv, s: sv}))
    sig = frac * math.sqrt(thr)
    ws = float(r["w_star"].subs({L: Lv, s: sv, sigma_q: sig}))
    wp = float(sp.re((s + r["x_plus"]).subs({L: Lv, s: sv, sigma_q: sig})))
    D = _D(Lv, sv, sig)
    with mp.workdps(30):
        eps = mp.mpf(sv) * mp.mpf("1e-5")
        assert 0 < ws < sv
        assert D(ws) > D(ws - eps) and D(ws) > D(ws + eps)
        # mutation: the other root (the printed sign flipped) is NOT a maximum (it is a local minimum)
        if frac > 0:
            assert D(wp) < D(wp - eps) and D(wp) < D(wp + eps)


def test_sigma0_peak_is_global_max_on_0_s():
    for Lv in (2, 3, 5):
        ws = derive("diffusion_peak").extra["sigma0"].subs({L: Lv, s: 1})
        assert ws == sp.Rational(2 * (Lv - 1), 3 * Lv - 2)
        D = _D(Lv, 1, 0)
        grid = [k / 2000 for k in range(1, 2000)]
        best = max(grid, key=D)
        assert abs(best - float(ws)) < 1e-3


def test_existence_threshold_and_boundary_cases():
    d = derive("diffusion_peak_existence")
    thr = d.extra["threshold_sigma_q_squared"]
    r = peak_results()
    for Lv in (2, 3, 4):
        th = thr.subs({L: Lv, s: 1})
        # above the threshold: no real critical point (discriminant < 0); at it: a double root
        assert r["disc"].subs({L: Lv, s: 1, sigma_q: sp.sqrt(th * sp.Rational(11, 10))}) < 0
        assert r["disc"].subs({L: Lv, s: 1, sigma_q: sp.sqrt(th)}) == 0
        # at equality dD/dw >= 0 everywhere: no sign change (inflection), hence no maximum
        h = r["h_x"].subs({L: Lv, s: 1, sigma_q: sp.sqrt(th)})
        assert all(h.subs(x_gap, sp.Rational(k, 50) - 1) >= 0 for k in range(0, 100))
        # mutation: a threshold 10% too large admits sigma_q with no maximum
        assert r["disc"].subs({L: Lv, s: 1, sigma_q: sp.sqrt(th * sp.Rational(21, 20))}) < 0
    assert d.extra["L1_quadratic"] == sp.factor(4 * x_gap * (x_gap + s))
    assert isinstance(d.expr, sp.StrictLessThan)


# ---- gradient flow ---------------------------------------------------------------------------------
def test_gf_ode_and_logistic_solution():
    assert derive("gf_mode_ode").extra["L2"] == sp.expand(2 * w * (s - w))
    sol = derive("gf_logistic").expr
    assert sp.simplify(sp.diff(sol, t) - 2 * sol * (s - sol)) == 0
    assert sp.simplify(sol.subs(t, 0) - w0) == 0
    eq3 = s / (1 + (s / w0 - 1) * sp.exp(-2 * s * t))        # the paper's Eq. (3), as a cross-check target
    assert sp.simplify(sol - eq3) == 0
    # mutation: time scale 1/s -> 1/(2s) is rejected by the same substitution check
    bad = s / (1 + (s / w0 - 1) * sp.exp(-s * t))
    assert sp.simplify(sp.diff(bad, t) - 2 * bad * (s - bad)) != 0


@given(Lv=st.integers(1, 6), sv=st.floats(0.3, 2.0), w0f=st.floats(0.01, 0.3), c=st.floats(0.4, 0.95))
@settings(max_examples=10, deadline=None)
def test_time_to_learn_closed_vs_quadrature_vs_ode(Lv, sv, w0f, c):
    w0v = w0f * c * sv
    quad = float(time_to_learn_mpmath(Lv, sv, w0v, c))
    closed = float(time_to_learn_closed(Lv, sv, w0v, c))
    ode = time_to_learn_ode(Lv, sv, w0v, c)
    assert closed == pytest.approx(quad, rel=1e-12)     # both 30-digit mpmath
    assert ode == pytest.approx(quad, rel=1e-6)         # DOP853 with rtol 1e-11 (event location error)
    # mutation: the wrong exponent p = 2(L-2)/L in the prefactor changes T unless L = 2 or s = 1
    if Lv != 2 and abs(sv - 1) > 0.05:
        wrong = closed * sv**(2 * (Lv - 1) / Lv) / sv**(2 * (Lv - 2) / Lv)
        assert wrong != pytest.approx(quad, rel=1e-6)


def test_time_to_learn_rescaling_and_small_L_forms():
    r = gf_results()
    cs = sp.Symbol("c_scale", positive=True)
    T1 = r["T_L1"]
    assert sp.simplify(T1.subs({s: cs * s, w0: cs * w0}) - T1) == 0          # L = 1: t weight 0
    T2 = r["T_L2"]
    assert sp.simplify(T2.subs({s: cs * s, w0: cs * w0}) - T2 / cs) == 0     # L = 2: t scales c^-1
    for Lv in (3, 4):
        a = float(time_to_learn_closed(Lv, 2.0, 0.02, 0.9))
        b_ = float(time_to_learn_closed(Lv, 1.0, 0.01, 0.9))
        assert a == pytest.approx(b_ * 2.0**(-2 * (Lv - 1) / Lv), rel=1e-12)
    # exp(2 s T) = c (s - w0) / ((1 - c) w0) at L = 2; mutation (missing 1/(1-c)) rejected
    assert sp.simplify(sp.exp(2 * s * T2) - c_frac / (1 - c_frac) * (s - w0) / w0) == 0
    assert sp.simplify(sp.exp(2 * s * T2) - c_frac * (s - w0) / w0) != 0


def test_gf_records():
    d = derive("gf_time_to_learn")
    assert {row["L"] for row in d.extra["checks"]} == {1, 2, 3, 4, 5}
    assert d.expr.has(sp.lerchphi)

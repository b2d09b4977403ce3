"""Fokker-Planck operator, stationary density, its endpoints, and the small-beta expansions (Prop. 5.1-5.2, App. F).

Symbolic results are checked (a) against the lead's hand calculations, (b) by a second SymPy route, and (c)
against mpmath quadrature of the stationary density (dps 30, stated tolerance 10**(-dps+5)).  Each check has
a mutation (a deliberately wrong variant) that must be rejected.
"""
from __future__ import annotations

import functools

import mpmath
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from symdln.stationary_density import (SLOPE_TOL, coefficient_callables, expansion_check, fit_slope,
                                        stationary_law)
from symdln.symbolic import fokker_planck as fpk
from symdln.symbolic import stationary as stn
from symdln.symbolic import derive, quantity_ids
from symdln.symbolic.symbols import L, beta, s, sigma_q, w

mp = mpmath.mp
a = 2 * (L - 1) / L


# ---- TEST FIXTURE: the aligned + balanced coefficients written from the preamble's formulas (independent of
# ---- symdln.symbolic.modewise, which derives them); test_fixture_matches_registry ties the two together.
MU_FIX = L * w ** a * (s - w) + beta * L * (L - 1) / 2 * w ** ((3 * L - 4) / L) * (2 * (s - w) ** 2 + sigma_q ** 2)
D_FIX = beta * L ** 2 * (2 * (s - w) ** 2 + sigma_q ** 2) * w ** (4 * (L - 1) / L)
PRINTED = fpk.printed_coefficients()

# the lead's hand calculations (cross-check targets)
HAND = {"drift_zero": beta * (L - 1) / 2 * sigma_q ** 2 * s ** ((L - 2) / L),
        "mean": -beta * (L - 1) / 2 * sigma_q ** 2 * s ** ((L - 2) / L),
        "mode": -3 * beta * (L - 1) / 2 * sigma_q ** 2 * s ** ((L - 2) / L),
        "variance": beta * L / 2 * sigma_q ** 2 * s ** (2 * (L - 1) / L)}


def _zero(e):
    return sp.simplify(sp.powsimp(sp.expand(e), force=True)) == 0


def test_fixture_matches_registry():
    if "drift_aligned" not in quantity_ids():
        pytest.skip("modewise derivations not registered")
    mu_d, D_d = fpk.aligned_coefficient_exprs("derived")
    assert _zero(mu_d - MU_FIX) and _zero(D_d - D_FIX)


# ---------------------------------------------------------------------------------- Fokker-Planck, zero flux
def test_fokker_planck_derivation_and_mutation():
    d = derive("fokker_planck_1d")
    mu_f, D_f = sp.Function("mu")(w), sp.Function("D")(w)
    p_star = fpk.stationary_density_expr(mu_f, D_f, sp.Symbol("w_ref", positive=True))
    assert _zero(fpk.fp_operator(mu_f, D_f, p_star) / p_star)
    wrong = sp.diff(mu_f * p_star, w) + sp.diff(D_f * p_star, w, 2) / 2          # mutation: sign of the drift term
    assert not _zero(wrong / p_star)
    assert "Prop. 5.1" in d.source


def test_stationary_density_zero_flux_symbolic_and_mutations():
    w_ref = sp.Symbol("w_ref", positive=True)
    for mu, D in ((MU_FIX, D_FIX), PRINTED):
        assert fpk.zero_flux_residual(mu, D, fpk.stationary_density_expr(mu, D, w_ref)) == 0
    f = (MU_FIX / D_FIX).subs(w, sp.Symbol("z", positive=True))                   # mutation: missing factor 2
    bad = sp.exp(sp.Integral(f, (sp.Symbol("z", positive=True), w_ref, w))) / D_FIX
    assert fpk.zero_flux_residual(MU_FIX, D_FIX, bad) != 0
    no_prefactor = fpk.stationary_density_expr(MU_FIX, D_FIX, w_ref) * D_FIX      # mutation: no 1/D
    assert fpk.zero_flux_residual(MU_FIX, D_FIX, no_prefactor) != 0


# slow tier: the default tier's test_stationary_density_zero_flux_symbolic_and_mutations runs the same
# zero_flux_residual(stationary_density_expr(...)) at symbolic L, s, sigma_q, beta (every rational point is an
# instance) and rejects the same mutation (exp of int mu/D instead of 2mu/D, i.e. the mu/2 exponent used here)
@pytest.mark.slow
@settings(max_examples=5, deadline=None)
@given(Lv=st.integers(1, 6), sn=st.integers(1, 20), qn=st.integers(1, 10), bn=st.integers(1, 100))
def test_zero_flux_symbolic_hypothesis(Lv, sn, qn, bn):
    """The symbolic p* has zero flux at rational (L, s, sigma_q, beta); a wrong exponent (mu/D) does not."""
    vals = {L: Lv, s: sp.Rational(sn, 10), sigma_q: sp.Rational(qn, 20), beta: sp.Rational(bn, 1000)}
    mu, D = MU_FIX.subs(vals), D_FIX.subs(vals)
    w_ref = sp.Rational(sn, 10)
    assert fpk.zero_flux_residual(mu, D, fpk.stationary_density_expr(mu, D, w_ref)) == 0
    assert fpk.zero_flux_residual(mu, D, fpk.stationary_density_expr(mu / 2, D, w_ref)) != 0


@functools.lru_cache(maxsize=None)
def _callables(Lv, sv, qv, bv, which="fixture"):
    mu, D = (MU_FIX, D_FIX) if which == "fixture" else PRINTED
    return coefficient_callables(mu, D, L=Lv, s=sv, sigma_q=qv, beta=bv)


@functools.lru_cache(maxsize=None)
def _law20(Lv, sv, qv, bv):
    return stationary_law(*_callables(Lv, sv, qv, bv), s=sv, dps=20)


@settings(max_examples=5, deadline=None)
@given(Lv=st.integers(2, 5), sv=st.sampled_from([0.5, 1.7]), qv=st.sampled_from([0.1, 0.6]),
       bv=st.sampled_from([1e-2, 1e-3]), u=st.floats(-2.0, 2.0))
def test_zero_flux_numeric(Lv, sv, qv, bv, u):
    """J = mu p - (D p)'/2 vanishes for the quadrature density (central difference of the numerical density).

    Central difference with step h = 1e-8 sd at 30 digits: truncation ~ (h/sd)^2 = 1e-16, rounding ~ 1e-30/1e-8;
    so |J| <= 1e-12 * scale is a margin of 10^4 over the discretisation error."""
    mu, D = _callables(Lv, sv, qv, bv)
    law = _law20(Lv, sv, qv, bv)
    with mp.workdps(30):
        sd = mp.sqrt(law.variance)
        x, h = law.drift_zero + u * sd, sd * mp.mpf(10) ** -8
        Dp = lambda y: D(y) * mp.exp(law.log_density(y))
        dDp = (Dp(x + h) - Dp(x - h)) / (2 * h)
        mup = mu(x) * mp.exp(law.log_density(x))
        scale = abs(mup) + abs(dDp) / 2 + abs(D(x) * mp.exp(law.log_density(x))) / sd
        assert abs(mup - dDp / 2) <= mp.mpf(10) ** -12 * scale
        assert abs(mup - dDp) > mp.mpf(10) ** -3 * scale or abs(u) < 0.05    # mutation: factor 1/2 dropped


# ------------------------------------------------------------------------------------------- endpoints, tails
def test_reference_point_zero_is_invalid_and_tails():
    d = fpk.stationary_density_derivation(MU_FIX, D_FIX, printed=PRINTED)
    n0, n2, inf = d.extra["near0_L>=3"], d.extra["near0_L=2"], d.extra["infinity"]
    assert _zero(n0["f_exponent"] - (-a)) and not n0["integral_converges"]
    assert _zero(n0["f_coeff"] - 2 * s / (beta * L * (2 * s ** 2 + sigma_q ** 2)))
    assert n2["f_exponent"] == -1 and not n2["integral_converges"]
    assert _zero(d.extra["beta_max_integrable_at_0_L2"] - 2 * s / (2 * s ** 2 + sigma_q ** 2))
    assert _zero(inf["density_exponent"] - (-2 - 3 * (L - 1) / L))
    assert _zero(d.extra["B"] - (L - 1) / (L * w))
    pn0 = d.extra["printed_near0"]
    assert pn0["f_exponent"] == -2 and not pn0["integral_converges"]
    # direct evaluation of d log p*/d log w = w (2mu/D - D'/D) far out / close in agrees with the exponents
    dlog = (w * (2 * MU_FIX / D_FIX - sp.diff(D_FIX, w) / D_FIX))
    vals = {s: sp.Rational(7, 10), sigma_q: sp.Rational(3, 10), beta: sp.Rational(1, 50)}
    for Lv in (2, 3, 4, 5, 6):
        far = dlog.subs(vals).subs(L, Lv).subs(w, sp.Integer(10) ** 12)
        assert abs(sp.N(far - inf["density_exponent"].subs(L, Lv), 30)) < 1e-5
    close = dlog.subs(vals).subs(L, 2).subs(w, sp.Integer(10) ** -12)
    assert abs(sp.N(close - n2["density_exponent"].subs(vals), 30)) < 1e-9
    # mutation: with a diffusion vanishing slower at 0 (w^(2(L-1)/L)) the reference integral would converge for L=3
    alt = fpk.endpoint_behaviour(MU_FIX, D_FIX / w ** a, "0", L_min=3)
    assert alt["integral_converges"]


@pytest.mark.parametrize("Lv", [2, 3, 4])
def test_unstable_zero_matches_findroot(Lv):
    wu = fpk.large_unstable_zero(MU_FIX)
    assert _zero(wu - ((L - 1) * beta) ** (-L / (2 * (L - 1))))
    assert fpk.large_unstable_zero(PRINTED[0]) is None
    ratios = []
    for bv in (1e-3, 1e-5):
        mu, _ = _callables(Lv, 1.0, 0.3, bv)
        guess = mp.mpf(float(wu.subs({L: Lv, beta: sp.Rational(repr(bv))})))
        root = mp.findroot(mu, guess)
        ratios.append(abs(root / guess - 1))
    assert ratios[1] < ratios[0] < 0.2          # the relative error shrinks as beta -> 0


# ----------------------------------------------------------------------------------------- symbolic expansions
def test_expansions_match_hand_and_two_routes():
    assert _zero(stn.drift_zero_shift(MU_FIX) - HAND["drift_zero"])
    h = stn.moment_hierarchy(MU_FIX, D_FIX)
    lap = stn.laplace_mean_mode(MU_FIX, D_FIX)
    assert _zero(h["mean_shift"] - HAND["mean"]) and _zero(lap["mean_shift"] - HAND["mean"])
    assert _zero(h["variance"] - HAND["variance"]) and _zero(stn.printed_eq18() - HAND["variance"])
    assert _zero(stn.mode_shift(MU_FIX, D_FIX) - HAND["mode"]) and _zero(lap["mode_shift"] - HAND["mode"])
    # mutations rejected: wrong sign, wrong s exponent, sigma_q instead of sigma_q^2, printed Eq. (17)
    for bad in (-HAND["mean"], HAND["mean"] * s ** (-1), HAND["mean"] / sigma_q, stn.printed_eq17() - s):
        assert not _zero(h["mean_shift"] - bad)
    # the printed drift's zero is exactly Eq. (17) (internal consistency of the paper)
    assert _zero(stn.drift_zero_shift(PRINTED[0]) - (stn.printed_eq17() - s))


def test_no_label_noise_exponent():
    c = stn.no_label_noise_constants(MU_FIX, D_FIX)
    assert _zero(c["Q"] - 2 * beta * L ** 2 * s ** (2 * a)) and _zero(c["q"] - L * s ** a)
    assert _zero(c["density_exponent"] - (-2 - 1 / (beta * L * s ** a)))
    assert (c["density_exponent"] + 1).subs({L: 3, beta: sp.Rational(1, 10), s: 1}) < 0   # not integrable
    with pytest.raises(ValueError):       # mutation: label noise present -> D(s) != 0, no double zero
        stn.no_label_noise_constants(MU_FIX.subs(sigma_q, sp.Symbol("q0", positive=True)),
                                     D_FIX + beta * w ** 2)


def test_expansions_dimensionally_homogeneous():
    c = sp.Symbol("c", positive=True)
    scale = {w: c * w, s: c * s, sigma_q: c * sigma_q, beta: c ** (-2 * (L - 1) / L) * beta}
    hom = lambda e, k: _zero(e.subs(scale, simultaneous=True) - c ** k * e)
    assert hom(HAND["mean"], 1) and hom(stn.moment_hierarchy(MU_FIX, D_FIX)["variance"], 2)
    assert not hom(stn.printed_eq17() - s, 1)          # mutation / finding: Eq. (17) is not homogeneous


def test_registered_derivations():
    if "drift_aligned" not in quantity_ids():
        pytest.skip("modewise derivations not registered")
    assert _zero(derive("stationary_mean_expansion").expr - (s + HAND["mean"]))
    assert _zero(derive("stationary_mode_expansion").expr - (s + HAND["mode"]))
    assert _zero(derive("drift_zero_expansion").expr - (s + HAND["drift_zero"]))
    assert _zero(derive("stationary_variance_expansion").expr - HAND["variance"])
    assert any("below s" in n for n in derive("stationary_mean_expansion").notes)


# ------------------------------------------------------------------------------------------------ quadrature
def test_quadrature_tolerance_stated():
    """A finer rule at higher precision changes nothing above the stated 10**(-dps+5)."""
    mu, D = _callables(3, 1.3, 0.25, 1e-3)
    law = stationary_law(mu, D, s=1.3, dps=30, error_estimate=True)
    tol = mp.mpf(10) ** (-30 + 5)
    assert all(err < tol * 1.3 ** 2 for err in law.error_estimate.values()), law.error_estimate


BETAS = (1e-3, 1e-4, 1e-5)


@functools.lru_cache(maxsize=None)
def _laws(Lv, sv, qv):
    return [stationary_law(*_callables(Lv, sv, qv, b), s=sv, dps=30) for b in BETAS]


def _slope(Lv, sv, qv, field, shift_expr, base):
    """log-log slope of |quadrature - (base + shift_expr)| over BETAS."""
    subs = lambda b: {L: Lv, s: sp.Rational(repr(sv)), sigma_q: sp.Rational(repr(qv)), beta: sp.Rational(repr(b))}
    with mp.workdps(30):
        res = [getattr(law, field) - base - mp.mpf(sp.N(shift_expr.subs(subs(b)), 40))
               for law, b in zip(_laws(Lv, sv, qv), BETAS)]
    return fit_slope(BETAS, res)


def test_quadrature_confirms_mean_and_rejects_mutations():
    Lv, sv, qv = 3, 1.3, 0.25
    ok = _slope(Lv, sv, qv, "mean", HAND["mean"], sv)
    assert ok >= 2 - SLOPE_TOL
    for bad in (-HAND["mean"],                                   # wrong sign (the paper's "above s")
                HAND["mean"] * s ** (-1),                        # wrong exponent of s
                HAND["mean"] / sigma_q,                          # sigma_q instead of sigma_q^2
                HAND["drift_zero"],                              # mean taken to be the drift zero
                stn.printed_eq17() - s):                         # Eq. (17) as printed
        assert _slope(Lv, sv, qv, "mean", bad, sv) < 1.5
    assert _slope(Lv, sv, qv, "variance", HAND["variance"], 0) >= 2 - SLOPE_TOL
    assert _slope(Lv, sv, qv, "variance", HAND["variance"] * 2, 0) < 1.5
    assert _slope(Lv, sv, qv, "mode", HAND["mode"], sv) >= 2 - SLOPE_TOL
    assert _slope(Lv, sv, qv, "mode", HAND["mean"], sv) < 1.5
    assert _slope(Lv, sv, qv, "drift_zero", HAND["drift_zero"], sv) >= 2 - SLOPE_TOL


def test_expansion_check_api_paper_statements_fail():
    fix = (MU_FIX, D_FIX)
    r = expansion_check("mean", 2, 1.0, 0.3, [1e-3, 1e-4], coefficients=fix)
    assert r["passed"] and abs(r["slope"] - 2) < SLOPE_TOL
    assert not expansion_check("eq17_mean", 2, 1.0, 0.3, [1e-3, 1e-4], coefficients=fix)["passed"]
    assert not expansion_check("mean_above_s", 2, 1.0, 0.3, [1e-3, 1e-4], coefficients=fix)["passed"]


@pytest.mark.slow
@pytest.mark.parametrize("Lv", [2, 3, 4])
@pytest.mark.parametrize("sv,qv", [(1.0, 0.3), (0.6, 0.1), (2.0, 0.3)])   # not sigma_q s = 1: Eq. 17 = drift zero there
def test_expansion_grid_slow(Lv, sv, qv):
    fix = (MU_FIX, D_FIX)
    for which in ("drift_zero", "mean", "variance", "mode", "eq18_variance"):
        r = expansion_check(which, Lv, sv, qv, BETAS, coefficients=fix)
        assert r["passed"], (which, r["slope"])
    for which in ("eq17_mean", "eq17_drift_zero", "mean_above_s"):
        assert not expansion_check(which, Lv, sv, qv, BETAS, coefficients=fix)["passed"], which
    # with the printed coefficients, Eq. (17) is the drift zero of the printed drift
    assert expansion_check("eq17_drift_zero", Lv, sv, qv, BETAS, coefficients="printed")["passed"]

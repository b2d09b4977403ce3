"""Whole-domain verdicts: one property-based test per statement whose truth depends on a parameter.

Each test samples the stated domain with Hypothesis and decides the statement numerically (float64 or
mpmath, from the diffusion/drift written out here, not from the checks' SymPy closed forms), then compares
with the boundary the check computes.  Points within a relative 2% of a boundary are skipped: there the
numeric side is ill-conditioned by construction (a double root, a vanishing derivative).  The default tier
uses few examples; the ``slow`` variants sample more.  Mutation tests show each check can fail.
"""
from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from symdln.papers.corlouer2026 import PAPER
from symdln.papers.corlouer2026 import domain as dom
from symdln.papers.corlouer2026 import text as txt

FAST = settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
SLOW = settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))

depth = st.integers(min_value=2, max_value=12)
pos = st.floats(min_value=0.05, max_value=5.0, allow_nan=False)


def _D(w, L, s, q2, beta=1.0):
    """Eq. (7) under the std reading (derived): beta L^2 (2 (s-w)^2 + sigma_q^2) w^(4(L-1)/L)."""
    return beta * L ** 2 * (2 * (s - w) ** 2 + q2) * w ** (4 * (L - 1) / L)


def _mu(w, L, s, q2, beta):
    """Derived drift: L w^(2(L-1)/L)(s-w) + beta L(L-1)/2 w^((3L-4)/L)(sigma_q^2 + 2(s-w)^2)."""
    return L * w ** (2 * (L - 1) / L) * (s - w) + beta * L * (L - 1) / 2 * w ** ((3 * L - 4) / L) * (q2 + 2 * (s - w) ** 2)


def _local_max_below(L, s, q2):
    """Numeric: positions where dD/dw (central differences on a fine grid) goes + -> -, on 0 < w < 3 s."""
    ws = np.linspace(1e-4 * s, 3 * s, 30001)
    h = 1e-6 * s
    d = (_D(ws + h, L, s, q2) - _D(ws - h, L, s, q2)) / (2 * h)
    idx = np.where((d[:-1] > 0) & (d[1:] < 0))[0]
    return ws[idx]


def _bound(L, s):
    return s ** 2 * L ** 2 / (4 * (L - 1) * (3 * L - 2))


# ---- Eq. (10) and 'w* < s' (Sec. 4) ------------------------------------------------------------------------
def _peak_property(L, s, frac):
    q2 = frac * _bound(L, s)
    assume(abs(frac - 1) > 0.02)
    peaks = _local_max_below(L, s, q2)
    assert (len(peaks) > 0) == (frac < 1), (L, s, frac, peaks)
    if len(peaks):
        a = 4 * (L - 1) / L
        wstar = ((a + 1) * s - math.sqrt(s ** 2 - a * (a + 2) / 2 * q2)) / (a + 2)
        assert peaks[0] < s and abs(peaks[0] - wstar) < 2e-3 * s      # grid spacing 1e-4 s, well inside


@FAST
@given(depth, pos, st.floats(min_value=0.0, max_value=2.0))
def test_peak_exists_iff_strictly_below_the_bound_and_lies_below_s(L, s, frac):
    _peak_property(L, s, frac)


@pytest.mark.slow
@SLOW
@given(depth, pos, st.floats(min_value=0.0, max_value=2.0))
def test_peak_exists_iff_strictly_below_the_bound_slow(L, s, frac):
    _peak_property(L, s, frac)


def test_peak_bound_is_solved_not_transcribed():
    from symdln.symbolic.symbols import L, s
    assert sp.simplify(dom.peak_bound() - s ** 2 * L ** 2 / (4 * (L - 1) * (3 * L - 2))) == 0


# ---- 'larger s rise earlier' (Sec. 2.3) --------------------------------------------------------------------
R_STAR = float(sp.N(dom.timescale_threshold(), 17))


def _t_half(s, w0):
    return math.log(s / w0 - 1) / (2 * s)


def _timescale_property(r, w0):
    assume(abs(r / R_STAR - 1) > 0.02)
    s = r * w0
    earlier = _t_half(s * 1.001, w0) < _t_half(s, w0)
    assert earlier == (r > R_STAR), (r, w0)


@FAST
@given(st.floats(min_value=1.05, max_value=60.0), st.floats(min_value=1e-3, max_value=2.0))
def test_larger_modes_rise_earlier_iff_s_over_w0_exceeds_r_star(r, w0):
    _timescale_property(r, w0)


@pytest.mark.slow
@SLOW
@given(st.floats(min_value=1.05, max_value=60.0), st.floats(min_value=1e-3, max_value=2.0))
def test_larger_modes_rise_earlier_slow(r, w0):
    _timescale_property(r, w0)


def test_r_star_is_certified_by_interval_arithmetic():
    """g(r) = r/(r-1) - log(r-1) changes sign on a bracket of width 1e-12 around r* (mpmath.iv)."""
    iv = mpmath.iv
    lo, hi = iv.mpf(R_STAR - 1e-12), iv.mpf(R_STAR + 1e-12)
    g = lambda r: r / (r - 1) - iv.log(r - 1)  # noqa: E731
    assert g(lo).a > 0 and g(hi).b < 0


# ---- 'mean slightly above s' (Prop. 5.2 ii) ----------------------------------------------------------------
@FAST
@given(depth, pos, pos)
def test_stationary_mean_shift_is_negative_on_the_whole_domain(L, s, q):
    assert _mean_shift_fn()(L, s, q) < 0


_CACHE: dict = {}


def _mean_shift_fn():
    if "mean" not in _CACHE:
        from symdln.symbolic.symbols import L as Ls, s as ss, sigma_q
        _CACHE["mean"] = sp.lambdify((Ls, ss, sigma_q), dom.mean_shift())
    return _CACHE["mean"]


@pytest.mark.slow
@settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(st.integers(min_value=2, max_value=6), st.floats(min_value=0.5, max_value=2.0),
       st.floats(min_value=0.2, max_value=0.6))
def test_stationary_mean_below_s_by_quadrature(L, s, q):
    """Independent of the expansion: the mean of (1/D) exp(int_s^w 2mu/D) by quadrature (beta = 1e-3) is below s
    and agrees with the O(beta) shift to 10%."""
    from scipy.integrate import cumulative_trapezoid, simpson
    beta = 1e-3
    sd = math.sqrt(beta * L * q * q * s ** (2 - 2 / L) / 2)
    x = np.linspace(s - 14 * sd, s + 14 * sd, 40001)
    ratio = 2 * _mu(x, L, s, q * q, beta) / _D(x, L, s, q * q, beta)
    i0 = np.searchsorted(x, s)
    F = cumulative_trapezoid(ratio, x, initial=0.0)
    logp = F - F[i0] - np.log(_D(x, L, s, q * q, beta))
    p = np.exp(logp - logp.max())
    m = simpson(x * p, x=x) / simpson(p, x=x)
    want = -beta * (L - 1) / 2 * s ** (1 - 2 / L) * q * q
    assert m < s and abs((m - s) - want) < 0.1 * abs(want), (m - s, want)


def _mutated(monkeypatch, drift):
    real = dom._derived

    def fake(q):
        return drift() if q == "drift_aligned" else real(q)
    monkeypatch.setattr(dom, "_derived", fake)
    dom.mean_shift.cache_clear()


def test_mean_above_check_accepts_a_drift_whose_mean_is_above(monkeypatch):
    """Mutation: tripling the Ito drift puts the mean above s; the check must then pass the printed claim."""
    from symdln.symbolic.symbols import L, beta, s, sigma_q, w
    grad = L * w ** (2 * (L - 1) / L) * (s - w)
    ito = beta * L * (L - 1) / 2 * w ** ((3 * L - 4) / L) * (sigma_q ** 2 + 2 * (s - w) ** 2)
    _mutated(monkeypatch, lambda: grad + 3 * ito)
    try:
        evs, _ = PAPER.checks["mean_above_domain"](PAPER.get("prop5.2.mean-above"), None, seed=0, fast=True)
        assert evs[0].passed
    finally:
        monkeypatch.undo()
        dom.mean_shift.cache_clear()
    evs, _ = PAPER.checks["mean_above_domain"](PAPER.get("prop5.2.mean-above"), None, seed=0, fast=True)
    assert not evs[0].passed


# ---- decoupling (Prop. 3.5, Eqs. 4 and 11) -----------------------------------------------------------------
@FAST
@given(st.integers(min_value=2, max_value=6), st.floats(min_value=0.05, max_value=0.95),
       st.floats(min_value=0.05, max_value=0.95))
def test_cross_term_vanishes_exactly_on_the_plateaus_of_the_other_mode(L, fb, fa):
    from symdln.symbolic.symbols import L as Ls, beta, s, s_beta, w, w_beta
    cross, roots = dom.cross_term_roots()
    assume(abs(fb - fa * 0.8) > 0.02)                    # w_beta != w_alpha (separate formula there)
    f = _cross_fn()
    assert abs(f(L, fa, 0.8 * fb)) > 1e-9                 # a transition of mode beta couples the modes
    for r in roots:                                       # and it vanishes exactly at the computed roots
        pt = {Ls: L, s: 1, s_beta: sp.Rational(4, 5), w: fa, beta: sp.Rational(1, 100)}
        assert abs(float(cross.subs(pt).subs(w_beta, r.subs(s_beta, sp.Rational(4, 5))))) < 1e-15


def _cross_fn():
    if "cross" not in _CACHE:
        from symdln.symbolic.symbols import L as Ls, beta, s, s_beta, w, w_beta
        cross, _ = dom.cross_term_roots()
        _CACHE["cross"] = sp.lambdify((Ls, w, w_beta), cross.subs({s: 1, s_beta: sp.Rational(4, 5),
                                                                    beta: sp.Rational(1, 100)}))
    return _CACHE["cross"]


def test_decoupling_check_passes_when_the_cross_term_is_zero(monkeypatch):
    monkeypatch.setattr(dom, "cross_term_roots", lambda: (sp.Integer(0), [sp.Integer(0)]))
    evs, _ = PAPER.checks["decoupling_domain"](PAPER.get("eq.4"), None, seed=0, fast=True)
    assert evs[0].passed and not evs[1].passed


# ---- Prop. 5.2 (ii): existence of the stationary density at L = 2 ------------------------------------------
@FAST
@given(pos, st.floats(min_value=0.01, max_value=3.0), st.floats(min_value=0.05, max_value=4.0))
def test_l2_density_normalizable_iff_beta_below_the_bound(s, q, beta):
    bound = 2 * s / (2 * s * s + q * q)
    assume(abs(beta / bound - 1) > 0.02)
    # numeric local exponent of the density at w -> 0: log p(w) slope between w = 1e-8 and 1e-9 (mpmath)
    mpmath.mp.dps = 40
    ratio = lambda z: 2 * _mu(z, 2, s, q * q, beta) / _D(z, 2, s, q * q, beta)  # noqa: E731
    w1, w2 = mpmath.mpf("1e-8"), mpmath.mpf("1e-9")
    integral = mpmath.quad(lambda u: ratio(mpmath.exp(u)) * mpmath.exp(u), [mpmath.log(w2), mpmath.log(w1)])
    logD = lambda x: mpmath.log(_D(x, 2, s, q * q, beta))  # noqa: E731
    slope = (integral - logD(w1) + logD(w2)) / (mpmath.log(w1) - mpmath.log(w2))
    assert (slope > -1) == (beta < bound), (s, q, beta, slope, bound)
    bnd, _ = dom.l2_beta_bound()
    from symdln.symbolic.symbols import s as ss, sigma_q
    assert abs(float(bnd.subs({ss: s, sigma_q: q})) - bound) < 1e-12 * bound


# ---- the text claims: Langevin noise once learned; contribution 2; mu''(s); scaling ------------------------
@FAST
@given(depth, pos, pos)
def test_learned_mode_noise_depends_on_w_for_every_depth(L, s, q):
    h = 1e-6 * s
    rel = (_D(s + h, L, s, q * q) - _D(s - h, L, s, q * q)) / (2 * h) / _D(s, L, s, q * q)
    assert abs(rel - 4 * (L - 1) / (L * s)) < 1e-6 * max(1.0, rel) and rel > 0
    assert _D(s, L, s, q * q) > 0                           # contribution 2: no decay to zero with label noise


@FAST
@given(depth, pos)
def test_mu_second_derivative_at_s_is_order_one(L, s):
    h = 1e-4 * s
    m2 = (_mu(s + h, L, s, 0.0, 0.0) - 2 * _mu(s, L, s, 0.0, 0.0) + _mu(s - h, L, s, 0.0, 0.0)) / h ** 2
    want = -4 * (L - 1) * s ** ((L - 2) / L)
    assert abs(m2 - want) < 1e-4 * abs(want)                  # second differences: O(h^2) + rounding/h^2


@FAST
@given(depth, pos, pos, st.floats(min_value=1e-4, max_value=0.5), st.integers(min_value=1, max_value=64))
def test_diffusion_is_linear_in_eta_over_b(L, s, w, eta, b):
    base = _D(w, L, s, 0.09, beta=eta / b)
    assert math.isclose(_D(w, L, s, 0.09, beta=2 * eta / b), 2 * base, rel_tol=1e-12)
    assert math.isclose(_D(w, L, s, 0.09, beta=eta / (2 * b)), base / 2, rel_tol=1e-12)


def test_blockdiag_check_fails_for_a_full_covariance(monkeypatch):
    """Mutation: if the Hessian had nonzero diagonal blocks, a block-diagonal Sigma would give a nonzero trace."""
    net, rng, H, Hb = txt._hessians(0)
    Hm = H + np.eye(H.shape[0]) * 0.5
    monkeypatch.setattr(txt, "_hessians", lambda seed: (net, np.random.default_rng(1), Hm, Hb))
    evs = PAPER.checks["ito_blockdiag"](None, None, seed=0, fast=True)
    assert not evs[0].passed and not evs[1].passed


# ---- independent checks added where a confirmation was true by construction or used a degenerate size ------
def test_ito_formula_generic_width_check_rejects_a_wrong_factor():
    from symdln.papers.corlouer2026.references_symbolic import ito_formula_generic_residual
    assert ito_formula_generic_residual(0) == 0
    assert ito_formula_generic_residual(0, half=sp.Integer(1)) != 0       # dropped 1/2 in front of the bracket


def test_gradient_finite_differences_reject_a_flipped_sign():
    """The central-difference comparison of Prop. 3.1's G_l (numeric_identity data) rejects gradient ascent."""
    import dataclasses

    from symdln.verify.checks import run_check
    claim, spec = PAPER.get("prop3.1.gradient"), PAPER.spec("prop3.1.gradient")
    fd_only = dataclasses.replace(spec, params={**spec.params, "settings": "sampled_generic",
                                                "compare": [spec.params["compare"][2]]})
    assert all(e.passed for e in run_check("numeric_identity", claim, fd_only, paper=PAPER)[0])
    # wrong variant: W_>l^T Delta W_<l^T with the sign flipped (gradient ascent)
    bad = dataclasses.replace(claim, expr=lambda n, tt, l: -claim.expr(n, tt, l))
    evs = run_check("numeric_identity", bad, fd_only, paper=PAPER)[0]
    assert evs and not any(e.passed for e in evs)


# ---- statements confirmed over their whole domain: property tests ------------------------------------------
@FAST
@given(depth, pos, st.floats(min_value=1e-3, max_value=2.0))
def test_no_label_noise_density_is_non_integrable_at_s_for_every_depth(L, s, beta):
    """Prop. 5.2 (i): with sigma_q = 0, log p* ~ -(gamma + 2) log|s - w| near s with gamma = 1/(beta L s^a) > 0."""
    mpmath.mp.dps = 30
    a = 2 * (L - 1) / L
    ratio = lambda z: 2 * _mu(z, L, s, 0.0, beta) / _D(z, L, s, 0.0, beta)  # noqa: E731
    e1, e2 = mpmath.mpf("1e-6") * s, mpmath.mpf("1e-7") * s
    integral = mpmath.quad(ratio, [s - e1, s - e2])
    logD = lambda e: mpmath.log(_D(s - e, L, s, 0.0, beta))  # noqa: E731
    slope = (integral - logD(e2) + logD(e1)) / (mpmath.log(e2) - mpmath.log(e1))    # d log p / d log(s - w)
    gamma = 1 / (beta * L * s ** a)
    assert slope < -1                                           # non-integrable at s
    assert abs(-slope - (gamma + 2)) < 1e-3 * (gamma + 2)


@FAST
@given(st.lists(st.integers(min_value=1, max_value=5), min_size=3, max_size=5), st.integers(0, 2 ** 31 - 1))
def test_gradient_flow_preserves_balance_at_any_widths(widths, seed):
    """(A1) 'preserved under gradient flow': d/dt (W_(l+1)^T W_(l+1) - W_l W_l^T) = 0 at random networks."""
    from symdln.network import DLN, Teacher
    from symdln.noise import population_gradient
    rng = np.random.default_rng(seed)
    net = DLN([rng.standard_normal((widths[i + 1], widths[i])) for i in range(len(widths) - 1)])
    r = min(widths[0], widths[-1])
    t = Teacher.from_singular_values(rng.uniform(0.2, 2.0, r), widths[-1], widths[0], rng=rng)
    G = population_gradient(net, t)
    for l in range(1, net.depth):
        Wl, Wn, Gl, Gn = net.layer(l), net.layer(l + 1), G[l - 1], G[l]
        rate = -(Gn.T @ Wn + Wn.T @ Gn) + (Gl @ Wl.T + Wl @ Gl.T)
        # the two products are O(|W|^(2L)) ~ 1e2 here; their difference cancels to rounding (1e-12 relative)
        assert np.max(np.abs(rate)) <= 1e-12 * max(1.0, float(np.max(np.abs(Gn.T @ Wn))))

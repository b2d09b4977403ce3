"""The verdict engine's cheaper evaluation paths decide exactly as the exact paths they replace: the dimension
check's compiled mpmath evaluator (with its precision-stability guard and the exact fallback), one-pass point
substitution.  Each fast path is checked against the exact one, and a wrong variant must still be rejected."""
from __future__ import annotations

import pytest
import sympy as sp

from symdln.symbolic.symbols import L, b, beta, eta, s, sigma_q, w
from symdln.verify import dimension as dim
from symdln.verify.dimension import check_dimension
from symdln.verify.points import at_point

DRIFT = L * w ** (2 * (L - 1) / L) * (s - w)
CASES = [
    (DRIFT, "drift", {}),
    (L * w ** (2 * (L - 2) / L) * (s - w), "drift", {}),                  # wrong exponent
    (beta * DRIFT, "drift", {}),                                           # extra beta
    (eta / b * sigma_q ** 2, "variance", {"sigma_weight": 2}),
    (eta / b * sigma_q ** 2 * s ** (2 * (L - 1) / L), "variance", {}),
    (L * eta * w ** ((2 * L - 4) / L) * (L - 1) * (s + sigma_q / 2 - w) / b, "drift", {"sigma_weight": 2}),
]


@pytest.mark.parametrize("expr,dimension,kw", CASES)
def test_dimension_fast_path_decides_as_the_exact_path(expr, dimension, kw, monkeypatch):
    fast = check_dimension(expr, dimension, **kw)
    monkeypatch.setattr(dim, "_fast_evaluator", lambda e, syms: None)      # every point by subs + evalf
    exact = check_dimension(expr, dimension, **kw)
    assert fast.passed == exact.passed
    assert fast.summary == exact.summary          # the failing depth and the powers shown (4 digits) agree
    for f, e in zip(fast.data.get("failures", []), exact.data.get("failures", [])):
        assert f["L"] == e["L"] and abs(f["actual_power"] - e["actual_power"]) < 1e-12


def test_dimension_cancellation_is_not_decided_at_low_precision():
    """exp(w/10^45) - 1 keeps ~5 digits at 50-digit working precision: a ratio from there alone would miss c^1 by
    ~1e-5 and refute a homogeneous location; the 70-digit re-evaluation disagrees, so the exact path decides."""
    eps = sp.Rational(1, 10 ** 45)
    loc = (sp.exp(w * eps) - 1) / eps
    syms = sorted(loc.free_symbols | {L}, key=lambda x: x.name)
    fn = dim._fast_evaluator(loc, syms)
    assert fn is not None
    base = {w: sp.Float(0.7, 30), L: 2}
    assert dim._fast_ratio(fn, syms, base, {w: base[w] * sp.Rational(3, 2), L: 2}) is None
    assert check_dimension(loc, "location").passed
    assert not check_dimension(loc * w, "location").passed                 # a variance is not a location


def test_dimension_unsupported_function_uses_the_exact_path():
    """LambertW is not among the fast nodes: the exact path evaluates it, and still separates right from wrong."""
    ok, wrong = DRIFT * sp.LambertW(s / w), DRIFT * sp.LambertW(s)
    assert dim._fast_evaluator(ok, sorted(ok.free_symbols | {L}, key=lambda x: x.name)) is None
    assert check_dimension(ok, "drift").passed
    assert not check_dimension(wrong, "drift").passed


def test_dimension_fast_evaluator_never_writes_a_symbol_name_into_code():
    """The generated code names its arguments itself (dummify): a symbol whose name is Python text stays text."""
    odd = sp.Symbol("__import__('os').system('echo PWNED')", positive=True)
    import inspect
    fn = dim._fast_evaluator(odd * w, [odd, w])
    assert fn is not None and "import" not in inspect.getsource(fn)
    assert float(fn(2, 3)) == 6.0


def test_at_point_equals_subs_and_keeps_bound_variables():
    x, y = sp.symbols("x y", positive=True)
    e = L * w ** ((2 * L - 2) / L) * (s - w) + sp.sqrt(s ** 2 - sigma_q ** 2)
    pt = {L: sp.Integer(3), w: sp.Rational(27, 8), s: sp.Rational(5, 2), sigma_q: sp.Rational(1, 4)}
    assert at_point(e, pt) == e.subs(pt)
    integral = sp.Integral(x * y, (x, 0, y))                   # x is bound: replacing it would change the integral
    assert at_point(integral, {x: 2, y: 3}) == integral.subs({x: 2, y: 3}) == sp.Integral(3 * x, (x, 0, 3))


# ---- Taylor coefficients / limits by differentiation where analyticity is proved (symdln.checkkit) ----------------
def test_taylor_equals_series_where_analytic():
    from symdln.checkkit import analytic_at_zero, taylor
    x = sp.Symbol("x")
    c = sp.Symbol("c", positive=True)
    for f in (sp.exp(x * s) * (s + x) ** (-2) + x ** 3,
              L * (s + beta * x) ** ((2 * L - 2) / L) * (1 - x) ** 2 + sp.log(s + x) * (2 + x) ** x):
        assert analytic_at_zero(f, x)
        assert sp.simplify(taylor(f, x, 2) - sp.series(f, x, 0, 2).removeO()) == 0
    f = (s + c * x) ** sp.Rational(2, 3) / (sigma_q ** 2 * x - 3 * s)
    assert sp.simplify(taylor(f, x, 3) - sp.series(f, x, 0, 3).removeO()) == 0


def test_taylor_falls_back_to_series_where_analyticity_is_not_proved():
    """x^(3/2) and x log x are not analytic at 0: term-by-term differentiation would give 0 + 0 x (wrong: the
    series keeps x^(3/2)); sin is not among the proved nodes, so series computes it as before."""
    from symdln.checkkit import analytic_at_zero, taylor
    x = sp.Symbol("x", positive=True)
    for f in (x ** sp.Rational(3, 2), x * sp.log(x) + x, 1 / x + x, sp.sin(x) / (s - x), (s - s * sp.exp(x)) ** sp.Rational(1, 2)):
        assert not analytic_at_zero(f, x)
        assert taylor(f, x, 2) == sp.series(f, x, 0, 2).removeO()
    assert taylor(x ** sp.Rational(3, 2), x, 2) == x ** sp.Rational(3, 2)


def test_limit_at_zero_only_substitutes_a_continuous_function():
    from symdln.checkkit import limit_at_zero
    x = sp.Symbol("x", positive=True)
    assert limit_at_zero(s / (s + x), x) == 1
    assert limit_at_zero((x ** 2 + x) / x * (s - x) ** 2 / (s - x) ** 2, x) == 1
    assert limit_at_zero(sp.sin(x) / x, x) == 1                 # substitution would give nan
    assert limit_at_zero(x * sp.log(x), x) == 0


# ---- symbolic_zero: cheap proofs first, the same decisions --------------------------------------------------------
def test_symbolic_zero_test_decides_as_simplify():
    from symdln.verify.kinds_identity import _is_zero
    assert _is_zero(sp.sin(w) ** 2 + sp.cos(w) ** 2 - 1)            # only simplify proves it
    assert _is_zero((w ** 2 - s ** 2) / (w - s) - w - s)             # cancel proves it
    assert not _is_zero(sp.sin(w) ** 2 + sp.cos(w) ** 2 - 1 + sp.Rational(1, 10 ** 20))   # tiny, but not zero
    assert not _is_zero((w ** 2 - s ** 2) / (w - s) - w)             # nonzero at an exact point
    assert not _is_zero(sp.Matrix([[0, w - s]]))


def test_newton_and_variance_references_reject_a_wrong_drift(monkeypatch):
    """appF.linearize / appF.curvature-order: the residuals vanish for the derived drift and diffusion, and do not
    when the drift has an O(1) offset (its zero is no longer near s) or the diffusion an O(1) part."""
    from symdln.papers.corlouer2026 import references_symbolic as R
    from symdln.verify.kinds_identity import _is_zero
    assert _is_zero(R.newton_residual(None))        # (the variance residuals vanishing is pinned by the verdicts)
    d, raw = R._d, R._raw
    monkeypatch.setattr(R, "_d", lambda q, key=None: d(q, key) + (w if q == "drift_aligned" else 0))
    monkeypatch.setattr(R, "_raw", lambda q: raw(q) + (1 if q == "diffusion_aligned" else 0))
    assert not _is_zero(R.newton_residual(None))
    assert not any(_is_zero(r) for _, r in R.variance_at_s_vs_wstar(None))


@pytest.mark.slow      # the values also reach the verdicts (prop5.2.i), pinned in the default tier
def test_no_noise_coefficients_equal_the_limits():
    """Q, q at w -> s by substitution where the quotient is proved continuous: the values sp.limit gives."""
    from symdln.papers.corlouer2026 import references_symbolic as R
    from symdln.symbolic.symbols import sigma_q as sq
    x = sp.Dummy("x", positive=True)
    for k in (1, 2, 3, 4):
        Q, q, _ = R._no_noise_coefficients(k)
        mu, D = (R._d(n).subs(sq, 0).subs(L, k) for n in ("drift_aligned", "diffusion_aligned"))
        assert sp.simplify(Q - sp.limit((D / (s - w) ** 2).subs(w, s - x), x, 0)) == 0
        assert sp.simplify(q - sp.limit((mu / (s - w)).subs(w, s - x), x, 0)) == 0


def test_solve_linear_matches_solve():
    from symdln.papers.corlouer2026.references_symbolic import _solve_linear
    c = sp.Symbol("c")
    e = 3 * s * c - sigma_q ** 2 * c + s ** 2
    assert sp.simplify(_solve_linear(e, c) - sp.solve(e, c)[0]) == 0
    assert _solve_linear(c ** 2 - 4, c) == sp.solve(c ** 2 - 4, c)[0]      # not linear: sp.solve


# ---- stationary expansions read from the derivations; closed forms memoised per sampled network ------------------
def test_expansion_prediction_is_the_registered_derivation():
    """For the derived coefficients the prediction is the registered derivation, structurally the expansion the
    quadrature check derived itself before; other coefficients still derive their own."""
    from symdln import stationary_density as sd
    from symdln.symbolic.fokker_planck import aligned_coefficient_exprs
    mu, D = aligned_coefficient_exprs("derived")
    for which in ("drift_zero", "variance"):
        assert sd._prediction(which, "derived", mu, D) == sd._symbolic_expansion(which, mu, D)
    assert sd._prediction("mean_above_s", "derived", mu, D) is None
    pmu, pD = aligned_coefficient_exprs("printed")
    derived_own = sd._symbolic_expansion
    try:                                             # other coefficients: their own expansion, never the derivation's
        sd._symbolic_expansion = lambda which, m, d: ("own", which, m, d)
        assert sd._prediction("drift_zero", "printed", pmu, pD) == ("own", "drift_zero", pmu, pD)
        assert sd._prediction("drift_zero", (pmu, pD), pmu, pD) == ("own", "drift_zero", pmu, pD)
    finally:
        sd._symbolic_expansion = derived_own


def test_memoised_closed_form_is_keyed_by_every_number_of_the_setting():
    """A second network that differs only by a transposed (square) layer, or a teacher with other label noise,
    gets its own closed-form value, not the first one's."""
    import numpy as np
    from symdln.checkkit import generic_setting
    from symdln.network import DLN, Teacher
    from symdln.verify.kinds import DERIVED, _memoised
    t, net = generic_setting(0)
    fn = DERIVED["population_gradient"][0]
    memo = _memoised("population_gradient", fn)
    first = memo(net, t)
    net2 = DLN([net.layers[0].T.copy()] + list(net.layers[1:]))
    t2 = Teacher(t.U, t.s, t.V, 2 * t.Sigma_q + np.eye(t.Sigma_q.shape[0]))
    for n_, t_ in ((net2, t), (net, t2)):
        got, want = memo(n_, t_), fn(n_, t_)
        assert all(np.array_equal(a, b) for a, b in zip(got, want))
    assert not all(np.array_equal(a, b) for a, b in zip(memo(net2, t), first))
    assert memo(net, t) is first


# ---- the stationary law's spectral Phi ------------------------------------------------------------------------------
def _integrates_monomials(S, nodes, prec):
    import mpmath as mp
    worst = 0
    with mp.workprec(prec):
        for k in range(len(nodes)):                 # degree <= n - 1: integrated exactly
            for i, (ti, _) in enumerate(nodes):
                got = mp.fsum(S[i][j] * tj ** k for j, (tj, _) in enumerate(nodes))
                worst = max(worst, abs(got - (ti ** (k + 1) - (-1) ** (k + 1)) / (k + 1)))
    return worst


def test_integration_matrix_integrates_the_interpolant_exactly():
    """int_{-1}^{t_i} t^k for every degree k < n to the working precision (40 digits); the transposed matrix
    (a plausible slip) is rejected."""
    from symdln.stationary_density import _gl, _integration_matrix
    prec = 136                                       # 40 digits, the law's working precision at dps = 30
    nodes, S = _gl(4, prec), _integration_matrix(4, prec)
    assert _integrates_monomials(S, nodes, prec) < 1e-38
    assert _integrates_monomials([list(r) for r in zip(*S)], nodes, prec) > 1e-3


@pytest.mark.slow      # the default tier compares the spectral law with the finer composite rule already
def test_spectral_and_composite_rules_give_the_same_law():      # (test_symbolic_stationary: tolerance stated)
    import mpmath as mp
    from symdln import stationary_density as sd
    from symdln.symbolic.fokker_planck import aligned_coefficient_exprs
    mu_e, D_e = aligned_coefficient_exprs("derived")
    args = dict(L=3, s="13/10", sigma_q="3/10", beta="1/1000")
    mu, D = sd.coefficient_callables(mu_e, D_e, **args)
    laws = [sd.stationary_law(mu, D, s="13/10", dps=30, integrand=sd.rooted_integrand(mu_e, D_e, **args), phi_rule=r)
            for r in ("spectral", "composite")]
    for k in ("mean", "variance", "mode", "log_norm"):
        assert abs(getattr(laws[0], k) - getattr(laws[1], k)) < mp.mpf(10) ** -30
    with pytest.raises(Exception, match="phi_rule"):
        sd.stationary_law(mu, D, s=1, phi_rule="trapezoid")


# ---- equations compared as equations: a ratio shown to vary in w skips simplify ----------------------------------
def test_equation_ratio_shortcut_only_refutes(monkeypatch):
    from symdln.verify import symbolic as vs
    d = (w - s) * (w + sigma_q)
    assert vs._equation_ratio(3 * d, d) == (3, True)
    assert vs._equation_ratio((w ** 2 - s ** 2) * (w + sigma_q) / (w + s), d)[1]      # constant only once simplified
    monkeypatch.setattr(vs, "simplify", lambda e: pytest.fail("simplify called for a ratio that varies in w"))
    assert vs._equation_ratio(d + sigma_q ** 2, d) == (None, False)
    assert vs._equation_ratio(d * w, d) == (None, False)                                # a factor w: not equivalent


def test_density_exponent_limit_from_the_cancelled_ratio():
    """The leading coefficient of 2 mu/D at w -> 0 from cancel(2 mu/D) is the one the simplified ratio gives."""
    from symdln.papers.corlouer2026.domain import _derived, density_exponent_at_zero
    ratio = sp.simplify((2 * _derived("drift_aligned") / _derived("diffusion_aligned")).subs(L, 3))
    assert density_exponent_at_zero(3)[1] == sp.simplify(sp.limit(ratio * w ** sp.Rational(4, 3), w, 0, "+"))


def test_memo_by_setting_recomputes_for_another_network():
    import numpy as np
    from symdln.checkkit import generic_setting, memo_by_setting
    from symdln.network import DLN
    calls = []

    @memo_by_setting
    def ref(claim, env):
        calls.append(1)
        return [W.sum() for W in env["net"].layers]
    t, net = generic_setting(0)
    a = ref(None, {"net": net, "t": t})
    assert ref("another claim", {"net": net, "t": t}) is a and len(calls) == 1
    net2 = DLN([net.layers[0] * (1 + 1e-15)] + list(net.layers[1:]))       # one ulp-scale change: a new key
    assert ref(None, {"net": net2, "t": t}) is not a and len(calls) == 2
    assert np.isclose(ref(None, {"net": net2, "t": t})[0], a[0])


def test_network_z_crit_is_norm_isf():
    from scipy.stats import norm
    from symdln.papers.corlouer2026._network_checks import FALSE_ALARM, _z_crit
    assert _z_crit() == float(norm.isf(FALSE_ALARM / 2))                  # the same double


def test_point_equal_decides_algebraic_values_like_simplify(monkeypatch):
    """A clearly nonzero algebraic value is 'differ' without simplify; a value that is zero only after denesting
    (sqrt(3 + 2 sqrt 2) = 1 + sqrt 2) still goes through simplify and is 'equal'."""
    from symdln.verify import points as P
    x = sp.Symbol("x", positive=True)
    e = sp.sqrt(x + 2 * sp.sqrt(2)) - 1 - sp.sqrt(2)
    assert P._point_equal(e, {x: 3}) is True
    assert P._point_equal(e, {x: sp.Rational(1, 2)}) is False
    assert P._point_equal(1 / (x - 3), {x: 3}) is None                     # undefined: skipped, as before
    monkeypatch.setattr(P, "_simplified_value", lambda v: pytest.fail("simplify for a clearly nonzero value"))
    assert P._point_equal(e, {x: 4}) is False

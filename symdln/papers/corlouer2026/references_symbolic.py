"""Named symbolic residuals for the engine's ``symbolic_zero`` kind: identities this paper states, each a SymPy
expression (or a list of them, one per depth or dimension) that vanishes iff the identity holds.

A reference ``fn(claim)`` computes the residual from the claim's transcription and from derivations
(``symdln.symbolic.derive``); the kind decides (simplifies to zero or not).  Nothing here is parsed from text.
"""
from __future__ import annotations

import functools
import itertools

import numpy as np
import sympy as sp

from ...checkkit import limit_at_zero, normalize, taylor
from ...symbolic._simp import simplify_zero_first
from ...symbolic.symbols import L, b, eta, s, t, w, w0
from . import derived_forms
from ._base import PAPER

R = PAPER.reference


def _d(q, key=None):
    """The derivation ``q`` with beta -> eta/b (the engine's normal form)."""
    from ...symbolic import derive
    d = derive(q)
    return normalize(d.extra[key] if key else d.expr)


def _raw(q):
    """The derivation ``q`` as registered (in beta = eta/b)."""
    from ...symbolic import derive
    return derive(q).expr


# ---- Sec. 2: the SDE and the logistic solution ------------------------------------------------------------------
# one SGD step: mean -eta g, covariance eta^2 Sigma/b; one Euler-Maruyama step of Eq. (1) with dt = eta: mean -g dt,
# covariance dt * eta Sigma_b (true by construction once dt = eta: this checks the time scaling of Eq. (1); the
# eta -> 0 limit itself rests on the functional CLT, App. A.2, and on the Monte Carlo comparisons of the SGD claims)
R("sde_mean_residual")(lambda claim: -eta - (-eta))
R("sde_cov_residual")(lambda claim: eta * eta / b - eta ** 2 / b)
R("logistic_ode_residual")(lambda claim: sp.diff(claim.expr, t) - 2 * (s - claim.expr) * claim.expr)
R("logistic_initial_residual")(lambda claim: claim.expr.subs(t, 0) - w0)


# ---- Sec. 5 / Apps. E-F: drift, Fokker-Planck, stationary law ---------------------------------------------------
R("drift_sum_residual")(lambda claim: _d("drift_aligned") - _d("grad_drift_aligned") - _d("ito_drift_aligned"))
# Eq. (1) has diffusion eta Sigma_b = eta Sigma / b, so the Fokker-Planck term is eta/(2b) sum d_i d_j (Sigma_ij p)
R("fp_coefficient_residual")(lambda claim: eta / (2 * b) - eta / 2)
R("fp_coefficient_residual_b1")(lambda claim: (eta / (2 * b) - eta / 2).subs(b, 1))
R("fokker_planck_1d_form")(derived_forms.fokker_planck_1d)


def _fp_over_p(log_p, mu, D, x, tt):
    """(p_t + (mu p)_x - (D p)_xx / 2) / p for p = exp(log_p): SymPy differentiates a generic exp(F) (exp(F)
    cancels exactly), then F -> log_p.  The same residual as dividing the derivatives of p by p, without
    simplifying exponentials of the transition density."""
    F = sp.Function("F")(x, tt)
    P = sp.exp(F)
    op = sp.expand(sp.powsimp((sp.diff(P, tt) + sp.diff(mu * P, x) - sp.diff(D * P, x, 2) / 2) / P))
    return op.subs(F, log_p).doit()


@R("fp_1d_ou_residual")
def fp_1d_ou_residual(claim):
    """The Ornstein-Uhlenbeck transition density in the printed 1-d Fokker-Planck equation (divided by p)."""
    return _fp_1d_ou()


@R("fp_1d_gbm_residual")
def fp_1d_gbm_residual(claim):
    """The lognormal law of dx = r x dt + c x dB (state-dependent diffusion) in the same equation (divided by p)."""
    return _fp_1d_gbm()


@functools.lru_cache(maxsize=None)
def _fp_1d_ou():
    """The Ornstein-Uhlenbeck residual, simplified (0 at once when ``cancel`` gives 0; independent of the claim,
    and two claims use it, so it is computed once per process)."""
    x, tt = sp.Dummy("x", real=True), sp.Dummy("tau", positive=True)
    k, m, d, x0 = (sp.Dummy(n, positive=True) for n in ("k", "m", "d", "x0"))
    mean = m + (x0 - m) * sp.exp(-k * tt)
    var = d / (2 * k) * (1 - sp.exp(-2 * k * tt))
    log_p = -(x - mean) ** 2 / (2 * var) - sp.log(2 * sp.pi * var) / 2
    return simplify_zero_first(_fp_over_p(log_p, -k * (x - m), d, x, tt))


@functools.lru_cache(maxsize=None)
def _fp_1d_gbm():
    """The lognormal residual, simplified (computed once per process, as :func:`_fp_1d_ou`)."""
    tt, x0 = sp.Dummy("tau", positive=True), sp.Dummy("x0", positive=True)
    r, c, xp = sp.Dummy("r", positive=True), sp.Dummy("c", positive=True), sp.Dummy("xp", positive=True)
    mlog, vlog = sp.log(x0) + (r - c ** 2 / 2) * tt, c ** 2 * tt
    log_q = -(sp.log(xp) - mlog) ** 2 / (2 * vlog) - sp.log(xp) - sp.log(2 * sp.pi * vlog) / 2
    return simplify_zero_first(_fp_over_p(log_q, r * xp, c ** 2 * xp ** 2, xp, tt))


def _zero_current_parts():
    x = sp.Dummy("x", positive=True)
    mu, D, F = sp.Function("mu_")(x), sp.Function("D_")(x), sp.Function("F_")(x)     # F' = 2 mu / D
    return x, mu, D, F, sp.exp(F) / D


@R("zero_current_residual")
def zero_current_residual(claim):
    """(1/2)(D p)' - mu p for p = D^-1 exp(int 2 mu/D)."""
    x, mu, D, F, p = _zero_current_parts()
    return (sp.diff(D * p, x) / 2 - mu * p).subs(sp.Derivative(F, x), 2 * mu / D)


@R("log_density_residual")
def log_density_residual(claim):
    """(log p)' + (log D)' - 2 mu / D for the same p."""
    x, mu, D, F, p = _zero_current_parts()
    return (sp.diff(sp.log(p), x) + sp.diff(sp.log(D), x)).subs(sp.Derivative(F, x), 2 * mu / D) - 2 * mu / D


@R("newton_residual")
def newton_residual(claim):
    """The zero of mu to first order in eta/b minus the Newton step -mu(s)/mu'(s) at that order."""
    mu = _d("drift_aligned")
    eps, c1 = sp.Dummy("epsilon", positive=True), sp.Dummy("c1")
    first = sp.expand(taylor(mu.subs(eta, eps * b).subs(w, s + c1 * eps), eps)).coeff(eps, 1)
    sol = _solve_linear(first, c1)
    newton = (-mu.subs(w, s) / sp.diff(mu, w).subs(w, s)).subs(eta, eps * b)
    return sol - sp.expand(taylor(newton, eps)).coeff(eps, 1)


def _solve_linear(e, x):
    """The root of ``e = 0`` when ``e`` is linear in ``x`` with a nonzero slope (``-e(0)/slope``, what
    ``sp.solve`` returns up to its simplification, at a fraction of its cost), else ``sp.solve``'s first root."""
    a, c = e.coeff(x, 1), e.coeff(x, 0)
    if a != 0 and sp.expand(e - a * x - c) == 0 and x not in a.free_symbols | c.free_symbols:
        return -c / a
    return sp.solve(e, x)[0]


@R("ou_variance_residual")
def ou_variance_residual(claim):
    """Var = sigma^2/(-2 mu') from the generator of dx = -k x dt + sigma dB applied to x^2 (derived, not copied)."""
    k, sg, V = sp.Dummy("k", positive=True), sp.Dummy("sigma", positive=True), sp.Dummy("V")
    x = sp.Dummy("x", real=True)
    moment = sp.expand(-k * x * sp.diff(x ** 2, x) + sg ** 2 / 2 * sp.diff(x ** 2, x, 2)).subs(x ** 2, V)
    return sp.solve(sp.Eq(moment, 0), V)[0] - sg ** 2 / (2 * k)


@R("pair_sum_residuals")
def pair_sum_residuals(claim):
    """For L = 2..6: the balanced sum over ordered pairs l != m of prod_{j != l, m} w_j^2 minus the printed form."""
    out = []
    for Lk in (2, 3, 4, 5, 6):
        ws = sp.symbols(f"x1:{Lk + 1}", positive=True)
        tot = sum(sp.Mul(*[ws[j] ** 2 for j in range(Lk) if j not in (l, m)])
                  for l, m in itertools.permutations(range(Lk), 2))
        bal = sp.simplify(tot.subs({x: w ** (sp.Integer(1) / Lk) for x in ws}))
        out.append((f"L={Lk} ({Lk * (Lk - 1)} ordered pairs)", bal - claim.expr.subs(L, Lk)))
    return out


# ---- App. B: Gaussian moments (the derivation's exact matrices per dimension) ----------------------------------
def _vec_id(d):
    return sp.Matrix(np.eye(d).reshape(-1, order="F").astype(int))


def _fourth_moments():
    from ...symbolic import derive
    return sorted(derive("gaussian_fourth_moment").extra["by_dimension"].items())


@R("isserlis_residuals")
def isserlis_residuals(claim):
    """E[V V^T] (centred moment from the Gaussian MGF + vec(I) vec(I)^T) minus I + C + vec(I) vec(I)^T."""
    from ...symbolic._linalg import commutation
    return [(f"d0={d}", E + _vec_id(d) * _vec_id(d).T - (sp.eye(d * d) + commutation(d, d) + _vec_id(d) * _vec_id(d).T))
            for d, E in _fourth_moments()]


@R("centered_moment_residuals")
def centered_moment_residuals(claim):
    from ...symbolic._linalg import commutation
    return [(f"d0={d}", E - sp.eye(d * d) - commutation(d, d)) for d, E in _fourth_moments()]


@R("label_moment_residuals")
def label_moment_residuals(claim):
    """E[(X kron I) Sigma_q (X kron I)^T] (derivation) minus I kron Sigma_q, per shape (d_L, d_0)."""
    from ...symbolic import derive
    d = derive("label_noise_moment")
    dl_first = d.extra.get("by_shape_key", "(d_L, d_0)") == "(d_L, d_0)"
    out = []
    for key, E in sorted(d.extra["by_shape"].items()):
        dL, d0 = key if dl_first else key[::-1]
        out.append((f"(d_L, d_0)=({dL},{d0})", E - sp.kronecker_product(sp.eye(d0), E[:dL, :dL])))
    return out


# ---- App. D, Eq. (26): Ito's formula for w = u^T W_2 W_1 v -------------------------------------------------------
@R("ito_formula_depth2_residual")
def ito_formula_depth2_residual(claim):
    """Scalar layers (hidden width 1, a degenerate size): <grad w, f> + 1/2 d[theta] : Hess w minus the product rule
    w1 dw2 + w2 dw1 + d[w1, w2]."""
    w1, w2, f1, f2 = (sp.Dummy(n) for n in ("w1", "w2", "f1", "f2"))
    g = sp.Matrix(2, 2, list(sp.symbols("g0:4", cls=sp.Dummy)))
    S = g * g.T
    H = sp.Matrix([[0, 1], [1, 0]])
    drift_ito = sp.Matrix([w2, w1]).dot(sp.Matrix([f1, f2])) + sum(S[i, j] * H[i, j] for i in range(2)
                                                                   for j in range(2)) / 2
    return drift_ito - (w1 * f2 + w2 * f1 + S[0, 1])


def ito_formula_generic_residual(seed=0, widths=(2, 3, 2), half=sp.Rational(1, 2)):
    """The same identity at generic matrix widths (depth 2, hidden width 3), exact rationals: the bracket
    d[theta] = S dt is a random rational PSD matrix and the drift f symbolic.  ``half`` is the 1/2 of Eq. (26)
    (a test passes another value to show the comparison can fail)."""
    rng = np.random.default_rng(seed)
    d0, d1, d2 = widths
    W1 = sp.Matrix(d1, d0, lambda i, j: sp.Symbol(f"a{i}{j}"))
    W2 = sp.Matrix(d2, d1, lambda i, j: sp.Symbol(f"c{i}{j}"))
    u = sp.Matrix([sp.Rational(int(x), 7) for x in rng.integers(-6, 7, d2)])
    v = sp.Matrix([sp.Rational(int(x), 5) for x in rng.integers(-4, 5, d0)])
    theta = list(W1.T.reshape(d0 * d1, 1)) + list(W2.T.reshape(d1 * d2, 1))      # column-major vec, stacked
    P = len(theta)
    G = sp.Matrix(P, P, lambda i, j: sp.Rational(int(rng.integers(-3, 4)), 2))
    S = G * G.T
    f = sp.Matrix(P, 1, lambda i, j: sp.Symbol(f"f{i}"))
    wv = (u.T * W2 * W1 * v)[0, 0]
    grad = sp.Matrix([sp.diff(wv, x) for x in theta])
    H = sp.hessian(wv, theta)
    drift26 = (grad.T * f)[0, 0] + sum(S[i, j] * H[i, j] for i in range(P) for j in range(P)) * half
    # product rule: d(u^T W2 W1 v) = u^T (dW2 W1 + W2 dW1 + dW2 dW1) v, with E[dW2_ij dW1_jk] = S[(W2_ij), (W1_jk)] dt
    F1 = sp.Matrix(d1, d0, lambda i, j: f[j * d1 + i])
    F2 = sp.Matrix(d2, d1, lambda i, j: f[d0 * d1 + j * d2 + i])
    idx1 = lambda i, j: j * d1 + i                        # noqa: E731  position of W1[i, j] in theta
    idx2 = lambda i, j: d0 * d1 + j * d2 + i              # noqa: E731
    bracket = sum(u[i] * v[k] * S[idx2(i, j), idx1(j, k)] for i in range(d2) for j in range(d1) for k in range(d0))
    return sp.expand(drift26 - (u.T * (F2 * W1 + W2 * F1) * v)[0, 0] - bracket)


R("ito_formula_generic_residual")(lambda claim: ito_formula_generic_residual(0))


# ---- Sec. 3 (after Prop. 3.5): D scales like eta/b and its maximiser does not move ------------------------------
def _d_eta_b():
    eta_, b_ = sp.symbols("eta_s b_s", positive=True)
    from ...symbolic.symbols import beta
    return eta_, b_, _raw("diffusion_aligned").subs(beta, eta_ / b_)


@R("D_eta_elasticity_residual")
def d_eta_elasticity_residual(claim):
    """d log D / d log eta - 1 (derived D, symbolic L)."""
    eta_, b_, D = _d_eta_b()
    return eta_ * sp.diff(D, eta_) / D - 1


@R("D_b_elasticity_residual")
def d_b_elasticity_residual(claim):
    """d log D / d log b + 1."""
    eta_, b_, D = _d_eta_b()
    return b_ * sp.diff(D, b_) / D + 1


@R("D_peak_dependence_on_eta_b")
def d_peak_dependence_on_eta_b(claim):
    """d/d eta and d/d b of D'/D: zero iff the peak location does not move with eta or b."""
    eta_, b_, D = _d_eta_b()
    crit = sp.simplify(sp.diff(D, w) / D)
    return [("d/d eta", sp.diff(crit, eta_)), ("d/d b", sp.diff(crit, b_))]


# ---- App. F (variance): 'D'(s), mu''(s) = O(eta)' ---------------------------------------------------------------
def _order0(e):
    from ...symbolic.symbols import beta
    return sp.simplify(e.subs(beta, 0))


R("D_prime_at_s_order0")(lambda claim: _order0(sp.diff(_raw("diffusion_aligned"), w).subs(w, s)))
R("mu_second_at_s_order0")(lambda claim: _order0(sp.diff(_raw("drift_aligned"), w, 2).subs(w, s)))


@R("variance_at_s_vs_wstar")
def variance_at_s_vs_wstar(claim):
    """For L = 2, 3, 4: D/(-2 mu') at s + beta c_1 (c_1: the O(beta) shift of w*) minus at s, to first order in beta
    (zero: evaluating the variance at s instead of w* costs only O(beta^2))."""
    from ...symbolic.symbols import beta
    mu, D = _raw("drift_aligned"), _raw("diffusion_aligned")
    out = []
    for Lk in (2, 3, 4):
        muL, DL = mu.subs(L, Lk), D.subs(L, Lk)
        c1 = sp.simplify(sp.expand(taylor(-muL.subs(w, s) / sp.diff(muL, w).subs(w, s), beta)).coeff(beta, 1))
        V = DL / (-2 * sp.diff(muL, w))
        out.append((f"L={Lk}", taylor(V.subs(w, s + beta * c1) - V.subs(w, s), beta)))
    return out


# ---- Sec. 4 vs App. F: the letter a ----------------------------------------------------------------------------
R("a_two_definitions")(lambda claim: 4 * (L - 1) / L - 2 * (L - 1) / L)


@R("sec4_D_over_w_power_a")
def sec4_d_over_w_power_a(claim):
    """d/dw of D(sigma_q = 0) / (w^a (s - w)^2) with Sec. 4's a = 4(L-1)/L (0: D is proportional to w^a)."""
    from ...symbolic.symbols import sigma_q
    D = _raw("diffusion_aligned").subs(sigma_q, 0)
    return sp.diff(sp.powsimp(D / (w ** (4 * (L - 1) / L) * (s - w) ** 2), force=True), w)


@R("appF_mu_over_w_power_a")
def appf_mu_over_w_power_a(claim):
    """d/dw of mu_grad / (w^a (s - w)) with App. F's a = 2(L-1)/L."""
    return sp.diff(sp.powsimp(_raw("grad_drift_aligned") / (w ** (2 * (L - 1) / L) * (s - w)), force=True), w)


# ---- Prop. 5.2 (i): no label noise, no normalisable density ----------------------------------------------------
@functools.lru_cache(maxsize=None)
def _no_noise_coefficients(Lk: int):
    """(Q, q, gamma = 2q/Q) with D ~ Q (s-w)^2 and mu ~ q (s-w) near w = s, sigma_q = 0, depth Lk."""
    from ...symbolic.symbols import sigma_q
    mu, D = _d("drift_aligned").subs(sigma_q, 0).subs(L, Lk), _d("diffusion_aligned").subs(sigma_q, 0).subs(L, Lk)
    x = sp.Dummy("x", positive=True)
    Q = sp.simplify(limit_at_zero((D / (s - w) ** 2).subs(w, s - x), x))
    q = sp.simplify(limit_at_zero((mu / (s - w)).subs(w, s - x), x))
    return Q, q, sp.simplify(2 * q / Q)


_DEPTHS = (1, 2, 3, 4)
R("no_noise_Q")(lambda claim: [(f"L={k}", _no_noise_coefficients(k)[0]) for k in _DEPTHS])
R("no_noise_q")(lambda claim: [(f"L={k}", _no_noise_coefficients(k)[1]) for k in _DEPTHS])
R("no_noise_gamma")(lambda claim: [(f"L={k}", _no_noise_coefficients(k)[2]) for k in _DEPTHS])
R("no_noise_exponent_vs_derivation")(lambda claim: [
    (f"L={k}", _d("stationary_no_label_noise").subs(L, k) - (-2 - _no_noise_coefficients(k)[2])) for k in _DEPTHS])


# ---- Sec. 3 (after Prop. 3.5): the noise of a learned mode -----------------------------------------------------
@R("D_log_slope_at_s")
def d_log_slope_at_s(claim):
    """D'(s)/D(s) (derived D, symbolic L): zero iff the noise does not depend on w at the learned point."""
    D = _raw("diffusion_aligned")
    return sp.simplify(sp.diff(D, w).subs(w, s) / sp.simplify(D.subs(w, s)))


@R("D_at_s_every_depth")
def d_at_s_every_depth(claim):
    """D(s) for L = 2 + k (k > 0) and sigma_q > 0."""
    from ...symbolic.symbols import sigma_q
    k, q = sp.Symbol("k", positive=True), sp.Symbol("q", positive=True)
    return sp.simplify(_raw("diffusion_aligned").subs(w, s)).subs({L: 2 + k, sigma_q: q})


# ---- Sec. 4 (after Eq. 10): the peak is below s ---------------------------------------------------------------
def _peak_parts():
    from ...symbolic.symbols import sigma_q
    ws = PAPER.get("eq.9").expr
    a = 4 * (L - 1) / L
    u = sp.Symbol("u", nonnegative=True)             # u = sqrt(s^2 - a(a+2) sigma_q^2 / 2), in [0, s]
    k = sp.Symbol("k", positive=True)
    gap = sp.simplify(((s - ws) * (a + 2)).subs(sp.sqrt(s ** 2 - a * (a + 2) * sigma_q ** 2 / 2), u))
    return a, u, k, gap


@R("peak_gap_minus_s_plus_u")
def peak_gap_minus_s_plus_u(claim):
    """(a+2)(s - w*) - (s + u), L = 2 + k: zero, so s - w* = (s + u)/(a+2) > 0."""
    a, u, k, gap = _peak_parts()
    return sp.simplify(gap.subs(L, 2 + k)) - (s + u)


@R("peak_lower_bound")
def peak_lower_bound(claim):
    """((a+1) s - u)/(a+2) at its smallest (u = s): a s/(a+2), L = 2 + k."""
    a, u, k, _ = _peak_parts()
    return sp.simplify(((a + 1) * s - u).subs(L, 2 + k)).subs(u, s)


# ---- Sec. 1.1, contribution 2: 'peaks before learned, then decays to zero' ----------------------------------------
R("D_at_learned_point")(lambda claim: sp.simplify(_raw("diffusion_aligned").subs(w, s)))
@R("D_at_learned_point_no_noise")
def d_at_learned_point_no_noise(claim):
    from ...symbolic.symbols import sigma_q
    return sp.simplify(_raw("diffusion_aligned").subs(w, s).subs(sigma_q, 0))


def _slopes_around_peak(side):
    """dD/dw (sigma_q = 0, s = 1, beta = 1) just below (side = -1) or above (+1) w* = a s/(a+2), L = 2, 3, 5."""
    from ...symbolic.symbols import beta, sigma_q
    a = 4 * (L - 1) / L
    dD = sp.diff(_raw("diffusion_aligned").subs(sigma_q, 0), w)
    h = side * sp.Rational(1, 1000)
    return [(f"L={k}", sp.N(dD.subs({L: k, s: 1, beta: 1, w: (a * s / (a + 2)).subs({L: k, s: 1}) + h})))
            for k in (2, 3, 5)]


R("D_slope_below_peak_no_noise")(lambda claim: _slopes_around_peak(-1))
R("D_slope_above_peak_no_noise")(lambda claim: _slopes_around_peak(+1))
R("s_minus_peak_no_noise")(lambda claim: sp.simplify((s - 4 * (L - 1) / L * s / (4 * (L - 1) / L + 2)).subs(
    L, 2 + sp.Symbol("k", positive=True))))


# ---- Sec. 4, Eq. (10): when the diffusion has a maximum -------------------------------------------------------
@functools.lru_cache(maxsize=None)
def _peak_quadratic():
    """dD/dw / (beta L^2 w^((3L-4)/L)) in x = w - s (derived D, symbolic L), and the printed quadratic
    (2a+4) x^2 + 4 s x + a sigma_q^2, a = 4(L-1)/L."""
    from ...symbolic.symbols import beta, sigma_q
    D = _raw("diffusion_aligned")
    a, x = 4 * (L - 1) / L, sp.Symbol("x", real=True)
    bracket = sp.simplify(sp.diff(D, w) / (beta * L ** 2 * w ** ((3 * L - 4) / L)))
    return sp.expand(bracket.subs(w, s + x)), sp.expand((2 * a + 4) * x ** 2 + 4 * s * x + a * sigma_q ** 2), x


def _bound():
    from .domain import peak_bound
    return peak_bound()


R("peak_bracket_vs_quadratic")(lambda claim: _peak_quadratic()[0] - _peak_quadratic()[1])
R("peak_bound_vs_printed")(lambda claim: _bound() - s ** 2 * L ** 2 / (4 * (L - 1) * (3 * L - 2)))


@R("peak_discriminant_at_bound")
def peak_discriminant_at_bound(claim):
    """The quadratic's discriminant at sigma_q^2 = bound (the printed '<=' case): 0, a double root, no sign change."""
    from ...symbolic.symbols import sigma_q
    _, quad, x = _peak_quadratic()
    return sp.simplify(sp.discriminant(sp.factor(quad.subs(sigma_q ** 2, _bound())), x))


@R("D_growth_at_infinity")
def d_growth_at_infinity(claim):
    """lim D/w^3 as w -> oo (L = 2, s = 1, sigma_q = 0): a global maximum on w > 0 needs it <= 0."""
    from ...symbolic.symbols import sigma_q
    return sp.limit(_raw("diffusion_aligned").subs({L: 2, s: 1, sigma_q: 0}) / w ** 3, w, sp.oo)


R("peak_leading_coefficient")(lambda claim: sp.simplify((2 * 4 * (L - 1) / L + 4).subs(L, 2 + sp.Symbol("k", positive=True))))
R("peak_bound_inverse_at_L1")(lambda claim: 1 / sp.limit(s ** 2 * L ** 2 / (4 * (L - 1) * (3 * L - 2)), L, 1, "+"))


@R("peak_region")
def peak_region():
    """The derived region: sigma_q^2 < s^2 L^2 / (4(L-1)(3L-2)) strictly, L >= 2."""
    from ...symbolic.symbols import sigma_q
    return sp.And(sp.StrictLessThan(sigma_q ** 2, _bound()), sp.GreaterThan(L, 2))

"""Mode dynamics of a deep linear network on the decoupled (aligned) manifold, from the mode energy.

A connectivity mode of a network with ``L`` weight matrices is ``L`` scalars ``a_1, ..., a_L`` with energy
``E = (s - a_1 ... a_L)^2 / (2 tau)`` (gradient descent with rate ``1/tau``; ``L = N_l - 1`` in the notation of
layers ``N_l``).  Derived here from that energy alone:

* the layer flow ``tau da_i/dt = (s - u) u / a_i`` with ``u = prod a_i``, and the conserved ``a_i^2 - a_j^2``;
* on the balanced submanifold ``a_i = a`` the strength ``u`` obeys ``tau du/dt = L u^(2 - 2/L) (s - u)``
  (cross-checked against the gradient-flow ODE ``gf_mode_ode``, which was derived from the network drift);
* the depth-2 two-scalar system ``tau da/dt = b (s - ab)``, ``tau db/dt = a (s - ab)``;
* the time to learn (``T = tau int du / rhs``) at depth 2 and in the large-depth limit ``tau du/dt = (L+1) u^2 (s-u)``;
* the Hessian of ``tau E`` on the balanced path, its largest eigenvalue ``L s^(2 - 2/L)`` (at the optimum), and
  the number of iterations ``n_L = lambda_max(L) int du / (L u^(2-2/L)(s-u))`` at the rate ``1/lambda_max``.
"""
from __future__ import annotations

import functools

import sympy as sp

from .gradient_flow import time_to_learn_mpmath
from ._simp import simplifies_to_zero, simplify, simplify_zero_first
from .result import Derivation, Step, derive, register
from .symbols import L, c_frac, s, t, w, w0

__all__ = ["saxe_results", "tau", "uf", "eps", "iterations_mpmath", "iterations_limit"]

tau = sp.Symbol("tau", positive=True)            # 1 / learning rate (Saxe et al.'s time constant)
uf = sp.Symbol("u_f", positive=True)             # final mode strength
eps = sp.Symbol("epsilon", positive=True)        # cutoff: u_0 = eps, u_f = s - eps
_a = sp.Symbol("a", positive=True)
_b = sp.Symbol("b_2", positive=True)
_u = w                                           # the mode strength u is the mode amplitude w of symdln


def _layer_flow(K: int):
    """tau da_i/dt = -tau dE/da_i for a concrete number K of weight matrices, and its checks."""
    a = sp.symbols(f"a1:{K + 1}", positive=True)
    u = sp.Mul(*a)
    E = (s - u) ** 2 / (2 * tau)
    # products of powers of positive symbols times a polynomial: factor is canonical on them and is what
    # simplify returned here (it made no other change), at a tenth of the cost
    flow = [sp.factor(-tau * sp.diff(E, ai)) for ai in a]
    printed_form = [sp.factor((s - u) * u / ai) for ai in a]
    flow_ok = all(simplifies_to_zero(f - g) for f, g in zip(flow, printed_form))
    cons = [simplify(2 * a[i] * flow[i] - 2 * a[j] * flow[j]) for i in range(K) for j in range(i + 1, K)]
    # du/dt along the flow, then on the balanced manifold a_i = u^(1/K)
    dudt = sp.factor(sum(sp.diff(u, ai) * fi for ai, fi in zip(a, flow)) / tau)
    bal = sp.factor(dudt.subs({ai: _u ** sp.Rational(1, K) for ai in a}))
    H = sp.hessian(tau * E, a)
    H_opt = sp.factor(H.subs({ai: s ** sp.Rational(1, K) for ai in a}))
    return {"flow_ok": flow_ok, "conserved": cons, "balanced": bal, "H_opt_eigs": H_opt.eigenvals()}


@functools.lru_cache(maxsize=None)
def saxe_results() -> dict:
    out: dict = {}
    # ---- depth 2: E(a, b) = (s - ab)^2 / (2 tau) -------------------------------------------------------
    E2 = (s - _a * _b) ** 2 / (2 * tau)
    fa, fb = simplify(-tau * sp.diff(E2, _a)), simplify(-tau * sp.diff(E2, _b))
    out["ab_flow"] = (fa, fb)
    out["ab_conserved"] = simplify_zero_first(2 * _a * fa - 2 * _b * fb)            # tau d(a^2 - b^2)/dt
    u_rate = sp.expand(simplify((_b * fa + _a * fb).subs(_b, _a)))      # tau du/dt with u = a^2 (a = b)
    out["u_rate_L2"] = sp.factor(u_rate.subs(_a, sp.sqrt(_u)))
    # ---- general depth: concrete K and symbolic K -------------------------------------------------------
    out["layer_flow"] = {K: _layer_flow(K) for K in (2, 3, 4, 5)}
    # symbolic K: a_i = a for all i, u = a^L, tau da/dt = (s - a^L) a^(L-1)
    dadt = (s - _a ** L) * _a ** (L - 1) / tau
    dudt = sp.diff(_a ** L, _a) * dadt
    bal = sp.powsimp(sp.powdenest(simplify(dudt.subs(_a, _u ** (1 / L))), force=True), force=True)
    out["u_rate"] = simplify(bal * tau)                                  # = L u^(2 - 2/L) (s - u)
    gf = derive("gf_mode_ode").expr                                         # from the network drift
    out["vs_gf_mode_ode"] = simplify_zero_first(sp.powsimp(out["u_rate"] - gf, force=True))
    # ---- time to learn at depth 2 ------------------------------------------------------------------------
    integrand = tau / (2 * _u * (s - _u))
    G = sp.integrate(sp.apart(integrand, _u), _u).replace(sp.log(_u - s), sp.log(s - _u))  # 0 < u < s
    T2 = simplify(G.subs(_u, uf) - G.subs(_u, w0))
    out["T2_raw"] = T2
    T2_log = tau / (2 * s) * sp.log(uf * (s - w0) / (w0 * (s - uf)))
    out["T2"] = T2_log
    # T2_log == T2 on 0 < u_0 < u_f < s: derivative in u_f and value at u_f = u_0 agree
    out["T2_check"] = (simplify_zero_first(sp.diff(T2_log, uf) - integrand.subs(_u, uf)),
                       simplify_zero_first(T2_log.subs(uf, w0)))
    gfT = derive("gf_time_to_learn").extra["L2"]                             # tau = 1, u_f = c s
    # compared at exact rational points, 30 digits (the two logarithms differ only in branch bookkeeping)
    pts = ((1, sp.Rational(1, 20), sp.Rational(9, 10)), (3, sp.Rational(1, 2), sp.Rational(1, 3)),
           (sp.Rational(7, 4), sp.Rational(1, 100), sp.Rational(1, 2)))
    out["T2_vs_gf"] = max(abs(complex((T2_log.subs({tau: 1, uf: c_frac * s}) - gfT).subs({s: a, w0: b, c_frac: c})
                                      .evalf(30))) for a, b, c in pts)
    Teps = T2_log.subs({w0: eps, uf: s - eps})
    out["T2_eps"] = sp.signsimp(Teps)                   # what simplify returned here (derive --check)
    out["T2_eps_ratio_limit"] = sp.limit(Teps / (tau / s * sp.log(s / eps)), eps, 0, "+")
    # ---- large depth: the right-hand side and its time to learn ------------------------------------------
    Lp1 = L + 1                                                             # number of layers N_l
    out["rhs_ratio_limit"] = sp.limit(L * _u ** (2 - 2 / L) * (s - _u) / (Lp1 * _u ** 2 * (s - _u)), L, sp.oo)
    inf_integrand = tau / (Lp1 * _u ** 2 * (s - _u))
    # T_oo in closed form, proved by the fundamental theorem of calculus: d/du_f equals the integrand and the value
    # at u_f = u_0 is 0 (Tinf_check)
    Ti_form = tau / Lp1 * (sp.log(uf * (s - w0) / (w0 * (s - uf))) / s ** 2 + 1 / (s * w0) - 1 / (s * uf))
    out["Tinf"] = Ti_form
    out["Tinf_check"] = (simplify_zero_first(sp.diff(Ti_form, uf) - inf_integrand.subs(_u, uf)),
                         simplify_zero_first(Ti_form.subs(uf, w0)))
    # ---- Hessian of tau E on the balanced path; iterations at the rate 1/lambda_max -----------------------
    lam_opt = L * s ** (2 - 2 / L)
    out["lambda_max_opt"] = lam_opt
    out["lambda_opt_eigs"] = {K: r["H_opt_eigs"] for K, r in out["layer_flow"].items()}
    out["alpha_opt_scaled_limit"] = sp.limit((Lp1 * s ** 2) / lam_opt, L, sp.oo)   # N_l s^2 alpha_opt -> 1
    # iterations: n_L = lambda_max(L) * int du / (L u^(2-2/L) (s-u)); L = 2 and L -> infinity in closed form
    def _definite(f):
        # antiderivative with log(s - u) on 0 < u < s (a constant shift of SymPy's log(u - s)), checked by d/du
        F = sp.integrate(sp.apart(f, _u), _u).replace(sp.log(_u - s), sp.log(s - _u))
        if not simplifies_to_zero(sp.diff(F, _u) - f):
            raise AssertionError(f"antiderivative check failed for {f}")
        return sp.expand(F.subs(_u, uf) - F.subs(_u, w0))
    n2 = _definite(lam_opt.subs(L, 2) / (2 * _u * (s - _u)))
    ninf_integrand = s ** 2 / (_u ** 2 * (s - _u))                             # lim of lambda_max/L u^(2/L-2)
    ninf = _definite(ninf_integrand)
    out["n2"], out["ninf"] = n2, ninf
    out["ninf_minus_n2"] = simplify(sp.expand_log(sp.expand(ninf - n2), force=True))
    return out


_y = sp.Symbol("y", positive=True)


@functools.lru_cache(maxsize=None)
def elementary_antiderivative(K: int):
    """For K weight matrices and s = 1: with u = y^K the time integrand du / (K u^(2-2/K)(1-u)) becomes the
    rational function y^(1-K)/(1-y^K) dy, whose antiderivative is elementary (partial fractions: logarithms and
    arctangents).  Returns ``(F(y), ok)`` with ``ok`` the check d F/dy == integrand.  (General s: T(s, u) =
    s^(-2(K-1)/K) T(1, u/s), the rescaling symmetry.)"""
    f = _y ** (1 - K) / (1 - _y ** K)
    F = sp.integrate(sp.apart(f, _y), _y)
    return F, simplifies_to_zero(sp.diff(F, _y) - f)


def elementary_time(K: int, u0_val, uf_val, dps: int = 30):
    """Time from u0 to uf (s = 1, tau = 1) from the elementary antiderivative (real part; the branch terms of
    log(y - 1) cancel between the limits, which the imaginary part checks)."""
    import mpmath as mp
    F, ok = elementary_antiderivative(K)
    if not ok:
        raise ArithmeticError(f"antiderivative check failed for K = {K}")
    with mp.workdps(dps):
        f = sp.lambdify(_y, F, "mpmath")
        val = mp.mpc(f(mp.mpf(uf_val) ** (mp.mpf(1) / K))) - mp.mpc(f(mp.mpf(u0_val) ** (mp.mpf(1) / K)))
        if abs(mp.im(val)) > mp.mpf(10) ** (5 - dps) * (1 + abs(val)):
            raise ArithmeticError(f"elementary time not real: {val}")
        return mp.re(val)


def iterations_mpmath(L_val: int, s_val, u0_val, uf_val, dps: int = 30):
    """Iterations ``n_L = lambda_max(L) int_{u0}^{uf} du / (L u^(2-2/L)(s-u))`` at the rate ``1/lambda_max``
    (``lambda_max = L s^(2-2/L)``): the gradient-flow time to learn (mpmath quadrature) times ``lambda_max``."""
    import mpmath as mp
    with mp.workdps(dps):
        Lm, sm = mp.mpf(L_val), mp.mpf(s_val)
        return Lm * sm ** (2 - 2 / Lm) * time_to_learn_mpmath(L_val, s_val, u0_val, mp.mpf(uf_val) / sm, dps=dps)


def iterations_limit(s_val, u0_val, uf_val) -> float:
    """``n_infinity = s (1/u0 - 1/uf) + ln(uf (s - u0) / (u0 (s - uf)))`` (the derived closed form)."""
    r = saxe_results()
    return float(r["ninf"].subs({s: s_val, w0: u0_val, uf: uf_val}))


@register("saxe_mode_flow")
def _mode_flow() -> Derivation:
    r = saxe_results()
    lf = r["layer_flow"]
    ok = all(v["flow_ok"] and all(c == 0 for c in v["conserved"]) for v in lf.values())
    if not ok or r["ab_conserved"] != 0 or r["vs_gf_mode_ode"] != 0:
        raise AssertionError("mode-flow derivation failed its checks")
    steps = [Step("Depth 2: tau da/dt = -tau dE/da, tau db/dt = -tau dE/db for E = (s - ab)^2/(2 tau)", sp.Tuple(*r["ab_flow"])),
             Step("tau d(a^2 - b^2)/dt", r["ab_conserved"], "== 0 (conserved)"),
             Step("a = b, u = ab: tau du/dt", r["u_rate_L2"]),
             Step("L weight matrices, E = (s - prod a_i)^2/(2 tau): tau da_i/dt = (s - u) u / a_i and "
                  "d(a_i^2 - a_j^2)/dt = 0", None, "checked for L = 2, 3, 4, 5"),
             Step("Balanced a_i = a, u = a^L: tau du/dt", r["u_rate"]),
             Step("Minus the gradient-flow ODE of the network drift (gf_mode_ode)", r["vs_gf_mode_ode"], "== 0")]
    return Derivation(
        quantity="saxe_mode_flow", title="Mode flow from the mode energy (balanced submanifold)",
        statement="From E = (s - a_1...a_L)^2/(2 tau): tau da_i/dt = (s-u)u/a_i, a_i^2 - a_j^2 conserved, and on "
                  "a_i = a: tau du/dt = L u^(2-2/L)(s-u) (L weight matrices); at L = 2, tau du/dt = 2u(s-u).",
        expr=r["u_rate"], assumptions=("decoupled (aligned) modes, whitened inputs", "gradient flow, rate 1/tau"),
        source="Saxe et al. (2013), Eqs. (8)-(10), (14)-(15)", steps=tuple(steps), variables=("w", "s", "L"),
        notes=("Agrees with gf_mode_ode (tau = 1).",),
        extra={"ab_flow": r["ab_flow"], "u_rate_L2": r["u_rate_L2"], "layer_flow": lf})


@register("saxe_learning_time")
def _learning_time() -> Derivation:
    r = saxe_results()
    if any(x != 0 for x in r["T2_check"] + r["Tinf_check"]) or r["T2_vs_gf"] > 1e-25 or r["ninf_minus_n2"] == sp.nan:
        raise AssertionError("learning-time derivation failed its checks")
    steps = [Step("Depth 2: T = tau int_{u_0}^{u_f} du / (2u(s-u)) (partial fractions)", r["T2_raw"]),
             Step("One logarithm (d/du_f and value at u_f = u_0 checked)", r["T2"]),
             Step("Against gf_time_to_learn at L = 2 (tau = 1, u_f = c s): max |difference| at 3 rational points",
                  None, f"{float(r['T2_vs_gf']):.1e} (30 digits)"),
             Step("u_0 = eps, u_f = s - eps", r["T2_eps"]),
             Step("lim_{eps -> 0} T / ((tau/s) ln(s/eps))", r["T2_eps_ratio_limit"]),
             Step("lim_{L -> oo} L u^(2-2/L)(s-u) / ((L+1) u^2 (s-u)) at fixed 0 < u < s", r["rhs_ratio_limit"]),
             Step("Large depth: T = tau int du / ((L+1) u^2 (s-u))", r["Tinf"]),
             Step("Largest Hessian eigenvalue of tau E at the balanced optimum (L = 2..5 exact eigenvalues)",
                  r["lambda_max_opt"], str(r["lambda_opt_eigs"])),
             Step("lim (L+1) s^2 / lambda_max", r["alpha_opt_scaled_limit"]),
             Step("Iterations at rate 1/lambda_max: L = 2", r["n2"]),
             Step("Iterations at rate 1/lambda_max: L -> oo (integrand s^2/(u^2(s-u)))", r["ninf"]),
             Step("n_oo - n_2", r["ninf_minus_n2"]),
             Step("Any depth, s = 1: u = y^L makes du/(L u^(2-2/L)(1-u)) the rational y^(1-L)/(1-y^L) dy, so T has an "
                  "elementary closed form for every L (partial fractions); L = 3:", elementary_antiderivative(3)[0],
                  "d/dy checked for L = 2, 3, 4: " + str([elementary_antiderivative(K)[1] for K in (2, 3, 4)]))]
    return Derivation(
        quantity="saxe_learning_time", title="Time to learn a mode: depth 2, large depth, and at the rate 1/lambda_max",
        statement="T_2 = tau/(2s) ln(u_f(s-u_0)/(u_0(s-u_f))); T_oo = tau/(L+1)[ln(u_f(s-u_0)/(u_0(s-u_f)))/s^2 "
                  "+ 1/(s u_0) - 1/(s u_f)]; at the rate 1/lambda_max, n_oo - n_2 = s/u_0 - s/u_f.",
        expr=r["T2"], assumptions=("balanced decoupled modes", "0 < u_0 < u_f < s"),
        source="Saxe et al. (2013), Eqs. (11), (16)-(17), Sec. 2", steps=tuple(steps),
        variables=("s", "w_0", "L"),
        extra={"Tinf": r["Tinf"], "lambda_max_opt": r["lambda_max_opt"], "n2": r["n2"], "ninf": r["ninf"],
               "ninf_minus_n2": r["ninf_minus_n2"], "T2_eps": r["T2_eps"]})

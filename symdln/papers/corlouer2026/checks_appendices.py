"""Checks for Apps. A and G (noise definitions, finite-dataset batches: exact enumeration over every batch),
App. B's Gaussian moments, Eq. (33), the stationary mean (Prop. 5.2), and restatement consistency."""
from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import sympy as sp

from ...symbolic.symbols import L, b, eta, s, w
from ...verdict import Evidence
from ...checkkit import compare_arrays, shape_failure, try_build
from . import derived_forms
from ._base import PAPER
from ...checkkit import normalize


@PAPER.check("noise_sign")
def _(claim, spec, *, seed, fast, paper=None):
    rng = np.random.default_rng(seed)
    xi = rng.standard_normal((50, 3))
    c1, c2 = np.cov(xi.T), np.cov((-xi).T)
    return [compare_arrays("Cov(-xi) = Cov(xi): the sign convention differs from Sec. 2.2 but Sigma is unchanged",
                           c2, c1)]


@PAPER.check("empirical_cov")
def _(claim, spec, *, seed, fast, paper=None):
    rng = np.random.default_rng(seed)
    g = rng.standard_normal((7, 3))
    gN = g.mean(0)
    printed = g.T @ g / len(g) - np.outer(gN, gN)
    return [compare_arrays("1/N sum g_i g_i^T - g_N g_N^T", printed, np.cov(g.T, bias=True),
                           ref_name="biased sample covariance")]


@PAPER.check("unbiased_exact")
def _(claim, spec, *, seed, fast, paper=None):
    """The one-sample gradient is a quadratic form in (x, xi_q) through x x^T and xi_q x^T only, so averaging it
    over a design with E[x x^T] = I and E[xi_q x^T] = 0 (x = +-sqrt(d_0) e_i, xi_q = +-sqrt(d_L) sigma e_j) gives
    the population mean exactly."""
    from ...noise import per_sample_gradients, population_gradient
    from ...checkkit import sampled_settings as settings
    evs = []
    for label, net, t in settings(seed):
        d0, dL = net.widths[0], net.widths[-1]
        R = np.linalg.cholesky(t.Sigma_q + 1e-300 * np.eye(dL)) if np.any(t.Sigma_q) else np.zeros((dL, dL))
        xs = [sgn * np.sqrt(d0) * e for e in np.eye(d0) for sgn in (1, -1)]
        qs = [sgn * np.sqrt(dL) * (R @ e) for e in np.eye(dL) for sgn in (1, -1)]
        X = np.array([x for x in xs for _ in qs])
        Y = np.array([t.M @ x + q for x in xs for q in qs])
        g = per_sample_gradients(net, t, X, Y)
        evs.append(compare_arrays(f"{label}: design average of one-sample gradients", [gl.mean(0) for gl in g],
                                  population_gradient(net, t), ref_name="population gradient"))
    return evs


@PAPER.check("batch_cov_identity")
def _(claim, spec, *, seed, fast, paper=None):
    evs = []
    for bk in range(1, 7):
        # Cov((1/b) sum_i g_i) for iid g_i: (1/b^2) * b * Sigma
        evs.append(Evidence("symbolic", sp.Rational(1, bk ** 2) * bk == sp.Rational(1, bk),
                            f"b={bk}: (1/b^2) sum_(i<=b) Cov(g_i) = Sigma/{bk}", {}))
    return evs


@PAPER.check("sgd_update")
def _(claim, spec, *, seed, fast, paper=None):
    rng = np.random.default_rng(seed)
    gN, gk, et = rng.standard_normal(4), rng.standard_normal(4), 0.03
    step = -et * gN + et * (gN - gk)
    return [compare_arrays("-eta g_N + eta xi_k = -eta g(theta; Y_k, X_k)", step, -et * gk),
            Evidence("symbolic", sp.simplify(sp.sqrt(eta) * sp.sqrt(eta) - eta) == 0,
                     "sqrt(eta) sqrt(Delta t) = eta with Delta t = eta", {})]


@PAPER.check("martingale_cov")
def _(claim, spec, *, seed, fast, paper=None):
    from ...symbolic.symbols import t
    inter, final = sp.sqrt(eta) * t / eta, sp.sqrt(eta) * t
    correct = eta * (t / eta)                   # Cov of sqrt(eta) sum_{i < t/eta} xi_i = eta (t/eta) Sigma
    from ...symbolic import quantity_ids
    if "martingale_covariance" in quantity_ids():
        correct = _derived("martingale_covariance")   # per unit Sigma
    pt = {eta: sp.Rational(1, 100), t: 1}
    rng = np.random.default_rng(seed)
    et, T, paths = 0.01, 1.0, 20_000
    M = np.sqrt(et) * rng.standard_normal((paths, int(T / et))).sum(1)
    v, se = float(M.var(ddof=1)), float(M.var(ddof=1) * np.sqrt(2 / (paths - 1)))
    evs = [Evidence("symbolic", sp.simplify(inter - correct) == 0,
                    f"sqrt(eta) t/eta vs eta (t/eta) = t: at eta=1/100, t=1: {inter.subs(pt)} vs {correct.subs(pt)}",
                    {"counterexample": {"eta": "1/100", "t": 1}}),
           Evidence("symbolic", sp.simplify(final - correct) == 0, f"sqrt(eta) t vs t: {final.subs(pt)} vs 1", {}),
           Evidence("symbolic", sp.simplify(inter - final) == 0, "the two printed equalities disagree with each other "
                    "(t/sqrt(eta) vs sqrt(eta) t)", {}),
           Evidence("monte-carlo", abs(v - 1.0) < 5 * se, f"simulated Var M(1) = {v:.4f} +- {se:.4f} (eta=0.01, "
                    f"{paths} paths): t Sigma = 1, printed {float(final.subs(pt)):.3g}",
                    {"scope": "info", "z": (v - 1) / se})]
    return evs, {"derived": derived_forms.martingale_covariance(),
                 "counterexample": {"point": {"eta": "1/100", "t": "1", "Sigma": "1"}, "printed_value": 0.1,
                                    "derived_value": 1.0}}


@PAPER.check("appB_shapes")
def _(claim, spec, *, seed, fast, paper=None):
    widths = (3, 5, 2, 4)
    vecs = [np.ones(widths[i]) for i in range(1, 4)]           # W_i in R^{d_i}
    val, err = try_build(lambda: np.linalg.multi_dot([v[:, None] for v in vecs[::-1]]))
    mats = [np.ones((widths[i], widths[i - 1])) for i in range(1, 4)]
    ok = np.linalg.multi_dot(mats[::-1]).shape == (widths[-1], widths[0])
    return [shape_failure(f"W_i in R^(d_i), widths {widths}: W_L ... W_1", err or "not a d_L x d_0 matrix"),
            Evidence("shape", ok, "with W_i in R^(d_i x d_(i-1)) the product is d_L x d_0", {"scope": "info"})]


@PAPER.check("S_split")
def _(claim, spec, *, seed, fast, paper=None):
    rng = np.random.default_rng(seed)
    D, X, q = rng.standard_normal((2, 3)), rng.standard_normal(3), rng.standard_normal(2)
    lhs = np.outer(D @ X + q, X) - D
    return [compare_arrays("(Delta X + xi_q) X^T - Delta = Delta (X X^T - I) + xi_q X^T", lhs,
                           D @ (np.outer(X, X) - np.eye(3)) + np.outer(q, X))]


def _vec_id(d):
    return sp.Matrix(np.eye(d).reshape(-1, order="F").astype(int))


@PAPER.check("isserlis")
def _(claim, spec, *, seed, fast, paper=None):
    # the derivation gives the centred moment E[vec(XX^T - I) vec(XX^T - I)^T] from the Gaussian MGF, and
    # E[V V^T] = centred + vec(I) vec(I)^T because E[V] = vec(I)
    from ...symbolic import derive
    from ...symbolic._linalg import commutation
    evs = []
    for d, E in sorted(derive("gaussian_fourth_moment").extra["by_dimension"].items()):
        EVV = E + _vec_id(d) * _vec_id(d).T
        printed = sp.eye(d * d) + commutation(d, d) + _vec_id(d) * _vec_id(d).T
        evs.append(Evidence("symbolic", sp.simplify(EVV - printed) == sp.zeros(d * d, d * d),
                            f"d0={d}: E[V V^T] (derived from the Gaussian MGF) = I + C + vec(I)vec(I)^T", {}))
    return evs


@PAPER.check("centered")
def _(claim, spec, *, seed, fast, paper=None):
    from ...symbolic import derive
    from ...symbolic._linalg import commutation
    evs = []
    for d, E in sorted(derive("gaussian_fourth_moment").extra["by_dimension"].items()):
        evs.append(Evidence("symbolic", sp.simplify(E - sp.eye(d * d) - commutation(d, d)) == sp.zeros(d * d, d * d),
                            f"d0={d}: E[vec(XX^T - I) vec(XX^T - I)^T] = I + C", {}))
    return evs


@PAPER.check("label_moment")
def _(claim, spec, *, seed, fast, paper=None):
    from ...symbolic import derive
    evs = []
    d = derive("label_noise_moment")
    dl_first = d.extra.get("by_shape_key", "(d_L, d_0)") == "(d_L, d_0)"
    for key, E in sorted(d.extra["by_shape"].items()):
        dL, d0 = key if dl_first else key[::-1]
        Sq = E[:dL, :dL]
        printed = sp.kronecker_product(sp.eye(d0), Sq)
        evs.append(Evidence("symbolic", sp.simplify(E - printed) == sp.zeros(*E.shape),
                            f"(d_L, d_0)=({dL},{d0}): E[(X kron I) Sigma_q (X kron I)^T] = I kron Sigma_q", {}))
    return evs


# ---- App. G: exact enumeration over all batches of size B from N points ----------------------------
def _enum(N, B, seed):
    rng = np.random.default_rng(seed)
    g = [np.array([Fraction(int(v)) for v in rng.integers(-5, 6, size=2)]) for _ in range(N)]
    gbar = sum(g) / N
    batches = list(itertools.combinations(range(N), B))
    Sb = sum(np.outer(sum(g[i] for i in bt) / B, sum(g[i] for i in bt) / B) for bt in batches) / len(batches)
    Sb = Sb - np.outer(gbar, gbar)
    SigmaN = sum(np.outer(gi, gi) for gi in g) / N - np.outer(gbar, gbar)
    pair = Fraction(sum(1 for bt in batches if 0 in bt and 1 in bt), len(batches))
    return g, gbar, Sb, SigmaN, pair


def _exact_eq(label, a, b_, extra=None):
    ok = bool(np.all(np.array(a) == np.array(b_)))
    return Evidence("enumeration", ok, f"{label}: {'exact match' if ok else 'differs'}", dict(extra or {}))


_CASES = ((5, 2), (6, 3), (7, 4))


@PAPER.check("eq32")
def _(claim, spec, *, seed, fast, paper=None):
    evs = []
    for N, B in _CASES:
        g, gbar, Sb, _, _ = _enum(N, B, seed)
        P = lambda i, j: Fraction(B, N) if i == j else Fraction(B * (B - 1), N * (N - 1))  # noqa: E731
        printed = (sum(np.outer(g[i], g[j]) * P(i, j) for i in range(N) for j in range(N)) / B ** 2
                   - np.outer(gbar, gbar))
        evs.append(_exact_eq(f"N={N}, B={B}: Eq. (32) vs all batches", printed, Sb))
    return evs


@PAPER.check("joint_prob")
def _(claim, spec, *, seed, fast, paper=None):
    evs = []
    for N, B in _CASES:
        *_, pair = _enum(N, B, seed)
        chain = sp.binomial(B - 2, N - 2) / sp.binomial(B - 1, N - 1) * sp.binomial(B - 1, N - 1) / sp.binomial(B, N)
        evs.append(Evidence("enumeration", chain == sp.Rational(pair.numerator, pair.denominator),
                            f"N={N}, B={B}: printed binomial chain = {chain} (binom(B-2, N-2) = 0 for B < N), "
                            f"enumeration {pair}", {}))
        fixed = sp.binomial(N - 2, B - 2) / sp.binomial(N - 1, B - 1) * sp.binomial(N - 1, B - 1) / sp.binomial(N, B)
        final = sp.Rational(B - 1, N - 1) * sp.Rational(B, N)
        evs.append(Evidence("enumeration", fixed == final == sp.Rational(pair.numerator, pair.denominator),
                            f"N={N}, B={B}: with binom(N-2, B-2)/binom(N-1, B-1) ... = (B-1)B/((N-1)N) = {final}",
                            {"scope": "condition"}))
    return evs, {"derived": derived_forms.pair_probability()}


@PAPER.check("appG_intermediate")
def _(claim, spec, *, seed, fast, paper=None):
    evs = []
    for N, B in _CASES:
        g, gbar, Sb, _, _ = _enum(N, B, seed)
        off = sum(np.outer(g[i], g[j]) for i in range(N) for j in range(N) if i != j)
        diag = sum(np.outer(gi, gi) for gi in g)
        printed = Fraction(N - B, B * (N - 1)) * off + diag / B ** 2 - np.outer(gbar, gbar)
        evs.append(_exact_eq(f"N={N}, B={B}: printed intermediate vs all batches", printed, Sb,
                             {"printed": [[str(x) for x in r] for r in printed],
                              "enumerated": [[str(x) for x in r] for r in Sb]}))
    return evs


@PAPER.check("pair_identity")
def _(claim, spec, *, seed, fast, paper=None):
    g, gbar, *_ = _enum(6, 3, seed)
    N = len(g)
    off = sum(np.outer(g[i], g[j]) for i in range(N) for j in range(N) if i != j)
    return [_exact_eq("sum_(i!=j) g_i g_j^T = N^2 g_N g_N^T - sum_i g_i g_i^T", off,
                      N ** 2 * np.outer(gbar, gbar) - sum(np.outer(gi, gi) for gi in g))]


@PAPER.check("appG_factor")
def _(claim, spec, *, seed, fast, paper=None):
    evs = []
    for N, B in _CASES:
        _, _, Sb, SigmaN, _ = _enum(N, B, seed)
        evs.append(_exact_eq(f"N={N}, B={B}: (N-B)/(B(N-1)) Sigma_N vs all batches",
                             Fraction(N - B, B * (N - 1)) * SigmaN, Sb))
    from ...symbolic import quantity_ids
    if "finite_population_factor" in quantity_ids():
        e = _derived("finite_population_factor")
        syms = {x.name: x for x in e.free_symbols}
        for N, B in _CASES:
            val = e.subs({syms["N"]: N, syms["b"]: B}) if {"N", "b"} <= set(syms) else None
            evs.append(Evidence("symbolic", val == sp.Rational(N - B, B * (N - 1)), f"N={N}, B={B}: derivation "
                                f"finite_population_factor = {val}", {"scope": "derived"}))
    return evs


@PAPER.check("balance_measure")
def _(claim, spec, *, seed, fast, paper=None):
    from ...network import balanced_init, small_gaussian_init

    def r(layers, l):
        Wl, Wn = layers[l - 1], layers[l]
        return np.linalg.norm(Wl @ Wl.T - Wn.T @ Wn) / (np.linalg.norm(Wl @ Wl.T) + np.linalg.norm(Wn.T @ Wn))
    bal = balanced_init((3, 5, 4, 2), 0.7, seed)
    gen = small_gaussian_init((3, 5, 4, 2), 0.5, seed)
    rb = [r(bal.layers, l) for l in (1, 2)]
    rg = [r(gen.layers, l) for l in (1, 2)]
    rs = [r([3.7 * W for W in gen.layers], l) for l in (1, 2)]
    return [Evidence("consistency", max(rb) < 1e-12, f"balanced init: r_l = {max(rb):.1e}", {}),
            compare_arrays("r_l invariant under W -> 3.7 W", rs, rg),
            Evidence("consistency", all(0 <= x <= 1 for x in rg),
                     f"0 <= r_l <= 1 (generic: {rg[0]:.3f}, {rg[1]:.3f})", {})]


@PAPER.check("mean_above")
def _(claim, spec, *, seed, fast, paper=None):
    """Stationarity of the scalar SDE gives E[mu(w)] = 0 exactly; expanding mu around s to second order,
    E[w] - s = -(mu(s) + mu''(s)/2 Var)/mu'(s) + o(eta) with Var = D(s)/(-2 mu'(s))."""
    mu, D = normalize(_derived("drift_aligned")), normalize(_derived("diffusion_aligned"))
    m0, m1, m2 = mu.subs(w, s), sp.diff(mu, w).subs(w, s), sp.diff(mu, w, 2).subs(w, s)
    eps = sp.Dummy("epsilon", positive=True)
    var = D.subs(w, s) / (-2 * m1)
    shift = -(m0 + m2 / 2 * var) / m1
    lead = sp.simplify(sp.series(shift.subs(eta, eps * b), eps, 0, 2).removeO().coeff(eps, 1))
    evs = []
    for Lk in (2, 3, 4):
        co = sp.simplify(lead.subs(L, Lk))
        above = bool(co.is_positive)
        evs.append(Evidence("symbolic", above, f"L={Lk}: E[w] - s = (eta/b) x {sp.sstr(co)} (from E[mu(w)] = 0 at "
                            f"stationarity): the mean is {'above' if above else 'BELOW'} s",
                            {"coefficient": sp.sstr(co)}))
    from ...symbolic import quantity_ids
    if "stationary_mean_expansion" in quantity_ids():
        d = normalize(_derived("stationary_mean_expansion")) - s
        same = sp.simplify(d - lead * eta / b) == 0
        evs.append(Evidence("symbolic", same, f"agrees with the derivation stationary_mean_expansion: E[w] - s = "
                            f"{sp.sstr(sp.simplify(d))}", {"scope": "derived"}))
    if not fast:
        from ...stationary_density import expansion_check
        r = expansion_check("mean_above_s", 3, 1.0, 0.3, [1e-3, 2e-3, 4e-3])
        evs.append(Evidence("mpmath", bool(r["passed"]), "quadrature of the stationary density "
                            "(L=3, s=1, sigma_q=0.3): "
                            "E[w] - s = " + ", ".join(f"{row['value_minus_s']:.3g}" for row in r["rows"])
                            + " at beta = 1e-3, 2e-3, 4e-3", {"rows": r["rows"]}))
    return evs, {"derived": sp.Eq(sp.Symbol("E_w") - s, eta / b * lead + sp.Order(eta ** 2), evaluate=False),
                 "counterexample": {"point": {"L": 2, "s": 1, "sigma_q": "any > 0"},
                                    "coefficient": sp.sstr(sp.simplify(lead.subs(L, 2)))}}


def _derived(q):
    from ...symbolic import derive
    return derive(q).expr

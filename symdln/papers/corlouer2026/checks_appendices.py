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


# ---- App. G: the pair probability, enumerated over every batch of size B from N points ------------------
_CASES = ((5, 2), (6, 3), (7, 4))


def _pair_probability(N, B):
    """P(points 0 and 1 are both in a batch), counted over every batch (exact)."""
    batches = list(itertools.combinations(range(N), B))
    return Fraction(sum(1 for bt in batches if 0 in bt and 1 in bt), len(batches))


@PAPER.check("joint_prob")
def _(claim, spec, *, seed, fast, paper=None):
    evs = []
    for N, B in _CASES:
        pair = _pair_probability(N, B)
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

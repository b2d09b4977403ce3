"""Bespoke checks of Apps. A, B, G and Eq. (33): the SGD update and martingale covariance, App. B's shapes and
Gaussian moments (symbolic matrices from the derivation), the pair probability read two ways, the balance measure."""
from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import sympy as sp

from ...symbolic.symbols import eta
from ...verdict import Evidence
from ...checkkit import compare_arrays, shape_failure, try_build
from . import derived_forms
from ._base import PAPER


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


def _derived(q):
    from ...symbolic import derive
    return derive(q).expr

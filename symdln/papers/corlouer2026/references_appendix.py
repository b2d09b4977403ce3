"""Named quantities of Apps. A, B and G for the ``numeric_identity`` kind: algebraic identities on one random draw,
the shapes of App. B's set-up, the balance measure of Eq. (33), and exact enumeration over every batch of a finite
dataset (rational arithmetic).  Values only: the kind compares them (see :mod:`.references`).
"""
from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import sympy as sp

from ._base import PAPER

R = PAPER.reference


@R("finite_batches")
def finite_batches(claim, seed, params):
    """N integer-valued gradients and every batch of size B (exact rationals) for (N, B) = (5, 2), (6, 3), (7, 4)."""
    out = []
    for N, B in ((5, 2), (6, 3), (7, 4)):
        rng = np.random.default_rng(seed)
        g = [np.array([Fraction(int(v)) for v in rng.integers(-5, 6, size=2)]) for _ in range(N)]
        out.append((f"N={N}, B={B}", {"N": N, "B": B, "g": g, "gbar": sum(g) / N,
                                      "batches": list(itertools.combinations(range(N), B))}))
    return out


@R("one_draw")
def one_draw(claim, seed, params):
    """One setting with a random stream (small vectors and matrices for algebraic identities)."""
    return [("", {"rng": np.random.default_rng(seed)})]


# ---- App. A-B: algebraic identities on one draw ------------------------------------------------------------
@R("cov_of_minus_noise")
def cov_of_minus_noise(claim, env):
    """*printed* (App. A's sign): Cov(-xi) of 50 draws of a 3-vector."""
    env.setdefault("xi", env["rng"].standard_normal((50, 3)))
    return np.cov((-env["xi"]).T)


@R("cov_of_noise")
def cov_of_noise(claim, env):
    """Sec. 2.2's sign: Cov(xi) of the same draws."""
    env.setdefault("xi", env["rng"].standard_normal((50, 3)))
    return np.cov(env["xi"].T)


def _grads(env):
    return env.setdefault("g7", env["rng"].standard_normal((7, 3)))


@R("printed_empirical_cov")
def printed_empirical_cov(claim, env):
    """*printed*: (1/N) sum g_i g_i^T - g_N g_N^T for N = 7 draws."""
    g = _grads(env)
    return g.T @ g / len(g) - np.outer(g.mean(0), g.mean(0))


@R("biased_sample_cov")
def biased_sample_cov(claim, env):
    return np.cov(_grads(env).T, bias=True)


def _split_draw(env):
    if "D" not in env:
        rng = env["rng"]
        env.update(D=rng.standard_normal((2, 3)), x=rng.standard_normal(3), q=rng.standard_normal(2))
    return env["D"], env["x"], env["q"]


@R("printed_S")
def printed_s(claim, env):
    """*printed*: (Delta X + xi_q) X^T - Delta."""
    D, X, q = _split_draw(env)
    return np.outer(D @ X + q, X) - D


@R("printed_S_split")
def printed_s_split(claim, env):
    """*printed*: Delta (X X^T - I) + xi_q X^T."""
    D, X, q = _split_draw(env)
    return D @ (np.outer(X, X) - np.eye(3)) + np.outer(q, X)


@R("printed_sgd_step")
def printed_sgd_step(claim, env, eta_=0.03):
    """*printed*: -eta g_N + eta xi_k with xi_k = g_N - g_k (App. A's sign)."""
    gN, gk = _sgd_draw(env)
    return -eta_ * gN + eta_ * (gN - gk)


@R("minus_eta_sample_gradient")
def minus_eta_sample_gradient(claim, env, eta_=0.03):
    """-eta g(theta; Y_k, X_k): one SGD step on the sample."""
    return -eta_ * _sgd_draw(env)[1]


def _sgd_draw(env):
    if "gN" not in env:
        env.update(gN=env["rng"].standard_normal(4), gk=env["rng"].standard_normal(4))
    return env["gN"], env["gk"]


_WIDTHS = (3, 5, 2, 4)


@R("printed_vector_layers_product")
def printed_vector_layers_product(claim, env):
    """*printed*: W_L ... W_1 with W_i in R^(d_i) (vectors), widths (3, 5, 2, 4): not a product of matrices."""
    return np.linalg.multi_dot([np.ones(_WIDTHS[i])[:, None] for i in range(3, 0, -1)])


@R("matrix_layers_product")
def matrix_layers_product(claim, env):
    """W_L ... W_1 with W_i in R^(d_i x d_(i-1)) (zeros): a d_L x d_0 matrix."""
    return np.linalg.multi_dot([np.zeros((_WIDTHS[i], _WIDTHS[i - 1])) for i in range(3, 0, -1)])


@R("zeros_dL_d0")
def zeros_dl_d0(claim, env):
    return np.zeros((_WIDTHS[-1], _WIDTHS[0]))


# ---- Eq. (33): the balance measure r_l --------------------------------------------------------------------------
def _balance_ratios(env):
    if "r" not in env:
        from ...network import balanced_init, small_gaussian_init

        def r(layers, l):
            Wl, Wn = layers[l - 1], layers[l]
            return np.linalg.norm(Wl @ Wl.T - Wn.T @ Wn) / (np.linalg.norm(Wl @ Wl.T) + np.linalg.norm(Wn.T @ Wn))
        bal = balanced_init((3, 5, 4, 2), 0.7, env["seed"])
        gen = small_gaussian_init((3, 5, 4, 2), 0.5, env["seed"])
        env["r"] = {"balanced": [r(bal.layers, l) for l in (1, 2)], "generic": [r(gen.layers, l) for l in (1, 2)],
                    "scaled": [r([3.7 * W for W in gen.layers], l) for l in (1, 2)]}
    return env["r"]


R("r_balanced_init")(lambda claim, env: _balance_ratios(env)["balanced"])
R("r_generic_init")(lambda claim, env: _balance_ratios(env)["generic"])
R("r_generic_scaled")(lambda claim, env: _balance_ratios(env)["scaled"])
R("r_generic_clipped_to_unit_interval")(lambda claim, env: list(np.clip(_balance_ratios(env)["generic"], 0, 1)))
R("two_zeros")(lambda claim, env: [0.0, 0.0])


# ---- App. G: exact enumeration over every batch -----------------------------------------------------------------
@R("enumerated_batch_covariance")
def enumerated_batch_covariance(claim, env):
    """Cov of the batch mean over every batch of size B (exact rationals)."""
    g, B, batches = env["g"], env["B"], env["batches"]
    means = [sum(g[i] for i in bt) / B for bt in batches]
    return sum(np.outer(m, m) for m in means) / len(batches) - np.outer(env["gbar"], env["gbar"])


@R("printed_eq32")
def printed_eq32(claim, env):
    """*printed*: Eq. (32), sum_ij g_i g_j^T P(i, j in batch) / B^2 - g_N g_N^T."""
    g, N, B = env["g"], env["N"], env["B"]
    P = lambda i, j: Fraction(B, N) if i == j else Fraction(B * (B - 1), N * (N - 1))  # noqa: E731
    return sum(np.outer(g[i], g[j]) * P(i, j) for i in range(N) for j in range(N)) / B ** 2 - np.outer(env["gbar"],
                                                                                                      env["gbar"])


def _off_diag(env):
    g, N = env["g"], env["N"]
    return sum(np.outer(g[i], g[j]) for i in range(N) for j in range(N) if i != j)


@R("printed_appG_intermediate")
def printed_appg_intermediate(claim, env):
    """*printed*: (N-B)/(B(N-1)) sum_{i != j} g_i g_j^T + sum_i g_i g_i^T / B^2 - g_N g_N^T."""
    g, N, B = env["g"], env["N"], env["B"]
    return (Fraction(N - B, B * (N - 1)) * _off_diag(env) + sum(np.outer(gi, gi) for gi in g) / B ** 2
            - np.outer(env["gbar"], env["gbar"]))


@R("off_diagonal_pair_sum")
def off_diagonal_pair_sum(claim, env):
    return _off_diag(env)


@R("printed_pair_identity")
def printed_pair_identity(claim, env):
    """*printed*: N^2 g_N g_N^T - sum_i g_i g_i^T."""
    return env["N"] ** 2 * np.outer(env["gbar"], env["gbar"]) - sum(np.outer(gi, gi) for gi in env["g"])


@R("printed_appG_factor")
def printed_appg_factor(claim, env):
    """*printed*: (N-B)/(B(N-1)) Sigma_N."""
    g, N, B = env["g"], env["N"], env["B"]
    sigma_n = sum(np.outer(gi, gi) for gi in g) / N - np.outer(env["gbar"], env["gbar"])
    return Fraction(N - B, B * (N - 1)) * sigma_n


@R("finite_population_factor_derived")
def finite_population_factor_derived(claim, env):
    """The derivation ``finite_population_factor`` at (N, B) (exact)."""
    from ...symbolic import derive
    e = derive("finite_population_factor").expr
    syms = {x.name: x for x in e.free_symbols}
    return e.subs({syms["N"]: env["N"], syms["b"]: env["B"]})


@R("finite_population_factor_printed")
def finite_population_factor_printed(claim, env):
    import sympy as sp
    return sp.Rational(env["N"] - env["B"], env["B"] * (env["N"] - 1))



# ---- App. G.1: the probability that two given points share a batch ------------------------------------------------
@R("enumerated_pair_probability")
def enumerated_pair_probability(claim, env):
    """P(points 0 and 1 are both in a batch), counted over every batch (exact)."""
    c = sum(1 for bt in env["batches"] if 0 in bt and 1 in bt)
    return sp.Rational(c, len(env["batches"]))


@R("printed_binomial_chain")
def printed_binomial_chain(claim, env):
    """*printed*: binom(B-2, N-2)/binom(B-1, N-1) x binom(B-1, N-1)/binom(B, N) (0 for B < N)."""
    N, B = env["N"], env["B"]
    return sp.binomial(B - 2, N - 2) / sp.binomial(B - 1, N - 1) * sp.binomial(B - 1, N - 1) / sp.binomial(B, N)


@R("swapped_binomial_chain")
def swapped_binomial_chain(claim, env):
    """The same chain with the arguments of every binomial swapped (the reading of the condition)."""
    N, B = env["N"], env["B"]
    return sp.binomial(N - 2, B - 2) / sp.binomial(N - 1, B - 1) * sp.binomial(N - 1, B - 1) / sp.binomial(N, B)


@R("printed_pair_probability")
def printed_pair_probability(claim, env):
    """*printed* final value: (B-1)/(N-1) x B/N."""
    return sp.Rational(env["B"] - 1, env["N"] - 1) * sp.Rational(env["B"], env["N"])


def _pair_probability_form():
    from . import derived_forms
    return derived_forms.pair_probability()


R("pair_probability_form")(_pair_probability_form)

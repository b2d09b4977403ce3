"""Batch-noise covariance: i.i.d. batches (App. A.1) and sampling without replacement from N samples (App. G.1).

Per-sample gradients ``g_1..g_N`` (any dimension), population mean ``gbar = (1/N) sum g_i``, empirical
covariance ``Sigma = (1/N) sum g_i g_i^T - gbar gbar^T``.  A batch ``B`` of size ``b`` drawn uniformly without
replacement has mean ``g_B = (1/b) sum_{i in B} g_i`` and ``Sigma_b = E_B[(g_B - gbar)(g_B - gbar)^T]``.

Exact enumeration: ``g_B - gbar = sum_i c_i^B g_i`` with ``c_i^B = 1_B(i)/b - 1/N``, so
``Sigma_b = sum_{ij} K_ij g_i g_j^T`` with the rational matrix ``K = mean_B c^B (c^B)^T``; two quadratic forms in
symbolic ``g`` agree iff their coefficient matrices agree, so comparing ``K`` over the rationals is an exact
check for symbolic gradients of any dimension (:func:`enumerate_batch_covariance` also does it literally with
SymPy symbols).
"""
from __future__ import annotations

from fractions import Fraction
from itertools import combinations, product

import sympy as sp

from ._simp import simplifies_to_zero, simplify
from .result import Derivation, Step, register
from .symbols import b

__all__ = ["N", "cooccurrence_probabilities", "finite_population_factor", "coefficient_matrix",
           "target_matrix", "enumerate_batch_covariance", "paper_intermediate_matrix"]

N = sp.Symbol("N", integer=True, positive=True)


def cooccurrence_probabilities():
    """``P(i in B)`` and ``P(i, j in B)`` (i != j) for a uniform b-subset of N, from counting subsets."""
    p1 = sp.combsimp(sp.binomial(N - 1, b - 1) / sp.binomial(N, b))
    p2 = sp.combsimp(sp.binomial(N - 2, b - 2) / sp.binomial(N, b))
    return sp.factor(p1), sp.factor(p2)


def finite_population_factor():
    """Derive ``Sigma_b = c(N, b) Sigma``; returns ``(c, steps)``."""
    p1, p2 = cooccurrence_probabilities()
    S2, G = sp.symbols("S_2 G", real=True)  # S2 = (1/N) sum g_i g_i^T, G = gbar gbar^T (scalar coordinates)
    diag = p1 / b ** 2                      # coefficient of sum_i g_i g_i^T
    off = p2 / b ** 2                       # coefficient of sum_{i != j} g_i g_j^T
    # sum_i g_i g_i^T = N S2; sum_{i != j} g_i g_j^T = N^2 G - N S2
    sigma_b = sp.expand(diag * N * S2 + off * (N ** 2 * G - N * S2) - G)
    c = sp.together(sigma_b.coeff(S2))         # what simplify returned here (derive --check)
    if not simplifies_to_zero(sigma_b.coeff(G) + c):
        raise AssertionError("Sigma_b is not proportional to S2 - G")
    steps = (Step("Co-occurrence probabilities from counting b-subsets: P(i in B) = C(N-1,b-1)/C(N,b), "
                  "P(i,j in B) = C(N-2,b-2)/C(N,b).", sp.Matrix([p1, p2])),
             Step("Sigma_b = (1/b^2) sum_{ij} g_i g_j^T P(i,j in B) - gbar gbar^T (Eq. 32): coefficients of "
                  "sum_i g_i g_i^T and sum_{i!=j} g_i g_j^T.", sp.Matrix([sp.factor(diag), sp.factor(off)])),
             Step("Substitute sum_{i!=j} g_i g_j^T = N^2 gbar gbar^T - sum_i g_i g_i^T and collect.", sigma_b),
             Step("Sigma_b = c (S2 - gbar gbar^T) = c Sigma.", c))
    return c, steps


def coefficient_matrix(n: int, bsize: int) -> list[list[Fraction]]:
    """Exact ``K`` with ``Sigma_b = sum_ij K_ij g_i g_j^T`` by enumerating all b-subsets of n."""
    subsets = list(combinations(range(n), bsize))
    K = [[Fraction(0)] * n for _ in range(n)]
    for B in subsets:
        c = [Fraction(1 if i in B else 0, bsize) - Fraction(1, n) for i in range(n)]
        for i in range(n):
            for j in range(n):
                K[i][j] += c[i] * c[j]
    return [[x / len(subsets) for x in row] for row in K]


def target_matrix(n: int, factor) -> list[list[Fraction]]:
    """Coefficient matrix of ``factor * Sigma``: ``factor (delta_ij/N - 1/N^2)``."""
    f = Fraction(factor)
    return [[f * (Fraction(1 if i == j else 0, n) - Fraction(1, n * n)) for j in range(n)] for i in range(n)]


def paper_intermediate_matrix(n: int, bsize: int) -> list[list[Fraction]]:
    """App. G's intermediate line: (N-B)/(B(N-1)) on i != j, 1/B^2 on i = j, minus gbar gbar^T."""
    c_off = Fraction(n - bsize, bsize * (n - 1))
    c_diag = Fraction(1, bsize * bsize)
    return [[(c_diag if i == j else c_off) - Fraction(1, n * n) for j in range(n)] for i in range(n)]


def enumerate_batch_covariance(n: int, bsize: int, dim: int = 1):
    """Literal SymPy enumeration with symbolic gradients (dim 1: scalars; dim 2: 2-vectors).

    Returns ``(Sigma_b, Sigma)`` as SymPy matrices (dim x dim), expanded polynomials in the g's.
    """
    g = [sp.Matrix(dim, 1, lambda r, _c, i=i: sp.Symbol(f"g_{i + 1}_{r + 1}", real=True)) for i in range(n)]
    gbar = sum(g, sp.zeros(dim, 1)) / n
    subsets = list(combinations(range(n), bsize))
    acc = sp.zeros(dim, dim)
    for B in subsets:
        d = sum((g[i] for i in B), sp.zeros(dim, 1)) / bsize - gbar
        acc += d * d.T
    sigma_b = (acc / len(subsets)).applyfunc(sp.expand)
    sigma = (sum((gi * gi.T for gi in g), sp.zeros(dim, dim)) / n - gbar * gbar.T).applyfunc(sp.expand)
    return sigma_b, sigma


def _with_replacement_matrix(n: int, bsize: int) -> list[list[Fraction]]:
    """``K`` for b i.i.d. uniform draws from n (ordered tuples, with replacement)."""
    K = [[Fraction(0)] * n for _ in range(n)]
    tuples = list(product(range(n), repeat=bsize))
    for T in tuples:
        c = [Fraction(T.count(i), bsize) - Fraction(1, n) for i in range(n)]
        for i in range(n):
            for j in range(n):
                K[i][j] += c[i] * c[j]
    return [[x / len(tuples) for x in row] for row in K]


@register("finite_population_factor")
def _finite_population() -> Derivation:
    c, steps = finite_population_factor()
    checked = []
    for n in range(3, 8):
        for bs in range(1, n + 1):
            want = c.subs({N: n, b: bs})
            if coefficient_matrix(n, bs) != target_matrix(n, Fraction(int(want.p), int(want.q))):
                raise AssertionError(f"enumeration disagrees at N={n}, b={bs}")
            checked.append((n, bs))
    # counterexample to the paper's intermediate line: N = 3, b = 2, scalar gradients g = (1, 0, 0)
    K_true, K_paper = coefficient_matrix(3, 2), paper_intermediate_matrix(3, 2)
    g = [1, 0, 0]
    val = lambda K: sum(K[i][j] * g[i] * g[j] for i in range(3) for j in range(3))
    steps = steps + (Step(f"Exact enumeration of all b-subsets for N = 3..7 and every b ({len(checked)} cases): the "
                          "coefficient matrix of the quadratic form in symbolic g equals that of c * Sigma.", c,
                          check="Fraction-exact equality of N x N coefficient matrices"),)
    notes = (f"Final formula of App. G.1, Sigma_b = (N-B)/(B(N-1)) Sigma: confirmed (limit N -> oo: "
             f"{sp.limit(c, N, sp.oo)}, the i.i.d. value of App. A.1).",
             "App. G.1 intermediate line (coefficient (N-B)/(B(N-1)) on sum_{i!=j} g_i g_j^T and 1/B^2 on sum_i "
             "g_i g_i^T) is wrong: correct coefficients are (b-1)/(b N (N-1)) and 1/(b N). Counterexample N = 3, "
             f"b = 2, g = (1, 0, 0): enumeration gives Sigma_b = {val(K_true)}, the intermediate line gives "
             f"{val(K_paper)}.",
             "App. G.1 writes the pair probability as binom(B-2,N-2)/binom(B-1,N-1) * binom(B-1,N-1)/binom(B,N) "
             "(binomial arguments swapped: binom(B,N) = 0 for B < N); the product (B-1)B/((N-1)N) it states is right.")
    return Derivation(
        quantity="finite_population_factor", title="Finite-population correction of the batch-noise covariance",
        statement=f"Sampling b of N without replacement, Sigma_b = {c} * Sigma.", expr=c,
        assumptions=("uniform b-subset without replacement", "Sigma = empirical covariance with 1/N"),
        source="App. G.1, Eq. (32)", steps=steps, variables=("b",), notes=notes,
        extra={"enumerated": checked, "counterexample": {"N": 3, "b": 2, "g": g, "true": val(K_true),
                                                          "paper_intermediate": val(K_paper)}})


@register("batch_covariance_online")
def _batch_online() -> Derivation:
    Sig, Cij = sp.symbols("Sigma C_ij", positive=True)
    i = sp.Symbol("i", integer=True, positive=True)
    # (1/b^2)[sum_i Var(g_i) + sum_{i != j} Cov(g_i, g_j)], with Cov(g_i, g_j) = C_ij = 0 by independence
    raw = (sp.Sum(Sig, (i, 1, b)).doit() + b * (b - 1) * Cij) / b ** 2
    cov = simplify(raw.subs(Cij, 0))
    for n in range(2, 5):
        for bs in range(1, 4):
            K = _with_replacement_matrix(n, bs)
            if K != target_matrix(n, Fraction(1, bs)):
                raise AssertionError(f"with-replacement enumeration disagrees at N={n}, b={bs}")
    steps = (Step("Cov((1/b) sum_i g_i) = (1/b^2)[sum_i Var(g_i) + sum_{i != j} Cov(g_i, g_j)], b(b-1) cross "
                  "terms C_ij.", raw),
             Step("Independent samples: C_ij = 0.", cov),
             Step("Check: b i.i.d. uniform draws from N points (enumerating all N^b ordered tuples, N = 2..4, "
                  "b = 1..3) give exactly Sigma/b.", None, check="Fraction-exact coefficient matrices"))
    return Derivation(
        quantity="batch_covariance_online", title="Batch-noise covariance for i.i.d. samples",
        statement="Sigma_b = Sigma / b.", expr=cov / Sig, assumptions=("independent samples (online setting)",),
        source="App. A.1", steps=steps, variables=("b",), notes=("App. A.1 formula confirmed.",))

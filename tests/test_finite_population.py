"""Batch-noise covariance (App. A.1, App. G.1) and the noise martingale (App. A.2): exact enumeration checks.

All comparisons are exact (Fractions / SymPy rationals), so no tolerance is involved.
"""
from __future__ import annotations

from fractions import Fraction
from itertools import combinations
from math import comb

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from symdln.symbolic import derive
from symdln.symbolic import continuum as ct
from symdln.symbolic import finite_population as fpop
from symdln.symbolic.symbols import b, eta, t


def _factor(n, bs):
    c = derive("finite_population_factor").expr.subs({fpop.N: n, b: bs})
    return Fraction(int(c.p), int(c.q))


def test_cooccurrence_probabilities_by_counting():
    p1, p2 = fpop.cooccurrence_probabilities()
    for n in range(3, 8):
        for bs in range(1, n + 1):
            subsets = list(combinations(range(n), bs))
            assert Fraction(sum(0 in B for B in subsets), len(subsets)) == p1.subs({fpop.N: n, b: bs})
            assert Fraction(sum(0 in B and 1 in B for B in subsets), len(subsets)) == p2.subs({fpop.N: n, b: bs})


@pytest.mark.parametrize("n", range(3, 8))
def test_factor_matches_enumeration_all_b(n):
    for bs in range(1, n + 1):
        assert fpop.coefficient_matrix(n, bs) == fpop.target_matrix(n, _factor(n, bs))
        # mutations: the i.i.d. factor 1/b, and (N-b)/(bN), are rejected whenever they differ from the truth
        for wrong in (Fraction(1, bs), Fraction(n - bs, bs * n), Fraction(n - bs, bs * (n + 1))):
            if wrong != _factor(n, bs):
                assert fpop.coefficient_matrix(n, bs) != fpop.target_matrix(n, wrong)


@pytest.mark.parametrize("n,dim", [(3, 1), (4, 1), (5, 1), (3, 2), (4, 2), (5, 2)])
def test_literal_symbolic_enumeration(n, dim):
    for bs in range(1, n + 1):
        sigma_b, sigma = fpop.enumerate_batch_covariance(n, bs, dim)
        c = sp.Rational(n - bs, bs * (n - 1))
        assert (sigma_b - c * sigma).applyfunc(sp.expand) == sp.zeros(dim, dim)
        if bs not in (1, n):   # mutation: Sigma/b is wrong without replacement (except b = 1)
            assert (sigma_b - sigma / bs).applyfunc(sp.expand) != sp.zeros(dim, dim)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_random_integer_gradients(seed):
    """Exact batch covariance of random integer 2-vectors, by enumeration, equals factor * Sigma."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 8))
    bs = int(rng.integers(1, n + 1))
    g = [tuple(Fraction(int(x)) for x in rng.integers(-5, 6, size=2)) for _ in range(n)]
    gbar = tuple(sum(v[k] for v in g) / n for k in range(2))
    subsets = list(combinations(range(n), bs))
    cov = [[Fraction(0)] * 2 for _ in range(2)]
    for B in subsets:
        d = [sum(g[i][k] for i in B) / bs - gbar[k] for k in range(2)]
        for r in range(2):
            for c in range(2):
                cov[r][c] += d[r] * d[c] / len(subsets)
    sig = [[sum(v[r] * v[c] for v in g) / n - gbar[r] * gbar[c] for c in range(2)] for r in range(2)]
    assert len(subsets) == comb(n, bs)
    assert cov == [[_factor(n, bs) * x for x in row] for row in sig]


def test_paper_intermediate_line_is_wrong():
    d = derive("finite_population_factor")
    ce = d.extra["counterexample"]
    assert ce["true"] == Fraction(1, 18) and ce["paper_intermediate"] != ce["true"]
    # the final formula of the paper is right on the same example: (3-2)/(2*2) * Sigma, Sigma = 1/3 - 1/9
    assert ce["true"] == Fraction(1, 4) * (Fraction(1, 3) - Fraction(1, 9))
    assert any(fpop.paper_intermediate_matrix(n, bs) != fpop.coefficient_matrix(n, bs)
               for n in range(3, 6) for bs in range(2, n))


def test_batch_covariance_online():
    d = derive("batch_covariance_online")
    assert sp.simplify(d.expr - 1 / b) == 0
    assert sp.limit(derive("finite_population_factor").expr, fpop.N, sp.oo) == d.expr
    for n in (2, 3):
        for bs in (2, 3):
            K = fpop._with_replacement_matrix(n, bs)
            assert K == fpop.target_matrix(n, Fraction(1, bs))
            assert K != fpop.target_matrix(n, Fraction(1, bs + 1))                 # mutation: wrong factor


def test_martingale_covariance():
    d = derive("martingale_covariance")
    assert d.expr == t
    for e_v, t_v in ((Fraction(1, 4), Fraction(1)), (Fraction(1, 6), Fraction(1, 2)), (Fraction(1, 12), Fraction(1))):
        exact = ct.enumerate_martingale_variance(e_v, t_v)
        assert exact == t_v
        printed = d.extra["printed"].subs({eta: sp.Rational(e_v.numerator, e_v.denominator),
                                           t: sp.Rational(t_v.numerator, t_v.denominator)})
        assert printed != sp.Rational(exact.numerator, exact.denominator)       # the paper's sqrt(eta) t Sigma


def test_ou_moments_give_stationary_variance():
    ou = ct.ou_moments()
    th, sg = ou["theta"], ou["sigma"]
    assert sp.simplify(ou["stationary_variance"] - sg ** 2 / (2 * th)) == 0   # = -D/(2 mu'), App. F's OU step
    assert sp.simplify(ou["stationary_variance"] - sg ** 2 / th) != 0         # mutation: missing factor 2

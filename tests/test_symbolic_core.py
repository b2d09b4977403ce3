"""SymPy derivations, part 1: Gaussian moments, label-noise moment, gradient, Jacobian, Sigma_lm.

Every identity is checked exactly (difference expands to zero), and every check has a mutation test: a
deliberately wrong variant must be rejected by the same comparison.
"""
from __future__ import annotations

import random

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from symdln.symbolic import derive
from symdln.symbolic._linalg import (above, is_zero, below, cayley, commutation, end_to_end, kron, rational_orthonormal,
                                     sym_matrix, sym_symmetric, symbolic_layers, unvec, vec)
from symdln.symbolic.gaussian import (expect, expected_SNS, gaussian_moment, label_noise_moment,
                                      mgf_fourth_moment_matrix, sandwich_moment)
from symdln.symbolic.matrix_identities import (cov_vec_S, expected_loss, jacobian_formula,
                                               noise_covariance_from_moments, population_gradient_formula,
                                               sigma_block_formula)

FEW = settings(max_examples=10, deadline=None)
x, y = sp.symbols("x y", real=True)


def _rand_rational_matrix(rng: random.Random, rows: int, cols: int) -> sp.Matrix:
    return sp.Matrix(rows, cols, lambda i, j: sp.Rational(rng.randint(-5, 5), rng.randint(1, 4)))


def _is_zero(M) -> bool:
    return is_zero(M)


# ---- Gaussian moments and the expectation operator ---------------------------------------------------
def test_moments_from_mgf_match_density_integral():
    density = sp.exp(-x**2 / 2) / sp.sqrt(2 * sp.pi)
    for k in range(0, 7):
        assert gaussian_moment(k) == sp.integrate(x**k * density, (x, -sp.oo, sp.oo))
    assert [gaussian_moment(k) for k in (2, 4, 6, 8)] == [1, 3, 15, 105]
    assert gaussian_moment(5) == 0


def test_expect_operator_monomials_and_noise():
    assert expect(x**4 * y**2, [x, y]) == 3
    assert expect(x**3 * y, [x, y]) == 0
    q1, q2 = sp.symbols("q1 q2")
    S = sp.Matrix([[2, sp.Rational(1, 3)], [sp.Rational(1, 3), 5]])
    assert expect(x**2 * q1 * q2, [x], [q1, q2], S) == sp.Rational(1, 3)
    assert expect(x**2 * q1, [x], [q1, q2], S) == 0
    with pytest.raises(ValueError, match="degree <= 2"):
        expect(q1**3, [x], [q1, q2], S)


@pytest.mark.parametrize("d", [2, 3])
def test_fourth_moment_is_identity_plus_commutation(d):
    E = mgf_fourth_moment_matrix(d)
    C = commutation(d, d)
    assert is_zero(E - (sp.eye(d * d) + C))
    # mutations: uncentred moment, missing C, doubled identity
    vI = vec(sp.eye(d))
    for wrong in (sp.eye(d * d) + C + vI * vI.T, sp.eye(d * d), 2 * sp.eye(d * d) + C):
        assert not is_zero(E - wrong)


def test_commutation_matrix_definition():
    rng = random.Random(0)
    A = _rand_rational_matrix(rng, 2, 3)
    C = commutation(2, 3)
    assert C * vec(A) == vec(A.T)
    assert C.T * C == sp.eye(6)
    assert unvec(vec(A), 2, 3) == A
    assert not (sp.eye(6) * vec(A) == vec(A.T))


def test_derivation_fourth_moment_record():
    d = derive("gaussian_fourth_moment")
    assert d.expr.shape == (9, 9) and len(d.steps) == 3
    assert d.expr == sp.eye(9) + commutation(3, 3)


@pytest.mark.parametrize("d", [2, 3])
def test_sandwich_identity_and_mutations(d):
    A = sym_matrix("a", d, d)
    E = sandwich_moment(A)
    assert _is_zero(E - (A.T + A.trace() * sp.eye(d)))
    for wrong in (A + A.trace() * sp.eye(d), A.T + 2 * A.trace() * sp.eye(d), A.T):
        assert not _is_zero(E - wrong)


def test_sandwich_monte_carlo():
    """Monte Carlo (numpy, fixed seed): entrywise z-scores of the sample mean against A^T + tr(A) I.
    9 entries, Bonferroni: |z| < 4.0 has family-wise false-alarm rate < 9 * 6.3e-5 = 6e-4."""
    rng = np.random.default_rng(1234)
    A = np.array([[1.0, 2.0, -1.0], [0.5, -0.3, 0.7], [0.0, 1.5, 0.2]])
    n = 200_000
    X = rng.standard_normal((n, 3))
    G = np.einsum("ni,nj->nij", X, X) - np.eye(3)
    samples = G @ A @ G
    mean, se = samples.mean(0), samples.std(0, ddof=1) / np.sqrt(n)
    A_exact = sp.Matrix(A.tolist()).applyfunc(lambda v: sp.Rational(str(v)))
    target = np.array(sandwich_moment(A_exact).tolist(), dtype=float)
    z = (mean - target) / se
    assert np.max(np.abs(z)) < 4.0
    z_wrong = (mean - (A + np.trace(A) * np.eye(3))) / se       # missing transpose: rejected
    assert np.max(np.abs(z_wrong)) > 4.0


def test_expected_SNS_identity_and_mutation():
    D, N, Q = sym_matrix("D", 2, 3), sym_matrix("N", 3, 2), sym_symmetric("Q", 2)
    E = expected_SNS(D, N, Q)
    assert _is_zero(E - (D * D.T * N.T + (N * D).trace() * D + Q * N.T))
    assert not _is_zero(E - (D * D.T * N.T + Q * N.T))          # dropped tr(N Delta) Delta term
    assert not _is_zero(E - (D * D.T * N.T + (N * D).trace() * D))   # dropped label term
    assert not _is_zero(E - (2 * D * D.T * N.T + (N * D).trace() * D + Q * N.T))  # wrong coefficient


@pytest.mark.parametrize("d0,dL", [(2, 3), (3, 2)])
def test_label_noise_moment(d0, dL):
    E, Sq = label_noise_moment(d0, dL)
    assert is_zero(E - kron(sp.eye(d0), Sq))
    wrong = kron(Sq, sp.eye(d0))
    assert wrong.shape == E.shape and not is_zero(E - wrong)


# ---- gradient, Jacobian, Sigma_lm --------------------------------------------------------------------
@pytest.mark.parametrize("widths", [(2, 3, 1), (1, 2, 2)])
def test_population_gradient(widths):
    layers, M, Sq, Lpop = expected_loss(widths)
    Delta = M - end_to_end(layers)
    for l in range(1, len(widths)):
        G = layers[l - 1].applyfunc(lambda e: sp.diff(Lpop, e))
        assert _is_zero(G - population_gradient_formula(layers, M, l))
        assert not _is_zero(G + population_gradient_formula(layers, M, l))        # sign flipped
        if l < len(widths) - 1 and widths[-1] == widths[l]:
            assert not _is_zero(G + above(layers, l) * Delta * below(layers, l).T)  # missing transpose


@given(seed=st.integers(0, 2**32 - 1))
@FEW
def test_jacobian_rational_random_sizes(seed):
    rng = random.Random(seed)
    L = rng.randint(1, 3)
    widths = [rng.randint(1, 3) for _ in range(L + 1)]
    sym = symbolic_layers(widths)
    vals = {e: sp.Rational(rng.randint(-4, 4), rng.randint(1, 3)) for W in sym for e in W}
    l = rng.randint(1, L)
    J = vec(end_to_end(sym)).jacobian(vec(sym[l - 1])).subs(vals)
    num = [W.subs(vals) for W in sym]
    assert J == jacobian_formula(num, l)


def test_jacobian_paper_form_rejected():
    d = derive("jacobian_block")
    ex = d.extra["examples"]
    assert ex[((2, 2, 2), 1)]["paper_matches"] is False
    assert ex[((2, 3, 1), 1)]["paper_shape"] != ex[((2, 3, 1), 1)]["shape"]
    assert all(v["shape"] == (v["shape"][0], v["shape"][1]) for v in ex.values())


def test_noise_covariance_blocks_and_mutations():
    layers, M, Sq, blocks = noise_covariance_from_moments((2, 1, 2))
    Delta = M - end_to_end(layers)
    d0 = 2
    IkD = kron(sp.eye(d0), Delta)
    no_C = IkD * IkD.T + kron(sp.eye(d0), Sq)
    minus_C = IkD * (sp.eye(4) - commutation(2, 2)) * IkD.T + kron(sp.eye(d0), Sq)
    no_label = IkD * (sp.eye(4) + commutation(2, 2)) * IkD.T
    for l in (1, 2):
        for m in (1, 2):
            assert _is_zero(blocks[(l, m)] - sigma_block_formula(layers, M, Sq, l, m))
    for wrong in (no_C, minus_C, no_label):
        assert not _is_zero(blocks[(1, 2)] - sigma_block_formula(layers, M, Sq, 1, 2, cov=wrong))
    assert blocks[(2, 1)] == blocks[(1, 2)].T


def test_noise_covariance_derivation_record():
    d = derive("noise_covariance_block")
    assert d.extra["paper_data_term_differs"] is True
    assert callable(d.extra["formula"]) and d.extra["sizes"] == ((2, 1, 2), (2, 1, 1, 2))
    rng = random.Random(3)
    layers = [_rand_rational_matrix(rng, 3, 2), _rand_rational_matrix(rng, 2, 3)]
    M = _rand_rational_matrix(rng, 2, 2)
    S = d.extra["formula"](layers, M, sp.eye(2), 1, 2)
    assert S.shape == (6, 6)


def test_cayley_is_orthogonal_and_rational():
    A = sp.Matrix([[0, sp.Rational(1, 2), -1], [-sp.Rational(1, 2), 0, 2], [1, -2, 0]])
    Q = cayley(A)
    assert Q.T * Q == sp.eye(3) and all(e.is_Rational for e in Q)
    O = rational_orthonormal(4, 2, seed=5)
    assert O.T * O == sp.eye(2)
    with pytest.raises(ValueError):
        cayley(sp.Matrix([[0, 1], [1, 0]]))


def test_cov_vec_S_is_psd_on_random_rationals():
    rng = random.Random(11)
    D = _rand_rational_matrix(rng, 2, 3)
    R = _rand_rational_matrix(rng, 2, 2)
    C = cov_vec_S(D, R * R.T)
    ev = np.linalg.eigvalsh(np.array(C.tolist(), dtype=float))
    assert ev.min() > -1e-12 and C == C.T

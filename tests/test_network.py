import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from symdln import DLN, SymdlnInputError, Teacher, aligned_balanced, balanced_init, small_gaussian_init
from symdln.network import cross_mode_amplitudes, mode_amplitudes, population_loss, unvec, vec

widths_st = st.lists(st.integers(1, 5), min_size=2, max_size=6)


@given(widths=widths_st, seed=st.integers(0, 2**32 - 1))
@settings(max_examples=40, deadline=None)
def test_partial_products_chain(widths, seed):
    net = small_gaussian_init(widths, 0.0, rng=seed)
    W = net.end_to_end()
    above, below = net.partials()
    for l in range(1, net.depth + 1):
        assert np.allclose(net.above(l), above[l - 1])
        assert np.allclose(net.below(l), below[l - 1])
        assert np.allclose(net.above(l) @ net.layer(l) @ net.below(l), W)
        for m in range(1, l):
            assert np.allclose(net.above(l) @ net.layer(l) @ net.between(l, m) @ net.layer(m) @ net.below(m), W)
    assert np.allclose(DLN.from_theta(net.theta(), widths).end_to_end(), W)
    assert net.n_params == net.theta().size


def test_vec_identity():
    rng = np.random.default_rng(0)
    A, X, B = rng.standard_normal((3, 4)), rng.standard_normal((4, 5)), rng.standard_normal((5, 2))
    assert np.allclose(vec(A @ X @ B), np.kron(B.T, A) @ vec(X))
    u, v = rng.standard_normal(3), rng.standard_normal(4)
    assert np.allclose(vec(np.outer(u, v)), np.kron(v, u))
    assert np.allclose(unvec(vec(A), A.shape), A)


@given(seed=st.integers(0, 2**32 - 1), depth=st.integers(1, 5), r=st.integers(1, 3),
       extra=st.lists(st.integers(0, 3), min_size=6, max_size=6), gauge=st.sampled_from(["random", "identity"]))
@settings(max_examples=40, deadline=None)
def test_aligned_balanced_properties(seed, depth, r, extra, gauge):
    rng = np.random.default_rng(seed)
    d_in, d_out = r + extra[0], r + extra[1]
    teacher = Teacher.from_singular_values(np.sort(rng.uniform(0.1, 2, r))[::-1], d_out, d_in, rng=rng)
    widths = [d_in] + [r + extra[2 + i] for i in range(depth - 1)] + [d_out]
    w = rng.uniform(0.0, 2.0, r)
    net = aligned_balanced(teacher, w, widths, rng=rng, gauge=gauge)
    assert net.depth == depth
    assert np.allclose(mode_amplitudes(net, teacher), w)
    X = cross_mode_amplitudes(net, teacher)
    assert np.allclose(X - np.diag(np.diag(X)), 0, atol=1e-12)
    for l in range(1, depth):
        Wl, Wn = net.layer(l), net.layer(l + 1)
        assert np.allclose(Wn.T @ Wn, Wl @ Wl.T, atol=1e-12)


@given(seed=st.integers(0, 2**32 - 1), widths=widths_st)
@settings(max_examples=30, deadline=None)
def test_balanced_init_is_balanced(seed, widths):
    net = balanced_init(widths, 0.5, rng=seed)
    for l in range(1, net.depth):
        Wl, Wn = net.layer(l), net.layer(l + 1)
        assert np.allclose(Wn.T @ Wn, Wl @ Wl.T, atol=1e-12)


def test_small_init_variance():
    net = small_gaussian_init([200, 100, 300], 2.0, rng=0)
    assert abs(net.layer(1).var() / 100.0 ** -2 - 1) < 0.02
    assert abs(net.layer(2).var() / 100.0 ** -2 - 1) < 0.02


def test_population_loss_matches_formula():
    t = Teacher.from_singular_values([1.0, 0.5], 3, 2, sigma_q=0.3, rng=0)
    net = aligned_balanced(t, [0.2, 0.1], depth=3, rng=0)
    assert np.isclose(population_loss(net, t), 0.5 * (0.8 ** 2 + 0.4 ** 2) + 0.5 * 3 * 0.09)


def test_degenerate_and_rank_deficient_teacher():
    t = Teacher.from_matrix(np.diag([1.0, 1.0, 0.0]))
    assert t.rank == 2 and t.n_modes == 2
    t2 = Teacher.from_singular_values([1.0, 1.0, 0.0], 3, 3, rng=1)
    assert t2.rank == 2 and t2.n_modes == 3


@pytest.mark.parametrize("bad, match", [
    (lambda: DLN([]), "depth L >= 1"),
    (lambda: DLN([np.ones((2, 3)), np.ones((2, 3))]), "widths do not chain"),
    (lambda: DLN([np.array([[np.nan]])]), "finite"),
    (lambda: DLN([np.ones(3)]), "2-D"),
    (lambda: Teacher(np.ones((2, 1)), [1.0], np.array([[1.0], [0.0]])), "orthonormal"),
    (lambda: Teacher(np.eye(2), [1.0, -1.0], np.eye(2)), ">= 0"),
    (lambda: Teacher(np.eye(2), [1.0, 1.0], np.eye(2), Sigma_q=[[1.0, 0.5], [0.0, 1.0]]), "symmetric"),
    (lambda: Teacher(np.eye(2), [1.0, 1.0], np.eye(2), Sigma_q=-np.eye(2)), "positive semi-definite"),
    (lambda: small_gaussian_init([3], 1.0), "L >= 1"),
    (lambda: aligned_balanced(Teacher(np.eye(2), [1, 1], np.eye(2)), [0.1, 0.1], [2, 1, 2]), ">= the number of modes"),
])
def test_bad_input_names_argument(bad, match):
    with pytest.raises(SymdlnInputError, match=match):
        bad()

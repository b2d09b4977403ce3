"""Numeric core, noise: gradients (Prop. 3.1), Sigma_lm (Prop. 3.2), the exact-covariance sampler."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from _core_strategies import random_setting
from symdln import DLN, SymdlnInputError, Teacher, population_loss, small_gaussian_init
from symdln.network import vec
from symdln.noise import (
    _sample_S, commutation_matrix, iter_per_sample_gradients, noise_matrix_covariance, per_sample_gradients,
    population_gradient, psd_factor, sample_data, sample_noise, sample_S, sigma_block, sigma_dense,
)

seeds = st.integers(0, 2**32 - 1)


def _loss_fd_grad(net, f, h=1e-6):
    """Central finite differences of a scalar function of theta (reference)."""
    th = net.theta()
    out = np.empty_like(th)
    for i in range(th.size):
        e = np.zeros_like(th); e[i] = h
        out[i] = (f(DLN.from_theta(th + e, net.widths)) - f(DLN.from_theta(th - e, net.widths))) / (2 * h)
    return out


@given(seed=seeds)
@settings(max_examples=25, deadline=None)
def test_population_gradient_matches_finite_differences(seed):
    net, t = random_setting(seed)
    G = np.concatenate([vec(g) for g in population_gradient(net, t)])
    fd = _loss_fd_grad(net, lambda n: population_loss(n, t))
    assert np.allclose(G, fd, rtol=1e-6, atol=1e-7 * max(1.0, np.abs(fd).max()))  # FD error O(h^2)


@given(seed=seeds)
@settings(max_examples=25, deadline=None)
def test_per_sample_gradients_match_brute_force_loop(seed):
    net, t = random_setting(seed)
    X, Y = sample_data(t, 7, seed)
    g = per_sample_gradients(net, t, X, Y)
    for i in range(7):  # brute force: the gradient of 0.5|y - W x|^2 by finite differences
        fd = _loss_fd_grad(net, lambda n: 0.5 * np.sum((Y[i] - n.end_to_end() @ X[i]) ** 2))
        got = np.concatenate([vec(gl[i]) for gl in g])
        assert np.allclose(got, fd, rtol=1e-6, atol=1e-7 * max(1.0, np.abs(fd).max()))
    for l, gl in enumerate(g, start=1):
        assert gl.shape == (7,) + net.layer(l).shape


def test_iter_per_sample_gradients_chunks_are_bounded():
    net, t = random_setting(3)
    sizes = [c[0].shape[0] for c in iter_per_sample_gradients(net, t, 10_001, 0, chunk=1000)]
    assert sum(sizes) == 10_001 and max(sizes) == 1000 and sizes[-1] == 1
    # reuse=True: same buffers every chunk, same numbers as fresh arrays
    fresh = [[g.copy() for g in c] for c in iter_per_sample_gradients(net, t, 2500, 1, chunk=1000)]
    objs = []
    for c, f in zip(iter_per_sample_gradients(net, t, 2500, 1, chunk=1000, reuse=True), fresh):
        objs.append(c[0])
        assert all(np.array_equal(a, b) for a, b in zip(c, f))
    assert objs[0] is objs[1] and objs[2] is not objs[0]   # full chunks share a buffer; the last (500) has its own
    X, Y = sample_data(t, 5, 2)
    bufs = [np.empty((5,) + W.shape) for W in net.layers]
    assert per_sample_gradients(net, t, X, Y, out=bufs) is bufs
    assert all(np.array_equal(a, b) for a, b in zip(bufs, per_sample_gradients(net, t, X, Y)))
    with pytest.raises(SymdlnInputError, match="out must"):
        per_sample_gradients(net, t, X, Y, out=bufs[:-1] if net.depth > 1 else [np.empty(3)])


def test_commutation_matrix():
    rng = np.random.default_rng(0)
    for m, n in [(1, 1), (2, 3), (4, 2)]:
        A = rng.standard_normal((m, n))
        C = commutation_matrix(m, n)
        assert np.array_equal(C @ vec(A), vec(A.T))
        assert np.array_equal(commutation_matrix(n, m) @ C, np.eye(m * n))


def _sigma_block_kron(net, t, l, m):
    """Explicit dense Kronecker build of Prop. 3.2 with the correct J_l = W_{<l}^T kron W_{>l}."""
    D = t.M - net.end_to_end()
    d0 = net.d_in
    Al, Am, Bl, Bm = net.below(l), net.below(m), net.above(l).T, net.above(m).T
    I2C = np.eye(d0 * d0) + commutation_matrix(d0, d0)
    return (np.kron(Al, Bl @ D) @ I2C @ np.kron(Am, Bm @ D).T
            + np.kron(Al @ Am.T, Bl @ t.Sigma_q @ Bm.T))


@given(seed=seeds)
@settings(max_examples=30, deadline=None)
def test_sigma_block_equals_kron_build_and_brute_force(seed):
    net, t = random_setting(seed)
    CovS = noise_matrix_covariance(net, t)
    J = np.hstack([np.kron(net.below(l).T, net.above(l)) for l in range(1, net.depth + 1)])
    brute = J.T @ CovS @ J
    dense = sigma_dense(net, t)
    scale = max(1.0, np.abs(brute).max())
    assert np.allclose(dense, brute, rtol=0, atol=1e-12 * scale)
    for l in range(1, net.depth + 1):
        for m in range(1, net.depth + 1):
            assert np.allclose(sigma_block(net, t, l, m), _sigma_block_kron(net, t, l, m), rtol=0, atol=1e-12 * scale)


class _BasisRng:
    """Stand-in generator whose standard_normal returns one unit basis vector of the joint (Z1, Z2) input:
    pushing every basis vector through the sampler gives its exact linear map, hence its exact covariance."""

    def __init__(self, k):
        self.k, self.offset = k, 0

    def standard_normal(self, shape):
        z = np.zeros(int(np.prod(shape)))
        if 0 <= self.k - self.offset < z.size:
            z[self.k - self.offset] = 1.0
        self.offset += z.size
        return z.reshape(shape)


@given(seed=seeds)
@settings(max_examples=20, deadline=None)
def test_sampler_has_exactly_the_covariance(seed):
    net, t = random_setting(seed)
    D = t.M - net.end_to_end()
    R = psd_factor(t.Sigma_q) if t.Sigma_q.any() else None
    dL, d0 = D.shape
    cols = [vec(_sample_S(D, R, _BasisRng(k), ())) for k in range(d0 * d0 + (0 if R is None else dL * d0))]
    Mlin = np.array(cols).T
    CovS = noise_matrix_covariance(D, t.Sigma_q)
    assert np.allclose(Mlin @ Mlin.T, CovS, rtol=0, atol=1e-12 * max(1.0, np.abs(CovS).max()))


@given(seed=seeds)
@settings(max_examples=20, deadline=None)
def test_sample_noise_is_the_layer_image_of_sample_S(seed):
    """xi_l = W_{>l}^T S W_{<l}^T with the same draw of S (so its covariance is exactly Sigma, given the above)."""
    net, t = random_setting(seed)
    D = t.M - net.end_to_end()
    S = sample_S(D, t.Sigma_q, seed, size=3)
    xi = sample_noise(net, t, seed, size=3)
    for l, x in enumerate(xi, start=1):
        assert np.allclose(x, net.above(l).T @ S @ net.below(l).T, rtol=1e-12, atol=1e-12)


def test_sample_noise_covariance_is_sigma_statistically():
    """sample_noise's stacked covariance vs the dense Sigma, entrywise z-test (Bonferroni, FWER 1e-3)."""
    from scipy.stats import norm
    net, t = random_setting(11, max_depth=3, max_width=3, label="aniso", aligned=False)
    n = 40_000
    xi = sample_noise(net, t, 5, size=n)
    Z = np.hstack([x.transpose(0, 2, 1).reshape(n, -1) for x in xi])
    Sig = sigma_dense(net, t)
    c = Z - Z.mean(0)
    est = c.T @ c / (n - 1)
    se = np.sqrt(np.maximum(((c[:, :, None] * c[:, None, :]) ** 2).mean(0) - est ** 2, 1e-300) / n)
    z = np.abs(est - Sig) / se
    thr = norm.isf(1e-3 / (2 * z.size))
    assert z.max() < thr
    assert xi[0].shape == (n,) + net.layer(1).shape
    assert sample_noise(net, t, 0)[0].shape == net.layer(1).shape


def test_bad_inputs_name_the_argument():
    net, t = random_setting(1, label="iso")
    with pytest.raises(SymdlnInputError, match="n must"):
        sample_data(t, 0, 0)
    with pytest.raises(SymdlnInputError, match="X must"):
        per_sample_gradients(net, t, np.zeros((3, net.d_in + 1)), np.zeros((3, net.d_out)))
    with pytest.raises(SymdlnInputError, match="Y must"):
        per_sample_gradients(net, t, np.zeros((3, net.d_in)), np.zeros((2, net.d_out)))
    with pytest.raises(SymdlnInputError, match="X must be finite"):
        per_sample_gradients(net, t, np.full((3, net.d_in), np.nan), np.zeros((3, net.d_out)))
    with pytest.raises(SymdlnInputError, match="l must"):
        sigma_block(net, t, 0, 1)
    with pytest.raises(SymdlnInputError, match="Sigma_q"):
        sample_S(np.ones((2, 3)), np.eye(3), 0)
    with pytest.raises(SymdlnInputError, match="Delta must be finite"):
        sample_S(np.full((2, 3), np.nan), np.eye(2), 0)
    with pytest.raises(SymdlnInputError, match="size"):
        sample_S(np.ones((2, 3)), np.eye(2), 0, size=-1)
    with pytest.raises(SymdlnInputError, match="teacher"):
        population_gradient(net, "not a teacher")
    other = Teacher.from_singular_values([1.0], net.d_out + 1, net.d_in, rng=0)
    with pytest.raises(SymdlnInputError, match="network maps"):
        population_gradient(net, other)
    with pytest.raises(SymdlnInputError, match="chunk"):
        next(iter_per_sample_gradients(net, t, 10, 0, chunk=0))

"""Batched (stack of states) and lean single-state kernels of the numeric core vs the dense references."""
from __future__ import annotations

import numpy as np
import pytest

from symdln import DLN, Teacher
from symdln._validation import SymdlnInputError
from symdln.batched import diffusion_batch, ito_drift_batch, sample_noise_batch, stack_states
from symdln.modes import diffusion, diffusion_dense, ito_drift, ito_drift_dense, ito_terms
from symdln.noise import sample_noise, sigma_dense

# float64 sums of O(L^2 d^3) products of O(1) numbers: relative agreement to 1e-10 leaves 5 orders of
# magnitude above round-off (~1e-15) and far below any formula error (O(1) relative)
RTOL = 1e-10


def _setting(widths, seed, label=True, n=3):
    rng = np.random.default_rng(seed)
    d0, dL = widths[0], widths[-1]
    A = rng.standard_normal((dL, dL))
    t = Teacher.from_singular_values(np.linspace(2, 0.5, min(d0, dL)), dL, d0, rng=seed)
    if label:
        t = t.with_label_noise(0.2 * A @ A.T)
    nets = [DLN([rng.standard_normal((widths[i + 1], widths[i])) / 2 for i in range(len(widths) - 1)])
            for _ in range(n)]
    return nets, t


@pytest.mark.parametrize("widths,label", [([4, 4, 4, 4], True), ([3, 5, 2, 4], True), ([3, 4, 2], False),
                                          ([3, 2], True)])
def test_batched_and_single_match_dense(widths, label):
    nets, t = _setting(widths, 7, label)
    Db = diffusion_batch(stack_states(nets), t, eta=0.3, b=2)
    Ib = ito_drift_batch(stack_states(nets), t, eta=0.3, b=2)
    for i, net in enumerate(nets):
        for a in range(t.n_modes):
            ref_i = ito_drift_dense(net, t, a, eta=0.3, b=2)
            scale = max(abs(ref_i), 1e-300) if len(widths) > 2 else 1.0
            assert abs(ito_drift(net, t, a, eta=0.3, b=2) - ref_i) <= RTOL * scale
            assert abs(Ib[i, a] - ref_i) <= RTOL * scale
            assert abs(0.3 / 2 * sum(ito_terms(net, t, a)) - ref_i) <= RTOL * scale
            for c in range(t.n_modes):
                ref = diffusion_dense(net, t, a, c, eta=0.3, b=2)
                assert abs(diffusion(net, t, a, c, eta=0.3, b=2) - ref) <= RTOL * abs(ref)
                assert abs(Db[i, a, c] - ref) <= RTOL * abs(ref)


def test_mutants_are_rejected():
    """A dropped trace term or a transposed Delta in the kernel must not match the dense reference."""
    import symdln.batched as bt
    nets, t = _setting([4, 4, 4, 4], 3)
    ref = diffusion_dense(nets[0], t, 0)
    D = t.M - nets[0].end_to_end()
    good = bt._diffusion_single(nets[0].layers, t.M, t.Sigma_q, t.U[:, 0], t.V[:, 0], None, None, True)
    dropped_label = bt._diffusion_single(nets[0].layers, t.M, t.Sigma_q, t.U[:, 0], t.V[:, 0], None, None, False)
    transposed = bt._diffusion_single(nets[0].layers, t.M + (D.T - D), t.Sigma_q, t.U[:, 0], t.V[:, 0],
                                      None, None, True)
    assert abs(good - ref) <= RTOL * abs(ref)
    assert abs(dropped_label - ref) > 1e-3 * abs(ref)
    assert abs(transposed - ref) > 1e-3 * abs(ref)


def test_batched_noise_same_normals_as_single_and_exact_covariance():
    nets, t = _setting([3, 4, 2], 5, n=2)
    Z = np.stack([np.random.default_rng(10 + i).standard_normal((3 + 2, 3)) for i in range(2)])
    xs = sample_noise_batch(stack_states(nets), t, normals=Z)
    for i, net in enumerate(nets):              # the single-state sampler draws the same normals from seed 10 + i
        for a, b in zip(xs, sample_noise(net, t, rng=10 + i)):
            np.testing.assert_allclose(a[i], b, rtol=1e-12, atol=1e-14)
    # covariance of the batched draw over many normals = dense Sigma (exact, so a Monte Carlo z-test)
    n = 40000
    rng = np.random.default_rng(2)
    draws = sample_noise_batch(stack_states([nets[0]] * n), t, rng)
    theta = np.concatenate([d.transpose(0, 2, 1).reshape(n, -1) for d in draws], axis=1)   # column-major vec
    Sig = sigma_dense(nets[0], t)
    emp = theta.T @ theta / n
    se = np.sqrt((np.diag(Sig)[:, None] * np.diag(Sig)[None, :] + Sig ** 2) / n)
    z = np.abs(emp - Sig)[se > 0] / se[se > 0]
    # Bonferroni over all P^2 entries at a 1e-3 family-wise false-alarm rate
    from scipy.stats import norm
    assert z.max() < norm.isf(1e-3 / (2 * z.size))


def test_bad_stack_is_one_line_error():
    nets, t = _setting([3, 4, 2], 5)
    with pytest.raises(SymdlnInputError, match="chain"):
        diffusion_batch([np.zeros((2, 4, 3)), np.zeros((2, 3, 3))], t)
    with pytest.raises(SymdlnInputError, match="modes"):
        ito_drift_batch(stack_states(nets), t, modes=[5])
    with pytest.raises(SymdlnInputError, match="normals"):
        sample_noise_batch(stack_states(nets), t, normals=np.zeros((1, 2, 2)))


def test_per_sample_gradients_into_buffers_equal_the_allocating_path():
    """The buffered path (reused factor buffers, negated error) gives bit-identical gradients."""
    from symdln.noise import per_sample_gradients, sample_data
    nets, t = _setting([3, 5, 4, 2], 11, n=1)
    X, Y = sample_data(t, 64, 0)
    ref = per_sample_gradients(nets[0], t, X, Y)
    bufs = [np.empty((64,) + W.shape) for W in nets[0].layers]
    for _ in range(2):                                        # second call reuses the work buffers
        got = per_sample_gradients(nets[0], t, X, Y, out=bufs)
        assert all(np.array_equal(a, b) for a, b in zip(got, ref))
    X2, Y2 = sample_data(t, 32, 1)                            # another n: new buffers, still exact
    got = per_sample_gradients(nets[0], t, X2, Y2, out=[np.empty((32,) + W.shape) for W in nets[0].layers])
    assert all(np.array_equal(a, b) for a, b in zip(got, per_sample_gradients(nets[0], t, X2, Y2)))


def test_directional_gradient_equals_the_per_sample_definition():
    """``y_n = sum_l <A_l, g_l(x_n)>`` from the factors (no N x P array) equals the contraction of the explicit
    per-sample gradients; a transposed ``A_l`` (a wrong index order in the GEMM) is rejected."""
    from symdln.modes import mode_jacobian, mode_vectors
    from symdln.montecarlo import _directional
    from symdln.noise import gradient_factors, per_sample_gradients, sample_data
    nets, t = _setting([4, 4, 4, 4], 13, n=1)
    X, Y = sample_data(t, 50, 2)
    As = mode_jacobian(nets[0], *mode_vectors(t, 0))
    want = sum(np.einsum("nij,ij->n", g, A) for g, A in zip(per_sample_gradients(nets[0], t, X, Y), As))
    a, b = gradient_factors(nets[0], X, Y)
    # O(1) entries, sums of a few dozen products: agreement to 1e-12 relative is rounding, not luck
    np.testing.assert_allclose(_directional(nets[0], a, b, As), want, rtol=1e-12, atol=1e-12 * np.abs(want).max())
    bad = _directional(nets[0], a, b, [A.T for A in As])
    assert np.abs(bad - want).max() > 1e-3 * np.abs(want).max()

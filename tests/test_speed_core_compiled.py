"""The compiled (numba) kernels of the numeric core against the NumPy kernels and the dense references."""
from __future__ import annotations

import numpy as np
import pytest

from symdln import DLN, Teacher
from symdln import _core_numba
from symdln._validation import SymdlnInputError
from symdln.modes import diffusion, diffusion_dense, ito_drift, ito_drift_dense
from symdln.noise import per_sample_gradients, sample_data

pytestmark = pytest.mark.skipif(not _core_numba.available(), reason="numba not installed (symdln[fast])")

# float64 sums of O(L^2 d^3) products of O(1) numbers in another order (explicit loops, reassociated for
# SIMD): they agree to ~1e-15 relative; 1e-10 leaves 5 orders of magnitude for rounding growth and is far
# below any formula error (O(1) relative, as the mutants show)
RTOL = 1e-10


def _setting(widths, seed, label=True):
    rng = np.random.default_rng(seed)
    d0, dL = widths[0], widths[-1]
    t = Teacher.from_singular_values(np.linspace(2, 0.5, min(d0, dL)), dL, d0, rng=seed)
    if label:
        A = rng.standard_normal((dL, dL))
        t = t.with_label_noise(0.2 * A @ A.T)
    return DLN([rng.standard_normal((widths[i + 1], widths[i])) / 2 for i in range(len(widths) - 1)]), t


@pytest.mark.parametrize("widths,label", [([4, 4, 4, 4, 4], True), ([3, 5, 2, 4], True), ([3, 4, 2], False),
                                          ([3, 2], True)])
def test_compiled_ito_drift_equals_numpy_and_dense(widths, label):
    net, t = _setting(widths, 5, label)
    for a in range(t.n_modes):
        ref = ito_drift_dense(net, t, a, eta=0.3, b=2)
        got = ito_drift(net, t, a, eta=0.3, b=2, backend="numba")
        scale = abs(ref) if len(widths) > 2 else 1.0          # L = 1: both are exactly 0
        assert abs(got - ref) <= RTOL * scale
        assert abs(got - ito_drift(net, t, a, eta=0.3, b=2)) <= RTOL * scale


def test_compiled_ito_kernel_rejects_mutants():
    """A dropped label term or a transposed Delta in the compiled kernel must not match the dense reference."""
    net, t = _setting([4, 3, 5, 4], 9)
    u, v = t.U[:, 0], t.V[:, 0]
    ref = ito_drift_dense(net, t, 0)
    D = t.M - net.end_to_end()
    good = _core_numba.ito_single(net.layers, t.M, t.Sigma_q, u, v, True)
    dropped = _core_numba.ito_single(net.layers, t.M, t.Sigma_q, u, v, False)
    transposed = _core_numba.ito_single(net.layers, t.M + (D.T - D), t.Sigma_q, u, v, True)
    assert abs(good - ref) <= RTOL * abs(ref)
    assert abs(dropped - ref) > 1e-3 * abs(ref)
    assert abs(transposed - ref) > 1e-3 * abs(ref)


def test_compiled_per_sample_gradients_are_bit_identical_and_correct():
    """One product per entry either way: the compiled outer products equal NumPy's bit for bit, and a
    per-sample loop of the definition ``-W_{>l}^T (y - W x) x^T W_{<l}^T``; the sign mutant is rejected."""
    net, t = _setting([3, 5, 4, 2], 11)
    X, Y = sample_data(t, 64, 0)
    ref = per_sample_gradients(net, t, X, Y)
    got = per_sample_gradients(net, t, X, Y, backend="numba")
    into = per_sample_gradients(net, t, X, Y, out=[np.empty_like(r) for r in ref], backend="numba")
    assert all(np.array_equal(a, b) and np.array_equal(a, c) for a, b, c in zip(ref, got, into))
    aboves, belows = net.partials()
    for n in (0, 37):
        eps = Y[n] - net.end_to_end() @ X[n]
        for g, A, B in zip(got, aboves, belows):
            want = -np.outer(A.T @ eps, B @ X[n])
            np.testing.assert_allclose(g[n], want, rtol=1e-12, atol=1e-14)   # O(1) entries, a few products
            assert np.abs(g[n] + want).max() > 1e-3 * np.abs(want).max()       # the sign mutant differs


def test_bad_backend_is_one_line_error():
    net, t = _setting([3, 4, 2], 1)
    with pytest.raises(SymdlnInputError, match="backend"):
        ito_drift(net, t, 0, backend="fortran")
    with pytest.raises(SymdlnInputError, match="backend"):
        per_sample_gradients(net, t, *sample_data(t, 4, 0), backend="jax")
    from symdln.batched import diffusion_batch, ito_drift_batch
    for fn in (diffusion_batch, ito_drift_batch):                      # 2-D layers too (NumPy path)
        with pytest.raises(SymdlnInputError, match="backend"):
            fn(net.layers, t, backend="cuda")


@pytest.mark.parametrize("widths,label", [([4, 4, 4, 4, 4], True), ([3, 5, 2, 4], True), ([3, 4, 2], False),
                                          ([3, 2], True)])
def test_compiled_diffusion_equals_numpy_and_dense(widths, label):
    net, t = _setting(widths, 6, label)
    for a in range(t.n_modes):
        for c in range(t.n_modes):
            ref = diffusion_dense(net, t, a, c, eta=0.3, b=2)
            got = diffusion(net, t, a, c, eta=0.3, b=2, backend="numba")
            assert abs(got - ref) <= RTOL * abs(ref)
            assert abs(got - diffusion(net, t, a, c, eta=0.3, b=2)) <= RTOL * abs(ref)


def test_compiled_diffusion_kernel_rejects_mutants():
    """A dropped label term or a transposed Delta in the compiled kernel must not match the dense reference."""
    net, t = _setting([4, 3, 5, 4], 9)
    u, v = t.U[:, 0], t.V[:, 0]
    ref = diffusion_dense(net, t, 0)
    D = t.M - net.end_to_end()
    def kernel(M, label):
        return _core_numba.diffusion_single(net.layers, M, t.Sigma_q, u, v, None, None, label)
    assert abs(kernel(t.M, True) - ref) <= RTOL * abs(ref)
    assert abs(kernel(t.M, False) - ref) > 1e-3 * abs(ref)
    assert abs(kernel(t.M + (D.T - D), True) - ref) > 1e-3 * abs(ref)


@pytest.mark.parametrize("widths,label", [([4, 4, 4, 4, 4], True), ([3, 5, 2, 4], True), ([3, 4, 2], False),
                                          ([3, 2], True)])
def test_compiled_stack_kernels_equal_numpy_state_by_state(widths, label):
    from symdln.batched import diffusion_batch, ito_drift_batch, stack_states
    rng = np.random.default_rng(3)
    net, t = _setting(widths, 8, label)
    nets = [DLN([w + 0.3 * rng.standard_normal(w.shape) for w in net.layers]) for _ in range(5)]
    st = stack_states(nets)
    for fn in (diffusion_batch, ito_drift_batch):
        ref = fn(st, t, eta=0.3, b=2)
        got = fn(st, t, eta=0.3, b=2, backend="numba")
        assert got.shape == ref.shape
        assert np.abs(got - ref).max() <= RTOL * max(np.abs(ref).max(), 1e-300)


def test_compiled_stack_kernels_reject_mutants():
    """Dropping the label term (diffusion) or the trace factors (Ito drift) changes the stack kernels' output."""
    from symdln.batched import diffusion_batch, ito_drift_batch, stack_states
    net, t = _setting([4, 3, 5, 4], 9)
    st = stack_states([net, net])
    ref_d, ref_i = diffusion_batch(st, t, [0]), ito_drift_batch(st, t, [0])
    U, V = t.U[:, [0]], t.V[:, [0]]
    D = t.M - net.end_to_end()
    good = _core_numba.diffusion_stack(st, np.stack([D, D]), t.Sigma_q, U, V, True)
    dropped = _core_numba.diffusion_stack(st, np.stack([D, D]), t.Sigma_q, U, V, False)
    assert np.abs(good - ref_d).max() <= RTOL * np.abs(ref_d).max()
    assert np.abs(dropped - ref_d).max() > 1e-3 * np.abs(ref_d).max()
    k = _core_numba._kernels()
    Wl = tuple(np.ascontiguousarray(np.moveaxis(w, 0, -1)) for w in st)
    D3 = np.ascontiguousarray(np.moveaxis(np.stack([D, D]), 0, -1))
    no_trace = k.ito_states_last(Wl, D3, t.Sigma_q, np.zeros((3, 3, 2)), U, V, True)
    assert np.abs(_core_numba.ito_stack(st, t.M, t.Sigma_q, U, V, True) - ref_i).max() <= RTOL * np.abs(ref_i).max()
    assert np.abs(no_trace - ref_i).max() > 1e-3 * np.abs(ref_i).max()

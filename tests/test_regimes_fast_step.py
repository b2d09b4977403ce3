"""The fused GD step of :func:`symdln.saddles.training.gd` (used for widths > 256, e.g. ``regimes --full``,
w = 1000) takes the same steps as the default formulation: population and masked (completion) losses, with
networks leaving the batch at different steps."""
from __future__ import annotations

import numpy as np
import pytest

from symdln.network import Teacher
from symdln.saddles import training
from symdln.saddles.training import gd

#: BLAS and NumPy's own loop may sum a product's inner dimension (d = 5 or 6) in another order, so the two
#: formulations agree to rounding, amplified along a run; observed: bit-identical.  1e-9 relative is far
#: below anything the experiment reports (ranks, plateau counts, 3-digit errors).
RTOL = 1e-9


def _nets(widths, gammas, seed):
    rng = np.random.default_rng(seed)
    w = max(widths[1:-1])
    nets = [[rng.standard_normal((widths[i + 1], widths[i])) * w ** (-g / 2) for i in range(len(widths) - 1)]
            for g in gammas]
    return [np.stack([n[l] for n in nets]) for l in range(len(widths) - 1)]


def _close(a, b):
    assert np.array_equal(a.steps, b.steps) and np.array_equal(a.converged, b.converged)
    for x, y in [(a.W, b.W), (a.times, b.times), (a.losses, b.losses)] + list(zip(a.layers, b.layers)):
        assert x.shape == y.shape
        np.testing.assert_allclose(y, x, rtol=RTOL, atol=RTOL * float(np.max(np.abs(x))))


def test_fused_step_matches_the_default_population_and_completion():
    T = Teacher.from_singular_values([2.0, 1.4, 1.0], 5, 5, rng=0)
    L0 = _nets((5, 24, 24, 24, 5), (0.5, 1.5, 2.5), 1)
    kw = dict(max_steps=250, floor_value=1e-4 * 0.5 * float(np.sum(T.M ** 2)),
              record=lambda W: np.einsum("ia,bij,ja->ba", T.U, W, T.V))
    a, b = gd(L0, T.M, fused=False, **kw), gd(L0, T.M, fused=True, **kw)
    assert len(set(a.steps.tolist())) > 1, "networks leave the batch at different steps"
    _close(a, b)
    np.testing.assert_allclose(b.records, a.records, rtol=RTOL, atol=1e-12)
    rng = np.random.default_rng(2)
    M = rng.standard_normal((2, 6, 6))
    mask = (rng.random((2, 6, 6)) < 0.3).astype(float)
    L1 = _nets((6, 20, 20, 20, 6), (1.0, 2.0), 3)
    _close(gd(L1, M, mask, max_steps=200), gd(L1, M, mask, max_steps=200, fused=True))


def test_fused_step_is_used_above_256_and_a_wrong_update_is_caught(monkeypatch):
    """Widths > 256 take the fused step; a fused update that drops the ``W_{<l}`` factor's copy (the in-place
    update of layer 1 leaking into layer 2's gradient) is caught by the comparison."""
    seen = []
    real = training._fused_update
    monkeypatch.setattr(training, "_fused_update", lambda *a: (seen.append(1), real(*a)))
    T = Teacher.from_singular_values([1.0], 2, 2, rng=0)
    gd(_nets((2, 257, 2), (1.0,), 0), T.M, max_steps=2)
    assert seen
    L0 = _nets((5, 16, 16, 5), (1.0,), 4)
    T = Teacher.from_singular_values([2.0, 1.0], 5, 5, rng=1)

    def leaky(cur, A, Bl, D, eta):
        Bl[1] = cur[0]                      # alias the layer that is updated first
        real(cur, A, Bl, D, eta)
    monkeypatch.setattr(training, "_fused_update", leaky)
    with pytest.raises(AssertionError):
        _close(gd(L0, T.M, max_steps=50, fused=False), gd(L0, T.M, max_steps=50, fused=True))


def test_the_power_half_steps_in_the_fused_passes_are_checked(monkeypatch):
    """The fused passes carry the first power iteration of each hidden layer (``W_l^T W_l x``); returning the
    warm vector ``x`` itself instead (one iteration fewer: a smaller spectral-norm estimate, larger steps)
    is caught by the comparison with the default step."""
    real = training._fused_loss_partials

    def skipped(cur, Mi, mi, xs=None):
        *rest, zs = real(cur, Mi, mi, xs)
        return (*rest, [None if z is None else x for z, x in zip(zs, xs or [None] * len(cur))])
    L0 = _nets((5, 16, 16, 16, 5), (1.0, 2.0), 5)
    T = Teacher.from_singular_values([2.0, 1.0], 5, 5, rng=1)
    ok = gd(L0, T.M, max_steps=60, fused=True)
    _close(gd(L0, T.M, max_steps=60, fused=False), ok)
    monkeypatch.setattr(training, "_fused_loss_partials", skipped)
    with pytest.raises(AssertionError):
        _close(gd(L0, T.M, max_steps=60, fused=False), gd(L0, T.M, max_steps=60, fused=True))

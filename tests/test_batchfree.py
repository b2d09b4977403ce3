"""Batch-size-free SGD: the drawn (X X^T / b, Xi X^T / b) against explicit batches, and its mutant."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import norm

from symdln import Teacher, small_gaussian_init
from symdln.simulate import sgd_batchfree
from symdln.simulate.batchfree import draw_batch_moments

N = 100_000
R = np.array([[1.0, 0.0], [0.5, 0.8]])          # label-noise factor, Sigma_q = R R^T
DELTA = np.array([[0.6, -0.3], [0.2, 0.5]])
N_TESTS = 2 * (4 + 10 + 1)                      # per b: 4 means, 10 covariances, 1 fourth moment
Z_CRIT = norm.isf(1e-3 / (2 * N_TESTS))         # Bonferroni, family-wise false-alarm rate 1e-3 per variant


def _explicit(rng, n, d0, dL, b, Rf):
    X = rng.standard_normal((n, d0, b))
    Xi = Rf @ rng.standard_normal((n, dL, b))
    return X @ X.transpose(0, 2, 1) / b, Xi @ X.transpose(0, 2, 1) / b


def _unconditioned(rng, n, d0, dL, b, Rf):
    """Mutant: C drawn with its marginal covariance I kron Sigma_q / b but independently of A."""
    A, _ = draw_batch_moments(rng, n, d0, dL, b, None)
    return A, Rf @ rng.standard_normal((n, dL, d0)) / np.sqrt(b)


def _stats(V):
    """Per-sample statistics whose means are the mean, the covariance entries and E|V|^4 of the step."""
    c = V - V.mean(0)
    iu = np.triu_indices(V.shape[1])
    return {"mean": V, "cov": c[:, iu[0]] * c[:, iu[1]], "m4": (np.sum(V ** 2, 1) ** 2)[:, None]}


def _z(a, b):
    return (a.mean(0) - b.mean(0)) / np.sqrt(a.var(0) / len(a) + b.var(0) / len(b))


def _max_z(draw, seed, b):
    """Largest |z| of each moment family: ``V = Delta A + C`` (the step is a fixed linear image of V)."""
    A0, C0 = _explicit(np.random.default_rng(100 + b), N, 2, 2, b, R)
    A1, C1 = draw(np.random.default_rng(seed), N, 2, 2, b, R)
    s0, s1 = _stats((DELTA @ A0 + C0).reshape(N, -1)), _stats((DELTA @ A1 + C1).reshape(N, -1))
    return {k: float(np.abs(_z(s1[k], s0[k])).max()) for k in s0}


@pytest.mark.parametrize("b", [1, 3])                       # b < d_0 (singular Wishart) and b >= d_0
def test_batch_free_matches_explicit_batches_to_fourth_moments(b):
    z = _max_z(draw_batch_moments, 7, b)
    assert max(z.values()) < Z_CRIT, z


@pytest.mark.parametrize("b", [1, 3])
def test_unconditioned_cross_term_is_rejected_by_fourth_moments_only(b):
    z = _max_z(_unconditioned, 7, b)
    assert z["mean"] < Z_CRIT and z["cov"] < Z_CRIT, z        # the first two moments cannot tell
    assert z["m4"] > Z_CRIT, z                                # the fourth moment does (z ~ 20 at N = 1e5)


def test_wishart_mean_and_rank():
    A, C = draw_batch_moments(np.random.default_rng(0), 20000, 4, 3, 2, np.eye(3))
    assert C.shape == (20000, 3, 4)
    assert np.all(np.linalg.matrix_rank(A[:50]) == 2)          # rank min(b, d_0), like X X^T
    se = A.std(0) / np.sqrt(len(A))
    assert np.all(np.abs(A.mean(0) - np.eye(4)) < Z_CRIT * se)


def test_sgd_batchfree_runs_reproducibly_and_learns():
    t = Teacher.from_singular_values([2.0, 1.0], 3, 3, rng=0).with_label_noise(0.1)
    net = small_gaussian_init([3, 3, 3], 1.0, rng=1)
    a = sgd_batchfree(net, t, eta=0.05, b=64, steps=400, n_traj=4, seed=3, checkpoints=[0, 400])
    b_ = sgd_batchfree(net, t, eta=0.05, b=64, steps=400, n_traj=4, seed=3, checkpoints=[0, 400])
    assert all(np.array_equal(x, y) for x, y in zip(a.layers, b_.layers))
    W = a.layers[1][-1] @ a.layers[0][-1]                     # (n_traj, 3, 3) end-to-end at the last checkpoint
    assert np.max(np.abs(W - t.M)) < 0.3                      # SGD at eta b-independent cost reaches the teacher

"""Batch-size-free online SGD: one step costs the same for every batch size ``b``.

With the squared loss ``(1/2b) sum_i |y_i - W x_i|^2`` and ``y_i = M x_i + xi_i`` a mini-batch enters the step
only through ``A = X X^T / b`` (``d_0 x d_0``) and ``C = Xi X^T / b`` (``d_L x d_0``):

    G_l = -W_{>l}^T (Delta A + C) W_{<l}^T,   Delta = M - W,

so the step of every layer is a fixed linear image of ``V = Delta A + C``.  Both are drawn exactly:

* ``X X^T ~ Wishart_{d_0}(b, I)`` by the Bartlett decomposition ``X X^T = T T^T`` with ``T`` lower
  trapezoidal (``d_0 x k``, ``k = min(b, d_0)``), ``T_ii = sqrt(chi^2_{b-i+1})``, ``T_ij ~ N(0, 1)`` below the
  diagonal: ``X = T Q^T`` (LQ decomposition) with ``Q`` Haar-distributed and independent of ``T``;
* ``C`` *conditioned on* ``X X^T``: ``Xi X^T = (Xi Q) T^T`` and ``Xi Q`` has i.i.d. ``N(0, Sigma_q)`` columns
  independent of ``(T, Q)``, so ``C = Sigma_q^(1/2) Z T^T / b`` with ``Z`` a ``d_L x k`` standard normal matrix.

Drawing ``C`` independently of ``A`` (``Sigma_q^(1/2) Z / sqrt(b)``) has the right mean and covariance but wrong
fourth moments (the size of ``C`` co-varies with ``tr A``); tests/test_batchfree.py shows that such a variant is
rejected.  Cost per step: ``d_0 (d_0 + 1) / 2 + d_L k`` normals, ``k`` chi-square draws and ``O(L d^3)``
products, whatever ``b`` is.
"""
from __future__ import annotations

import time

import numpy as np

from .._validation import SymdlnInputError
from .checkpoints import Recorder, as_checkpoints
from .kernels import _back_project, belows, pad, stack_nets
from .sgd import _check_common, _first, _seed_json
from .trajectory import Trajectory

__all__ = ["sgd_batchfree", "draw_batch_moments"]


def draw_batch_moments(rng: np.random.Generator, n: int, d0: int, dL: int, b: int, label_factor=None):
    """``n`` exact draws of ``(A, C) = (X X^T / b, Xi X^T / b)``: arrays ``(n, d0, d0)`` and ``(n, dL, d0)``
    (``C`` is ``None`` without label noise; ``label_factor`` is ``R`` with ``R R^T = Sigma_q``)."""
    k = min(int(b), d0)
    T = np.zeros((n, d0, k))
    i, j = np.tril_indices(d0, -1, k)
    T[:, i, j] = rng.standard_normal((n, i.size))
    diag = np.arange(k)
    T[:, diag, diag] = np.sqrt(rng.chisquare(b - diag, size=(n, k)))
    TT = np.swapaxes(T, -1, -2)
    A = (T @ TT) / b
    C = None
    if label_factor is not None:
        C = (label_factor @ rng.standard_normal((n, dL, k))) @ TT / b
    return A, C


def sgd_batchfree(net0, teacher, *, eta: float, b: int = 1, steps: int, n_traj: int = 1, seed=0,
                  checkpoints=None, progress=None) -> Trajectory:
    """Online minibatch SGD with the batch drawn through its sufficient statistics (same law as
    :func:`symdln.simulate.sgd` for the same ``eta, b``; not the same random numbers)."""
    eta, steps, n_traj = _check_common(teacher, eta, steps, n_traj)
    if isinstance(b, bool) or int(b) != b or b < 1:
        raise SymdlnInputError(f"b (batch size) must be a positive integer; got {b!r}")
    b = int(b)
    Wst, widths = stack_nets(net0, n_traj)
    teacher.check_compatible(_first(net0))
    S, L, D, _ = Wst.shape
    d0, dL = widths[0], widths[-1]
    M = pad(teacher.M, D)
    ck = as_checkpoints(checkpoints, steps)
    rec = Recorder(ck, widths)
    rng = np.random.default_rng(seed)
    R = teacher.label_factor
    V = np.zeros((S, D, D))
    t0 = time.perf_counter()
    for k in range(steps + 1):
        if k == rec.next:
            rec.maybe(k, Wst)
        if k == steps:
            break
        A, C = draw_batch_moments(rng, S, d0, dL, b, R)
        Bel, W = belows(Wst)
        Delta = M - W
        np.matmul(Delta[:, :, :d0], A, out=V[:, :, :d0])
        if C is not None:
            V[:, :dL, :d0] += C
        Wst += eta * _back_project(Wst, V, Bel)
        if progress is not None and k % 2000 == 0:
            progress.update(k, steps, "sgd (batch-free)")
    if not np.all(np.isfinite(Wst)):
        raise FloatingPointError(f"SGD diverged (non-finite weights) with eta={eta}, b={b}")
    meta = {"method": "sgd-batchfree", "eta": eta, "b": b, "steps": steps, "n_traj": S, "seed": _seed_json(seed),
            "online": True, "widths": list(widths), "seconds": round(time.perf_counter() - t0, 3)}
    return Trajectory(eta * ck.astype(float), ck, rec.layers(), teacher, meta)

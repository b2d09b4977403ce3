"""Batched full-batch gradient descent on quadratic DLN losses and a plateau detector (Jacot et al. 2021).

:func:`gd` runs GD on ``1/2 ||P_Omega(M - W)||^2`` (``mask=None``: population loss) for a batch of
networks at once, each with its own curvature-adapted step

    ``eta_k = c / Lambda_k``,  ``Lambda_k = sum_l ||W_{>l}||_2^2 ||W_{<l}||_2^2
                                            + ||D||_F sum_{l>m} ||W_{>l}||_2 ||W_{l-1:m+1}||_2 ||W_{<m}||_2``

with the middle norms bounded by products of layer norms.  ``Lambda_k >= lambda_max(Hessian)`` (``||J_l|| =
||W_{<l}|| ||W_{>l}||`` for the Gauss-Newton part, the triangle inequality for the ``D`` part), so ``c < 2``
keeps every step stable; the default ``c = 1`` gives ``eta lambda_max <= 1`` (monotone descent).  Spectral norms come from warm-started
power iterations (two per step, times a 1.05 safety factor).  The clock is gradient-flow time
``t = sum_k eta_k``: near a small initialisation ``Lambda`` is tiny and the steps long, so the plateaus of
the saddle-to-saddle regime cost few steps; this is plain GD with a varying step, not a different flow.

:func:`count_plateaus`: resample ``log10 L`` on a uniform grid of ``n_grid = 400`` points over
``[0, T]`` (``T`` = time at which ``L`` first drops below ``floor``, else the run's end); a grid point is
*flat* if ``log10 L(t) - log10 L(t + h) < delta`` with ``h = T/100`` and ``delta = 0.02`` decades; a
plateau is a maximal run of flat points lasting at least ``min_frac * T`` (``min_frac = 0.04``).
"""
from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass

import numpy as np

from ._threads import single_thread_blas
from .hessian import _partials, loss_and_grad, residual

__all__ = ["GDResult", "gd", "curvature_bound", "count_plateaus", "numerical_rank"]


@dataclass
class GDResult:
    layers: list            # final layers, (B, d_l, d_{l-1}) each
    W: np.ndarray           # final end-to-end maps (B, d_L, d_0)
    times: np.ndarray       # (n_steps + 1, B) gradient-flow time of each network at each step
    losses: np.ndarray      # (n_steps + 1, B)
    records: np.ndarray | None  # (n_steps + 1, B, k) values of ``record(W)``
    steps: np.ndarray       # (B,) steps taken
    converged: np.ndarray   # (B,) reached the loss floor


def _power(A, x, iters=2):
    """Spectral norm estimates of a batch ``A`` (B, m, n) with warm-started right vectors ``x`` (B, n)."""
    At = np.swapaxes(A, 1, 2)
    for _ in range(iters):
        x = At @ (A @ x)
        x = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-300)
    return np.linalg.norm(A @ x, axis=(1, 2)), x


def _bound(na, nb, nl, dn):
    """``Lambda`` from the norms of ``W_{>l}`` (na), ``W_{<l}`` (nb), hidden layers (nl) and ``||D||_F`` (dn)."""
    L = len(na)
    lam = sum(na[l] ** 2 * nb[l] ** 2 for l in range(L))
    for l in range(L):
        for m in range(l):
            mid = np.prod([nl[j] for j in range(m + 1, l)], axis=0) if l > m + 1 else 1.0
            lam = lam + dn * na[l] * mid * nb[m]
    return lam


def curvature_bound(layers, M, mask=None) -> np.ndarray:
    """``Lambda >= lambda_max(Hessian)`` (module docstring) with exact spectral norms, for a batch ``(B, ., .)``."""
    layers = [np.asarray(w, float) for w in layers]
    L, B = len(layers), layers[0].shape[0]
    A, Bl = _partials(layers)
    sn = lambda X: np.ones(B) if X is None else np.linalg.norm(X, 2, axis=(1, 2))  # noqa: E731
    W = layers[0] if A[0] is None else A[0] @ layers[0]
    D = residual(W, M, mask)
    nl = [None] + [sn(layers[l]) for l in range(1, L - 1)] + [None]
    return _bound([sn(a) for a in A], [sn(b) for b in Bl], nl, np.linalg.norm(D, axis=(1, 2)))


def gd(layers, M, mask=None, *, c: float = 1.0, max_steps: int = 20000, floor: float = 1e-10,
       floor_value=None, record=None, t_max: float | None = None, rng=0, fused: bool | None = None) -> GDResult:
    """GD on a batch of DLNs; see :func:`_gd`.  Widths <= 256 run with single-threaded BLAS
    (``symdln.saddles._threads``: small products gain nothing from threads and suffer under load).

    ``fused`` (default: for widths > 256) takes each step with one bottom-up and one top-down pass of partial
    products shared by the loss, the gradients and the norms (the hidden layers' first power half-steps ride
    along as an extra column and row), and adds each hidden layer's rank-``d`` gradient in place with one
    ``dgemm`` (``beta = 1``): the same step up to rounding (``tests/test_regimes_fast_step.py`` asks for 1e-9
    relative over a few hundred steps), 3x faster per network-step at ``w = 1000`` (``docs/scaling.md``).
    Smaller widths keep the default formulation, so recorded numbers do not change."""
    big = max(max(np.shape(w)[-2:]) for w in layers) > 256
    ctx = nullcontext() if big else single_thread_blas()
    with ctx:
        return _gd(layers, M, mask, c=c, max_steps=max_steps, floor=floor, floor_value=floor_value,
                   record=record, t_max=t_max, rng=rng, fused=big if fused is None else bool(fused))


def _fused_loss_partials(cur, Mi, mi, xs=None):
    """Loss, the partial products ``A = W_{>l}``, ``B = W_{<l}`` (as :func:`~symdln.saddles.hessian._partials`),
    the residual ``D`` of the top-down end-to-end map (the gradients' one) and the bottom-up map ``W``: the same
    values :func:`loss_and_grad` and the default step compute, from one pass over the layers.

    ``xs[l]`` (optional, ``(b, n_l, 1)`` for a hidden layer ``l``, else ``None``): the warm-started power vector
    of layer ``l``.  Its first power half-steps ride along the two passes -- ``y = W_l x`` as an extra column of
    the bottom-up product with ``W_l``, ``z = W_l^T y`` as an extra row of the top-down one -- so the first
    power iteration reads no layer again; returns ``zs[l] = W_l^T W_l x`` (``None`` where ``xs[l]`` is)."""
    L = len(cur)
    xs = xs if xs is not None else [None] * L
    Bl, A, ys, zs = [None] * L, [None] * L, [None] * L, [None] * L
    for l in range(1, L):
        src = cur[0].copy() if l == 1 else Bl[l - 1]      # W_{<2} = W_1: a copy, the update is in place
        if l == 1 or xs[l - 1] is None:
            Bl[l] = src if l == 1 else cur[l - 1] @ src
        else:
            R = cur[l - 1] @ np.concatenate([src, xs[l - 1]], axis=2)
            Bl[l], ys[l - 1] = R[..., :-1], R[..., -1:]
    for l in range(L - 2, -1, -1):
        top = cur[L - 1].copy() if l == L - 2 else A[l + 1]
        if l == L - 2:
            A[l] = top
            continue
        T = np.swapaxes(top, 1, 2) if ys[l + 1] is None else np.concatenate([np.swapaxes(top, 1, 2), ys[l + 1]], axis=2)
        R = np.swapaxes(np.swapaxes(cur[l + 1], 1, 2) @ T, 1, 2)  # (W^T T)^T: BLAS is ~2x faster this way round
        A[l] = R if ys[l + 1] is None else R[:, :-1]
        if ys[l + 1] is not None:
            zs[l + 1] = np.swapaxes(R[:, -1:], 1, 2)
    D = residual(cur[0] if A[0] is None else A[0] @ cur[0], Mi, mi)
    W = cur[0] if Bl[-1] is None else cur[-1] @ Bl[-1]
    return 0.5 * np.sum(D * D, axis=(-1, -2)), A, Bl, D, W, zs


def _fused_update(cur, A, Bl, D, eta):
    """``W_l += eta W_{>l}^T D W_{<l}^T`` in place (``= W_l - eta G_l``).  A hidden layer (both factors
    present) is updated by one BLAS call per network, ``dgemm`` with ``beta = 1`` on the layer's transposed,
    Fortran-ordered view: the rank-``d`` product is added into the layer without a ``w x w`` temporary (one
    read and one write of the layer instead of six passes)."""
    for l in range(len(cur)):
        left = D if A[l] is None else np.swapaxes(A[l], 1, 2) @ D          # (b, n_{l+1}, n_0)
        if Bl[l] is None:
            cur[l] += eta[:, None, None] * left
        elif A[l] is None:
            cur[l] += eta[:, None, None] * (left @ np.swapaxes(Bl[l], 1, 2))
        else:
            for i in range(cur[l].shape[0]):
                c = cur[l][i].T                                             # F-contiguous view of a C layer
                out = _dgemm(float(eta[i]), Bl[l][i], left[i], beta=1.0, c=c, trans_b=1, overwrite_c=1)
                if not np.shares_memory(out, c):                            # a BLAS that copied: write back
                    c[...] = out


def _dgemm(*a, **k):
    from scipy.linalg.blas import dgemm
    return dgemm(*a, **k)


def _gd(layers, M, mask=None, *, c: float = 1.0, max_steps: int = 20000, floor: float = 1e-10,
        floor_value=None, record=None, t_max: float | None = None, rng=0, fused: bool = False) -> GDResult:
    """GD on a batch of DLNs (see the module docstring).  ``M`` and ``mask`` are shared ``(d_L, d_0)`` or
    per network ``(B, d_L, d_0)``.  A network stops once its loss is ``<= floor * L(0)`` (or its time reaches
    ``t_max``) and is dropped from the batch; ``floor_value`` (scalar or ``(B,)``), when given, is an absolute
    stopping loss instead.  Time and loss are recorded at every step (a stopped network
    keeps its last values); ``record(W)`` (optional) maps end-to-end maps ``(b, d_L, d_0)`` to ``(b, k)``
    values recorded the same way."""
    full = [np.array(w, dtype=float) for w in layers]
    B, L = full[0].shape[0], len(full)
    M = np.asarray(M, float)
    per = lambda X: X is not None and np.ndim(X) == 3  # noqa: E731
    rng = np.random.default_rng(rng)
    ids = np.arange(B)
    cur = [w.copy() for w in full]
    vecs = {}
    t = np.zeros(B)
    steps = np.zeros(B, int)
    T_rec = np.full((max_steps + 1, B), np.nan)
    L_rec = np.full((max_steps + 1, B), np.nan)
    R_rec = None
    loss0 = None
    W_fin = np.zeros((B, full[-1].shape[1], full[0].shape[2]))

    def norm(key, A, z=None):
        if key not in vecs:
            v = rng.standard_normal((B, A.shape[2], 1))
            vecs[key] = v / np.linalg.norm(v, axis=1, keepdims=True)
        if z is None:
            n, vecs[key][ids] = _power(A, vecs[key][ids])
        else:                            # the first iteration's A^T A x came with the fused passes
            x1 = z / np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-300)
            n, vecs[key][ids] = _power(A, x1, iters=1)
        return 1.05 * n

    zs = [None] * L
    k = 0
    for k in range(max_steps + 1):
        Mi = M[ids] if per(M) else M
        mi = mask[ids] if per(mask) else mask
        if fused:
            xs = [vecs[("w", l)][ids] if ("w", l) in vecs else None for l in range(L)]
            val, above, below, Dg, W, zs = _fused_loss_partials(cur, Mi, mi, xs)
        else:
            val, grads = loss_and_grad(cur, Mi, mi)
            W = cur[0]
            for w in cur[1:]:
                W = w @ W
        if loss0 is None:
            loss0 = val.copy()
            stop = floor * loss0 if floor_value is None else np.broadcast_to(np.asarray(floor_value, float), (B,)).copy()
        T_rec[k, ids] = t[ids]
        L_rec[k, ids] = val
        if record is not None:
            rv = np.asarray(record(W))
            if R_rec is None:
                R_rec = np.full((max_steps + 1, B) + rv.shape[1:], np.nan)
            R_rec[k, ids] = rv
        done = val <= stop[ids]
        if t_max is not None:
            done |= t[ids] >= t_max
        if k == max_steps:
            done[:] = True
        if done.any():                       # write back and drop finished networks
            for l in range(L):
                full[l][ids[done]] = cur[l][done]
            W_fin[ids[done]] = W[done]
            keep = ~done
            ids = ids[keep]
            cur = [w[keep] for w in cur]
            if fused:
                above = [None if a is None else a[keep] for a in above]
                below = [None if x is None else x[keep] for x in below]
                Dg = Dg[keep]
                zs = [None if z is None else z[keep] for z in zs]
            else:
                grads = [g[keep] for g in grads]
            W = W[keep]
            if ids.size == 0:
                break
            Mi = M[ids] if per(M) else M
            mi = mask[ids] if per(mask) else mask
        b = ids.size
        if not fused:
            below = [None] * L
            for l in range(1, L):
                below[l] = cur[0] if l == 1 else cur[l - 1] @ below[l - 1]
            above = [None] * L
            for l in range(L - 2, -1, -1):
                above[l] = cur[L - 1] if l == L - 2 else above[l + 1] @ cur[l + 1]
        na = [np.ones(b) if above[l] is None else norm(("a", l), above[l]) for l in range(L)]
        nb = [np.ones(b) if below[l] is None else norm(("b", l), below[l]) for l in range(L)]
        nl = [None] + [norm(("w", l), cur[l], zs[l]) for l in range(1, L - 1)] + [None]
        D = (Mi - W) if mi is None else (Mi - W) * mi
        lam = _bound(na, nb, nl, np.linalg.norm(D, axis=(1, 2)))
        eta = c / np.maximum(lam, 1e-300)
        if t_max is not None:
            eta = np.minimum(eta, np.maximum(t_max - t[ids], 0.0))
        if fused:
            _fused_update(cur, above, below, Dg, eta)
        else:
            for l in range(L):
                cur[l] -= eta[:, None, None] * grads[l]
        t[ids] += eta
        steps[ids] += 1
    n = k + 1

    def ffill(a):
        a = a[:n]
        for i in range(1, n):
            bad = np.isnan(a[i])
            a[i][bad] = a[i - 1][bad]
        return a
    T_rec, L_rec = ffill(T_rec), ffill(L_rec)
    R_rec = ffill(R_rec) if R_rec is not None else None
    conv = L_rec[-1] <= stop
    return GDResult(full, W_fin, T_rec, L_rec, R_rec, steps, conv)


def count_plateaus(times, losses, *, floor_value: float, n_grid: int = 400, h_frac: float = 0.01,
                   delta: float = 0.02, min_frac: float = 0.04) -> int:
    """Number of loss plateaus of one run (definition in the module docstring)."""
    times = np.asarray(times, float)
    losses = np.maximum(np.asarray(losses, float), 1e-300)
    below = np.nonzero(losses <= floor_value)[0]
    T = times[below[0]] if below.size else times[-1]
    if T <= 0:
        return 0
    grid = np.linspace(0.0, T, n_grid)
    h = h_frac * T
    ll = np.interp(grid, times, np.log10(losses))
    ll_h = np.interp(grid + h, times, np.log10(losses))
    flat = (ll - ll_h < delta) & (grid + h <= T) & (10 ** ll > floor_value)
    count, run = 0, 0
    need = int(np.ceil(min_frac * n_grid))
    for f in np.append(flat, False):
        if f:
            run += 1
        else:
            count += run >= need
            run = 0
    return int(count)


def numerical_rank(W, rel_tol: float = 0.05) -> np.ndarray:
    """``#{i : sigma_i(W) > rel_tol * sigma_1(W)}`` for a batch ``(B, m, n)``."""
    s = np.linalg.svd(W, compute_uv=False)
    return np.sum(s > rel_tol * s[..., :1], axis=-1)

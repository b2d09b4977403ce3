"""Online (and finite-dataset) minibatch SGD for an ensemble of deep linear networks (Sec. 2.1, App. H.3).

``theta_{k+1} = theta_k - eta g_B(theta_k)`` with a fresh batch of ``b`` samples ``X ~ N(0, I)``,
``Y = M X + xi_q`` per step and per trajectory.  All ``S`` trajectories advance in one array
computation (stacked layers, see :mod:`symdln.simulate.kernels`); the per-step work is
matrix-vector products (forward activations, back-propagated errors) and one stacked outer product.
"""
from __future__ import annotations

import time

import numpy as np

from .._validation import MAX_SAMPLES, as_rng, check_count, SymdlnInputError, as_matrix, check_positive

MAX_TRAJ = 1_000_000  #: trajectories simulated together (a bound on memory)
from ..network import Teacher
from .checkpoints import Recorder, as_checkpoints
from .kernels import pad, sqrt_psd, stack_nets
from .trajectory import Trajectory

__all__ = ["sgd"]

_SLAST_MIN = 16   # ensembles at least this large use the trajectory-last layout
_CHUNK = 512   # at most this many steps of random numbers drawn at once (depends only on S, D, b, so
               # results depend neither on checkpoints nor on the number of steps)


def _check_common(teacher, eta, steps, n_traj):
    if not isinstance(teacher, Teacher):
        raise SymdlnInputError(f"teacher must be a symdln.Teacher; got {type(teacher).__name__}")
    eta = check_positive("eta", eta)
    steps = check_count("steps", steps, lo=0)
    n_traj = check_count("n_traj", n_traj, lo=1, hi=MAX_TRAJ)
    return eta, steps, n_traj


class _Stream:
    """Batches ``(X, Y)`` padded to ``(S, D, b)``: online (fresh Gaussian samples) or a finite dataset
    sampled without replacement, reshuffled every epoch independently per trajectory."""

    def __init__(self, teacher, widths, D, S, b, rng, dataset):
        self.D, self.S, self.b, self.rng = D, S, b, rng
        self.d0, self.dL = widths[0], widths[-1]
        self.M = pad(teacher.M, D)
        Sq = teacher.Sigma_q
        self.sqrt_Sq = None if not np.any(Sq) else pad(sqrt_psd(Sq), D)
        self.dataset = None
        if dataset is not None:
            try:
                X, Y = dataset
            except (TypeError, ValueError) as exc:
                raise SymdlnInputError("dataset must be a pair (X, Y) with X (n, d_in), Y (n, d_out)") from exc
            X = as_matrix("dataset X", X, (None, self.d0))
            Y = as_matrix("dataset Y", Y, (X.shape[0], self.dL))
            if X.shape[0] < b:
                raise SymdlnInputError(f"dataset has n={X.shape[0]} samples, fewer than the batch size b={b}")
            self.dataset = (X, Y)
            self.per_epoch = X.shape[0] // b     # a last partial batch is dropped each epoch
        self.C = int(np.clip((1 << 18) // (S * D * b), 1, _CHUNK))
        self._buf, self._k = None, 0

    def _refill(self):
        C, S, D, b = self.C, self.S, self.D, self.b
        if self.dataset is None:         # canonical layout (C, D, b, S): trajectory axis last
            X = np.zeros((C, D, b, S))
            X[:, : self.d0] = self.rng.standard_normal((C, self.d0, b, S))
            Y = (self.M @ X.reshape(C, D, b * S)).reshape(C, D, b, S)
            if self.sqrt_Sq is not None:
                Z = np.zeros((C, D, b, S))
                Z[:, : self.dL] = self.rng.standard_normal((C, self.dL, b, S))
                Y += (self.sqrt_Sq @ Z.reshape(C, D, b * S)).reshape(C, D, b, S)
        else:
            Xd, Yd = self.dataset
            n, pe = Xd.shape[0], self.per_epoch
            n_ep = -(-C // pe)
            idx = np.concatenate([self.rng.permuted(np.tile(np.arange(n), (S, 1)), axis=1)[:, : pe * b]
                                  .reshape(S, pe, b) for _ in range(n_ep)], axis=1)[:, :C]   # (S, C, b)
            X = np.zeros((C, D, b, S)); Y = np.zeros((C, D, b, S))
            X[:, : self.d0] = Xd[idx].transpose(1, 3, 2, 0)
            Y[:, : self.dL] = Yd[idx].transpose(1, 3, 2, 0)
        self._buf, self._k = (X, Y), 0

    def next(self, s_last: bool = False):
        if self._buf is None or self._k == self.C:
            self._refill()
        X, Y = self._buf
        if not s_last:      # (C, D, b, S) -> (C, S, D, b) view: same numbers
            X, Y = X.transpose(0, 3, 1, 2), Y.transpose(0, 3, 1, 2)
        k = self._k
        self._k += 1
        return X[k], Y[k]


def _loop_sfirst(Wst, stream, rec, steps, lr, progress):
    """Layout ``(S, L, D, D)``: batched ``matmul`` per layer; fastest for one or a few trajectories."""
    S, L, D, _ = Wst.shape
    b = stream.b
    H = np.empty((S, L, D, b)); g = np.empty((S, L, D, b)); upd = np.empty_like(Wst)
    HT = H.transpose(0, 1, 3, 2)
    WT = Wst.transpose(0, 1, 3, 2)
    for k in range(steps + 1):
        if k == rec.next:
            rec.maybe(k, Wst)
        if k == steps:
            break
        X, Y = stream.next()
        H[:, 0] = X
        for l in range(1, L):
            np.matmul(Wst[:, l - 1], H[:, l - 1], out=H[:, l])
        np.matmul(Wst[:, L - 1], H[:, L - 1], out=g[:, L - 1])
        np.subtract(Y, g[:, L - 1], out=g[:, L - 1])
        g[:, L - 1] *= lr
        for l in range(L - 2, -1, -1):
            np.matmul(WT[:, l + 1], g[:, l + 1], out=g[:, l])
        np.matmul(g, HT, out=upd)
        Wst += upd
        if progress is not None and k % 2000 == 0:
            progress.update(k, steps, "sgd")
    return Wst


def _loop_slast(Wst, stream, rec, steps, lr, progress):
    """Layout ``(L, D, D, S)``, trajectory axis last and contiguous: every elementwise pass (the stacked
    outer product of all ``L`` layers, the update) runs long SIMD inner loops over the ensemble instead of
    ``S L D`` length-``D`` loops; matrix-vector products are ``einsum`` over the leading axes."""
    S, L, D, _ = Wst.shape
    b = stream.b
    Wl = np.ascontiguousarray(Wst.transpose(1, 2, 3, 0))          # (L, D, D, S)
    H = np.empty((L, D, b, S)); g = np.empty((L, D, b, S)); upd = np.empty_like(Wl)
    back = lambda: np.ascontiguousarray(Wl.transpose(3, 0, 1, 2))   # noqa: E731
    for k in range(steps + 1):
        if k == rec.next:
            rec.maybe(k, back())
        if k == steps:
            break
        X, Y = stream.next(s_last=True)
        H[0] = X
        for l in range(1, L):
            np.einsum("ijs,jbs->ibs", Wl[l - 1], H[l - 1], out=H[l])
        np.einsum("ijs,jbs->ibs", Wl[L - 1], H[L - 1], out=g[L - 1])
        np.subtract(Y, g[L - 1], out=g[L - 1])
        g[L - 1] *= lr
        for l in range(L - 2, -1, -1):
            np.einsum("jis,jbs->ibs", Wl[l + 1], g[l + 1], out=g[l])
        if b == 1:       # outer products g_l h_{l-1}^T: materialise h along i, then scale rows by g
            np.copyto(upd, H[:, None, :, 0])        # (two single-broadcast passes beat one double-broadcast pass)
            np.multiply(upd, g[:, :, None, 0], out=upd)
        else:
            np.einsum("libs,ljbs->lijs", g, H, out=upd)
        Wl += upd
        if progress is not None and k % 2000 == 0:
            progress.update(k, steps, "sgd")
    return back()


def _loop_compiled(Wst, stream, rec, steps, lr, progress):
    """The ``_loop_slast`` step fused into one compiled kernel per chunk of steps (same random numbers)."""
    from ._compiled import sgd_chunk
    S, L, D, _ = Wst.shape
    b = stream.b
    Wl = np.ascontiguousarray(Wst.transpose(1, 2, 3, 0))          # (L, D, D, S)
    H = np.empty((L, D, b, S)); g = np.empty((L, D, b, S))
    k = 0
    while True:
        if rec.at_step(k, Wl, steps):
            break
        if stream._buf is None or stream._k == stream.C:
            stream._refill()
        X, Y = stream._buf                                          # (C, D, b, S)
        stop = rec.until(steps)
        n = min(stream.C - stream._k, stop - k)
        sgd_chunk(Wl, X, Y, stream._k, stream._k + n, lr, H, g)
        stream._k += n
        if progress is not None and (k // 2000) != ((k + n) // 2000):
            progress.update(k + n, steps, "sgd")
        k += n
    return np.ascontiguousarray(Wl.transpose(3, 0, 1, 2))


def sgd(net0, teacher: Teacher, *, eta: float, b: int = 1, steps: int, n_traj: int = 1, seed=0,
        checkpoints=None, dataset=None, progress=None, backend: str = "auto") -> Trajectory:
    """Minibatch SGD on ``0.5 |Y - W X|^2`` for ``S = n_traj`` trajectories from ``net0``.

    ``net0``: one DLN (all trajectories start there) or a list of ``S`` DLNs.  Each trajectory draws
    its own batches (independent streams from one generator seeded by ``seed``; same seed, same
    numbers).  ``dataset=(X, Y)``: sample batches from this finite dataset without replacement,
    reshuffled each epoch (a last partial batch is dropped).  ``checkpoints``: step indices to
    record (default ~200 log-spaced).  Continuous time is ``t = eta * step``.  ``backend``: ``"auto"`` runs
    ensembles of 16 or more trajectories in the compiled kernel when numba is installed (``symdln[fast]``),
    ``"numpy"`` / ``"numba"`` force one; both consume the same random numbers (results agree to rounding).
    """
    eta, steps, n_traj = _check_common(teacher, eta, steps, n_traj)
    b = check_count("b", b, lo=1, hi=MAX_SAMPLES)
    if int(b) != b or b < 1:
        raise SymdlnInputError(f"b (batch size) must be a positive integer; got {b!r}")
    b = int(b)
    Wst, widths = stack_nets(net0, n_traj)
    teacher.check_compatible(_first(net0))
    S, L, D, _ = Wst.shape
    ck = as_checkpoints(checkpoints, steps)
    rec = Recorder(ck, widths)
    rng = as_rng("seed", seed)
    stream = _Stream(teacher, widths, D, S, b, rng, dataset)
    t0 = time.perf_counter()
    from ._compiled import use_compiled
    if use_compiled(backend, S, _SLAST_MIN):
        loop = _loop_compiled
    else:
        loop = _loop_slast if S >= _SLAST_MIN else _loop_sfirst
    Wst = loop(Wst, stream, rec, steps, eta / b, progress)
    if not np.all(np.isfinite(Wst)):
        raise FloatingPointError(f"SGD diverged (non-finite weights) with eta={eta}, b={b}")
    meta = {"method": "sgd", "eta": eta, "b": b, "steps": steps, "n_traj": S, "seed": _seed_json(seed),
            "online": dataset is None, "n_data": None if dataset is None else int(stream.dataset[0].shape[0]),
            "widths": list(widths), "backend": "numba" if loop is _loop_compiled else "numpy", "seconds": round(time.perf_counter() - t0, 3)}
    return Trajectory(eta * ck.astype(float), ck, rec.layers(), teacher, meta)


def _first(net0):
    from ..network import DLN
    return net0 if isinstance(net0, DLN) else list(net0)[0]


def _seed_json(seed):
    return seed if isinstance(seed, (int, type(None))) else str(seed)

"""Euler-Maruyama simulation of the anisotropic Langevin SDE (Eq. 1) and of isotropic Langevin (App. H.3).

Anisotropic (Eq. 1): ``d theta = -g dt + sqrt(eta Sigma_b(theta)) dW``.  One Euler-Maruyama step is

    W_l <- W_l + W_{>l}^T R W_{<l}^T,   R = Delta dt + sqrt(eta dt / b) S,   S = Delta G + Sigma_q^(1/2) Z_2,

because the one-sample gradient noise is ``xi_l = W_{>l}^T S W_{<l}^T`` with ``Cov(vec S)`` exactly the
covariance of ``eps X^T - Delta`` (App. B), and a batch of ``b`` divides it by ``b``.  The per-step cost is
a few ``d x d`` products per layer and ``d_0 (d_0 + 1)/2 (+ d_L d_0)`` normals, batched over the ensemble;
no ``P x P`` factorisation.

Isotropic (App. H.3): the paper adds ``N(0, eta dt I)`` to the parameters each step, which we read as the
SDE ``d theta = -g dt + sqrt(eta) sigma dW`` with ``sigma = 1`` by default (per-step increment variance
``eta sigma^2 dt`` per coordinate).
"""
from __future__ import annotations

import time

import numpy as np

from .._validation import SymdlnInputError, as_rng, check_count, check_positive
from ..network import DLN, Teacher
from .checkpoints import Recorder, as_checkpoints
from .kernels import pad, sqrt_psd, stack_nets
from .trajectory import Trajectory

__all__ = ["langevin"]


class _Noise:
    """Per-step noise drawn in chunks of steps (chunk size depends only on the ensemble shape, so results depend
    neither on checkpoints nor on the number of steps).

    Anisotropic: ``c G + dt I`` with ``G = (Z_1 + Z_1^T)/sqrt 2`` built from ``d_0 (d_0 + 1)/2`` normals
    (off-diagonal N(0,1), diagonal N(0,2)), and ``c Sigma_q^(1/2) Z_2`` when there is label noise.
    Isotropic: ``ciso Z`` on every (unpadded) weight.
    """

    def __init__(self, kind, rng, S, L, D, widths, *, c, dt, ciso, sqSq):
        self.kind, self.rng, self.S, self.L, self.D = kind, rng, S, L, D
        self.d0, self.dL = widths[0], widths[-1]
        self.c, self.dt, self.ciso, self.sqSq = c, dt, ciso, sqSq
        per = S * D * D * (L if kind == "isotropic" else 2)
        self.C = int(np.clip((1 << 20) // per, 1, 256))
        iu = np.triu_indices(self.d0)
        self.up = iu[0] * D + iu[1]
        self.lo = iu[1] * D + iu[0]
        self.scale = np.where(iu[0] == iu[1], np.sqrt(2.0), 1.0) * c
        self.mask = None
        if kind == "isotropic" and D != min(widths):
            self.mask = np.zeros((L, D, D))
            for l in range(L):
                self.mask[l, : widths[l + 1], : widths[l]] = 1.0
        self._k, self._buf = 0, None

    def _refill(self):
        C, S, D = self.C, self.S, self.D
        if self.kind == "isotropic":
            Z = self.rng.standard_normal((C, S, self.L, D, D)) * self.ciso
            self._buf = (None, None, Z if self.mask is None else Z * self.mask)
        else:
            z = self.rng.standard_normal((C, S, self.up.size)) * self.scale
            G = np.zeros((C, S, D * D))
            G[..., self.up] = z
            G[..., self.lo] = z
            G = G.reshape(C, S, D, D)
            G[..., np.arange(D), np.arange(D)] += self.dt
            LZ = None
            if self.sqSq is not None:
                Z2 = np.zeros((C, S, D, D))
                Z2[:, :, : self.dL, : self.d0] = self.rng.standard_normal((C, S, self.dL, self.d0))
                LZ = (self.sqSq @ Z2.transpose(2, 0, 1, 3).reshape(D, -1)).reshape(D, C, S, D).transpose(1, 2, 0, 3)
                LZ = np.ascontiguousarray(LZ) * self.c
            self._buf = (G, LZ, None)
        self._k = 0

    def next(self):
        if self._buf is None or self._k == self.C:
            self._refill()
        k = self._k
        self._k += 1
        return tuple(None if x is None else x[k] for x in self._buf)


def _s_last(x):
    """``(C, S, ...)`` chunk -> ``(C, ..., S)`` contiguous (the compiled kernel's layout; same numbers)."""
    return None if x is None else np.ascontiguousarray(np.moveaxis(x, 1, -1))


def _loop_compiled(Wst, M, noise_src, rec, steps, dt, progress, label):
    """All trajectories through chunks of Euler-Maruyama steps in one compiled kernel call per chunk."""
    from ._compiled import backproject_chunk
    S_, L, D, _ = Wst.shape
    Wl = np.ascontiguousarray(Wst.transpose(1, 2, 3, 0))
    Bel = np.empty_like(Wl); A = np.empty_like(Wl)
    W = np.empty((D, D, S_)); Delta = np.empty((D, D, S_))
    empty4, empty5 = np.zeros((0, D, D, S_)), np.zeros((0, L, D, D, S_))
    bufs, k = None, 0
    while True:
        if rec.at_step(k, Wl, steps):
            break
        if noise_src._buf is None or noise_src._k == noise_src.C:
            noise_src._refill()
            bufs = None
        if bufs is None:
            G, LZ, Z = (_s_last(x) for x in noise_src._buf)
            mode = 0 if G is None else (2 if LZ is not None else 1)
            bufs = (empty4 if G is None else G, empty4 if LZ is None else LZ, empty5 if Z is None else Z, mode)
        G, LZ, Z, mode = bufs
        stop = rec.until(steps)
        n = min(noise_src.C - noise_src._k, stop - k)
        backproject_chunk(Wl, M, G, LZ, Z, noise_src._k, noise_src._k + n, dt, mode, Bel, A, W, Delta)
        noise_src._k += n
        if progress is not None and (k // 2000) != ((k + n) // 2000):
            progress.update(k + n, steps, label)
        k += n
    return np.ascontiguousarray(Wl.transpose(3, 0, 1, 2))


def langevin(net0, teacher: Teacher, *, eta: float, b: int = 1, dt: float, t_end: float, noise: str = "anisotropic",
             sigma: float | None = None, n_traj: int = 1, seed=0, checkpoints=None, progress=None,
             backend: str = "auto") -> Trajectory:
    """Euler-Maruyama for ``n_traj`` trajectories; ``checkpoints`` are step indices (time ``= dt * step``).

    ``backend``: ``"auto"`` runs ensembles of 16 or more trajectories in the compiled kernel when numba is
    installed; ``"numpy"`` / ``"numba"`` force one (same random numbers; results agree to rounding)."""
    if not isinstance(teacher, Teacher):
        raise SymdlnInputError(f"teacher must be a symdln.Teacher; got {type(teacher).__name__}")
    eta = check_positive("eta", eta)
    dt = check_positive("dt", dt)
    t_end = check_positive("t_end", t_end, allow_zero=True)
    b = check_count("b (batch size)", b, lo=1)
    if not isinstance(noise, str) or noise not in ("anisotropic", "isotropic"):
        raise SymdlnInputError(f"noise must be 'anisotropic' or 'isotropic'; got {noise!r:.40}")
    if sigma is not None and noise == "anisotropic":
        raise SymdlnInputError("sigma is the isotropic noise scale; give it only with noise='isotropic'")
    sigma = 1.0 if sigma is None else check_positive("sigma", sigma, allow_zero=True)
    n_traj = check_count("n_traj", n_traj, lo=1, hi=1_000_000)
    steps = check_count("t_end / dt (the number of steps)", round(t_end / dt), lo=0)
    Wst, widths = stack_nets(net0, int(n_traj))
    teacher.check_compatible(net0 if isinstance(net0, DLN) else list(net0)[0])
    S_, L, D, _ = Wst.shape
    M = pad(teacher.M, D)
    sqSq = pad(sqrt_psd(teacher.Sigma_q), D) if np.any(teacher.Sigma_q) else None
    ck = as_checkpoints(checkpoints, steps)
    rec = Recorder(ck, widths)
    rng = as_rng("seed", seed)
    noise_src = _Noise(noise, rng, S_, L, D, widths, c=np.sqrt(eta * dt / b), dt=dt,
                       ciso=sigma * np.sqrt(eta * dt), sqSq=sqSq)
    t0 = time.perf_counter()
    from ._compiled import use_compiled
    compiled = use_compiled(backend, S_, 16)
    if compiled:
        Wst = _loop_compiled(Wst, M, noise_src, rec, steps, dt, progress, f"langevin ({noise})")
        steps_left = 0
    else:
        steps_left = steps
    Bel = np.empty_like(Wst); Bel[:, 0] = np.eye(D)
    A = np.empty_like(Wst); upd = np.empty_like(Wst)
    W = np.empty((S_, D, D)); Delta = np.empty((S_, D, D))
    WT, BelT = Wst.transpose(0, 1, 3, 2), Bel.transpose(0, 1, 3, 2)
    for k in range(steps_left + 1 if not compiled else 0):
        if k == rec.next:
            rec.maybe(k, Wst)
        if k == steps:
            break
        for l in range(1, L):
            np.matmul(Wst[:, l - 1], Bel[:, l - 1], out=Bel[:, l])
        np.matmul(Wst[:, L - 1], Bel[:, L - 1], out=W)
        np.subtract(M, W, out=Delta)
        Gc, LZ, Z = noise_src.next()
        if Gc is not None:                   # R = Delta (c G + dt I) [+ c Sigma_q^(1/2) Z_2]
            np.matmul(Delta, Gc, out=A[:, L - 1])
            if LZ is not None:
                A[:, L - 1] += LZ
        else:
            np.multiply(Delta, dt, out=A[:, L - 1])
        for l in range(L - 2, -1, -1):       # A_l = W_{>l}^T R, then W_l += A_l W_{<l}^T for all l at once
            np.matmul(WT[:, l + 1], A[:, l + 1], out=A[:, l])
        np.matmul(A, BelT, out=upd)
        Wst += upd
        if Z is not None:
            Wst += Z
        if progress is not None and k % 2000 == 0:
            progress.update(k, steps, f"langevin ({noise})")
    if not np.all(np.isfinite(Wst)):
        raise FloatingPointError(f"Langevin diverged (non-finite weights) with eta={eta}, dt={dt}")
    meta = {"method": f"langevin-{noise}", "eta": eta, "b": int(b), "dt": dt, "t_end": t_end, "steps": steps,
            "n_traj": S_, "seed": seed if isinstance(seed, (int, type(None))) else str(seed),
            "sigma": sigma if noise == "isotropic" else None, "widths": list(widths),
            "backend": "numba" if compiled else "numpy", "isotropic_reading": "d theta = -g dt + sqrt(eta) sigma dW (increment N(0, eta sigma^2 dt I))"
            if noise == "isotropic" else None, "seconds": round(time.perf_counter() - t0, 3)}
    return Trajectory(dt * ck.astype(float), ck, rec.layers(), teacher, meta)

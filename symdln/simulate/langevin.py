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

from .._validation import SymdlnInputError, check_positive
from ..network import DLN, Teacher
from .checkpoints import Recorder, as_checkpoints
from .kernels import _back_project, belows, pad, sample_symmetric, sqrt_psd, stack_nets
from .trajectory import Trajectory

__all__ = ["langevin"]


def langevin(net0, teacher: Teacher, *, eta: float, b: int = 1, dt: float, t_end: float, noise: str = "anisotropic",
             sigma: float | None = None, n_traj: int = 1, seed=0, checkpoints=None, progress=None) -> Trajectory:
    """Euler-Maruyama for ``n_traj`` trajectories; ``checkpoints`` are step indices (time ``= dt * step``)."""
    if not isinstance(teacher, Teacher):
        raise SymdlnInputError(f"teacher must be a symdln.Teacher; got {type(teacher).__name__}")
    eta = check_positive("eta", eta)
    dt = check_positive("dt", dt)
    t_end = check_positive("t_end", t_end, allow_zero=True)
    if int(b) != b or b < 1:
        raise SymdlnInputError(f"b (batch size) must be a positive integer; got {b!r}")
    if noise not in ("anisotropic", "isotropic"):
        raise SymdlnInputError(f"noise must be 'anisotropic' or 'isotropic'; got {noise!r}")
    if sigma is not None and noise == "anisotropic":
        raise SymdlnInputError("sigma is the isotropic noise scale; give it only with noise='isotropic'")
    sigma = 1.0 if sigma is None else check_positive("sigma", sigma, allow_zero=True)
    if int(n_traj) != n_traj or n_traj < 1:
        raise SymdlnInputError(f"n_traj must be a positive integer; got {n_traj!r}")
    steps = int(round(t_end / dt))
    Wst, widths = stack_nets(net0, int(n_traj))
    teacher.check_compatible(net0 if isinstance(net0, DLN) else list(net0)[0])
    S_, L, D, _ = Wst.shape
    d0, dL = widths[0], widths[-1]
    M = pad(teacher.M, D)
    sqSq = pad(sqrt_psd(teacher.Sigma_q), D) if np.any(teacher.Sigma_q) else None
    ck = as_checkpoints(checkpoints, steps)
    rec = Recorder(ck, widths)
    rng = np.random.default_rng(seed)
    c = np.sqrt(eta * dt / b)
    ciso = sigma * np.sqrt(eta * dt)
    mask = None
    if noise == "isotropic" and D != min(widths):
        mask = np.zeros((L, D, D))
        for l in range(L):
            mask[l, : widths[l + 1], : widths[l]] = 1.0
    t0 = time.perf_counter()
    for k in range(steps + 1):
        if k == rec.next:
            rec.maybe(k, Wst)
        if k == steps:
            break
        Bel, W = belows(Wst)
        Delta = M - W
        if noise == "anisotropic":
            R = Delta @ (sample_symmetric(rng, (S_,), d0, D) * c)
            if sqSq is not None:
                Z2 = np.zeros((S_, D, D))
                Z2[:, :dL, :d0] = rng.standard_normal((S_, dL, d0))
                R += sqSq @ (Z2 * c)
            R += Delta * dt
            Wst += _back_project(Wst, R, Bel)
        else:
            Wst += _back_project(Wst, Delta * dt, Bel)
            Z = rng.standard_normal(Wst.shape) * ciso
            Wst += Z if mask is None else Z * mask
        if progress is not None and k % 2000 == 0:
            progress.update(k, steps, f"langevin ({noise})")
    if not np.all(np.isfinite(Wst)):
        raise FloatingPointError(f"Langevin diverged (non-finite weights) with eta={eta}, dt={dt}")
    meta = {"method": f"langevin-{noise}", "eta": eta, "b": int(b), "dt": dt, "t_end": t_end, "steps": steps,
            "n_traj": S_, "seed": seed if isinstance(seed, (int, type(None))) else str(seed),
            "sigma": sigma if noise == "isotropic" else None, "widths": list(widths),
            "isotropic_reading": "d theta = -g dt + sqrt(eta) sigma dW (increment N(0, eta sigma^2 dt I))"
            if noise == "isotropic" else None, "seconds": round(time.perf_counter() - t0, 3)}
    return Trajectory(dt * ck.astype(float), ck, rec.layers(), teacher, meta)

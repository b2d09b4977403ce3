"""Full-batch gradient descent on the population loss and gradient flow (Sec. 2.3, App. H.3).

GD uses the exact population gradient ``G_l = -W_{>l}^T (M - W) W_{<l}^T`` (the limit of the paper's
"large fixed dataset"); gradient flow integrates ``d theta/dt = -g(theta)`` with SciPy (DOP853).
"""
from __future__ import annotations

import time

import numpy as np
from scipy.integrate import solve_ivp

from .._validation import SymdlnInputError, check_count, check_positive
from ..network import DLN, Teacher
from .checkpoints import Recorder, as_checkpoints
from .kernels import belows, pad, stack_nets, _back_project
from .trajectory import Trajectory

__all__ = ["gd", "gradient_flow"]


MAX_T_END = 1e6  #: the longest gradient-flow horizon (an adaptive solver would otherwise run unbounded)


def _gd_compiled(Wst, M, rec, steps, eta, progress):
    """GD for the whole ensemble in the compiled kernel, one call per stretch between checkpoints."""
    from ._compiled import backproject_chunk
    S_, L, D, _ = Wst.shape
    Wl = np.ascontiguousarray(Wst.transpose(1, 2, 3, 0))
    Bel = np.empty_like(Wl); A = np.empty_like(Wl)
    W = np.empty((D, D, S_)); Delta = np.empty((D, D, S_))
    e4, e5 = np.zeros((0, D, D, S_)), np.zeros((0, L, D, D, S_))
    k = 0
    while True:
        if rec.at_step(k, Wl, steps):
            break
        n = min(rec.until(steps) - k, 2000)
        backproject_chunk(Wl, M, e4, e4, e5, 0, n, eta, 0, Bel, A, W, Delta)
        k += n
        if progress is not None:
            progress.update(k, steps, "gd")
    return np.ascontiguousarray(Wl.transpose(3, 0, 1, 2))


def gd(net0, teacher: Teacher, *, eta: float, steps: int, checkpoints=None, progress=None,
       backend: str = "auto") -> Trajectory:
    """``W_l <- W_l + eta W_{>l}^T (M - W) W_{<l}^T``; ``net0`` a DLN or a list of DLNs (ensemble).

    ``backend``: ``"auto"`` runs ensembles of 16 or more networks in the compiled kernel when numba is
    installed; ``"numpy"`` / ``"numba"`` force one (results agree to rounding)."""
    if not isinstance(teacher, Teacher):
        raise SymdlnInputError(f"teacher must be a symdln.Teacher; got {type(teacher).__name__}")
    eta = check_positive("eta", eta)
    steps = check_count("steps", steps, lo=0)
    Wst, widths = stack_nets(net0, 1)
    teacher.check_compatible(net0 if isinstance(net0, DLN) else list(net0)[0])
    M = pad(teacher.M, Wst.shape[-1])
    ck = as_checkpoints(checkpoints, steps)
    rec = Recorder(ck, widths)
    t0 = time.perf_counter()
    from ._compiled import use_compiled
    compiled = use_compiled(backend, Wst.shape[0], 16)
    if compiled:
        Wst = _gd_compiled(Wst, M, rec, steps, eta, progress)
    for k in range(0 if compiled else steps + 1):
        if k == rec.next:
            rec.maybe(k, Wst)
        if k == steps:
            break
        Bel, W = belows(Wst)
        Wst += eta * _back_project(Wst, M - W, Bel)
        if progress is not None and k % 2000 == 0:
            progress.update(k, steps, "gd")
    if not np.all(np.isfinite(Wst)):
        raise FloatingPointError(f"GD diverged (non-finite weights) with eta={eta}")
    meta = {"method": "gd", "eta": eta, "steps": steps, "n_traj": int(Wst.shape[0]), "widths": list(widths),
            "backend": "numba" if compiled else "numpy", "seconds": round(time.perf_counter() - t0, 3)}
    return Trajectory(eta * ck.astype(float), ck, rec.layers(), teacher, meta)


def gradient_flow(net0: DLN, teacher: Teacher, *, t_end: float, checkpoints_t=None, rtol: float = 1e-9,
                  atol: float = 1e-12) -> Trajectory:
    """Integrate ``d W_l / dt = W_{>l}^T (M - W) W_{<l}^T`` to ``t_end`` (DOP853, tolerances ``rtol``, ``atol``).

    ``checkpoints_t``: times to record (default 200 log-spaced in ``[0, t_end]``).  ``steps`` of the result
    are the checkpoint indices (an ODE has no steps).
    """
    if not isinstance(net0, DLN):
        raise SymdlnInputError(f"net0 must be a DLN; got {type(net0).__name__}")
    if not isinstance(teacher, Teacher):
        raise SymdlnInputError(f"teacher must be a symdln.Teacher; got {type(teacher).__name__}")
    teacher.check_compatible(net0)
    rtol, atol = check_positive("rtol", rtol), check_positive("atol", atol)
    t_end = check_positive("t_end", t_end)
    if t_end > MAX_T_END:
        raise SymdlnInputError(f"t_end must be <= {MAX_T_END:.0e} (gradient-flow time; learning happens at "
                               f"t ~ log(1/w_0)/s); got {t_end:.3g}")
    if checkpoints_t is None:
        ts = np.unique(np.concatenate([[0.0], np.geomspace(t_end * 1e-4, t_end, 199)]))
    else:
        ts = np.unique(np.asarray(checkpoints_t, dtype=float).ravel())
        if ts.size == 0 or ts[0] < 0 or ts[-1] > t_end:
            raise SymdlnInputError(f"checkpoints_t must be times in [0, t_end={t_end}]")
    Wst, widths = stack_nets(net0, 1)
    shape = Wst.shape
    M = pad(teacher.M, shape[-1])

    def rhs(_t, y):
        W = y.reshape(shape)
        Bel, E = belows(W)
        return _back_project(W, M - E, Bel).ravel()

    sol = solve_ivp(rhs, (0.0, t_end), Wst.ravel(), method="DOP853", t_eval=ts, rtol=rtol, atol=atol)
    if not sol.success:
        raise RuntimeError(f"gradient flow integration failed: {sol.message}")
    states = sol.y.T.reshape((ts.size,) + shape)
    from .kernels import unstack
    meta = {"method": "gradient_flow", "t_end": t_end, "rtol": rtol, "atol": atol, "nfev": int(sol.nfev),
            "widths": list(widths), "n_traj": 1}
    return Trajectory(ts, np.arange(ts.size), unstack(states, widths), teacher, meta)

"""Settings of the diagnostic experiments: teachers, initialisation regimes, GD + SGD pairs.

* Teachers : ``"low-rank"`` (4 modes in ``d = 12``,
  ``s = 4, 2, 1, 0.5``), ``"full"`` (``d`` modes, ``s`` geometric from 4 to 0.25) and
  ``"degenerate"`` (``s = 3, 3, 1, 1``: two repeated singular values).
* Regimes: small Gaussian initialisation with entry variance ``min(d_in, d_out)^-gamma``
  (App. H.2, Jacot et al. 2021): ``"saddle"`` ``gamma = 3`` (saddle-to-saddle), ``"intermediate"``
  ``gamma = 1.5``, ``"ntk"`` ``gamma = 0.5`` (lazy).  ``init="balanced"`` draws an exactly balanced
  network (``balanced_init``) with the same end-to-end Frobenius norm as the Gaussian one.
* A run is one GD trajectory and ``S`` SGD trajectories from the *same* ``net0`` (different batch
  orders), on the same checkpoint steps.  The run length is chosen from GD: 1.5 x the first time
  every mode has ``w_a >= 0.95 s_a`` (capped by ``max_steps``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import SymdlnInputError
from ..network import DLN, Teacher, balanced_init, small_gaussian_init
from .checkpoint_rules import first_crossing, loss_aligned_indices, plateau_midpoint_levels

__all__ = ["TEACHERS", "REGIMES", "make_teacher", "make_init", "choose_steps", "GdSgdRun", "run_gd_sgd", "aligned_indices",
           "aligned_patterns", "ambiguous_fraction"]

TEACHERS = ("low-rank", "full", "degenerate")
REGIMES = {"saddle": 3.0, "intermediate": 1.5, "ntk": 0.5}


def make_teacher(kind: str, d: int = 12, *, sigma_q: float = 0.0, rng=None) -> Teacher:
    """Teacher of the given kind with random orthonormal singular vectors."""
    if kind == "low-rank":
        s = [4.0, 2.0, 1.0, 0.5]
    elif kind == "full":
        s = list(np.geomspace(4.0, 0.25, d))
    elif kind == "degenerate":
        s = [3.0, 3.0, 1.0, 1.0]
    else:
        raise SymdlnInputError(f"teacher kind must be one of {TEACHERS}; got {kind!r}")
    return Teacher.from_singular_values(s[:d], d, d, sigma_q=sigma_q, rng=rng)


def make_init(widths, *, regime: str = "saddle", init: str = "standard", rng=None) -> DLN:
    """Small Gaussian (``init="standard"``) or exactly balanced (``"balanced"``) initial network."""
    if regime not in REGIMES:
        raise SymdlnInputError(f"regime must be one of {tuple(REGIMES)}; got {regime!r}")
    rng = np.random.default_rng(rng)
    net = small_gaussian_init(widths, REGIMES[regime], rng)
    if init == "standard":
        return net
    if init == "balanced":
        scale = np.linalg.norm(net.end_to_end()) / np.sqrt(widths[0] * widths[-1])
        return balanced_init(widths, scale, rng)
    raise SymdlnInputError(f"init must be 'standard' or 'balanced'; got {init!r}")


def choose_steps(net0: DLN, teacher: Teacher, *, eta: float, max_steps: int, frac: float = 0.95,
                 margin: float = 1.5) -> int:
    """Steps until every mode reaches ``frac * s_a`` under GD, times ``margin`` (at most ``max_steps``)."""
    from ..simulate import gd, log_checkpoints
    tr = gd(net0, teacher, eta=eta, steps=max_steps, checkpoints=log_checkpoints(max_steps, 400))
    w = tr.mode_amplitudes()[:, 0]
    pos = teacher.s > 0
    _, t = first_crossing(tr.times, w[:, pos], frac * teacher.s[pos], direction="above")
    if np.any(np.isnan(t)):
        return int(max_steps)
    return int(min(max_steps, np.ceil(margin * t.max() / eta)))


@dataclass
class GdSgdRun:
    gd: object          # Trajectory, S = 1
    sgd: object         # Trajectory, S runs
    net0: DLN
    teacher: Teacher
    setting: dict


def run_gd_sgd(*, depth: int, d: int = 12, teacher: str = "low-rank", regime: str = "saddle",
               init: str = "standard", n_sgd: int = 8, eta: float = 0.005, b: int = 1, sigma_q: float = 0.0,
               max_steps: int = 60000, n_checkpoints: int = 150, seed: int = 0, net0=None,
               teacher_obj=None, max_halvings: int = 4) -> GdSgdRun:
    """One GD and ``n_sgd`` SGD trajectories from one initialisation on shared checkpoints.

    If GD or SGD diverges, ``eta`` is halved (and ``max_steps`` doubled) up to ``max_halvings`` times; the
    setting records the ``eta`` used and the one requested.
    """
    from ..simulate import gd, log_checkpoints, sgd
    rng = np.random.default_rng(seed)
    T = teacher_obj if teacher_obj is not None else make_teacher(teacher, d, sigma_q=sigma_q, rng=rng)
    widths = [T.d_in] + [d] * (depth - 1) + [T.d_out]
    net0 = net0 if net0 is not None else make_init(widths, regime=regime, init=init, rng=rng)
    sgd_seed = int(rng.integers(2 ** 31))
    eta0 = eta
    for _ in range(max_halvings + 1):
        try:   # large (NTK-scale) initialisations can make online SGD unstable at eta: halve it, same for GD
            steps = choose_steps(net0, T, eta=eta, max_steps=max_steps)
            ck = log_checkpoints(steps, n_checkpoints)
            with np.errstate(over="ignore", invalid="ignore"):
                g = gd(net0, T, eta=eta, steps=steps, checkpoints=ck)
                s = sgd(net0, T, eta=eta, b=b, steps=steps, n_traj=n_sgd, seed=sgd_seed, checkpoints=ck)
            break
        except FloatingPointError:
            eta, max_steps = eta / 2, 2 * max_steps
    else:
        raise FloatingPointError(f"SGD diverged even at eta={eta * 2:g} (started at {eta0:g})")
    setting = {"depth": depth, "d": d, "teacher": teacher, "s": T.s.tolist(), "regime": regime,
               "gamma": REGIMES.get(regime), "init": init, "n_sgd": n_sgd, "eta": eta, "eta_requested": eta0, "b": b,
               "sigma_q": sigma_q, "steps": steps, "t_end": float(eta * steps), "n_checkpoints": int(ck.size),
               "seed": seed}
    return GdSgdRun(g, s, net0, T, setting)


def aligned_indices(run):
    """Loss-aligned checkpoints: per run, the first checkpoint whose population loss is below each
    plateau-midpoint level; only levels reached by GD and by every SGD run.  -> (levels, i_gd (n,), i_sgd (n, S))."""
    levels = plateau_midpoint_levels(run.teacher)
    ig, _ = loss_aligned_indices(run.gd.times, run.gd.population_loss(), levels)
    isg, _ = loss_aligned_indices(run.sgd.times, run.sgd.population_loss(), levels)
    ok = (ig[:, 0] >= 0) & np.all(isg >= 0, axis=1)
    return levels[ok], ig[ok, 0], isg[ok]


def aligned_patterns(run, pg, ps):
    """Patterns ``pg`` (T, 1, ...) and ``ps`` (T, S, ...) at the loss-aligned checkpoints."""
    levels, ig, isg = aligned_indices(run)
    cols = np.arange(ps.shape[1])[None, :]
    return levels, pg[ig, 0], ps[isg, cols], ig


def ambiguous_fraction(gap, L):
    """Fraction of (checkpoint, run, i <= j) with a threshold gap sigma_r / sigma_(r+1) < 10 (rank 0 excluded)."""
    iu = np.triu_indices(L)
    g = gap[..., iu[0], iu[1]]
    ok = ~np.isnan(g)
    return float(np.mean(g[ok] < 10)) if ok.any() else float("nan")

"""Mode decoupling (paper App. I.1, Fig. 6).

Cross-mode coefficients ``w_ab(t) = u_a^T W(t) v_b``; ``E_cross = sum_{a != b} w_ab^2``,
``E_tot = sum_{a,b} w_ab^2``; per mode the largest off-diagonal entry of row ``a``,
``c_a(t) = max_{b != a} |w_ab(t)|``, and the times

    t_cross(a) = inf{t : c_a(t) <= eps_a},      t_diag(a) = inf{t : |w_aa(t)| >= c s_a}.

With a small initialisation ``c_a(0)`` is already below any reasonable ``eps_a``, so the literal
``t_cross`` is 0; the ``rule="settle"`` variant uses the time after which ``c_a`` stays
``<= eps_a`` (the last up-crossing), which is what "cross modes are driven to zero" means once
they have grown during learning.  Default ``eps_a = eps_rel * s_a`` with ``eps_rel = 0.05``,
``c = 0.5``.  Modes with ``s_a = 0`` have no ``t_diag`` and are excluded from the fraction.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import SymdlnInputError
from .bootstrap import binomial_ci
from .checkpoint_rules import first_crossing

__all__ = ["CrossModes", "cross_modes", "DecouplingTimes", "decoupling_times"]


@dataclass(frozen=True)
class CrossModes:
    w: np.ndarray          # (T, S, r, r)
    diag: np.ndarray       # (T, S, r)  w_aa
    max_cross: np.ndarray  # (T, S, r)  max_{b != a} |w_ab|
    E_cross: np.ndarray    # (T, S)
    E_tot: np.ndarray      # (T, S)

    @property
    def ratio(self) -> np.ndarray:
        return np.divide(self.E_cross, self.E_tot, out=np.zeros_like(self.E_cross), where=self.E_tot > 0)


def cross_modes(traj) -> CrossModes:
    """Cross-mode statistics of a Trajectory (or of a ``(T, S, r, r)`` array of ``U^T W V``)."""
    w = traj.cross_mode_amplitudes() if hasattr(traj, "cross_mode_amplitudes") else np.asarray(traj, float)
    if w.ndim != 4 or w.shape[-1] != w.shape[-2]:
        raise SymdlnInputError(f"cross-mode array must have shape (T, S, r, r); got {w.shape}")
    r = w.shape[-1]
    off = ~np.eye(r, dtype=bool)
    a = np.abs(w)
    max_cross = np.where(off, a, -np.inf).max(axis=-1) if r > 1 else np.zeros(w.shape[:-1])
    E_tot = np.sum(w * w, axis=(-2, -1))
    E_cross = E_tot - np.sum(np.diagonal(w, axis1=-2, axis2=-1) ** 2, axis=-1)
    return CrossModes(w, np.diagonal(w, axis1=-2, axis2=-1).copy(), max_cross, np.maximum(E_cross, 0.0), E_tot)


@dataclass(frozen=True)
class DecouplingTimes:
    t_cross: np.ndarray    # (S, r), nan = never
    t_diag: np.ndarray     # (S, r), nan = never
    n_before: int          # pairs (mode, run) with t_cross < t_diag (strictly)
    n_valid: int           # pairs with finite t_diag and s_a > 0
    fraction: float
    ci: tuple[float, float]
    rule: str


def _settle_time(times: np.ndarray, series: np.ndarray, eps: np.ndarray) -> np.ndarray:
    """First time after which ``series <= eps`` for every later checkpoint (nan if never)."""
    bad = series > eps
    T = series.shape[0]
    any_bad = bad.any(axis=0)
    last_bad = T - 1 - np.argmax(bad[::-1], axis=0)
    k = np.where(any_bad, last_bad + 1, 0)
    out = np.where(k < T, times[np.minimum(k, T - 1)], np.nan)
    return out


def decoupling_times(traj, teacher=None, *, times=None, eps_rel: float = 0.05, eps=None, c: float = 0.5,
                     rule: str = "settle", level: float = 0.95) -> DecouplingTimes:
    """``t_cross`` and ``t_diag`` per (run, mode) and the fraction with ``t_cross < t_diag``."""
    if not 0 < c < 1:
        raise SymdlnInputError(f"c must be in (0, 1); got {c!r}")
    if rule not in ("first", "settle"):
        raise SymdlnInputError(f"rule must be 'first' (the first time the cross modes are small) or 'settle' (the time after which they stay small); got {rule!r}")
    cm = cross_modes(traj)
    teacher = teacher if teacher is not None else traj.teacher
    t = np.asarray(times if times is not None else traj.times, dtype=np.float64)
    s = np.asarray(teacher.s, dtype=np.float64)
    e = np.broadcast_to(np.asarray(eps, float) if eps is not None else eps_rel * s, s.shape)
    if rule == "first":
        _, t_cross = first_crossing(t, cm.max_cross, e, direction="below")
    else:
        t_cross = _settle_time(t, cm.max_cross, e)
    _, t_diag = first_crossing(t, np.abs(cm.diag), c * s, direction="above")
    valid = np.isfinite(t_diag) & (s > 0)[None, :]
    before = valid & np.isfinite(t_cross) & (t_cross < t_diag)
    n_valid, n_before = int(valid.sum()), int(before.sum())
    frac = n_before / n_valid if n_valid else float("nan")
    return DecouplingTimes(t_cross, t_diag, n_before, n_valid, frac, binomial_ci(n_before, n_valid, level), rule)

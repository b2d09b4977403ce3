"""Checkpoint alignment rules.

* **First crossing** of a level by a series (linear interpolation between checkpoints).
* **Loss-aligned checkpoints**: for each level ``l_j`` and trajectory, the first checkpoint whose
  population loss is ``<= l_j``.  Default levels :func:`plateau_midpoint_levels` sit halfway down
  the drop of each teacher mode (``0.5 tr Sigma_q + 0.5 sum_{beta > j} s_beta^2 + 0.25 s_j^2``,
  modes sorted by decreasing ``s``).
* **Escape events** (a plateau-to-drop event), defined precisely: with the excess loss
  ``e(t) = loss(t) - 0.5 tr Sigma_q`` and the log-time rate ``rho(t) = -d log e / d log t``
  (central finite differences on the checkpoints with ``t > 0``), an escape event is an upward
  crossing ``rho(t_{k-1}) < kappa <= rho(t_k)`` while the detector is armed; the event time is the
  log-linear interpolation of the crossing.  The detector starts armed and re-arms once ``rho``
  falls below ``rearm * kappa`` (hysteresis, so one drop is one event).  Defaults ``kappa = 1``
  (the excess loss falls faster than ``1/t``), ``rearm = 0.5``.
* **Escape windows**: checkpoints with ``|log t - log t_esc| <= half_width`` (log-time window).
"""
from __future__ import annotations

import numpy as np

from .._validation import SymdlnInputError

__all__ = ["first_crossing", "loss_aligned_indices", "plateau_midpoint_levels", "log_time_rate",
           "escape_events", "escape_windows", "select_checkpoints"]


def _times(times) -> np.ndarray:
    t = np.asarray(times, dtype=np.float64)
    if t.ndim != 1 or t.size < 1 or np.any(np.diff(t) <= 0):
        raise SymdlnInputError("times must be a 1-D strictly increasing array of checkpoint times")
    return t


def first_crossing(times, values, level, *, direction: str = "below") -> tuple[np.ndarray, np.ndarray]:
    """First checkpoint index and interpolated time at which ``values`` (``(T, ...)``) crosses ``level``.

    ``direction="below"``: first ``k`` with ``values[k] <= level``; ``"above"``: ``values[k] >= level``.
    ``level`` broadcasts against ``values[0]``.  Returns ``(index, time)``: index ``-1`` and time ``nan``
    when it never happens; time ``times[0]`` when it holds at the first checkpoint.
    """
    t = _times(times)
    v = np.asarray(values, dtype=np.float64)
    if v.shape[:1] != t.shape:
        raise SymdlnInputError(f"values must have shape (T, ...) with T = {t.size}; got {v.shape}")
    if direction not in ("below", "above"):
        raise SymdlnInputError(f"direction must be 'below' or 'above'; got {direction!r}")
    lev = np.broadcast_to(np.asarray(level, dtype=np.float64), v.shape[1:])
    hit = v <= lev if direction == "below" else v >= lev
    any_hit = hit.any(axis=0)
    idx = np.where(any_hit, np.argmax(hit, axis=0), -1)
    k = np.maximum(idx, 0)
    tk = t[k]
    prev = np.maximum(k - 1, 0)
    v1 = np.take_along_axis(v, k[None], 0)[0] if v.ndim > 1 else v[k]
    v0 = np.take_along_axis(v, prev[None], 0)[0] if v.ndim > 1 else v[prev]
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where(v1 != v0, (lev - v0) / (v1 - v0), 1.0)
    frac = np.clip(frac, 0.0, 1.0)
    tint = np.where(k > 0, t[prev] + frac * (tk - t[prev]), tk)
    return idx, np.where(any_hit, tint, np.nan)


def plateau_midpoint_levels(teacher) -> np.ndarray:
    """Loss levels halfway down each mode's drop (decreasing; one per mode with ``s > 0``)."""
    s = np.sort(np.asarray(teacher.s, dtype=np.float64))[::-1]
    s = s[s > 0]
    floor = 0.5 * float(np.trace(teacher.Sigma_q))
    tail = np.concatenate([np.cumsum((s ** 2)[::-1])[::-1][1:], [0.0]])
    return floor + 0.5 * tail + 0.25 * s ** 2


def loss_aligned_indices(times, loss, levels) -> tuple[np.ndarray, np.ndarray]:
    """``(index, time)`` of shape ``(n_levels, *loss.shape[1:])``: first checkpoint with loss <= level."""
    levels = np.atleast_1d(np.asarray(levels, dtype=np.float64))
    out = [first_crossing(times, loss, lev, direction="below") for lev in levels]
    return np.stack([o[0] for o in out]), np.stack([o[1] for o in out])


def select_checkpoints(layers, index) -> list[np.ndarray]:
    """Layers at per-trajectory checkpoints: ``layers[l]`` ``(T, S, ...)``, ``index`` ``(n, S)`` -> ``(n, S, ...)``.

    Negative indices (never reached) are an error: drop those levels first.
    """
    index = np.asarray(index)
    if np.any(index < 0):
        raise SymdlnInputError("index contains -1 (a level never reached); drop those levels first")
    layers = getattr(layers, "layers", layers)
    S = layers[0].shape[1]
    if index.ndim != 2 or index.shape[1] != S:
        raise SymdlnInputError(f"index must have shape (n, S) with S = {S}; got {index.shape}")
    cols = np.arange(S)[None, :]
    return [W[index, cols] for W in layers]


def log_time_rate(times, loss, floor: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """``rho = -d log(loss - floor) / d log t`` on the checkpoints with ``t > 0``; returns ``(t, rho)``."""
    t = _times(times)
    v = np.asarray(loss, dtype=np.float64)
    keep = t > 0
    if keep.sum() < 3:
        raise SymdlnInputError("need at least 3 checkpoints with t > 0 to differentiate in log time")
    e = np.maximum(v[keep] - floor, np.finfo(float).tiny)
    return t[keep], -np.gradient(np.log(e), np.log(t[keep]), axis=0)


def escape_events(times, loss, *, floor: float = 0.0, kappa: float = 1.0, rearm: float = 0.5) -> list:
    """Escape-event times (see module docstring) for each trajectory of ``loss`` (``(T,)`` or ``(T, S)``)."""
    if not kappa > 0 or not 0 < rearm < 1:
        raise SymdlnInputError(f"need kappa > 0 and 0 < rearm < 1; got kappa={kappa!r}, rearm={rearm!r}")
    v = np.asarray(loss, dtype=np.float64)
    single = v.ndim == 1
    t, rho = log_time_rate(times, v if not single else v[:, None], floor)
    lt = np.log(t)
    events = []
    for s in range(rho.shape[1]):
        armed, ev = True, []
        for k in range(1, rho.shape[0]):
            r0, r1 = rho[k - 1, s], rho[k, s]
            if armed and r0 < kappa <= r1:
                f = (kappa - r0) / (r1 - r0)
                ev.append(float(np.exp(lt[k - 1] + f * (lt[k] - lt[k - 1]))))
                armed = False
            elif not armed and r1 < rearm * kappa:
                armed = True
        events.append(np.array(ev))
    return events[0] if single else events


def escape_windows(times, t_esc, half_width: float = 0.25) -> np.ndarray:
    """Boolean ``(n_events, T)``: checkpoints within ``half_width`` of each event in ``log t``."""
    t = _times(times)
    te = np.atleast_1d(np.asarray(t_esc, dtype=np.float64))
    with np.errstate(divide="ignore"):
        lt = np.log(t)
    return np.abs(lt[None, :] - np.log(te)[:, None]) <= half_width

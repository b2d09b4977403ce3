"""Checkpoint schedules and the recorder that stores ensemble states at those steps."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from .._validation import SymdlnInputError, reject_text
from .kernels import unstack

__all__ = ["log_checkpoints", "loss_aligned_checkpoints", "as_checkpoints", "Recorder"]


def log_checkpoints(steps: int, n: int = 200) -> np.ndarray:
    """About ``n`` distinct step indices in ``[0, steps]``, log-spaced, always including 0 and ``steps``."""
    steps, n = int(steps), int(n)
    if steps < 0 or n < 2:
        raise SymdlnInputError(f"log_checkpoints needs steps >= 0 and n >= 2; got steps={steps}, n={n}")
    pts = np.unique(np.round(np.geomspace(1, steps + 1, n) - 1).astype(np.int64))
    return np.unique(np.concatenate([[0], pts, [steps]]))


def loss_aligned_checkpoints(steps: int, times_of_interest: Sequence[float], *, eta: float, n: int = 200,
                             width: float = 0.3, dense_frac: float = 0.6) -> np.ndarray:
    """Checkpoints concentrated around given times (e.g. predicted mode-learning times ``t = eta k``).

    ``dense_frac`` of the ``n`` points are spread uniformly over ``[t (1 - width), t (1 + width)]``
    around each time of interest; the rest are log-spaced over the whole run.
    """
    base = log_checkpoints(steps, max(2, int(n * (1 - dense_frac))))
    toi = [float(t) for t in times_of_interest if t > 0]
    if not toi:
        return base
    per = max(2, int(n * dense_frac / len(toi)))
    extra = [np.linspace(t * (1 - width), t * (1 + width), per) / eta for t in toi]
    pts = np.clip(np.round(np.concatenate(extra)).astype(np.int64), 0, steps)
    return np.unique(np.concatenate([base, pts]))


def as_checkpoints(checkpoints, steps: int, n: int = 200) -> np.ndarray:
    if checkpoints is None:
        return log_checkpoints(steps, n)
    reject_text("checkpoints", checkpoints)
    try:
        raw = np.asarray(checkpoints)
    except (TypeError, ValueError) as exc:
        raise SymdlnInputError("checkpoints must be a sequence of integer step indices") from exc
    if raw.dtype.kind not in "iuf" or (raw.dtype.kind == "f" and not np.all(np.isfinite(raw) & (raw == np.round(raw)))):
        raise SymdlnInputError(f"checkpoints must be integer step indices in [0, {steps}]; got {raw.dtype} values")
    ck = np.unique(raw.astype(np.int64).ravel())
    if ck.size == 0 or ck[0] < 0 or ck[-1] > steps:
        raise SymdlnInputError(f"checkpoints must be step indices in [0, {steps}]; got range "
                               f"[{ck.min() if ck.size else '-'}, {ck.max() if ck.size else '-'}]")
    return ck


class Recorder:
    """Stores ``Wst`` (stacked ensemble) at the checkpoint steps; ``layers()`` -> list of ``(T, S, d_l, d_{l-1})``."""

    def __init__(self, checkpoints: np.ndarray, widths):
        self.ck = checkpoints
        self.widths = tuple(widths)
        self.states = []
        self._i = 0

    @property
    def next(self) -> int:
        return int(self.ck[self._i]) if self._i < self.ck.size else -1

    def maybe(self, step: int, Wst: np.ndarray) -> None:
        while self._i < self.ck.size and self.ck[self._i] == step:
            self.states.append(Wst.copy())
            self._i += 1

    def at_step(self, k: int, Wl: np.ndarray, steps: int) -> bool:
        """The compiled drivers' loop head: record the layer-last ensemble ``Wl`` (``(L, D, D, S)``, copied to
        ``(S, L, D, D)`` only at a checkpoint) if ``k`` is one; ``True`` when the run is over (``k == steps``)."""
        if k == self.next:
            self.maybe(k, np.ascontiguousarray(Wl.transpose(3, 0, 1, 2)))
        return k == steps

    def until(self, steps: int) -> int:
        """The step at which the loop must stop next: the next checkpoint, or ``steps`` after the last."""
        return steps if self.next < 0 else self.next

    def layers(self) -> list[np.ndarray]:
        return unstack(np.stack(self.states), self.widths)

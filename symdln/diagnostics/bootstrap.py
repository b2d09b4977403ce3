"""Percentile bootstrap over runs (resample SGD runs with replacement): the
confidence bands of the GD-vs-SGD distances."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy import stats

from .._validation import SymdlnInputError

__all__ = ["BootstrapResult", "bootstrap", "binomial_ci"]


@dataclass(frozen=True)
class BootstrapResult:
    """Point estimate (statistic of the full sample), percentile interval ``[lo, hi]`` and bootstrap s.e."""

    estimate: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    se: np.ndarray
    level: float
    n_boot: int


def bootstrap(samples, stat: Callable[[np.ndarray], np.ndarray], *, axis: int = 0, n_boot: int = 1000,
              level: float = 0.95, rng=None) -> BootstrapResult:
    """Percentile bootstrap of ``stat(samples)`` resampling along ``axis`` (the run axis).

    ``stat`` maps an array with the run axis at ``axis`` to an array of any shape (e.g. a distance per
    checkpoint).  Fixed ``rng`` makes the band reproducible.
    """
    x = np.asarray(samples, dtype=np.float64)
    if x.ndim == 0 or x.shape[axis] < 1:
        raise SymdlnInputError(f"samples must have at least one run along axis {axis}; got shape {x.shape}")
    if not 0 < level < 1:
        raise SymdlnInputError(f"level must be in (0, 1); got {level!r}")
    if int(n_boot) < 2:
        raise SymdlnInputError(f"n_boot must be an integer >= 2; got {n_boot!r}")
    rng = np.random.default_rng(rng)
    S = x.shape[axis]
    est = np.asarray(stat(x), dtype=np.float64)
    reps = np.empty((int(n_boot),) + est.shape)
    for k in range(int(n_boot)):
        idx = rng.integers(0, S, S)
        reps[k] = stat(np.take(x, idx, axis=axis))
    a = (1 - level) / 2
    lo, hi = np.quantile(reps, [a, 1 - a], axis=0)
    return BootstrapResult(est, lo, hi, reps.std(axis=0, ddof=1), float(level), int(n_boot))


def binomial_ci(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Clopper-Pearson (exact) interval for a proportion ``k / n``; ``(nan, nan)`` when ``n = 0``."""
    k, n = int(k), int(n)
    if n < 0 or not 0 <= k <= max(n, 0):
        raise SymdlnInputError(f"need 0 <= k <= n; got k={k}, n={n}")
    if n == 0:
        return float("nan"), float("nan")
    a = 1 - level
    lo = 0.0 if k == 0 else float(stats.beta.ppf(a / 2, k, n - k + 1))
    hi = 1.0 if k == n else float(stats.beta.ppf(1 - a / 2, k + 1, n - k))
    return lo, hi

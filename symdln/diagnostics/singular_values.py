"""Top-K log-singular-value patterns of partial products.

For ``P_ij = W_j ... W_i`` with singular values ``sigma_1 >= ... >= sigma_K`` (zero-padded when
``K > min(d_j, d_{i-1})``) and floor ``delta``:

    s_ij,k       = log max(sigma_k, delta),
    s~_ij,k      = log( max(sigma_k, delta) / max(sigma_1, delta) )    (shape-normalised).

Pattern arrays have shape ``(..., L, L, K)`` indexed ``[i-1, j-1, k-1]``; entries with ``i > j``
are 0 and unused.  GD-vs-SGD distances ``d_sigma``, ``d_shape`` and the length-weighted
``d_sigma,w`` (weights ``w_ij = j - i + 1``) are in :mod:`symdln.diagnostics.distances`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import SymdlnInputError
from .rank import partial_singular_values

__all__ = ["LogSVPatterns", "log_sv_patterns", "length_weights"]


@dataclass(frozen=True)
class LogSVPatterns:
    s: np.ndarray
    shape: np.ndarray
    K: int
    delta: float


def log_sv_patterns(x, K: int = 5, delta: float = 1e-30) -> LogSVPatterns:
    """``s_ij,k`` and ``s~_ij,k`` for every ``i <= j`` and ``k = 1..K``."""
    if int(K) != K or int(K) < 1:
        raise SymdlnInputError(f"K (number of singular values) must be an integer >= 1; got {K!r}")
    K = int(K)
    delta = float(delta)
    if not delta > 0:
        raise SymdlnInputError(f"delta (log floor) must be > 0; got {delta!r}")
    svs = partial_singular_values(x)
    L = max(j for _, j in svs)
    lead = next(iter(svs.values())).shape[:-1]
    s = np.zeros(lead + (L, L, K))
    sh = np.zeros_like(s)
    for (i, j), sv in svs.items():
        n = min(K, sv.shape[-1])
        top = np.zeros(lead + (K,))
        top[..., :n] = sv[..., :n]
        logs = np.log(np.maximum(top, delta))
        s[..., i - 1, j - 1, :] = logs
        sh[..., i - 1, j - 1, :] = logs - logs[..., :1]
    return LogSVPatterns(s, sh, K, delta)


def length_weights(L: int) -> np.ndarray:
    """``w_ij = j - i + 1`` on ``i <= j``, 0 below the diagonal."""
    i, j = np.meshgrid(np.arange(1, L + 1), np.arange(1, L + 1), indexing="ij")
    return np.where(j >= i, j - i + 1, 0).astype(np.float64)

"""Shared input handling for the diagnostics: a Trajectory or a list of stacked layer arrays.

Every diagnostic accepts either a :class:`symdln.simulate.Trajectory` (``layers[l-1]`` of shape
``(T, S, d_l, d_{l-1})``) or a list of arrays ``W_l`` with any common leading shape
``(..., d_l, d_{l-1})``, and returns arrays with that leading shape.
"""
from __future__ import annotations

import numpy as np

from .._validation import SymdlnInputError

__all__ = ["as_layers", "interval_pairs"]


def as_layers(x, name: str = "layers") -> list[np.ndarray]:
    """Return the layer arrays ``[W_1, ..., W_L]`` (float64) with a common leading shape."""
    layers = getattr(x, "layers", x)
    if isinstance(layers, np.ndarray) and layers.ndim >= 2:
        layers = [layers]
    try:
        seq = [np.asarray(w, dtype=np.float64) for w in layers]
    except (TypeError, ValueError) as exc:
        raise SymdlnInputError(f"{name} must be a Trajectory or a list of arrays (..., d_l, d_(l-1))") from exc
    if not seq:
        raise SymdlnInputError(f"{name} must contain at least one layer; got none")
    lead = seq[0].shape[:-2]
    for i, w in enumerate(seq, start=1):
        if w.ndim < 2:
            raise SymdlnInputError(f"{name}[{i - 1}] (W_{i}) must have shape (..., d_{i}, d_{i - 1}); got {w.shape}")
        if w.shape[:-2] != lead:
            raise SymdlnInputError(f"{name}: every layer needs the same leading shape {lead}; W_{i} has {w.shape[:-2]}")
        if i > 1 and w.shape[-1] != seq[i - 2].shape[-2]:
            raise SymdlnInputError(
                f"{name}: widths do not chain: W_{i} has {w.shape[-1]} inputs but W_{i - 1} has "
                f"{seq[i - 2].shape[-2]} outputs; W_l must have shape (..., d_l, d_(l-1))")
        if not np.all(np.isfinite(w)):
            raise SymdlnInputError(f"{name}[{i - 1}] (W_{i}) must be finite; got NaN or inf entries")
    return seq


def interval_pairs(L: int) -> list[tuple[int, int]]:
    """All ``(i, j)`` with ``1 <= i <= j <= L`` (1-based), ordered by ``i`` then ``j``."""
    return [(i, j) for i in range(1, L + 1) for j in range(i, L + 1)]

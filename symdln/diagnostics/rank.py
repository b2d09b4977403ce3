"""Rank patterns of contiguous partial products.

For ``1 <= i <= j <= L`` the partial product is ``P_ij = W_j ... W_i`` (shape ``(d_j, d_{i-1})``).
Its numerical rank with relative threshold ``eps`` is

    r_ij = #{m : sigma_m(P_ij) > max(eps * sigma_1(P_ij), floor_ij)},

where ``floor_ij = max(d_j, d_{i-1}, ..) * eps_machine * prod_{l=i..j} ||W_l||_2`` is the round-off
bound of the computed product: a product that vanishes in exact arithmetic (e.g. ``W_2 W_1 = 0``)
comes out of floating point as ~1e-16 noise, which a purely relative threshold would call full
rank.  (Set ``noise_floor=False`` for the purely relative threshold.)

the gap at the threshold is ``sigma_r / sigma_{r+1}`` (``inf`` when ``r = min(d_j, d_{i-1})`` or
``sigma_{r+1} = 0``; ``nan`` when ``r = 0``), and the multiplicity pattern is the discrete
inclusion-exclusion transform

    m_ij = r_ij - r_{i,j+1} - r_{i-1,j} + r_{i-1,j+1},

with zero boundary conventions (``r_{0,j} = r_{i,L+1} = 0``), clipped at 0.  Then
``r_ij = sum_{i' <= i, j' >= j} m_{i'j'}`` (before clipping): ``m_ij`` counts the directions that
survive exactly the layers ``i..j``.  Pattern arrays have shape ``(..., L, L)`` indexed
``[i-1, j-1]``; entries with ``i > j`` are 0 and unused.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import SymdlnInputError
from ._common import as_layers

__all__ = ["DEFAULT_EPS", "partial_products", "partial_singular_values", "RankPatterns", "rank_patterns",
           "multiplicity_pattern", "rank_from_multiplicity", "upper_mask", "product_noise_floors"]

#: default relative singular-value threshold of the numerical rank
DEFAULT_EPS = 1e-5


def partial_products(x) -> dict[tuple[int, int], np.ndarray]:
    """``{(i, j): P_ij = W_j ... W_i}`` for ``1 <= i <= j <= L`` (1-based), over the leading axes."""
    layers = as_layers(x)
    L = len(layers)
    out = {}
    for i in range(1, L + 1):
        P = layers[i - 1]
        out[(i, i)] = P
        for j in range(i + 1, L + 1):
            P = layers[j - 1] @ P
            out[(i, j)] = P
    return out


def partial_singular_values(x) -> dict[tuple[int, int], np.ndarray]:
    """Descending singular values of every ``P_ij`` (deterministic LAPACK SVD), shape ``(..., min(d_j, d_{i-1}))``."""
    return {k: np.linalg.svd(P, compute_uv=False) for k, P in partial_products(x).items()}


def upper_mask(L: int) -> np.ndarray:
    """Boolean ``(L, L)`` mask of the pairs ``i <= j``."""
    return np.triu(np.ones((L, L), dtype=bool))


@dataclass(frozen=True)
class RankPatterns:
    """``rank[..., i-1, j-1] = r_ij``; ``gap`` = ``sigma_r / sigma_{r+1}``; ``eps`` the threshold used."""

    rank: np.ndarray
    gap: np.ndarray
    eps: float

    @property
    def multiplicity(self) -> np.ndarray:
        return multiplicity_pattern(self.rank)


def _rank_and_gap(sv: np.ndarray, eps: float, floor) -> tuple[np.ndarray, np.ndarray]:
    s1 = sv[..., :1]
    above = (sv > np.maximum(eps * s1, np.asarray(floor)[..., None])) & (s1 > 0)
    r = above.sum(axis=-1)
    n = sv.shape[-1]
    pad = np.concatenate([sv, np.zeros(sv.shape[:-1] + (1,))], axis=-1)
    idx = np.clip(r - 1, 0, n)[..., None]
    s_r = np.take_along_axis(pad, idx, axis=-1)[..., 0]
    s_next = np.take_along_axis(pad, np.clip(r, 0, n)[..., None], axis=-1)[..., 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = np.where(s_next > 0, s_r / np.where(s_next > 0, s_next, 1.0), np.inf)
    gap = np.where(r == 0, np.nan, gap)
    return r, gap


def product_noise_floors(x) -> dict[tuple[int, int], np.ndarray]:
    """Round-off bound ``max width * eps_machine * prod_{l=i..j} ||W_l||_2`` of every ``P_ij``."""
    layers = as_layers(x)
    norms = [np.linalg.norm(w, ord=2, axis=(-2, -1)) for w in layers]
    L = len(layers)
    out = {}
    for i in range(1, L + 1):
        n = norms[i - 1]
        dmax = max(layers[i - 1].shape[-2:])
        out[(i, i)] = dmax * np.finfo(float).eps * n
        for j in range(i + 1, L + 1):
            n = n * norms[j - 1]
            dmax = max(dmax, layers[j - 1].shape[-2])
            out[(i, j)] = dmax * np.finfo(float).eps * n
    return out


def rank_patterns(x, eps: float = DEFAULT_EPS, *, noise_floor: bool = True) -> RankPatterns:
    """Numerical ranks and threshold gaps of all ``P_ij``."""
    eps = float(eps)
    if not 0 < eps < 1:
        raise SymdlnInputError(f"eps (relative singular-value threshold) must be in (0, 1); got {eps!r}")
    svs = partial_singular_values(x)
    floors = product_noise_floors(x) if noise_floor else {k: 0.0 for k in svs}
    L = max(j for _, j in svs)
    lead = next(iter(svs.values())).shape[:-1]
    rank = np.zeros(lead + (L, L), dtype=np.int64)
    gap = np.full(lead + (L, L), np.nan)
    for (i, j), sv in svs.items():
        r, g = _rank_and_gap(sv, eps, floors[(i, j)])
        rank[..., i - 1, j - 1] = r
        gap[..., i - 1, j - 1] = g
    return RankPatterns(rank, gap, eps)


def _check_pattern(name: str, r) -> np.ndarray:
    r = np.asarray(r)
    if r.ndim < 2 or r.shape[-1] != r.shape[-2]:
        raise SymdlnInputError(f"{name} must have shape (..., L, L) indexed [i-1, j-1]; got {r.shape}")
    return r


def multiplicity_pattern(rank, *, clip: bool = True) -> np.ndarray:
    """Inclusion-exclusion transform of a rank pattern (zero boundaries; clipped at 0 unless ``clip=False``).

    Works for integer ranks and for SGD-mean (fractional) ranks alike.
    """
    r = _check_pattern("rank", rank).astype(np.float64)
    L = r.shape[-1]
    r = np.where(upper_mask(L), r, 0.0)
    # pad: index 0 -> i = 0 boundary row, index L+1 -> j = L+1 boundary column
    R = np.zeros(r.shape[:-2] + (L + 2, L + 2))
    R[..., 1:L + 1, 1:L + 1] = r
    m = (R[..., 1:L + 1, 1:L + 1] - R[..., 1:L + 1, 2:L + 2] - R[..., 0:L, 1:L + 1] + R[..., 0:L, 2:L + 2])
    m = np.where(upper_mask(L), m, 0.0)
    if clip:
        m = np.maximum(m, 0.0)
    if np.issubdtype(np.asarray(rank).dtype, np.integer):
        m = np.rint(m).astype(np.int64)
    return m


def rank_from_multiplicity(m) -> np.ndarray:
    """Inverse transform: ``r_ij = sum_{i' <= i, j' >= j, i' <= j'} m_{i'j'}``."""
    m = _check_pattern("m", m)
    L = m.shape[-1]
    mm = np.where(upper_mask(L), m, 0)
    # cumulative sum over i' <= i (axis -2 forward) and j' >= j (axis -1 backward)
    c = np.cumsum(mm, axis=-2)
    c = np.flip(np.cumsum(np.flip(c, axis=-1), axis=-1), axis=-1)
    return np.where(upper_mask(L), c, 0)

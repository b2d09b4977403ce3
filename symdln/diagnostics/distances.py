"""GD vs SGD distances (rank/singular-value pattern distances, parameter
space and function space).

Conventions: a GD run has layers ``(K, d_l, d_{l-1})`` (or ``(K, 1, ...)``), the SGD ensemble
``(K, S, d_l, d_{l-1})``, with the same initialisation and row ``k`` of both taken at the same
(or the same *aligned*) checkpoint.  ``E_B`` is the mean over the ``S`` batch orders.

* Pattern distance: ``d(t_k) = sum_{i<=j} w_ij sum_k |p^GD_ij(t_k) - mean_s p^(s)_ij(t_k)|``
  (``d_r``, ``d_m`` with ``w = 1``; ``d_sigma``, ``d_shape``; ``d_sigma,w`` with ``w_ij = j-i+1``),
  with percentile-bootstrap bands over SGD runs.
* Parameter space: ``E_B ||theta_GD - theta_SGD||_2``, its ratio to ``||theta_GD||_2``,
  ``E_B cos(theta_GD, theta_SGD)``, ``d_l = E_B ||W_l^GD - W_l^SGD||_F / ||W_l^GD||_F`` and
  ``d = mean_l d_l``.
* Function space: ``E_B ||W_GD - W_SGD||_F / ||W_GD||_F`` with ``W = W_L ... W_1``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import SymdlnInputError
from ._common import as_layers
from .bootstrap import BootstrapResult, bootstrap
from .rank import upper_mask

__all__ = ["pattern_distance", "pattern_distance_band", "ParamDistances", "gd_sgd_distances", "split_gd_sgd"]


def _weights(L: int, weights) -> np.ndarray:
    if weights is None:
        return upper_mask(L).astype(np.float64)
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (L, L):
        raise SymdlnInputError(f"weights must have shape (L, L) = ({L}, {L}); got {w.shape}")
    return np.where(upper_mask(L), w, 0.0)


def _pattern_axes(gd: np.ndarray, sgd: np.ndarray, pattern_ndim: int):
    gd = np.asarray(gd, dtype=np.float64)
    sgd = np.asarray(sgd, dtype=np.float64)
    if sgd.ndim != gd.ndim + 1 or sgd.shape[:1] + sgd.shape[2:] != gd.shape:
        raise SymdlnInputError(
            f"sgd patterns must have shape (K, S, *pattern) matching gd (K, *pattern); got gd {gd.shape}, "
            f"sgd {sgd.shape}")
    if gd.ndim < 1 + pattern_ndim:
        raise SymdlnInputError(f"patterns need at least {pattern_ndim} pattern axes after the checkpoint axis")
    return gd, sgd


def pattern_distance(gd, sgd, *, weights=None) -> np.ndarray:
    """``sum_{i<=j} w_ij sum_{extra} |gd - mean_s sgd|`` per checkpoint.

    ``gd``: ``(K, L, L, *extra)``; ``sgd``: ``(K, S, L, L, *extra)`` (``extra`` e.g. the top-K axis).
    """
    gd, sgd = _pattern_axes(gd, sgd, 2)
    L = gd.shape[1]
    w = _weights(L, weights)
    diff = np.abs(gd - sgd.mean(axis=1))
    diff = diff.reshape(diff.shape[:3] + (-1,)).sum(axis=-1)
    return np.einsum("kij,ij->k", diff, w)


def pattern_distance_band(gd, sgd, *, weights=None, n_boot: int = 1000, level: float = 0.95,
                          rng=None) -> BootstrapResult:
    """:func:`pattern_distance` with a percentile-bootstrap band over SGD runs (axis 1)."""
    gd, sgd = _pattern_axes(gd, sgd, 2)
    return bootstrap(sgd, lambda x: pattern_distance(gd, x, weights=weights), axis=1, n_boot=n_boot,
                     level=level, rng=rng)


def split_gd_sgd(gd, sgd) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Layers of a GD run as ``(K, d, d')`` and of the SGD ensemble as ``(K, S, d, d')``.

    Trajectories must share ``steps`` (time-matched checkpoints); use the checkpoint rules for
    aligned comparisons and pass the selected layer arrays instead.
    """
    if hasattr(gd, "steps") and hasattr(sgd, "steps"):
        if gd.steps.shape != sgd.steps.shape or not np.array_equal(gd.steps, sgd.steps):
            raise SymdlnInputError("gd and sgd trajectories must have the same checkpoint steps for a "
                                   "time-matched comparison; got different steps")
    g = as_layers(gd, "gd")
    s = as_layers(sgd, "sgd")
    if len(g) != len(s):
        raise SymdlnInputError(f"gd and sgd must have the same depth; got {len(g)} and {len(s)}")
    if g[0].ndim == 4:
        if g[0].shape[1] != 1:
            raise SymdlnInputError(f"gd must be one run (S = 1); got S = {g[0].shape[1]}")
        g = [w[:, 0] for w in g]
    if g[0].ndim != 3 or s[0].ndim != 4:
        raise SymdlnInputError("gd layers must be (K, d_l, d_(l-1)) or (K, 1, ...) and sgd layers (K, S, d_l, d_(l-1))")
    for l, (a, b) in enumerate(zip(g, s), start=1):
        if a.shape[0] != b.shape[0] or a.shape[1:] != b.shape[2:]:
            raise SymdlnInputError(f"W_{l}: gd shape {a.shape} does not match sgd shape {b.shape} (K, S, ...)")
    return g, s


@dataclass(frozen=True)
class ParamDistances:
    """Per checkpoint ``k`` (axis 0); ``*_se`` are standard errors of the mean over the S runs."""

    dist: np.ndarray            # E_B ||theta_GD - theta_SGD||_2
    dist_se: np.ndarray
    norm_gd: np.ndarray         # ||theta_GD||_2
    ratio: np.ndarray           # dist / norm_gd
    cosine: np.ndarray          # E_B cos(theta_GD, theta_SGD)
    cosine_se: np.ndarray
    layerwise: np.ndarray       # d_l, shape (K, L)
    layer_mean: np.ndarray      # d = mean_l d_l
    function: np.ndarray        # E_B ||W_GD - W_SGD||_F / ||W_GD||_F
    function_se: np.ndarray


def _mean_se(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    S = x.shape[1]
    se = x.std(axis=1, ddof=1) / np.sqrt(S) if S > 1 else np.full(x.shape[:1] + x.shape[2:], np.nan)
    return x.mean(axis=1), se


def gd_sgd_distances(gd, sgd) -> ParamDistances:
    """Parameter- and function-space distances between one GD run and S SGD runs."""
    g, s = split_gd_sgd(gd, sgd)
    K, S = s[0].shape[:2]
    sq = np.zeros((K, S))
    dot = np.zeros((K, S))
    ng = np.zeros(K)
    ns = np.zeros((K, S))
    layerwise = np.zeros((K, len(g)))
    for l, (a, b) in enumerate(zip(g, s)):
        d = b - a[:, None]
        dl = np.sqrt(np.sum(d * d, axis=(-2, -1)))
        sq += dl ** 2
        dot += np.einsum("kij,ksij->ks", a, b)
        na = np.sum(a * a, axis=(-2, -1))
        ng += na
        ns += np.sum(b * b, axis=(-2, -1))
        layerwise[:, l] = np.divide(dl.mean(axis=1), np.sqrt(na), out=np.full(K, np.nan), where=na > 0)
    dist, dist_se = _mean_se(np.sqrt(sq))
    norm_gd = np.sqrt(ng)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = dot / (norm_gd[:, None] * np.sqrt(ns))
        ratio = dist / norm_gd
    cos_m, cos_se = _mean_se(cos)
    Wg, Ws = g[0], s[0]
    for a, b in zip(g[1:], s[1:]):
        Wg, Ws = a @ Wg, b @ Ws
    nW = np.sqrt(np.sum(Wg * Wg, axis=(-2, -1)))
    fd = np.sqrt(np.sum((Ws - Wg[:, None]) ** 2, axis=(-2, -1)))
    with np.errstate(invalid="ignore", divide="ignore"):
        f, f_se = _mean_se(fd / nW[:, None])
    return ParamDistances(dist, dist_se, norm_gd, ratio, cos_m, cos_se, layerwise, layerwise.mean(axis=1), f, f_se)

"""Balance residuals of adjacent layers (paper App. I.2, Eq. 33).

``G_l = W_l W_l^T - W_{l+1}^T W_{l+1}`` (``d_l x d_l``); the normalised residual is

    r_l = ||G_l||_F / (||W_l W_l^T||_F + ||W_{l+1}^T W_{l+1}||_F),   l = 1..L-1,

invariant to a common rescaling of all layers, ``0`` for exactly balanced weights (assumption A1)
and at most ``1``.  The unnormalised numerator ``||G_l||_F`` and the layer norms ``||W_l||_F`` give
the scale (App. I, Fig. 8).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._common import as_layers

__all__ = ["BalanceResult", "balance_residuals"]


@dataclass(frozen=True)
class BalanceResult:
    """``r[..., l-1]`` = r_l (Eq. 33), ``numerator[..., l-1]`` = ||G_l||_F, ``norms[..., l-1]`` = ||W_l||_F."""

    r: np.ndarray
    numerator: np.ndarray
    norms: np.ndarray


def balance_residuals(x) -> BalanceResult:
    """Eq. 33 for every adjacent pair ``(l, l+1)``, ``l = 1..L-1``, over the leading axes of ``x``.

    ``x`` is a Trajectory or a list of ``W_l`` arrays ``(..., d_l, d_{l-1})``.  A depth-1 network has
    no pair: the result arrays have a trailing axis of length 0.  When both Gram matrices vanish,
    ``r_l`` is defined as 0 (the zero network is balanced).
    """
    layers = as_layers(x)
    lead = layers[0].shape[:-2]
    L = len(layers)
    r = np.zeros(lead + (max(L - 1, 0),))
    num = np.zeros_like(r)
    for l in range(L - 1):
        A = layers[l] @ np.swapaxes(layers[l], -1, -2)
        B = np.swapaxes(layers[l + 1], -1, -2) @ layers[l + 1]
        n = np.linalg.norm(A - B, axis=(-2, -1))
        den = np.linalg.norm(A, axis=(-2, -1)) + np.linalg.norm(B, axis=(-2, -1))
        num[..., l] = n
        r[..., l] = np.divide(n, den, out=np.zeros_like(n), where=den > 0)
    norms = np.stack([np.linalg.norm(w, axis=(-2, -1)) for w in layers], axis=-1)
    return BalanceResult(r, num, norms)

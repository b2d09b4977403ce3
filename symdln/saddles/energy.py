"""Fiber + cyclic constraints on the residual blocks and the constraint energy.

Write the residual path and ``sigma`` as a *ring* of ``L + 1`` maps, in the order they are applied:
``R_0 = Z_1, ..., R_{L-1} = Z_L, R_L = sigma`` (``Z_l`` maps residual space ``l-1`` to ``l``; ``sigma``
maps output residual space ``L`` back to input space ``0``).  Omitting one element and multiplying the
rest around the ring gives every constraint at once:

* omit ``sigma``:  ``mu(Z) = Z_L ... Z_1``                               (fiber constraint),
* omit ``Z_l``:    ``dmu_l(Z) = Z_{l-1} ... Z_1 sigma Z_L ... Z_{l+1}``  (cyclic constraints),

and ``E(Z) = 1/2 sum_{j=0..L} ||prod_{ring without R_j}||_F^2``.  The gradient of ``1/2 ||P||^2`` with
``P = Left R_i Right`` is ``Left^T P Right^T``.

Why these are the criticality conditions (derivation; checked in ``tests/test_saddles.py``): on the
normal form ``Delta = M - W = U_Q (sigma^T - mu)`` with ``sigma = M^T U_Q``, and the population gradient
``G_l = -W_{>l}^T Delta W_{<l}^T`` (Prop. 3.1 with the corrected Jacobian) has a single non-zero block
``-Z_{>l}^T (sigma^T - mu) Z_{<l}^T`` plus the off-diagonal block ``Z_{>l}^T mu M^T U_S`` (because
``U_Q^T M M^T U_S = 0``).  At ``mu = 0`` the residual block is ``-(dmu_l)^T``, so ``E(Z) = 0`` implies
``grad L = 0``, and on the fiber ``||grad L||_F^2 = 2 E(Z)`` exactly.

All functions take residual blocks with a leading chain axis ``(C, rows, cols)`` (vectorised over chains).
"""
from __future__ import annotations

import numpy as np

__all__ = ["ring", "constraints", "energy", "energy_and_grad"]


def ring(Z: list[np.ndarray], sigma: np.ndarray) -> list[np.ndarray]:
    """``[Z_1, ..., Z_L, sigma]`` with ``sigma`` broadcast over the chain axis."""
    C = Z[0].shape[0]
    return list(Z) + [np.broadcast_to(sigma, (C,) + sigma.shape)]


def _omit_product(R: list[np.ndarray], j: int):
    """Sequence (application order) and product of the ring with element ``j`` removed."""
    n = len(R)
    seq = [R[(j + 1 + k) % n] for k in range(n - 1)]
    P = seq[0]
    for A in seq[1:]:
        P = A @ P
    return seq, P


def constraints(Z: list[np.ndarray], sigma: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """``(mu, [dmu_1, ..., dmu_L])``, each with a leading chain axis."""
    R = ring(Z, sigma)
    L = len(Z)
    mu = _omit_product(R, L)[1]
    dmu = [_omit_product(R, l)[1] for l in range(L)]
    return mu, dmu


def energy(Z: list[np.ndarray], sigma: np.ndarray) -> np.ndarray:
    """``E(Z) = 1/2 ||mu||^2 + 1/2 sum_l ||dmu_l||^2`` per chain, shape ``(C,)``."""
    mu, dmu = constraints(Z, sigma)
    e = 0.5 * np.sum(mu ** 2, axis=(1, 2))
    for d in dmu:
        e = e + 0.5 * np.sum(d ** 2, axis=(1, 2))
    return e


def energy_and_grad(Z: list[np.ndarray], sigma: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """``E(Z)`` (shape ``(C,)``) and ``[dE/dZ_1, ..., dE/dZ_L]`` (analytic, O(L^2) batched products)."""
    R = ring(Z, sigma)
    n = len(R)  # L + 1
    L = n - 1
    grads = [np.zeros_like(z) for z in Z]
    e = np.zeros(Z[0].shape[0])
    for j in range(n):
        seq, P = _omit_product(R, j)
        e = e + 0.5 * np.sum(P ** 2, axis=(1, 2))
        m = len(seq)
        # prefix[k] = seq[k-1] ... seq[0] (None = identity); suffix[k] = seq[m-1] ... seq[k+1]
        prefix = [None] * m
        for k in range(1, m):
            prefix[k] = seq[k - 1] if prefix[k - 1] is None else seq[k - 1] @ prefix[k - 1]
        suffix = [None] * m
        for k in range(m - 2, -1, -1):
            suffix[k] = seq[k + 1] if suffix[k + 1] is None else suffix[k + 1] @ seq[k + 1]
        for k in range(m):
            idx = (j + 1 + k) % n
            if idx == L:  # sigma is fixed
                continue
            g = P if suffix[k] is None else np.swapaxes(suffix[k], 1, 2) @ P
            if prefix[k] is not None:
                g = g @ np.swapaxes(prefix[k], 1, 2)
            grads[idx] += g
    return e, grads

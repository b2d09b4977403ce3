"""Gradient, exact Hessian-vector product and dense Hessian of quadratic DLN losses.

One function family covers every loss that is quadratic in the end-to-end map ``W = W_L ... W_1``:

    ``ell(W) = 1/2 || P_Omega (M - W) ||_F^2``

with ``P_Omega`` the entrywise mask (``mask=None``: the population loss ``1/2 ||M - W||^2``, up to the
constant ``1/2 tr Sigma_q``; a 0/1 mask: matrix completion; the formulas use ``mask * mask = mask``, so
entries must be 0 or 1).  With ``D = P_Omega(M - W)``:

* gradient (Prop. 3.1, corrected Jacobian):  ``G_k = -W_{>k}^T D W_{<k}^T``;
* HVP: differentiate ``G_k`` along ``V = (V_1..V_L)``.  With ``dW_{<k}``, ``dW_{>k}`` the directional
  derivatives of the partial products (forward recursions ``dB_{k+1} = V_k B_k + W_k dB_k``,
  ``dA_{k-1} = dA_k W_k + A_k V_k``) and ``dW = sum_l W_{>l} V_l W_{<l}``,

      ``(H V)_k = W_{>k}^T P_Omega(dW) W_{<k}^T - dW_{>k}^T D W_{<k}^T - W_{>k}^T D dW_{<k}^T``

  (Gauss-Newton term + the two terms of the second directional derivative of ``-<D, W>``); O(L) products.
* dense Hessian (small sizes only, independent code path): ``J^T diag(vec mask) J`` with
  ``J_l = W_{<l}^T kron W_{>l}`` plus, for ``l > m``, the block
  ``H_{lm}[(i,j),(p,q)] = -(W_{>l}^T D W_{<m}^T)_{iq} (W_{l-1} ... W_{m+1})_{jp}``.
* line polynomial: ``ell(W(theta + t V)) - ell(W(theta))`` is a polynomial of degree ``2L`` in ``t``;
  its coefficients are computed exactly (``W(theta + tV) = sum_k t^k W^(k)`` by a product recursion).

Layers may carry a leading batch axis ``(B, d_l, d_{l-1})`` (all functions are batched in it).
"""
from __future__ import annotations

import numpy as np

__all__ = ["residual", "loss", "loss_and_grad", "hvp", "dense_hessian", "line_coefficients",
           "flatten", "unflatten"]


def _T(a):
    return np.swapaxes(a, -1, -2)


def _partials(layers):
    """``A[k] = W_{>k+1}`` and ``B[k] = W_{<k+1}`` (0-based lists; ``None`` = identity)."""
    L = len(layers)
    B = [None] * L
    for k in range(1, L):
        B[k] = layers[k - 1] if B[k - 1] is None else layers[k - 1] @ B[k - 1]
    A = [None] * L
    for k in range(L - 2, -1, -1):
        A[k] = layers[k + 1] if A[k + 1] is None else A[k + 1] @ layers[k + 1]
    return A, B


def _sandwich(A, X, B):
    """``A^T X B^T`` with ``None`` = identity."""
    out = X if A is None else _T(A) @ X
    return out if B is None else out @ _T(B)


def _end(layers, A, B):
    return layers[0] if A[0] is None else A[0] @ layers[0]


def residual(W, M, mask=None):
    """``D = P_Omega (M - W)``."""
    D = M - W
    return D if mask is None else D * mask


def loss(layers, M, mask=None):
    """``1/2 ||P_Omega(M - W)||^2`` (shape ``()`` or ``(B,)``)."""
    W = layers[0]
    for w in layers[1:]:
        W = w @ W
    D = residual(W, M, mask)
    return 0.5 * np.sum(D * D, axis=(-1, -2))


def loss_and_grad(layers, M, mask=None):
    """Loss and the list of layer gradients ``G_k = -W_{>k}^T D W_{<k}^T``."""
    A, B = _partials(layers)
    W = _end(layers, A, B)
    D = residual(W, M, mask)
    grads = [-_sandwich(A[k], D, B[k]) for k in range(len(layers))]
    return 0.5 * np.sum(D * D, axis=(-1, -2)), grads


def hvp(layers, V, M, mask=None):
    """Exact Hessian-vector product ``H V`` (list of arrays shaped like the layers)."""
    L = len(layers)
    A, B = _partials(layers)
    W = _end(layers, A, B)
    D = residual(W, M, mask)
    dB = [None] * L  # None = zero
    for k in range(1, L):
        t = V[k - 1] if B[k - 1] is None else V[k - 1] @ B[k - 1]
        dB[k] = t if dB[k - 1] is None else t + layers[k - 1] @ dB[k - 1]
    dA = [None] * L
    for k in range(L - 2, -1, -1):
        t = V[k + 1] if A[k + 1] is None else A[k + 1] @ V[k + 1]
        dA[k] = t if dA[k + 1] is None else t + dA[k + 1] @ layers[k + 1]
    dW = dA[0] @ layers[0] if dA[0] is not None else 0.0
    dW = dW + (V[0] if A[0] is None else A[0] @ V[0])
    dWm = dW if mask is None else dW * mask
    out = []
    for k in range(L):
        h = _sandwich(A[k], dWm, B[k])
        if dA[k] is not None:
            h = h - _sandwich(dA[k], D, B[k])
        if dB[k] is not None:
            h = h - _sandwich(A[k], D, dB[k])
        out.append(h)
    return out


def flatten(mats) -> np.ndarray:
    """``theta = (vec W_1; ...; vec W_L)`` (column-major ``vec``) for unbatched layers."""
    return np.concatenate([np.asarray(m).reshape(-1, order="F") for m in mats])


def unflatten(theta, shapes):
    out, o = [], 0
    for shp in shapes:
        n = shp[0] * shp[1]
        out.append(np.asarray(theta[o: o + n]).reshape(shp, order="F"))
        o += n
    return out


def dense_hessian(layers, M, mask=None) -> np.ndarray:
    """Dense ``P x P`` Hessian by explicit Kronecker formulas (small sizes only; unbatched layers)."""
    L = len(layers)
    d = [layers[0].shape[1]] + [w.shape[0] for w in layers]
    A, B = _partials(layers)
    I = lambda n: np.eye(n)  # noqa: E731
    Af = [I(d[-1]) if a is None else a for a in A]
    Bf = [I(d[0]) if b is None else b for b in B]
    W = Af[0] @ layers[0]
    D = residual(W, M, mask)
    J = np.hstack([np.kron(Bf[l].T, Af[l]) for l in range(L)])
    mvec = np.ones(d[-1] * d[0]) if mask is None else np.asarray(mask, float).reshape(-1, order="F")
    H = J.T @ (mvec[:, None] * J)
    offs = np.cumsum([0] + [d[l + 1] * d[l] for l in range(L)])
    for l in range(L):          # 0-based l > m
        for m in range(l):
            G = Af[l].T @ D @ Bf[m].T                     # d_{l+1} x d_m   (paper indices l+1, m+1)
            mid = I(d[l]) if l == m + 1 else _chain(layers[m + 1: l])   # d_l x d_{m+1}
            T = -np.einsum("iq,jp->ijpq", G, mid)          # (i,j) of W_{l+1}; (p,q) of W_{m+1}
            blk = T.reshape(d[l + 1] * d[l], d[m + 1] * d[m], order="F")
            H[offs[l]:offs[l + 1], offs[m]:offs[m + 1]] += blk
            H[offs[m]:offs[m + 1], offs[l]:offs[l + 1]] += blk.T
    return H


def _chain(mats):
    out = mats[0]
    for m in mats[1:]:
        out = m @ out
    return out


def line_coefficients(layers, V, M, mask=None) -> np.ndarray:
    """Coefficients ``c_1..c_{2L}`` of ``f(t) = ell(W(theta + t V)) - ell(W(theta))`` (unbatched).

    ``W(theta + tV) = sum_k t^k W^(k)``, so ``f(t) = -<D, P_Omega dW(t)> + 1/2 ||P_Omega dW(t)||^2`` with
    ``dW(t) = sum_{k>=1} t^k W^(k)``; returns ``c`` with ``c[k-1]`` the coefficient of ``t^k``.
    """
    L = len(layers)
    poly = [np.eye(layers[0].shape[1])]
    for Wl, Vl in zip(layers, V):
        new = [Wl @ poly[0]]
        for k in range(1, len(poly)):
            new.append(Wl @ poly[k] + Vl @ poly[k - 1])
        new.append(Vl @ poly[-1])
        poly = new
    D = residual(poly[0], M, mask)
    Wk = [p if mask is None else p * mask for p in poly]
    c = np.zeros(2 * L)
    for k in range(1, L + 1):
        c[k - 1] -= np.sum(D * Wk[k])
        for j in range(1, L + 1):
            c[k + j - 1] += 0.5 * np.sum(Wk[k] * Wk[j])
    return c

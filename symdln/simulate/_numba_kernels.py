"""numba kernels of :mod:`symdln.simulate._compiled` (imported only when the compiled path is used)."""
from __future__ import annotations

import numba as nb


@nb.njit(cache=True, inline="always")
def mm(A, B, out, ta=False):             # out[i,j,:] = sum_k A[i,k,:] B[k,j,:]  (A^T B: A[k,i,:] when ta)
    n = A.shape[1] if ta else A.shape[0]
    m = A.shape[0] if ta else A.shape[1]
    S = A.shape[2]
    p = B.shape[1]
    for i in range(n):
        for j in range(p):
            for s in range(S):
                out[i, j, s] = 0.0
            for k in range(m):
                if ta:
                    for s in range(S):
                        out[i, j, s] += A[k, i, s] * B[k, j, s]
                else:
                    for s in range(S):
                        out[i, j, s] += A[i, k, s] * B[k, j, s]


@nb.njit(cache=True, inline="always")
def add_mmt(A, B, out):                  # out[i,j,:] += sum_k A[i,k,:] B[j,k,:]  (A B^T)
    n, m, S = A.shape
    p = B.shape[0]
    for i in range(n):
        for j in range(p):
            for k in range(m):
                for s in range(S):
                    out[i, j, s] += A[i, k, s] * B[j, k, s]


@nb.njit(cache=True)
def sgd_chunk(Wl, X, Y, k0, k1, lr, H, g):
    """Steps ``k0..k1-1`` of minibatch SGD; ``X``, ``Y``: ``(C, D, b, S)`` padded batches."""
    L = Wl.shape[0]
    for k in range(k0, k1):
        H[0, :, :, :] = X[k]
        for l in range(1, L):
            mm(Wl[l - 1], H[l - 1], H[l])
        mm(Wl[L - 1], H[L - 1], g[L - 1])
        gl = g[L - 1]
        Yk = Y[k]
        for i in range(gl.shape[0]):
            for c in range(gl.shape[1]):
                for s in range(gl.shape[2]):
                    gl[i, c, s] = (Yk[i, c, s] - gl[i, c, s]) * lr
        for l in range(L - 2, -1, -1):
            mm(Wl[l + 1], g[l + 1], g[l], True)
        for l in range(L):
            add_mmt(g[l], H[l], Wl[l])


@nb.njit(cache=True)
def backproject_chunk(Wl, M, G, LZ, Z, k0, k1, scale, mode, Bel, A, W, Delta):
    """Steps ``k0..k1-1`` of ``W_l += W_{>l}^T R W_{<l}^T`` (+ ``Z[k, l]``):

    mode 0: ``R = scale * Delta`` (GD, isotropic Langevin drift); mode 1: ``R = Delta G[k]``;
    mode 2: ``R = Delta G[k] + LZ[k]``.  ``Z`` (``(C, L, D, D, S)``) is added when it has ``C > 0``.
    """
    L, D, _, S = Wl.shape
    for i in range(D):
        for j in range(D):
            for s in range(S):
                Bel[0, i, j, s] = 1.0 if i == j else 0.0
    for k in range(k0, k1):
        for l in range(1, L):
            mm(Wl[l - 1], Bel[l - 1], Bel[l])
        mm(Wl[L - 1], Bel[L - 1], W)
        for i in range(D):
            for j in range(D):
                for s in range(S):
                    Delta[i, j, s] = M[i, j] - W[i, j, s]
        AL = A[L - 1]
        if mode == 0:
            for i in range(D):
                for j in range(D):
                    for s in range(S):
                        AL[i, j, s] = scale * Delta[i, j, s]
        else:
            mm(Delta, G[k], AL)
            if mode == 2:
                LZk = LZ[k]
                for i in range(D):
                    for j in range(D):
                        for s in range(S):
                            AL[i, j, s] += LZk[i, j, s]
        for l in range(L - 2, -1, -1):
            mm(Wl[l + 1], A[l + 1], A[l], True)
        for l in range(L):
            add_mmt(A[l], Bel[l], Wl[l])
        if Z.shape[0] > 0:
            Zk = Z[k]
            for l in range(L):
                for i in range(D):
                    for j in range(D):
                        for s in range(S):
                            Wl[l, i, j, s] += Zk[l, i, j, s]

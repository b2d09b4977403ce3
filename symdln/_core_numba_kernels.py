"""numba kernels of :mod:`symdln._core_numba` (imported only when the compiled path is used)."""
from __future__ import annotations

import numba as nb
import numpy as np


_FM = {"reassoc", "contract"}       # reassociation lets the inner loops vectorise (rounding-level differences only)


@nb.njit(cache=True, fastmath=_FM)
def _mm(A, B, ta=False):
    """``A @ B`` (``A^T @ B`` when ``ta``, without forming ``A^T``) for small matrices; the innermost loop runs
    along rows of ``B`` and of the result (contiguous)."""
    k, n = (A.shape[0], A.shape[1]) if ta else (A.shape[1], A.shape[0])
    m = B.shape[1]
    C = np.zeros((n, m))
    for p in range(k):
        for i in range(n):
            a = A[p, i] if ta else A[i, p]
            for j in range(m):
                C[i, j] += a * B[p, j]
    return C


@nb.njit(cache=True, fastmath=_FM)
def _mv(A, x, y):
    """``y[:n] = A @ x`` (``A`` is ``n x m``); returns the view ``y[:n]``."""
    n, m = A.shape
    for i in range(n):
        s = 0.0
        for j in range(m):
            s += A[i, j] * x[j]
        y[i] = s
    return y[:n]


@nb.njit(cache=True, fastmath=_FM)
def _tmv(A, x, y):
    """``y[:m] = A^T @ x``; returns the view ``y[:m]``."""
    n, m = A.shape
    y[:m] = 0.0
    for i in range(n):
        xi = x[i]
        for j in range(m):
            y[j] += A[i, j] * xi
    return y[:m]


@nb.njit(cache=True, fastmath=_FM)
def _dot(x, y):
    """``x . y`` (equal lengths)."""
    s = 0.0
    for i in range(x.shape[0]):
        s += x[i] * y[i]
    return s


@nb.njit(cache=True, fastmath=_FM)
def _belows_delta(Ws, M):
    """``(Bs, Delta, dmax)``: ``Bs[l-2] = B_l = W_{<l}`` for ``l = 2..L`` (``[W_1]`` when ``L = 1``),
    ``Delta = M - W`` and the largest width."""
    L = len(Ws)
    Bs = [Ws[0].copy()]
    for l in range(3, L + 1):
        Bs.append(_mm(Ws[l - 2], Bs[l - 3]))
    D = M - (Bs[0] if L == 1 else _mm(Ws[L - 1], Bs[L - 2]))
    dmax = max(D.shape[0], D.shape[1])
    for w in Ws:
        dmax = max(dmax, w.shape[0])
    return Bs, D, dmax


@nb.njit(cache=True, fastmath=_FM)
def _pq(Ws, Bs, u, v, wk):
    """Rows ``P[l-1] = p_l = A_l A_l^T u`` and ``Q[l-1] = q_l = B_l^T B_l v``, with ``A_l^T u`` by the chain
    ``W_{l+1}^T A_{l+1}^T u`` and ``A_l x`` by ``W_L ... W_{l+1} x`` (work vectors ``wk``: ``(2, dmax)``)."""
    L = len(Ws)
    dL, d0 = u.shape[0], v.shape[0]
    R = np.empty((L, wk.shape[1]))                     # R[l-1, :d_l] = A_l^T u
    R[L - 1, :dL] = u
    for l in range(L - 1, 0, -1):
        _tmv(Ws[l], R[l], R[l - 1])
    P = np.empty((L, dL))
    Q = np.empty((L, d0))
    for l in range(1, L + 1):
        x = R[l - 1]
        for k in range(l + 1, L + 1):
            x = _mv(Ws[k - 1], x, wk[k % 2])
        P[l - 1] = x[:dL]
        if l == 1:
            Q[0] = v
        else:
            Q[l - 1] = _tmv(Bs[l - 2], _mv(Bs[l - 2], v, wk[0]), wk[1])
    return P, Q


@nb.njit(cache=True, fastmath=_FM)
def diffusion_single(Ws, M, Sq, ua, va, ub, vb, same, has_label):
    """``D_ab / (eta/b) = <G, Q_a^T Q_b> + <Q_a^T R_b, (Q_b^T R_a)^T>`` with ``R = Delta^T P`` and
    ``G = R_a^T R_b (+ P_a^T Sigma_q P_b)`` (the algebra of :func:`symdln.batched._diffusion_single`)."""
    Bs, D, dmax = _belows_delta(Ws, M)
    wk = np.empty((2, dmax))
    Pa, Qa = _pq(Ws, Bs, ua, va, wk)
    Pb, Qb = (Pa, Qa) if same else _pq(Ws, Bs, ub, vb, wk)   # same: mode b is mode a
    Ra = _mm(Pa, D)                                    # rows (Delta^T p_l)^T
    Rb = Ra if same else _mm(Pb, D)
    G = _mm(Ra, Rb.T)
    if has_label:
        G += _mm(_mm(Pa, Sq), Pb.T)
    QQ = _mm(Qa, Qb.T)
    X = _mm(Qa, Rb.T)
    Y = _mm(Ra, Qb.T)
    total = 0.0
    for i in range(G.shape[0]):
        for j in range(G.shape[1]):
            total += G[i, j] * QQ[i, j] + X[i, j] * Y[i, j]
    return total


@nb.njit(cache=True, fastmath=_FM)
def ito_single(Ws, M, Sq, u, v, has_label):
    """``sum_{l>m} [(W_b A_m^T s_l)^T (B_l q_m) + <W_b G_m, B_l> p_l^T Delta q_m]`` with ``A_m = W_{>m}``,
    ``B_l = W_{<l}``, ``W_b = W_{l-1} ... W_{m+1}``, ``G_m = A_m^T Delta``, ``p_l = A_l A_l^T u``,
    ``q_m = B_m^T B_m v``, ``s_l = (Delta Delta^T + Sigma_q) p_l`` (the algebra of
    :func:`symdln.batched._ito_single`).  ``A_m`` is never formed (its products are chains of
    matrix-vector products into work vectors) and ``G_m = W_{m+1}^T G_{m+1}``."""
    L = len(Ws)
    if L == 1:
        return 0.0
    Bs, D, dmax = _belows_delta(Ws, M)
    Gs = [D]                                           # Gs[L-m] = G_m = A_m^T Delta
    for m in range(L - 1, 0, -1):
        Gs.append(_mm(Ws[m], Gs[L - m - 1], True))
    wk = np.empty((3, dmax))                           # work vectors (ping-pong 0/1, 2 for B_l q_m)
    P, Q = _pq(Ws, Bs, u, v, wk)
    Sfull = _mm(D, D.T)
    if has_label:
        Sfull += Sq
    Y = np.empty((L, L, dmax))                         # Y[l-1, m-1, :d_m] = A_m^T s_l
    for l in range(2, L + 1):
        y = _mv(Sfull, P[l - 1], wk[0])                # s_l
        for m in range(L - 1, 0, -1):                  # A_m^T s_l = W_{m+1}^T A_{m+1}^T s_l
            y = _tmv(Ws[m], y, Y[l - 1, m - 1])
    total = 0.0
    for m in range(1, L):
        Ub = Gs[L - m]                                 # W_b G_m, advanced with l
        pDq = P @ _mv(D, Q[m - 1], wk[0])              # [l-1] = p_l^T Delta q_m
        for l in range(m + 1, L + 1):
            if l > m + 1:
                Ub = _mm(Ws[l - 2], Ub)
            Bl = Bs[l - 2]
            tr = 0.0
            for i in range(Bl.shape[0]):
                for j in range(Bl.shape[1]):
                    tr += Ub[i, j] * Bl[i, j]
            y = Y[l - 1, m - 1, :Ws[m - 1].shape[0]]   # W_b A_m^T s_l: W_{m+1}, ..., W_{l-1}
            for k in range(m, l - 1):
                y = _mv(Ws[k], y, wk[k % 2])
            total += _dot(y, _mv(Bl, Q[m - 1], wk[2])) + tr * pDq[l - 1]
    return total


@nb.njit(cache=True)
def outer_into(b, a, out):
    """``out[n, i, j] = b[n, i] * a[n, j]``: one pass over ``out``, written in memory order."""
    N, I = b.shape
    J = a.shape[1]
    for n in range(N):
        for i in range(I):
            bi = b[n, i]
            for j in range(J):
                out[n, i, j] = bi * a[n, j]


# -- stacks of states, states on the last (contiguous) axis: the thin products vectorise across states ------
@nb.njit(cache=True, fastmath=_FM)
def _mv3(A, x, ta):
    """``out[:, s] = A[:, :, s] @ x[:, s]`` (``A[:, :, s]^T`` when ``ta``) for every state ``s``."""
    p, q, n = A.shape
    out = np.zeros((q if ta else p, n))
    for i in range(p):
        for j in range(q):
            if ta:
                for s in range(n):
                    out[j, s] += A[i, j, s] * x[i, s]
            else:
                for s in range(n):
                    out[i, s] += A[i, j, s] * x[j, s]
    return out


@nb.njit(cache=True, fastmath=_FM)
def _pq3(Wl, u, v, p_from=1, q_to=-1):
    """``P[l-1] = p_l`` (``d_L x n``) for ``l >= p_from`` and ``Q[l-1] = q_l`` (``d_0 x n``) for ``l <= q_to``
    (default ``L``; the other rows are left unset) of every state, by the chains of :func:`_pq`
    (``r_l = W_{l+1}^T r_{l+1}``, ``c_l = W_{l-1} c_{l-1}``)."""
    L = len(Wl)
    n = Wl[0].shape[2]
    dL, d0 = u.shape[0], v.shape[0]
    r = np.empty((dL, n))
    for i in range(dL):
        r[i, :] = u[i]
    rs = [r]                                           # rs[L-l] = r_l = W_{>l}^T u
    for l in range(L - 1, 0, -1):
        rs.append(_mv3(Wl[l], rs[L - l - 1], True))
    c = np.empty((d0, n))
    for i in range(d0):
        c[i, :] = v[i]
    cs = [c]                                           # cs[l-1] = c_l = W_{<l} v
    for l in range(2, L + 1):
        cs.append(_mv3(Wl[l - 2], cs[l - 2], False))
    P = np.empty((L, dL, n))
    Q = np.empty((L, d0, n))
    for l in range(1, L + 1):
        if l >= p_from:
            x = rs[L - l]
            for j in range(l + 1, L + 1):
                x = _mv3(Wl[j - 1], x, False)
            P[l - 1] = x
        if q_to < 0 or l <= q_to:
            y = cs[l - 1]
            for j in range(l - 1, 0, -1):
                y = _mv3(Wl[j - 1], y, True)
            Q[l - 1] = y
    return P, Q


@nb.njit(cache=True, fastmath=_FM)
def _dot3(X, Y, out):
    """``out[s] = sum_i X[i, s] Y[i, s]`` for every state ``s``."""
    n = X.shape[1]
    for s in range(n):
        out[s] = 0.0
    for i in range(X.shape[0]):
        for s in range(n):
            out[s] += X[i, s] * Y[i, s]
    return out


@nb.njit(cache=True, fastmath=_FM)
def diffusion_states_last(Wl, D, Sq, U, V, has_label):
    """``[D_ab] / (eta/b)`` of every state, shape ``(n, k, k)``: the algebra of
    :func:`symdln.batched._diffusion_kernel` with ``Wl[l-1]`` of shape ``(d_l, d_{l-1}, n)`` and ``Delta`` of
    shape ``(d_L, d_0, n)`` (states last)."""
    L = len(Wl)
    n = Wl[0].shape[2]
    k = U.shape[1]
    d0 = D.shape[1]
    Ps = np.empty((k, L, D.shape[0], n))
    Qs = np.empty((k, L, d0, n))
    Rs = np.empty((k, L, d0, n))
    SPs = np.zeros((k, L, D.shape[0], n))
    for a in range(k):
        P, Q = _pq3(Wl, U[:, a].copy(), V[:, a].copy())
        Ps[a] = P
        Qs[a] = Q
        for l in range(L):
            Rs[a, l] = _mv3(D, P[l], True)             # Delta^T p_l
            if has_label:
                SPs[a, l] = Sq @ P[l]
    out = np.zeros((n, k, k))
    t1 = np.empty(n)
    t2 = np.empty(n)
    t3 = np.empty(n)
    t4 = np.empty(n)
    for a in range(k):
        for b in range(k):
            for l in range(L):
                for m in range(L):
                    _dot3(Rs[a, l], Rs[b, m], t1)
                    if has_label:
                        _dot3(Ps[a, l], SPs[b, m], t2)
                        for s in range(n):
                            t1[s] += t2[s]
                    _dot3(Qs[a, l], Qs[b, m], t2)
                    _dot3(Qs[a, l], Rs[b, m], t3)
                    _dot3(Qs[b, m], Rs[a, l], t4)
                    for s in range(n):
                        out[s, a, b] += t1[s] * t2[s] + t3[s] * t4[s]
    return out


@nb.njit(cache=True, fastmath=_FM)
def ito_states_last(Wl, D, Sq, T, U, V, has_label):
    """``0.5 tr(Sigma Hess w_a)`` (batch 1, eta 1) of every state, shape ``(n, k)``: the thin half of
    :func:`ito_single` with states last.  ``T[l-1, m-1, s] = <W_b G_m, B_l>`` (the trace factors, from the
    full products the caller did with BLAS); ``s_l = Delta (Delta^T p_l) + Sigma_q p_l``."""
    L = len(Wl)
    n = Wl[0].shape[2]
    k = U.shape[1]
    out = np.zeros((n, k))
    t1 = np.empty(n)
    t2 = np.empty(n)
    for a in range(k):
        P, Q = _pq3(Wl, U[:, a].copy(), V[:, a].copy(), 2, L - 1)      # p_1 and q_L do not enter
        Y = []                                             # Y[(l-2)*L + m-1] = A_m^T s_l
        for l in range(2, L + 1):
            y = _mv3(D, _mv3(D, P[l - 1], True), False)
            if has_label:
                y += Sq @ P[l - 1]
            ys = [y] * L
            for m in range(L - 1, 0, -1):
                y = _mv3(Wl[m], y, True)
                ys[m - 1] = y
            Y.extend(ys)
        for m in range(1, L):
            Dq = _mv3(D, Q[m - 1], False)                  # Delta q_m
            z = Q[m - 1]                                    # B_l q_m, advanced with l
            for l in range(2, L + 1):
                z = _mv3(Wl[l - 2], z, False)
                if l <= m:
                    continue
                y = Y[(l - 2) * L + m - 1]                  # then W_b A_m^T s_l
                for j in range(m + 1, l):
                    y = _mv3(Wl[j - 1], y, False)
                _dot3(y, z, t1)
                _dot3(P[l - 1], Dq, t2)
                for s in range(n):
                    out[s, a] += t1[s] + T[l - 1, m - 1, s] * t2[s]
    return out

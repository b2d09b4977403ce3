"""Modewise diffusion, Itô drift and exact noise draws for a *stack of states* (ensembles, sweeps).

A stack of ``n`` networks with the same widths is given as ``layers``: a list (index ``l-1``) of arrays of
shape ``(n, d_l, d_{l-1})`` (:func:`stack_states` builds it from DLNs); a single state (2-D layers) works too.
Every function here is the batched twin of one in :mod:`symdln.modes` / :mod:`symdln.noise` (tests compare
them state by state) and costs ``O(L^2 d^2 + L^2 d^3)`` per state with all states in one ``matmul`` per
product.  Public functions validate once per call; the ``_kernel`` functions do not validate and are
what the public functions of :mod:`symdln.modes` call on their hot path.

Structure (App. C-D): with ``p_l = W_{>l} W_{>l}^T u`` and ``q_l = W_{<l}^T W_{<l} v`` the directional
noise is ``<K, S>`` with ``K = P Q^T`` (``P = [p_l]``, ``Q = [q_l]``, rank ``<= L``), so with
``R = Delta^T P``

    D_ab / (eta/b) = sum[(R_a^T R_b) o (Q_a^T Q_b)] + sum[(Q_a^T R_b) o (Q_b^T R_a)^T] + sum[(P_a^T Sq P_b) o (Q_a^T Q_b)],

``L x L`` Gram matrices instead of ``d x d`` products.  The Itô drift ``(eta/2b) tr(Sigma Hess w)`` is
``sum_{l>m} [ s_l^T A_m W_b^T B_l q_m + tr(N_lm Delta) p_l^T Delta q_m ]`` with ``s_l = (Delta Delta^T + Sq) p_l``,
``N_lm = B_l^T W_b A_m^T`` and ``W_b = W_{l-1} ... W_{m+1}`` (see :func:`symdln.modes.ito_terms`).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from . import _core_numba
from ._partial_products import _belows, _partials
from ._validation import SymdlnInputError
from .network import DLN, Teacher

__all__ = ["stack_states", "diffusion_batch", "ito_drift_batch", "sample_noise_batch"]


def stack_states(nets: Sequence[DLN]) -> list[np.ndarray]:
    """``[W_l of every net]`` stacked: a list (index ``l-1``) of ``(n, d_l, d_{l-1})`` arrays."""
    nets = list(nets)
    if not nets or not all(isinstance(n, DLN) for n in nets):
        raise SymdlnInputError("nets must be a non-empty sequence of symdln.DLN")
    if len({n.widths for n in nets}) != 1:
        raise SymdlnInputError("all nets must have the same widths (d_0, ..., d_L)")
    return [np.stack([n.layers[l] for n in nets]) for l in range(nets[0].depth)]


def _check_stack(layers, teacher: Teacher) -> list[np.ndarray]:
    if isinstance(layers, DLN):
        layers = list(layers.layers)
    if not isinstance(teacher, Teacher):
        raise SymdlnInputError(f"teacher must be a symdln.Teacher; got {type(teacher).__name__}")
    try:
        Ws = [np.asarray(w, dtype=np.float64) for w in layers]
    except (TypeError, ValueError) as exc:
        raise SymdlnInputError("layers must be a list of (n, d_l, d_(l-1)) arrays (or a DLN)") from exc
    if not Ws or any(w.ndim not in (2, 3) or w.ndim != Ws[0].ndim for w in Ws):
        raise SymdlnInputError("layers must be a non-empty list of arrays, all (d_l, d_(l-1)) or all (n, d_l, d_(l-1))")
    if any(w.shape[:-2] != Ws[0].shape[:-2] for w in Ws):
        raise SymdlnInputError("every layer stack must hold the same number of states n")
    for i in range(1, len(Ws)):
        if Ws[i].shape[-1] != Ws[i - 1].shape[-2]:
            raise SymdlnInputError(f"widths do not chain at layer {i + 1}: {Ws[i].shape} after {Ws[i - 1].shape}")
    if Ws[0].shape[-1] != teacher.d_in or Ws[-1].shape[-2] != teacher.d_out:
        raise SymdlnInputError(f"the stack maps R^{Ws[0].shape[-1]} -> R^{Ws[-1].shape[-2]} but the teacher maps "
                               f"R^{teacher.d_in} -> R^{teacher.d_out}")
    if not all(np.isfinite(w).all() for w in Ws):
        raise SymdlnInputError("layers must be finite")
    return Ws


def _modes(teacher: Teacher, modes) -> np.ndarray:
    r = teacher.n_modes
    idx = np.arange(r) if modes is None else np.atleast_1d(np.asarray(modes))
    if idx.dtype.kind not in "iu" or idx.ndim != 1 or idx.size == 0 or idx.min() < 0 or idx.max() >= r:
        raise SymdlnInputError(f"modes must be mode indices in 0..{r - 1} (0-based); got {modes!r}")
    return idx


def _fac(eta, b) -> float:
    eta = float(eta)
    if not np.isfinite(eta) or eta <= 0:
        raise SymdlnInputError(f"eta must be a positive finite number; got {eta!r}")
    if isinstance(b, bool) or not isinstance(b, (int, np.integer)) or b < 1:
        raise SymdlnInputError(f"b (batch size) must be an integer >= 1; got {b!r}")
    return eta / int(b)


def _T(a: np.ndarray) -> np.ndarray:
    return np.swapaxes(a, -1, -2)


# -- unvalidated kernels --------------------------------------------------------------------------
def _pq(aboves, belows, U, V, batch):
    """``P[..., :, l*k:(l+1)*k] = p_l`` (``d_L x Lk``) and ``Q`` likewise (``d_0 x Lk``) for ``k`` modes."""
    P = [U if A is None else A @ (_T(A) @ U) for A in aboves]
    Q = [V if B is None else _T(B) @ (B @ V) for B in belows]
    shape = tuple(batch)
    return (np.concatenate([np.broadcast_to(x, shape + x.shape[-2:]) for x in P], axis=-1),
            np.concatenate([np.broadcast_to(x, shape + x.shape[-2:]) for x in Q], axis=-1))


def _diffusion_kernel(Ws, M, Sq, U, V, has_label: bool):
    """``[D_ab]/(eta/b)`` for the ``k`` modes ``U[:, a], V[:, a]``: shape ``(..., k, k)``."""
    L, k = len(Ws), U.shape[-1]
    aboves, belows, W = _partials(Ws)
    P, Q = _pq(aboves, belows, U, V, Ws[0].shape[:-2])                           # (..., dL, L k), (..., d0, L k)
    R = _T(M - W) @ P                                          # Delta^T P   (..., d0, L k)
    QtQ = _T(Q) @ Q
    QtR = _T(Q) @ R
    G = _T(R) @ R
    if has_label:
        G = G + _T(P) @ (Sq @ P)
    sh = G.shape[:-2] + (L, k, L, k)
    out = np.einsum("...lamb,...lamb->...ab", G.reshape(sh), QtQ.reshape(sh))
    out += np.einsum("...lamb,...mbla->...ab", QtR.reshape(sh), QtR.reshape(sh))
    return out


def _ito_kernel(Ws, M, Sq, U, V, has_label: bool):
    """``0.5 tr(Sigma Hess w_a)`` (batch 1, eta 1) for the ``k`` modes: shape ``(..., k)``."""
    L = len(Ws)
    aboves, belows, W = _partials(Ws)
    D = M - W
    k = U.shape[-1]
    P, Q = _pq(aboves, belows, U, V, Ws[0].shape[:-2])
    Sfull = D @ _T(D) + Sq if has_label else D @ _T(D)
    S = Sfull @ P                                              # s_l = (D D^T + Sq) p_l
    DQ = D @ Q                                                 # D q_m
    T = [_T(D) if A is None else _T(A) @ D for A in aboves]    # A_m^T D  (d_m x d0)
    out = np.zeros(Ws[0].shape[:-2] + (k,))             # L = 1: a linear model has no Hessian
    for m in range(1, L):
        Am = aboves[m - 1]
        sl_all = S if Am is None else _T(Am) @ S              # A_m^T s_l for all l  (d_m x L k)
        Ub = T[m - 1]                                          # W_b A_m^T D with W_b = I (l = m + 1)
        qm = Q[..., (m - 1) * k: m * k]
        dqm = DQ[..., (m - 1) * k: m * k]
        x = sl_all                                             # W_b A_m^T s_l, advanced with l
        for l in range(m + 1, L + 1):
            if l > m + 1:
                Wl1 = Ws[l - 2]
                Ub = Wl1 @ Ub
                x = Wl1 @ x
            Bl = belows[l - 1]
            Blq = qm if Bl is None else Bl @ qm               # B_l q_m  (d_{l-1} x k)
            sl = x[..., (l - 1) * k: l * k]
            first = np.sum(sl * Blq, axis=-2)                  # s_l^T A_m W_b^T B_l q_m
            trND = np.sum(Ub * Bl, axis=(-2, -1))             # tr(N_lm Delta); B_l exists for l >= 2
            pl = P[..., (l - 1) * k: l * k]
            out = out + first + trND[..., None] * np.sum(pl * dqm, axis=-2)
    return out


_RSQRT2 = 1.0 / np.sqrt(2.0)


def _s_from_normals(D, R, Z):
    """``S = Delta G + R Z_2`` with ``G = (Z_1 + Z_1^T)/sqrt 2`` from normals ``Z`` (``..., d0 [+ dL], d0``; rows
    ``:d0`` are ``Z_1``, the rest ``Z_2``; ``R is None`` means ``Sigma_q = 0``)."""
    d0 = D.shape[-1]
    Z1 = Z[..., :d0, :]
    G = Z1 + _T(Z1)
    G *= _RSQRT2
    S = D @ G
    if R is not None:
        S += R @ Z[..., d0:, :]
    return S


def _noise_kernel(Ws, M, R, Z):
    """Layer noises ``xi_l = W_{>l}^T S W_{<l}^T`` with ``S = Delta G + R Z_2``, ``G = (Z_1 + Z_1^T)/sqrt 2``,
    from normals ``Z`` (``..., d0 [+ dL], d0``; rows ``:d0`` are ``Z_1``).  ``W_{>l}^T S`` is the chain
    ``W_{l+1}^T (W_{>l+1}^T S)`` (no ``W_{>l}`` is formed): ``2L - 1`` products plus the ``L - 1`` of ``W``."""
    L = len(Ws)
    belows, W = _belows(Ws)
    S = _s_from_normals(M - W, R, Z)
    out = [S] * L
    T = S                                                        # T = W_{>l}^T S, from l = L down
    for l in range(L, 0, -1):
        if l < L:
            T = _T(Ws[l]) @ T
        B = belows[l - 1]
        out[l - 1] = T if B is None else T @ _T(B)
    return out


# -- public, validated ------------------------------------------------------------------------------
def _prepare(layers, teacher, modes, eta, b, backend):
    """Validated inputs of the batched mode kernels: ``(Ws, eta/b, Sigma_q, U_k, V_k, compiled?)``."""
    Ws = _check_stack(layers, teacher)
    fac = _fac(eta, b)
    idx = _modes(teacher, modes)
    compiled = backend != "numpy" and _core_numba.use_compiled(backend, 1, 1)     # validates backend
    return Ws, fac, teacher.Sigma_q, teacher.U[:, idx], teacher.V[:, idx], compiled


def diffusion_batch(layers, teacher: Teacher, modes=None, *, eta: float = 1.0, b: int = 1,
                    backend: str = "numpy") -> np.ndarray:
    """``D_{ab} = (eta/b) a_a^T Sigma a_b`` for every state of the stack: shape ``(n, k, k)`` for the ``k``
    requested ``modes`` (0-based; default all), ``(k, k)`` for 2-D layers.  Matches
    :func:`symdln.modes.diffusion` state by state; never forms ``Sigma``.  ``backend="numba"`` (or "auto"
    with numba installed) runs the compiled stack kernel (states on the last axis; equal to rounding)."""
    Ws, fac, Sq, U, V, compiled = _prepare(layers, teacher, modes, eta, b, backend)
    if compiled and Ws[0].ndim == 3:
        D = teacher.M - _belows(Ws)[1]
        return fac * _core_numba.diffusion_stack(Ws, D, Sq, U, V, bool(Sq.any()))
    return fac * _diffusion_kernel(Ws, teacher.M, Sq, U, V, bool(Sq.any()))


def ito_drift_batch(layers, teacher: Teacher, modes=None, *, eta: float = 1.0, b: int = 1,
                    backend: str = "numpy") -> np.ndarray:
    """Itô drift ``(eta/2b) tr(Sigma Hess w_a)`` for every state and requested mode: shape ``(n, k)``
    (``(k,)`` for 2-D layers).  Matches :func:`symdln.modes.ito_drift` state by state.  ``backend`` as in
    :func:`diffusion_batch`."""
    Ws, fac, Sq, U, V, compiled = _prepare(layers, teacher, modes, eta, b, backend)
    if compiled and Ws[0].ndim == 3 and len(Ws) > 1:
        return fac * _core_numba.ito_stack(Ws, teacher.M, Sq, U, V, bool(Sq.any()))
    return fac * _ito_kernel(Ws, teacher.M, Sq, U, V, bool(Sq.any()))


def sample_noise_batch(layers, teacher: Teacher, rng=None, *, normals=None) -> list[np.ndarray]:
    """One exact-covariance noise draw per state (batch size 1): list of ``(n, d_l, d_{l-1})`` arrays with
    ``Cov(vec xi) = Sigma(theta)`` of each state, as :func:`symdln.noise.sample_noise`.  ``normals`` (shape
    ``(n, d_0 [+ d_L], d_0)``, the ``d_L`` rows only with label noise) replaces the generator's draw."""
    Ws = _check_stack(layers, teacher)
    d0, dL = Ws[0].shape[-1], Ws[-1].shape[-2]
    R = teacher.label_factor
    rows = d0 + (0 if R is None else dL)
    batch = Ws[0].shape[:-2]
    if normals is None:
        Z = np.random.default_rng(rng).standard_normal(batch + (rows, d0))
    else:
        Z = np.asarray(normals, dtype=np.float64)
        if Z.shape != batch + (rows, d0):
            raise SymdlnInputError(f"normals must have shape {batch + (rows, d0)}; got {Z.shape}")
    return _noise_kernel(Ws, teacher.M, R, Z)


# -- one state, one mode: the same algebra with 1-D vectors (fewest NumPy calls; the hot path of modes) --
def _pq_single(aboves, belows, u, v):
    """Rows ``P[l-1] = p_l = A A^T u`` (``L x d_L``) and ``Q[l-1] = q_l = B^T B v`` (``L x d_0``)."""
    L = len(aboves)
    P = np.empty((L, u.shape[0]))
    Q = np.empty((L, v.shape[0]))
    for i, (A, B) in enumerate(zip(aboves, belows)):
        P[i] = u if A is None else A @ (u @ A)
        Q[i] = v if B is None else (B @ v) @ B
    return P, Q


def _diffusion_single(Ws, M, Sq, ua, va, ub, vb, has_label: bool) -> float:
    """``D_ab / (eta/b)`` for one state (2-D layers); ``ub is None`` means ``b = a``."""
    aboves, belows, W = _partials(Ws)
    D = M - W
    Pa, Qa = _pq_single(aboves, belows, ua, va)                  # rows p_l, q_l
    Pb, Qb = (Pa, Qa) if ub is None else _pq_single(aboves, belows, ub, vb)
    Ra = Pa @ D                                                  # R_a^T = P_a^T Delta  (L x d0)
    Rb = Ra if ub is None else Pb @ D
    G = Ra @ Rb.T
    if has_label:
        G += (Pa @ Sq) @ Pb.T
    X = Qa @ Rb.T                                                # Q_a^T R_b
    Y = Ra @ Qb.T                                                # (Q_b^T R_a)^T
    return float(np.vdot(G, Qa @ Qb.T) + np.vdot(X, Y))


def _ito_single(Ws, M, Sq, u, v, has_label: bool) -> float:
    """``0.5 tr(Sigma Hess w)`` (batch 1, eta 1) for one state and one mode."""
    L = len(Ws)
    if L == 1:
        return 0.0
    aboves, belows, W = _partials(Ws)
    D = M - W
    P, Q = _pq_single(aboves, belows, u, v)                      # rows p_l, q_l
    Sfull = D @ D.T
    if has_label:
        Sfull += Sq
    S = P @ Sfull                                                # rows s_l^T (Sfull symmetric)
    DQ = Q @ D.T                                                 # rows (Delta q_m)^T
    PDQ = P @ DQ.T                                               # [l, m] = p_l^T Delta q_m
    BQ = [None] + [B @ Q.T for B in belows[1:]]                  # [l-1][:, m-1] = B_l q_m
    total = 0.0
    for m in range(1, L):
        Am = aboves[m - 1]
        x = S if Am is None else S @ Am                          # rows (A_m^T s_l)^T
        Ub = D.T if Am is None else Am.T @ D                     # A_m^T Delta
        for l in range(m + 1, L + 1):
            if l > m + 1:
                Wl1 = Ws[l - 2]
                Ub = Wl1 @ Ub
                x = x @ Wl1.T
            total += x[l - 1] @ BQ[l - 1][:, m - 1] + np.vdot(Ub, belows[l - 1]) * PDQ[l - 1, m - 1]
    return float(total)

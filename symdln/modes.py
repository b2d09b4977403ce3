"""Modewise quantities of the SGD diffusion limit: mode Jacobian, drifts, diffusion (Props. 3.3-3.4, App. C-D).

Mode ``alpha`` is an index into the teacher's modes, **0-based** like ``mode_amplitudes(net, teacher)[alpha]``
(the paper writes ``alpha = 1..r``).  ``w_alpha = u_alpha^T W v_alpha`` is multilinear in the layers.

Structure (see ``docs/conventions.md``): with ``A_l = (W_{>l}^T u)(W_{<l} v)^T`` (Prop. 3.3) the
directional noise is ``<a, xi> = sum_l <A_l, W_{>l}^T S W_{<l}^T> = <K, S>`` where

    K = sum_l W_{>l} A_l W_{<l} = sum_l (W_{>l} W_{>l}^T u)(W_{<l}^T W_{<l} v)^T      (d_L x d_0),

so ``D_ab = (eta/b) Cov(<K_a,S>, <K_b,S>)
          = (eta/b) [<Delta^T K_a, Delta^T K_b> + tr(Delta^T K_a Delta^T K_b) + tr(K_a^T Sigma_q K_b)]``.
The Ito drift ``(eta/2b) tr(Sigma Hess w_a)`` (Prop. 3.4) reduces, with
``E[S N S] = Delta Delta^T N^T + tr(N Delta) Delta + Sigma_q N^T``, to a sum over layer pairs of
``d x d`` products: ``O(L^2 d^3)``.  Dense references (``*_dense``) form ``Sigma`` and the Hessian and are
for small sizes and tests only.

Sign: the gradient drift of ``w_a`` is ``-sum_l <A_l, G_l> = <K, Delta>``; Prop. 3.4 prints it with a minus
sign in front of ``(v kron u)^T sum_l K_l delta``, which is wrong (reproduced by the tests).
"""
from __future__ import annotations

import numpy as np

from . import _core_numba
from ._validation import SymdlnInputError, as_vector, check_positive
from .network import DLN, Teacher, vec
from .batched import _diffusion_single, _ito_single
from .noise import _check_pair, population_gradient, sigma_dense

__all__ = [
    "mode_jacobian", "mode_vector", "ntk_direction", "gradient_drift", "diffusion", "diffusion_matrix",
    "ito_drift", "mode_hessian_dense", "diffusion_dense", "ito_drift_dense", "mode_vectors",
]


# -- argument checks ---------------------------------------------------------------------------
def _check_uv(net: DLN, u, v) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(net, DLN):
        raise SymdlnInputError(f"net must be a symdln.DLN; got {type(net).__name__}")
    return as_vector("u", u, net.d_out), as_vector("v", v, net.d_in)


def _check_alpha(teacher: Teacher, alpha, name: str = "alpha") -> int:
    r = teacher.n_modes
    if isinstance(alpha, bool) or not isinstance(alpha, (int, np.integer)) or not 0 <= alpha < r:
        raise SymdlnInputError(f"{name} must be a mode index in 0..{r - 1} (0-based, r = {r} teacher modes); "
                               f"got {alpha!r}")
    return int(alpha)


def _check_eta_b(eta, b) -> float:
    if type(eta) is float and type(b) is int and 0.0 < eta < np.inf and b >= 1:    # common case, same test
        return eta / b
    eta = check_positive("eta", eta)
    if isinstance(b, bool) or not isinstance(b, (int, np.integer)) or b < 1:
        raise SymdlnInputError(f"b (batch size) must be an integer >= 1; got {b!r}")
    return eta / int(b)


def mode_vectors(teacher: Teacher, alpha: int) -> tuple[np.ndarray, np.ndarray]:
    """``(u_alpha, v_alpha)`` for a 0-based mode index."""
    a = _check_alpha(teacher, alpha)
    return teacher.U[:, a], teacher.V[:, a]


# -- first-order objects -----------------------------------------------------------------------
def mode_jacobian(net: DLN, u, v) -> list[np.ndarray]:
    """``A_l = d(u^T W v)/dW_l = (W_{>l}^T u)(W_{<l} v)^T`` for ``l = 1..L`` (Prop. 3.3, App. D Eq. 24)."""
    u, v = _check_uv(net, u, v)
    aboves, belows = net.partials()
    return [np.outer(A.T @ u, B @ v) for A, B in zip(aboves, belows)]


def mode_vector(net: DLN, u, v) -> np.ndarray:
    """Stacked ``a = (vec A_1; ...; vec A_L)``, length ``P`` (Prop. 3.3)."""
    return np.concatenate([vec(A) for A in mode_jacobian(net, u, v)])


def _pq(net: DLN, u: np.ndarray, v: np.ndarray, parts=None):
    """``p_l = W_{>l} W_{>l}^T u`` (d_L) and ``q_l = W_{<l}^T W_{<l} v`` (d_0), lists indexed ``l-1``."""
    aboves, belows = parts or net.partials()
    return ([A @ (A.T @ u) for A in aboves], [B.T @ (B @ v) for B in belows])


def ntk_direction(net: DLN, u, v) -> np.ndarray:
    """``K = sum_l W_{>l} W_{>l}^T u v^T W_{<l}^T W_{<l}`` (``d_L x d_0``): ``vec K = sum_l K_l (v kron u)``
    with the layer NTK ``K_l = J_l J_l^T`` (Prop. 3.3); the directional noise is ``<a, xi> = <K, S>``."""
    u, v = _check_uv(net, u, v)
    return _ntk(net.partials(), u, v)


def _ntk(parts, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    aboves, belows = parts
    Pm = np.stack([A @ (A.T @ u) for A in aboves], axis=1)      # columns p_l  (d_L x L)
    Qm = np.stack([B.T @ (B @ v) for B in belows], axis=1)      # columns q_l  (d_0 x L)
    return Pm @ Qm.T


# -- drifts and diffusion ----------------------------------------------------------------------
def gradient_drift(net: DLN, teacher: Teacher, alpha: int) -> float:
    """Gradient-flow drift of ``w_alpha``: ``-sum_l <A_l, G_l>`` (App. D Eq. 27), ``= <K_alpha, Delta>``."""
    _check_pair(net, teacher)
    u, v = mode_vectors(teacher, alpha)
    return -float(sum(np.sum(A * G) for A, G in zip(mode_jacobian(net, u, v), population_gradient(net, teacher))))


def _diffusion_core(D: np.ndarray, Sq: np.ndarray, Ka: np.ndarray, Kb: np.ndarray) -> float:
    Ea, Eb = D.T @ Ka, D.T @ Kb
    return float(np.sum(Ea * Eb) + np.sum(Ea * Eb.T) + np.sum(Ka * (Sq @ Kb)))


def diffusion(net: DLN, teacher: Teacher, alpha: int, beta: int | None = None, *,
              eta: float = 1.0, b: int = 1, backend: str = "numpy") -> float:
    """``D_alpha = (eta/b) a_alpha^T Sigma a_alpha`` or ``D_{alpha beta} = (eta/b) a_alpha^T Sigma a_beta``
    (Prop. 3.3, App. C Eq. 28-29), without ``Sigma``:
    ``(eta/b)[<Delta^T K_a, Delta^T K_b> + tr(Delta^T K_a Delta^T K_b) + tr(K_a^T Sigma_q K_b)]``.
    ``backend`` as in :func:`ito_drift` ("numba": the compiled single-state kernel)."""
    _check_pair(net, teacher)
    fac = _check_eta_b(eta, b)
    ua, va = mode_vectors(teacher, alpha)
    same = beta is None or _check_alpha(teacher, beta, "beta") == alpha
    ub, vb = (None, None) if same else mode_vectors(teacher, beta)
    Sq, lab = teacher.Sigma_q, teacher.label_factor is not None
    if backend != "numpy" and _core_numba.use_compiled(backend, 1, 1):
        return fac * _core_numba.diffusion_single(net.layers, teacher.M, Sq, ua, va, ub, vb, lab)
    return fac * _diffusion_single(net.layers, teacher.M, Sq, ua, va, ub, vb, lab)


def diffusion_matrix(net: DLN, teacher: Teacher, *, eta: float = 1.0, b: int = 1) -> np.ndarray:
    """The ``r x r`` matrix ``[D_{alpha beta}]`` (symmetric PSD)."""
    _check_pair(net, teacher)
    fac = _check_eta_b(eta, b)
    parts = net.partials()
    D = teacher.M - parts[0][0] @ net.layers[0]
    Ks = [_ntk(parts, teacher.U[:, a], teacher.V[:, a]) for a in range(teacher.n_modes)]
    r = len(Ks)
    out = np.empty((r, r))
    for i in range(r):
        for j in range(i, r):
            out[i, j] = out[j, i] = fac * _diffusion_core(D, teacher.Sigma_q, Ks[i], Ks[j])
    return out


def _betweens(net: DLN) -> dict[tuple[int, int], np.ndarray]:
    """``W_{l-1:m+1}`` for all ``l > m`` (1-based keys), built incrementally: O(L^2) products."""
    out = {}
    for m in range(1, net.depth):
        cur = np.eye(net.widths[m])
        out[(m + 1, m)] = cur
        for l in range(m + 2, net.depth + 1):
            cur = net.layers[l - 2] @ cur
            out[(l, m)] = cur
    return out


def ito_terms(net: DLN, teacher: Teacher, alpha: int) -> tuple[float, float, float]:
    """The three parts of ``0.5 tr(Sigma Hess w_alpha) = sum_{l>m} p_l^T E[S N_lm S] q_m`` (batch 1, eta 1):

    ``(data, trace, label)`` with ``E[S N S] = Delta Delta^T N^T + tr(N Delta) Delta + Sigma_q N^T`` and
    ``N_lm = W_{<l}^T W_{l-1:m+1} W_{>m}^T``.  The ``trace`` part couples mode ``alpha`` to every other mode.
    """
    _check_pair(net, teacher)
    u, v = mode_vectors(teacher, alpha)
    parts = net.partials()
    aboves, belows = parts
    p, q = _pq(net, u, v, parts)
    D = teacher.M - aboves[0] @ net.layers[0]
    DDt = D @ D.T
    data = trace = label = 0.0
    for (l, m), Wb in _betweens(net).items():
        N = belows[l - 1].T @ Wb @ aboves[m - 1].T          # d_0 x d_L
        Ntq = N.T @ q[m - 1]
        data += p[l - 1] @ (DDt @ Ntq)
        label += p[l - 1] @ (teacher.Sigma_q @ Ntq)
        trace += np.sum(N * D.T) * (p[l - 1] @ (D @ q[m - 1]))
    return float(data), float(trace), float(label)


def ito_drift(net: DLN, teacher: Teacher, alpha: int, *, eta: float = 1.0, b: int = 1,
              backend: str = "numpy") -> float:
    """Ito drift ``(eta/(2b)) tr(Sigma Hess w_alpha)`` of Prop. 3.4 (App. D Eq. 27), structured, O(L^2 d^3).

    ``backend="numba"`` runs the compiled single-state kernel (``symdln[fast]``; same algebra, equal to the
    NumPy kernel to rounding), ``"auto"`` uses it when numba is installed; the default is NumPy (no numba
    import and no compilation for a one-off call)."""
    fac = _check_eta_b(eta, b)
    _check_pair(net, teacher)
    u, v = mode_vectors(teacher, alpha)
    args = (net.layers, teacher.M, teacher.Sigma_q, u, v, teacher.label_factor is not None)
    if backend != "numpy" and _core_numba.use_compiled(backend, 1, 1):
        return fac * _core_numba.ito_single(*args)
    return fac * _ito_single(*args)


# -- dense references (small sizes, tests) ------------------------------------------------------
def mode_hessian_dense(net: DLN, u, v) -> np.ndarray:
    """Dense ``P x P`` Hessian of ``u^T W v`` from Prop. 3.4's block formula: for ``l > m``
    ``H_lm = (W_{l-1:m+1} kron W_{>l}^T u)(v^T W_{<m}^T kron I_{d_m})``, ``H_ml = H_lm^T``, ``H_ll = 0``."""
    u, v = _check_uv(net, u, v)
    aboves, belows = net.partials()
    ws, L = net.widths, net.depth
    sizes = [ws[i] * ws[i + 1] for i in range(L)]
    off = np.concatenate([[0], np.cumsum(sizes)])
    H = np.zeros((off[-1], off[-1]))
    for (l, m), Wb in _betweens(net).items():
        blk = np.kron(Wb, (aboves[l - 1].T @ u)[:, None]) @ np.kron((belows[m - 1] @ v)[None, :], np.eye(ws[m]))
        H[off[l - 1]:off[l], off[m - 1]:off[m]] = blk
        H[off[m - 1]:off[m], off[l - 1]:off[l]] = blk.T
    return H


def diffusion_dense(net: DLN, teacher: Teacher, alpha: int, beta: int | None = None, *,
                    eta: float = 1.0, b: int = 1) -> float:
    """Reference ``(eta/b) a_alpha^T Sigma a_beta`` with the dense ``Sigma`` (small sizes only)."""
    _check_pair(net, teacher)
    fac = _check_eta_b(eta, b)
    beta = alpha if beta is None else beta
    aa = mode_vector(net, *mode_vectors(teacher, alpha))
    ab = mode_vector(net, *mode_vectors(teacher, _check_alpha(teacher, beta, "beta")))
    return fac * float(aa @ sigma_dense(net, teacher) @ ab)


def ito_drift_dense(net: DLN, teacher: Teacher, alpha: int, *, eta: float = 1.0, b: int = 1) -> float:
    """Reference ``(eta/(2b)) tr(Sigma H)`` with dense ``Sigma`` and Hessian ``H`` (small sizes only)."""
    _check_pair(net, teacher)
    fac = _check_eta_b(eta, b)
    H = mode_hessian_dense(net, *mode_vectors(teacher, alpha))
    return 0.5 * fac * float(np.sum(sigma_dense(net, teacher) * H))

"""Batched kernels for ensembles of ``S`` deep linear networks (one array computation per step).

The ensemble state is one stacked array ``Wst`` of shape ``(S, L, D, D)`` with ``D = max_l d_l``:
``Wst[s, l-1]`` holds ``W_l`` of trajectory ``s`` in its top-left ``(d_l, d_{l-1})`` block, zeros
elsewhere.  Zero padding is exact for every update used here (all updates are products of the
padded layers, the padded input ``X`` and the padded error ``Delta``), so rectangular networks use
the same code path as square ones, and all ``L`` per-layer updates fuse into one stacked ``matmul``.

This module is the *second code path* for the quantities of ``symdln.noise`` / ``symdln.modes``
(tests compare the two):

* population gradient ``G_l = -W_{>l}^T Delta W_{<l}^T`` (Prop. 3.1, App. B, with the corrected
  Jacobian ``W_{<l}^T kron W_{>l}``; ``Delta = M - W``);
* one-sample gradient noise ``xi_l = W_{>l}^T S W_{<l}^T`` with the exact-covariance sampler
  ``S = Delta G + Sigma_q^(1/2) Z_2``, ``G = (Z_1 + Z_1^T)/sqrt 2`` (App. B; ``Cov(vec S) =
  (I kron Delta)(I + C)(I kron Delta)^T + I kron Sigma_q``);
* modewise diffusion ``D_ab = eta a_a^T Sigma_b a_b`` (Prop. 3.3) through
  ``K_a = sum_l W_{>l} W_{>l}^T u_a v_a^T W_{<l}^T W_{<l}``:
  ``D_ab = (eta/b)[<Delta^T K_a, Delta^T K_b> + tr(Delta^T K_a Delta^T K_b) + tr(K_a^T Sigma_q K_b)]``.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from .._validation import SymdlnInputError
from ..network import DLN, Teacher

__all__ = [
    "stack_nets", "stack_layers", "unstack", "pad", "belows", "aboves", "end_to_end",
    "population_gradient", "minibatch_gradient", "sample_symmetric", "structured_S",
    "anisotropic_noise", "mode_diffusion", "sqrt_psd",
]


def pad(A: np.ndarray, D: int) -> np.ndarray:
    """Zero-pad the last two axes of ``A`` to ``(D, D)``."""
    r, c = A.shape[-2:]
    if (r, c) == (D, D):
        return np.array(A, dtype=np.float64)
    out = np.zeros(A.shape[:-2] + (D, D))
    out[..., :r, :c] = A
    return out


def stack_layers(layers: Sequence[np.ndarray]) -> tuple[np.ndarray, tuple[int, ...]]:
    """``layers[l-1]`` of shape ``(S, d_l, d_{l-1})`` -> ``(Wst (S, L, D, D), widths)``."""
    widths = (layers[0].shape[-1],) + tuple(W.shape[-2] for W in layers)
    D = max(widths)
    S = layers[0].shape[0]
    Wst = np.zeros((S, len(layers), D, D))
    for l, W in enumerate(layers):
        Wst[:, l, : W.shape[-2], : W.shape[-1]] = W
    return Wst, widths


def stack_nets(net0, n_traj: int) -> tuple[np.ndarray, tuple[int, ...]]:
    """A DLN repeated ``n_traj`` times, or a list of ``n_traj`` DLNs, as a stacked ensemble."""
    if isinstance(net0, DLN):
        nets = [net0] * int(n_traj)
    else:
        try:
            nets = list(net0)
        except TypeError as exc:
            raise SymdlnInputError("net0 must be a DLN or a list of DLNs (one per trajectory)") from exc
        if not all(isinstance(n, DLN) for n in nets) or not nets:
            raise SymdlnInputError("net0 must be a DLN or a non-empty list of DLNs (one per trajectory)")
        if n_traj not in (1, len(nets)):
            raise SymdlnInputError(f"n_traj={n_traj} but net0 lists {len(nets)} networks; give n_traj=1 or {len(nets)}")
        if len({n.widths for n in nets}) != 1:
            raise SymdlnInputError("all networks in net0 must have the same widths (d_0, ..., d_L)")
    L = nets[0].depth
    layers = [np.stack([n.layers[l] for n in nets]) for l in range(L)]
    return stack_layers(layers)


def unstack(Wst: np.ndarray, widths: Sequence[int]) -> list[np.ndarray]:
    """Inverse of :func:`stack_layers` (copies); works with extra leading axes."""
    return [np.array(Wst[..., l, : widths[l + 1], : widths[l]]) for l in range(len(widths) - 1)]


def belows(Wst: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(Bel, W)``: ``Bel[:, l-1] = W_{<l}`` (padded, identity for ``l = 1``) and ``W = W_L ... W_1``."""
    S, L, D, _ = Wst.shape
    Bel = np.empty_like(Wst)
    Bel[:, 0] = np.eye(D)
    for l in range(1, L):
        np.matmul(Wst[:, l - 1], Bel[:, l - 1], out=Bel[:, l])
    return Bel, Wst[:, L - 1] @ Bel[:, L - 1]


def aboves(Wst: np.ndarray) -> np.ndarray:
    """``Ab[:, l-1] = W_{>l}`` (padded, identity for ``l = L``)."""
    S, L, D, _ = Wst.shape
    Ab = np.empty_like(Wst)
    Ab[:, L - 1] = np.eye(D)
    for l in range(L - 2, -1, -1):
        np.matmul(Ab[:, l + 1], Wst[:, l + 1], out=Ab[:, l])
    return Ab


def end_to_end(Wst: np.ndarray) -> np.ndarray:
    out = Wst[:, 0]
    for l in range(1, Wst.shape[1]):
        out = Wst[:, l] @ out
    return out


def _back_project(Wst: np.ndarray, R: np.ndarray, Bel: np.ndarray) -> np.ndarray:
    """``out[:, l-1] = W_{>l}^T R W_{<l}^T`` for every layer (one stacked matmul at the end)."""
    S, L, D, _ = Wst.shape
    A = np.empty_like(Wst)
    A[:, L - 1] = R
    for l in range(L - 2, -1, -1):
        np.matmul(Wst[:, l + 1].transpose(0, 2, 1), A[:, l + 1], out=A[:, l])
    return np.matmul(A, Bel.transpose(0, 1, 3, 2))


def population_gradient(Wst: np.ndarray, M: np.ndarray) -> np.ndarray:
    """Stacked ``G_l = -W_{>l}^T (M - W) W_{<l}^T`` (the gradient of the population loss)."""
    Bel, W = belows(Wst)
    return -_back_project(Wst, pad(M, Wst.shape[-1]) - W, Bel)


def minibatch_gradient(Wst: np.ndarray, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Gradient of ``(1/2b) sum_i |Y_i - W X_i|^2``; ``X`` ``(S, D, b)``, ``Y`` ``(S, D, b)`` padded.

    Forward activations ``H_{l-1} = W_{<l} X`` and back-propagated errors ``g_l = W_{>l}^T (Y - W X)``
    are matrix-vector products (``b`` columns), so a step costs ``O(L d^2 b)``, not ``O(L d^3)``.
    """
    S, L, D, _ = Wst.shape
    b = X.shape[-1]
    H = np.empty((S, L, D, b))
    H[:, 0] = X
    for l in range(1, L):
        np.matmul(Wst[:, l - 1], H[:, l - 1], out=H[:, l])
    g = np.empty_like(H)
    g[:, L - 1] = Y - Wst[:, L - 1] @ H[:, L - 1]
    for l in range(L - 2, -1, -1):
        np.matmul(Wst[:, l + 1].transpose(0, 2, 1), g[:, l + 1], out=g[:, l])
    return np.matmul(g, H.transpose(0, 1, 3, 2)) * (-1.0 / b)


def sample_symmetric(rng: np.random.Generator, shape: tuple, d0: int, D: int) -> np.ndarray:
    """``G = (Z_1 + Z_1^T)/sqrt 2`` with only ``d0 (d0+1)/2`` normals: off-diagonal N(0,1), diagonal N(0,2).

    Returned zero-padded to ``shape + (D, D)``.
    """
    iu = np.triu_indices(d0)
    z = rng.standard_normal(shape + (iu[0].size,))
    G = np.zeros(shape + (D, D))
    G[..., iu[0], iu[1]] = z
    G[..., iu[1], iu[0]] = z
    diag = np.arange(d0)
    G[..., diag, diag] *= np.sqrt(2.0)
    return G


def sqrt_psd(A: np.ndarray) -> np.ndarray:
    """Symmetric PSD square root (eigendecomposition; negative round-off eigenvalues clipped)."""
    lam, Q = np.linalg.eigh(A)
    return (Q * np.sqrt(np.clip(lam, 0.0, None))) @ Q.T


def structured_S(Delta: np.ndarray, G: np.ndarray, sqrt_Sq: np.ndarray | None, Z2: np.ndarray | None) -> np.ndarray:
    """The exact-covariance sample ``S = Delta G + Sigma_q^(1/2) Z_2`` (batched)."""
    S = Delta @ G
    if sqrt_Sq is not None:
        S += sqrt_Sq @ Z2
    return S


def anisotropic_noise(Wst: np.ndarray, M: np.ndarray, sqrt_Sq: np.ndarray | None, widths: Sequence[int],
                      rng: np.random.Generator) -> np.ndarray:
    """One draw of the one-sample gradient noise ``xi_l = W_{>l}^T S W_{<l}^T`` per trajectory (stacked).

    ``Cov(vec xi) = Sigma(theta)`` exactly (App. B); no ``P x P`` matrix is formed.
    """
    S_, L, D, _ = Wst.shape
    Bel, W = belows(Wst)
    G = sample_symmetric(rng, (S_,), widths[0], D)
    Z2 = None
    if sqrt_Sq is not None:
        Z2 = np.zeros((S_, D, D))
        Z2[:, : widths[-1], : widths[0]] = rng.standard_normal((S_, widths[-1], widths[0]))
    if sqrt_Sq is not None:
        sqrt_Sq = pad(sqrt_Sq, D)
    return _back_project(Wst, structured_S(pad(M, D) - W, G, sqrt_Sq, Z2), Bel)


def mode_diffusion(Wst: np.ndarray, teacher: Teacher, *, eta: float, b: float = 1.0) -> np.ndarray:
    """``D_ab = eta a_a^T Sigma_b a_b`` for every trajectory (Prop. 3.3), shape ``(S, r, r)``; O(L d^3).

    ``a_a`` is the gradient of ``w_a = u_a^T W v_a``; ``Sigma_b = Sigma / b``.
    """
    S_, L, D, _ = Wst.shape
    U, V = pad_rows(teacher.U, D), pad_rows(teacher.V, D)
    M = pad(teacher.M, D)
    Sq = pad(teacher.Sigma_q, D)
    Bel, W = belows(Wst)
    Ab = aboves(Wst)
    PU = Ab @ (Ab.transpose(0, 1, 3, 2) @ U)              # (S, L, D, r): W_{>l} W_{>l}^T u_a
    QV = Bel.transpose(0, 1, 3, 2) @ (Bel @ V)            # (S, L, D, r): W_{<l}^T W_{<l} v_a
    K = np.einsum("slia,slja->saij", PU, QV)              # (S, r, D, D)
    Delta = (M - W)[:, None]
    E = Delta.transpose(0, 1, 3, 2) @ K                   # Delta^T K_a
    frob = np.einsum("saij,sbij->sab", E, E)
    trace = np.einsum("saij,sbji->sab", E, E)
    out = frob + trace
    if np.any(Sq):
        out += np.einsum("saij,sbij->sab", K, Sq @ K)     # tr(K_a^T Sigma_q K_b)
    return (eta / b) * out


def pad_rows(A: np.ndarray, D: int) -> np.ndarray:
    out = np.zeros((D, A.shape[1]))
    out[: A.shape[0]] = A
    return out

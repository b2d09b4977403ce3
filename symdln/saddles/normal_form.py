"""Rank strata of DLN critical points: the gauge-fixed normal form.

For a teacher ``M = U diag(s) V^T`` (``d_L x d_0``), a subset ``S`` of its singular directions
(``r = |S|``) and widths ``(d_0, ..., d_L)`` with every hidden width ``>= r``, the normal form is

* ``W_1 = [U_S^T M ; Z_1]``                       (``d_1 x d_0``; ``Z_1`` is ``(d_1 - r) x d_0``),
* ``W_l = blockdiag(I_r, Z_l)``, ``l = 2..L-1``   (``Z_l`` is ``(d_l - r) x (d_{l-1} - r)``),
* ``W_L = [U_S , U_Q Z_L]``                       (``Z_L`` is ``(d_L - r) x (d_{L-1} - r)``),

with ``U_Q`` (``d_L x (d_L - r)``) an orthonormal basis of the complement of ``span U_S``.  Then
``W = P_S M + U_Q mu(Z)`` with ``mu(Z) = Z_L ... Z_1`` (the signal path gives ``U_S U_S^T M = P_S M``
exactly; the block structure keeps signal and residual paths apart).

Dimension fixes with respect to the original construction (see ``docs/api.md``):

1. The original construction gives every residual block the shape ``(d_l - r) x (d_{l-1} - r)``.  For ``l = 1`` that
   cannot be: the signal rows of ``W_1`` are ``U_S^T M`` (``r x d_0``), so ``Z_1`` must be
   ``(d_1 - r) x d_0`` (the input space is not split).  ``Z_L`` *is* ``(d_L - r) x (d_{L-1} - r)``
   because the output space is split by ``[U_S, U_Q]``.
2. ``sigma = Sigma_XY U_Q`` only typechecks with ``Sigma_XY = E[X Y^T] = M^T`` (``d_0 x d_L``), giving
   ``sigma = M^T U_Q`` of shape ``d_0 x (d_L - r)``; with ``Sigma_XY = E[Y X^T]`` the product is undefined.
   With whitened inputs and label noise independent of ``X``, ``E[X Y^T] = M^T`` whatever ``Sigma_q``.
3. ``L >= 2`` is needed (for ``L = 2`` there are no middle blocks).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
from scipy.linalg import null_space

from .._validation import SymdlnInputError
from ..network import DLN, Teacher

__all__ = ["NormalForm", "global_min_loss"]


def global_min_loss(teacher: Teacher, widths: Sequence[int]) -> float:
    """Minimum of the population loss over DLNs with these widths (Eckart-Young on the bottleneck)."""
    k = min(int(w) for w in widths)
    s = np.sort(np.asarray(teacher.s))[::-1]
    return 0.5 * float(np.sum(s[k:] ** 2)) + 0.5 * float(np.trace(teacher.Sigma_q))


@dataclass(frozen=True)
class NormalForm:
    """The rank-``r`` stratum ``W = P_S M`` of a teacher for given widths; see the module docstring."""

    teacher: Teacher
    S: tuple[int, ...]
    widths: tuple[int, ...]

    def __init__(self, teacher: Teacher, S: Sequence[int], widths: Sequence[int]):
        if not isinstance(teacher, Teacher):
            raise SymdlnInputError(f"teacher must be a symdln.Teacher; got {type(teacher).__name__}")
        try:
            ws = tuple(int(w) for w in widths)
            S_t = tuple(sorted(int(a) for a in S))
        except (TypeError, ValueError) as exc:
            raise SymdlnInputError("widths must be integers (d_0, ..., d_L) and S a sequence of mode indices") from exc
        if len(ws) < 3:
            raise SymdlnInputError(f"widths must list d_0, ..., d_L with depth L >= 2; got {widths!r}")
        if ws[0] != teacher.d_in or ws[-1] != teacher.d_out:
            raise SymdlnInputError(
                f"widths must start with d_in={teacher.d_in} and end with d_out={teacher.d_out}; got {ws}")
        if len(set(S_t)) != len(S_t) or any(not 0 <= a < teacher.n_modes for a in S_t):
            raise SymdlnInputError(
                f"S must be distinct mode indices in 0..{teacher.n_modes - 1}; got {list(S)!r}")
        r = len(S_t)
        if min(ws) < r:
            raise SymdlnInputError(f"every width must be >= r = |S| = {r}; got widths {ws}")
        object.__setattr__(self, "teacher", teacher)
        object.__setattr__(self, "S", S_t)
        object.__setattr__(self, "widths", ws)
        U = teacher.U
        others = [a for a in range(teacher.n_modes) if a not in S_t]
        perp = null_space(U.T) if U.shape[1] < U.shape[0] else np.zeros((U.shape[0], 0))
        object.__setattr__(self, "U_S", U[:, list(S_t)])
        object.__setattr__(self, "U_Q", np.hstack([U[:, others], perp]))

    # -- shapes ------------------------------------------------------------------------------
    @property
    def depth(self) -> int:
        return len(self.widths) - 1

    @property
    def r(self) -> int:
        return len(self.S)

    def residual_shapes(self) -> list[tuple[int, int]]:
        """Shapes of ``Z_1, ..., Z_L`` (``Z_1`` keeps the full input width; see fix 1)."""
        d, r, L = self.widths, self.r, self.depth
        shapes = [(d[1] - r, d[0])]
        shapes += [(d[l] - r, d[l - 1] - r) for l in range(2, L + 1)]
        return shapes

    @property
    def n_residual(self) -> int:
        return int(sum(a * b for a, b in self.residual_shapes()))

    @property
    def sigma(self) -> np.ndarray:
        """``sigma = Sigma_XY U_Q = M^T U_Q`` (``d_0 x (d_L - r)``): the population-setting matrix for
        which the fiber + cyclic constraints are exactly first-order criticality (fix 2)."""
        return self.teacher.M.T @ self.U_Q

    @property
    def target(self) -> np.ndarray:
        """``P_S M = U_S U_S^T M``."""
        return self.U_S @ (self.U_S.T @ self.teacher.M)

    def expected_loss(self) -> float:
        """Population loss on the stratum: ``0.5 sum_{a not in S} s_a^2 + 0.5 tr Sigma_q``."""
        s = np.asarray(self.teacher.s)
        unl = [a for a in range(len(s)) if a not in self.S]
        return 0.5 * float(np.sum(s[unl] ** 2)) + 0.5 * float(np.trace(self.teacher.Sigma_q))

    def is_global_min_stratum(self) -> bool:
        return self.expected_loss() <= global_min_loss(self.teacher, self.widths) * (1 + 1e-12) + 1e-300

    # -- residual blocks ---------------------------------------------------------------------
    def check_residuals(self, Z) -> list[np.ndarray]:
        """Return ``Z`` as a list of arrays of shape ``(C, rows, cols)`` (a leading chain axis is added)."""
        shapes = self.residual_shapes()
        try:
            Z = list(Z)
        except TypeError as exc:
            raise SymdlnInputError("Z must be a sequence of L residual blocks Z_1, ..., Z_L") from exc
        if len(Z) != self.depth:
            raise SymdlnInputError(f"Z must have L = {self.depth} blocks; got {len(Z)}")
        out, C = [], None
        for l, (z, shp) in enumerate(zip(Z, shapes), start=1):
            z = np.asarray(z, dtype=float)
            if z.ndim == 2:
                z = z[None]
            if z.ndim != 3 or z.shape[1:] != shp:
                raise SymdlnInputError(f"Z_{l} must have shape {shp} or (C, {shp[0]}, {shp[1]}); got {z.shape}")
            if C is None:
                C = z.shape[0]
            elif z.shape[0] != C:
                raise SymdlnInputError(f"all Z_l must have the same number of chains; Z_{l} has {z.shape[0]}, not {C}")
            out.append(z)
        return out

    def random_residuals(self, n: int, rng=None, scale: float = 1.0) -> list[np.ndarray]:
        """``n`` chains of i.i.d. ``N(0, scale^2 / fan_in)`` residual blocks."""
        rng = np.random.default_rng(rng)
        return [rng.standard_normal((int(n),) + shp) * scale / np.sqrt(max(shp[1], 1))
                for shp in self.residual_shapes()]

    def assemble(self, Z, chain: int = 0) -> DLN:
        """Full weights ``W_1..W_L`` of one chain (fix 1 for ``W_1``)."""
        Z = self.check_residuals(Z)
        z = [b[chain] for b in Z]
        r, d, L = self.r, self.widths, self.depth
        M = self.teacher.M
        layers = [np.vstack([self.U_S.T @ M, z[0]])]
        for l in range(2, L):
            W = np.zeros((d[l], d[l - 1]))
            W[:r, :r] = np.eye(r)
            W[r:, r:] = z[l - 1]
            layers.append(W)
        layers.append(np.hstack([self.U_S, self.U_Q @ z[-1]]))
        return DLN(layers, _allow_empty=True)   # a stratum's zero blocks may have width 0

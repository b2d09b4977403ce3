"""Deep linear networks, teachers, mode amplitudes and the standard constructors.

Conventions (see ``docs/conventions.md``):

* layer ``W_l`` has shape ``(d_l, d_{l-1})`` for ``l = 1..L``; ``W = W_L ... W_1``;
* **layer indices are 1-based everywhere in the public API**, as in the paper
  (``net.layer(1)`` is ``W_1``); ``net.layers[l - 1]`` is ``W_l``;
* ``W_{>l} = W_L ... W_{l+1}``, ``W_{<l} = W_{l-1} ... W_1``, empty product = identity;
* ``vec`` is column-major: ``vec(A) = A.reshape(-1, order="F")``;
* stacked parameters ``theta = (vec W_1; ...; vec W_L)``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from ._validation import (SymdlnInputError, as_matrix, as_rng, as_vector, check_count, check_int, check_positive,
                          check_psd, check_real, reject_text)

__all__ = [
    "DLN", "Teacher", "vec", "unvec", "mode_amplitudes", "cross_mode_amplitudes",
    "aligned_balanced", "small_gaussian_init", "balanced_init", "random_orthogonal",
    "population_loss",
]


def vec(a: np.ndarray) -> np.ndarray:
    """Column-major vectorisation, ``vec(A X B) = (B^T kron A) vec(X)``."""
    return np.asarray(a).reshape(-1, order="F")


def unvec(v: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    return np.asarray(v).reshape(shape, order="F")


def _chain(mats: Sequence[np.ndarray], dim: int) -> np.ndarray:
    """``mats[-1] @ ... @ mats[0]``; identity of size ``dim`` when empty."""
    if len(mats) == 0:
        return np.eye(dim)
    out = mats[0]
    for m in mats[1:]:
        out = m @ out
    return out


@dataclass(frozen=True)
class DLN:
    """A deep linear network ``W = W_L ... W_1``; ``layers[l-1]`` is ``W_l`` of shape ``(d_l, d_{l-1})``."""

    layers: tuple[np.ndarray, ...]

    def __init__(self, layers: Sequence[np.ndarray], *, _allow_empty: bool = False):
        if isinstance(layers, np.ndarray) and layers.ndim == 2:
            layers = [layers]
        try:
            seq = list(layers)
        except TypeError as exc:
            raise SymdlnInputError("layers must be a sequence of 2-D arrays W_1, ..., W_L") from exc
        if len(seq) < 1:
            raise SymdlnInputError("layers must contain at least one matrix (depth L >= 1); got 0")
        mats = []
        for i, w in enumerate(seq, start=1):
            m = as_matrix(f"layers[{i - 1}] (W_{i})", w)
            if 0 in m.shape and not _allow_empty:   # a width-0 layer only from NormalForm's rank strata
                raise SymdlnInputError(f"layers[{i - 1}] (W_{i}) must have every width >= 1; got shape {m.shape}")
            if mats and m.shape[1] != mats[-1].shape[0]:
                raise SymdlnInputError(
                    f"widths do not chain: W_{i} has shape {m.shape} so needs {m.shape[1]} inputs, "
                    f"but W_{i - 1} has {mats[-1].shape[0]} outputs; W_l must have shape (d_l, d_(l-1))")
            m = m.copy()
            m.setflags(write=False)
            mats.append(m)
        object.__setattr__(self, "layers", tuple(mats))

    # -- shape information -------------------------------------------------------------------
    @property
    def depth(self) -> int:
        return len(self.layers)

    @property
    def widths(self) -> tuple[int, ...]:
        """``(d_0, d_1, ..., d_L)``."""
        return (self.layers[0].shape[1],) + tuple(w.shape[0] for w in self.layers)

    @property
    def n_params(self) -> int:
        return int(sum(w.size for w in self.layers))

    @property
    def d_in(self) -> int:
        return self.layers[0].shape[1]

    @property
    def d_out(self) -> int:
        return self.layers[-1].shape[0]

    def _check_l(self, l: int, name: str = "l") -> int:
        if not isinstance(l, (int, np.integer)) or not 1 <= l <= self.depth:
            raise SymdlnInputError(f"{name} must be a layer index in 1..{self.depth} (1-based); got {l!r}")
        return int(l)

    # -- products ----------------------------------------------------------------------------
    def layer(self, l: int) -> np.ndarray:
        """``W_l`` (1-based)."""
        return self.layers[self._check_l(l) - 1]

    def end_to_end(self) -> np.ndarray:
        """``W = W_L ... W_1``, shape ``(d_L, d_0)``."""
        return _chain(self.layers, self.d_in)

    def above(self, l: int) -> np.ndarray:
        """``W_{>l} = W_L ... W_{l+1}``, shape ``(d_L, d_l)``; identity for ``l = L``."""
        l = self._check_l(l)
        return _chain(self.layers[l:], self.widths[l])

    def below(self, l: int) -> np.ndarray:
        """``W_{<l} = W_{l-1} ... W_1``, shape ``(d_{l-1}, d_0)``; identity for ``l = 1``."""
        l = self._check_l(l)
        return _chain(self.layers[: l - 1], self.d_in)

    def between(self, l: int, m: int) -> np.ndarray:
        """``W_{l-1:m+1} = W_{l-1} ... W_{m+1}`` for ``l > m``, shape ``(d_{l-1}, d_m)``."""
        l, m = self._check_l(l), self._check_l(m, "m")
        if l <= m:
            raise SymdlnInputError(f"between(l, m) needs l > m; got l={l}, m={m}")
        return _chain(self.layers[m: l - 1], self.widths[m])

    def partials(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """All ``W_{>l}`` and ``W_{<l}`` for ``l = 1..L`` in O(L) products (lists indexed ``l-1``)."""
        L = self.depth
        below = [np.eye(self.d_in)]
        for w in self.layers[:-1]:
            below.append(w @ below[-1])
        above = [np.eye(self.d_out)]
        for w in reversed(self.layers[1:]):
            above.append(above[-1] @ w)
        above.reverse()
        assert len(above) == L and len(below) == L
        return above, below

    # -- parameter vector --------------------------------------------------------------------
    def theta(self) -> np.ndarray:
        """Stacked ``(vec W_1; ...; vec W_L)``, length ``P``."""
        return np.concatenate([vec(w) for w in self.layers])

    @classmethod
    def from_theta(cls, theta, widths: Sequence[int]) -> "DLN":
        widths = _check_widths(widths)
        theta = as_vector("theta", theta)
        sizes = [widths[i + 1] * widths[i] for i in range(len(widths) - 1)]
        if theta.shape[0] != sum(sizes):
            raise SymdlnInputError(
                f"theta must have length sum d_l d_(l-1) = {sum(sizes)} for widths {tuple(widths)}; "
                f"got {theta.shape[0]}")
        out, o = [], 0
        for i, sz in enumerate(sizes):
            out.append(unvec(theta[o: o + sz], (widths[i + 1], widths[i])))
            o += sz
        return cls(out)

    def with_layers(self, layers: Sequence[np.ndarray]) -> "DLN":
        return DLN(layers)

    def __repr__(self) -> str:
        return f"DLN(depth={self.depth}, widths={self.widths})"


MAX_WIDTH = 100_000   #: a layer wider than this would not fit in memory as a dense matrix


def _check_widths(widths) -> list[int]:
    """``(d_0, ..., d_L)`` as positive ints (an integral float like 3.0 is accepted; 3.7, text, NaN are not)."""
    if isinstance(widths, str | bytes) or not hasattr(widths, "__iter__"):
        raise SymdlnInputError(f"widths must be a sequence of positive integers (d_0, ..., d_L); got {widths!r:.40}")
    reject_text("widths", widths)
    ws = [check_count(f"widths[{i}]", w, lo=1, hi=MAX_WIDTH) for i, w in enumerate(widths)]
    if len(ws) < 2:
        raise SymdlnInputError(f"widths must list d_0, ..., d_L with L >= 1 (at least 2 entries); got {widths!r}")
    return ws


@dataclass(frozen=True)
class Teacher:
    """Teacher ``M = U diag(s) V^T`` with label noise ``xi_q ~ N(0, Sigma_q)``.

    ``U`` is ``(d_out, r)`` and ``V`` is ``(d_in, r)`` with orthonormal columns; ``s`` has length ``r``
    (non-negative, any order, repeats allowed, so degenerate and rank-deficient teachers are fine:
    a zero ``s`` entry is a mode the teacher does not have).  ``sigma_q`` (``Sigma_q``) is the label-noise
    covariance, symmetric PSD ``(d_out, d_out)``.  ``Teacher.isotropic`` uses ``Sigma_q = sigma_q^2 I``,
    i.e. ``sigma_q`` is a *standard deviation* (the reading of the paper's App. E).
    """

    U: np.ndarray
    s: np.ndarray
    V: np.ndarray
    Sigma_q: np.ndarray = field(default=None)

    def __init__(self, U, s, V, Sigma_q=None, *, orth_tol: float = 1e-8):
        s = as_vector("s", s)
        r = s.shape[0]
        U = as_matrix("U", U, (None, r))
        V = as_matrix("V", V, (None, r))
        if np.any(s < 0):
            raise SymdlnInputError(f"s (teacher singular values) must be >= 0; got {s.tolist()}")
        for name, Q in (("U", U), ("V", V)):
            if Q.shape[1] > Q.shape[0]:
                raise SymdlnInputError(f"{name} must have at most as many columns as rows; got shape {Q.shape}")
            if not np.allclose(Q.T @ Q, np.eye(r), atol=orth_tol):
                raise SymdlnInputError(f"{name} must have orthonormal columns ({name}^T {name} = I_r); it does not")
        d_out = U.shape[0]
        if Sigma_q is None:
            Sq = np.zeros((d_out, d_out))
        else:
            Sq = check_psd("Sigma_q", Sigma_q)
            if Sq.shape != (d_out, d_out):
                raise SymdlnInputError(f"Sigma_q must have shape ({d_out}, {d_out}) (d_out x d_out); got {Sq.shape}")
        for name, val in (("U", U), ("s", s), ("V", V), ("Sigma_q", Sq)):
            val = val.copy()
            val.setflags(write=False)
            object.__setattr__(self, name, val)
        # computed once: every drift / diffusion / noise draw needs M, and every draw with label noise a
        # factor of Sigma_q (read-only, so sharing them is safe)
        M = (self.U * self.s) @ self.V.T
        M.setflags(write=False)
        object.__setattr__(self, "_M", M)
        R = psd_factor(Sq) if Sq.any() else None
        if R is not None:
            R.setflags(write=False)
        object.__setattr__(self, "_label_factor", R)

    # -- constructors ------------------------------------------------------------------------
    @classmethod
    def from_singular_values(cls, s, d_out: int, d_in: int, *, sigma_q: float = 0.0,
                             rng=None, identity_basis: bool = False) -> "Teacher":
        """Random orthonormal singular vectors (or the standard basis) with the given ``s``."""
        s = as_vector("s", s)
        d_out = check_int("d_out", d_out, lo=1, hi=MAX_WIDTH); d_in = check_int("d_in", d_in, lo=1, hi=MAX_WIDTH)
        if s.shape[0] > min(d_out, d_in):
            raise SymdlnInputError(f"s has {s.shape[0]} entries but min(d_out, d_in) = {min(d_out, d_in)}")
        r = s.shape[0]
        if identity_basis:
            U, V = np.eye(d_out)[:, :r], np.eye(d_in)[:, :r]
        else:
            rng = as_rng("rng", rng)
            U = random_orthogonal(d_out, rng)[:, :r]
            V = random_orthogonal(d_in, rng)[:, :r]
        sq = check_positive("sigma_q", sigma_q, allow_zero=True)
        return cls(U, s, V, sq ** 2 * np.eye(d_out))

    @classmethod
    def from_matrix(cls, M, Sigma_q=None, *, tol: float = 1e-12) -> "Teacher":
        """SVD of ``M``; singular values below ``tol * max`` are dropped (rank-deficient teachers)."""
        M = as_matrix("M", M)
        U, s, Vt = np.linalg.svd(M, full_matrices=False)
        keep = s > tol * max(s.max(initial=0.0), 1e-300)
        return cls(U[:, keep], s[keep], Vt[keep].T, Sigma_q)

    def with_label_noise(self, Sigma_q) -> "Teacher":
        if np.ndim(Sigma_q) == 0:
            sq = check_positive("sigma_q", Sigma_q, allow_zero=True)
            Sigma_q = sq ** 2 * np.eye(self.d_out)
        return Teacher(self.U, self.s, self.V, Sigma_q)

    # -- properties --------------------------------------------------------------------------
    @property
    def M(self) -> np.ndarray:
        """``M = U diag(s) V^T`` (computed once; read-only)."""
        return self._M

    @property
    def label_factor(self) -> np.ndarray | None:
        """A factor ``R`` with ``R R^T = Sigma_q`` (Cholesky, or eigen-factor when singular), ``None`` when
        ``Sigma_q = 0``; computed once, read-only."""
        return self._label_factor

    @property
    def rank(self) -> int:
        return int(np.count_nonzero(self.s))

    @property
    def n_modes(self) -> int:
        return int(self.s.shape[0])

    @property
    def d_out(self) -> int:
        return self.U.shape[0]

    @property
    def d_in(self) -> int:
        return self.V.shape[0]

    @property
    def isotropic_sigma_q(self) -> float | None:
        """``sigma_q`` (a standard deviation) if ``Sigma_q = sigma_q^2 I``, else ``None``."""
        d = self.d_out
        c = float(np.trace(self.Sigma_q)) / d
        return float(np.sqrt(c)) if np.allclose(self.Sigma_q, c * np.eye(d), atol=1e-14) else None

    def check_compatible(self, net: DLN) -> None:
        if net.d_in != self.d_in or net.d_out != self.d_out:
            raise SymdlnInputError(
                f"network maps R^{net.d_in} -> R^{net.d_out} but the teacher maps R^{self.d_in} -> R^{self.d_out}")

    def __repr__(self) -> str:
        return f"Teacher(d_out={self.d_out}, d_in={self.d_in}, s={np.round(self.s, 6).tolist()})"


def _check_pair(net, teacher) -> None:
    if not isinstance(net, DLN):
        raise SymdlnInputError(f"net must be a symdln.DLN; got {type(net).__name__}")
    if not isinstance(teacher, Teacher):
        raise SymdlnInputError(f"teacher must be a symdln.Teacher; got {type(teacher).__name__}")
    teacher.check_compatible(net)


def psd_factor(Sigma: np.ndarray) -> np.ndarray:
    """A square factor ``R`` with ``R R^T = Sigma`` for a symmetric PSD ``Sigma`` (eigen-decomposition,
    so singular ``Sigma``, e.g. no label noise, is fine)."""
    try:
        return np.linalg.cholesky(Sigma)          # positive definite: the cheap factor
    except np.linalg.LinAlgError:
        w, V = np.linalg.eigh(Sigma)              # singular (e.g. no label noise): eigen-factor
        return V * np.sqrt(np.clip(w, 0.0, None))


def random_orthogonal(n: int, rng=None) -> np.ndarray:
    """Haar-distributed orthogonal ``n x n`` matrix."""
    rng = as_rng("rng", rng)
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return q * np.sign(np.diag(r))


def mode_amplitudes(net: DLN, teacher: Teacher) -> np.ndarray:
    """``w_alpha = u_alpha^T W v_alpha`` for every teacher mode."""
    _check_pair(net, teacher)
    W = net.end_to_end()
    return np.einsum("ia,ij,ja->a", teacher.U, W, teacher.V)


def cross_mode_amplitudes(net: DLN, teacher: Teacher) -> np.ndarray:
    """Matrix ``w_{alpha beta} = u_alpha^T W v_beta`` (diagonal = mode amplitudes)."""
    _check_pair(net, teacher)
    return teacher.U.T @ net.end_to_end() @ teacher.V


def population_loss(net: DLN, teacher: Teacher) -> float:
    """``E 0.5 |Y - W X|^2 = 0.5 ||M - W||_F^2 + 0.5 tr Sigma_q``."""
    _check_pair(net, teacher)
    D = teacher.M - net.end_to_end()
    return 0.5 * float(np.sum(D * D)) + 0.5 * float(np.trace(teacher.Sigma_q))


def aligned_balanced(teacher: Teacher, w, widths: Sequence[int] | None = None, *, depth: int | None = None,
                     rng=None, gauge: str = "random") -> DLN:
    """Aligned + balanced network with mode amplitudes ``w`` (one per teacher mode, ``w >= 0``).

    ``W_l = Q_l diag(w^(1/L)) Q_{l-1}^T`` restricted to the ``r`` mode directions, with ``Q_0 = V``,
    ``Q_L = U`` and, for hidden layers, ``Q_l`` the first ``r`` columns of an orthogonal matrix
    (``gauge="random"``: Haar; ``gauge="identity"``: the standard basis).  Then
    ``W = U diag(w) V^T``, ``W_{l+1}^T W_{l+1} = W_l W_l^T`` (balance) and all cross modes vanish.
    Needs every hidden width ``>= r``.  Give either ``widths = (d_0, ..., d_L)`` or ``depth`` (square
    hidden layers of width ``max(d_in, d_out)``).
    """
    if not isinstance(teacher, Teacher):
        raise SymdlnInputError(f"teacher must be a symdln.Teacher; got {type(teacher).__name__}")
    w = as_vector("w", w, teacher.n_modes)
    if np.any(w < 0):
        raise SymdlnInputError(f"w (mode amplitudes) must be >= 0 for a balanced real network; got {w.tolist()}")
    if widths is None:
        if depth is None:
            raise SymdlnInputError("give widths=(d_0, ..., d_L) or depth=L")
        L = check_int("depth", depth, lo=1, hi=10_000)
        if L < 1:
            raise SymdlnInputError(f"depth must be >= 1; got {depth!r}")
        h = max(teacher.d_in, teacher.d_out)
        widths = [teacher.d_in] + [h] * (L - 1) + [teacher.d_out]
    widths = _check_widths(widths)
    L = len(widths) - 1
    r = teacher.n_modes
    if widths[0] != teacher.d_in or widths[-1] != teacher.d_out:
        raise SymdlnInputError(
            f"widths must start with d_in={teacher.d_in} and end with d_out={teacher.d_out}; got {tuple(widths)}")
    if min(widths) < r:
        raise SymdlnInputError(f"every width must be >= the number of modes r={r}; got {tuple(widths)}")
    if not isinstance(gauge, str) or gauge not in ("random", "identity"):
        raise SymdlnInputError(f"gauge must be 'random' or 'identity'; got {gauge!r}")
    rng = as_rng("rng", rng)
    Qs = [teacher.V]
    for d in widths[1:-1]:
        Q = random_orthogonal(d, rng) if gauge == "random" else np.eye(d)
        Qs.append(Q[:, :r])
    Qs.append(teacher.U)
    root = w ** (1.0 / L)
    return DLN([(Qs[l + 1] * root) @ Qs[l].T for l in range(L)])


def small_gaussian_init(widths: Sequence[int], gamma: float, rng=None) -> DLN:
    """i.i.d. ``N(0, min(d_in, d_out)^(-gamma))`` entries per layer (App. H.2; Jacot et al. 2021)."""
    widths = _check_widths(widths)
    gamma = check_real("gamma", gamma)
    rng = as_rng("rng", rng)
    return DLN([rng.standard_normal((widths[i + 1], widths[i])) * min(widths[i], widths[i + 1]) ** (-gamma / 2)
                for i in range(len(widths) - 1)])


def balanced_init(widths: Sequence[int], scale: float, rng=None) -> DLN:
    """Exactly balanced random network: ``W_{l+1}^T W_{l+1} = W_l W_l^T`` for every ``l``.

    Draw ``A`` (``d_L x d_0``) with i.i.d. ``N(0, scale^2)`` entries, keep its top ``k = min(d_0, ..., d_L)``
    singular triplets ``A_k = P diag(c) Q^T`` and set ``W_l = R_l diag(c^(1/L)) R_{l-1}^T`` with ``R_0 = Q``,
    ``R_L = P`` and random orthonormal ``R_l`` (``d_l x k``).  The end-to-end map is ``A_k`` (``= A`` when no
    hidden layer is a bottleneck).
    """
    widths = _check_widths(widths)
    scale = check_positive("scale", scale)
    L = len(widths) - 1
    k = min(widths)
    rng = as_rng("rng", rng)
    A = rng.standard_normal((widths[-1], widths[0])) * scale
    P, c, Qt = np.linalg.svd(A, full_matrices=False)
    P, c, Qt = P[:, :k], c[:k], Qt[:k]
    Rs = [Qt.T] + [random_orthogonal(d, rng)[:, :k] for d in widths[1:-1]] + [P]
    root = c ** (1.0 / L)
    return DLN([(Rs[l + 1] * root) @ Rs[l].T for l in range(L)])

"""Gradients, per-sample gradients and the one-sample gradient-noise covariance of a DLN.

Paper: Prop. 3.1 (gradient structure), Prop. 3.2 and App. B (noise covariance ``Sigma_lm``).
Conventions are those of ``docs/conventions.md``; in particular the Jacobian of ``vec W`` with
respect to ``vec W_l`` is ``J_l = W_{<l}^T kron W_{>l}`` (the paper prints ``W_{<l}^T kron W_{>l}^T``,
a transposed factor; its App. B uses the correct ``A_l kron B_l`` with ``B_l = W_{>l}^T``).

Structure used throughout (App. B): the one-sample gradient noise of layer ``l`` is a linear image
of one random ``d_L x d_0`` matrix,

    xi_l = W_{>l}^T S W_{<l}^T,   S = eps X^T - Delta = Delta (X X^T - I) + xi_q X^T,

    Cov(vec S) = (I kron Delta)(I + C)(I kron Delta)^T + I kron Sigma_q,

so ``Sigma_lm = (W_{<l} kron W_{>l}^T) Cov(vec S) (W_{<m} kron W_{>m}^T)^T``.  Nothing here forms the
``P x P`` matrix ``Sigma`` unless :func:`sigma_dense` is called explicitly.
"""
from __future__ import annotations

import threading
from typing import Iterator

import numpy as np

from . import _core_numba
from ._validation import MAX_SAMPLES, SymdlnInputError, as_matrix, as_rng, check_psd
from .batched import _noise_kernel, _s_from_normals
from .network import DLN, Teacher, _check_pair, psd_factor  # noqa: F401 - _check_pair re-exported

__all__ = [
    "population_gradient", "sample_data", "per_sample_gradients", "iter_per_sample_gradients",
    "commutation_matrix", "noise_matrix_covariance", "sigma_block", "sigma_dense", "sample_S",
    "sample_noise", "psd_factor", "error_matrix",
]


# -- validation helpers (shared with modes / montecarlo) -------------------------------------
def _check_n(n, name: str = "n", minimum: int = 2) -> int:
    """A sample size: an integer in [minimum, MAX_SAMPLES] (10^8: a bound on run time and memory)."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not minimum <= n <= MAX_SAMPLES:
        raise SymdlnInputError(f"{name} must be an integer in [{minimum}, {MAX_SAMPLES:.0e}]; got {n!r:.40}")
    return int(n)


def _size_tuple(size) -> tuple[int, ...]:
    if size is None:
        return ()
    if isinstance(size, (int, np.integer)) and not isinstance(size, bool):
        size = (int(size),)
    if isinstance(size, str | bytes) or not hasattr(size, "__iter__") or \
            any(isinstance(s, bool) or not isinstance(s, (int, np.integer)) for s in size):
        raise SymdlnInputError(f"size must be None, a non-negative int or a tuple of them; got {size!r:.40}")
    out = tuple(int(s) for s in size)
    if any(s < 0 for s in out) or int(np.prod(out, dtype=float)) > MAX_SAMPLES:
        raise SymdlnInputError(f"size must be non-negative with at most {MAX_SAMPLES:.0e} draws; got {size!r:.40}")
    return out


def error_matrix(net: DLN, teacher: Teacher) -> np.ndarray:
    """``Delta = M - W`` (``d_L x d_0``)."""
    _check_pair(net, teacher)
    return teacher.M - net.end_to_end()


# -- gradients -------------------------------------------------------------------------------
def population_gradient(net: DLN, teacher: Teacher) -> list[np.ndarray]:
    """Population gradient ``G_l = -W_{>l}^T Delta W_{<l}^T`` for ``l = 1..L`` (Prop. 3.1); list index ``l-1``."""
    D = error_matrix(net, teacher)
    aboves, belows = net.partials()
    return [-(A.T @ D @ B.T) for A, B in zip(aboves, belows)]


def sample_data(teacher: Teacher, n: int, rng=None) -> tuple[np.ndarray, np.ndarray]:
    """``n`` samples ``X ~ N(0, I_{d_0})`` (rows) and ``Y = M X + xi_q`` with ``xi_q ~ N(0, Sigma_q)``.

    Returns ``(X, Y)`` of shapes ``(n, d_0)`` and ``(n, d_L)`` (Sec. 2.3, App. B).
    """
    if not isinstance(teacher, Teacher):
        raise SymdlnInputError(f"teacher must be a symdln.Teacher; got {type(teacher).__name__}")
    n = _check_n(n, "n", 1)
    rng = as_rng("rng", rng)
    X = rng.standard_normal((n, teacher.d_in))
    Z = rng.standard_normal((n, teacher.d_out))       # drawn even without label noise: same stream either way
    Y = X @ teacher.M.T
    if teacher.label_factor is not None:
        Y += Z @ teacher.label_factor.T
    return X, Y


def _check_xy(net: DLN, X, Y) -> tuple[np.ndarray, np.ndarray]:
    X = as_matrix("X", X, (None, net.d_in))
    Y = as_matrix("Y", Y, (X.shape[0], net.d_out))
    return X, Y


def gradient_factors(net: DLN, X: np.ndarray, Y: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Per-sample factors of the one-sample gradient ``g_l(x) = -b_l a_l^T``.

    ``a_l = W_{<l} x`` (rows of an ``(n, d_{l-1})`` array) and ``b_l = W_{>l}^T eps`` with
    ``eps = y - W x`` (``(n, d_l)``); lists indexed ``l-1``.  Two GEMMs per layer (App. B).
    """
    return _factors(net.layers, X, Y, None)


_WORK = threading.local()


def _work_buffers(layers, n: int):
    """Per-thread reusable factor buffers for ``n`` samples (fresh multi-100-kB arrays each call cost page
    faults that tripled the time of the streamed gradients; measured in benchmarks/)."""
    key = (n,) + tuple(W.shape for W in layers)
    if getattr(_WORK, "key", None) != key:
        _WORK.key = key
        _WORK.a = [np.empty((n, W.shape[1])) for W in layers]
        _WORK.b = [np.empty((n, W.shape[0])) for W in layers]
    return _WORK.a, _WORK.b


def _factors(layers, X, Y, work):
    """``(a, b)`` of :func:`gradient_factors`; with ``work = (a_bufs, b_bufs)`` written into those and with
    ``b`` negated (``-b_l``, so that ``g_l = (-b_l) a_l^T`` is one product)."""
    L = len(layers)
    if work is None:
        a = [X]
        for W in layers[:-1]:
            a.append(a[-1] @ W.T)
        E = Y - a[-1] @ layers[-1].T
        b = [E]
        for W in reversed(layers[1:]):
            b.append(b[-1] @ W)
        b.reverse()
        assert len(a) == L and len(b) == L
        return a, b
    a, b = work
    a[0][...] = X
    for l in range(1, L):
        np.matmul(a[l - 1], layers[l - 1].T, out=a[l])
    np.matmul(a[L - 1], layers[L - 1].T, out=b[L - 1])
    np.subtract(b[L - 1], Y, out=b[L - 1])                 # -eps = W x - y
    for l in range(L - 2, -1, -1):
        np.matmul(b[l + 1], layers[l + 1], out=b[l])
    return a, b


def per_sample_gradients(net: DLN, teacher: Teacher, X, Y, *, out: list[np.ndarray] | None = None,
                         backend: str = "numpy") -> list[np.ndarray]:
    """One-sample gradients ``g_l(x, y) = -W_{>l}^T (y - W x) x^T W_{<l}^T`` (App. B), vectorised.

    Returns a list (index ``l-1``) of arrays of shape ``(n, d_l, d_{l-1})``: per layer two GEMMs
    and one broadcast outer product, no Python loop over samples.  ``out`` (a list of arrays of those
    shapes) is written into and returned: reusing buffers avoids the page faults of fresh multi-MB
    allocations, which dominate the cost on some machines (see benchmarks/README.md).
    ``backend="numba"`` (``symdln[fast]``) writes the outer products with a compiled loop (the same single
    product per entry, so bit-identical; NumPy's ``einsum`` runs a 12-long inner loop per row at d = 12),
    ``"auto"`` uses it when numba is installed; the default is NumPy.
    """
    _check_pair(net, teacher)
    X, Y = _check_xy(net, X, Y)
    compiled = backend != "numpy" and _core_numba.use_compiled(backend, 1, 1)
    if out is None:
        if not compiled:
            a, b = gradient_factors(net, X, Y)
            return [np.einsum("ni,nj->nij", -bl, al) for al, bl in zip(a, b)]
        out = [np.empty((X.shape[0],) + W.shape) for W in net.layers]
    shapes = [(X.shape[0],) + W.shape for W in net.layers]
    if len(out) != len(shapes) or any(np.shape(o) != sh for o, sh in zip(out, shapes)):
        raise SymdlnInputError(f"out must be a list of arrays of shapes {shapes}")
    a, nb = _factors(net.layers, X, Y, _work_buffers(net.layers, X.shape[0]))
    for al, bl, o in zip(a, nb, out):
        if compiled and isinstance(o, np.ndarray) and o.dtype == np.float64 and o.flags.writeable:
            _core_numba.outer_into(bl, al, o)
        else:
            np.einsum("ni,nj->nij", bl, al, out=o)
    return out


def iter_per_sample_gradients(net: DLN, teacher: Teacher, n: int, rng=None,
                              chunk: int = 4096, *, reuse: bool = False) -> Iterator[list[np.ndarray]]:
    """Draw ``n`` fresh samples in chunks of at most ``chunk`` and yield their per-sample gradients.

    Memory is bounded by ``chunk * P`` floats whatever ``n`` is.  With ``reuse=True`` every chunk is
    written into the same buffers (faster; a yielded list is valid only until the next iteration).
    """
    _check_pair(net, teacher)
    n = _check_n(n, "n", 1)
    chunk = _check_n(chunk, "chunk", 1)
    rng = as_rng("rng", rng)
    bufs = None
    done = 0
    while done < n:
        k = min(chunk, n - done)
        X, Y = sample_data(teacher, k, rng)
        if reuse:
            if bufs is None or bufs[0].shape[0] != k:
                bufs = [np.empty((k,) + W.shape) for W in net.layers]
            yield per_sample_gradients(net, teacher, X, Y, out=bufs)
        else:
            yield per_sample_gradients(net, teacher, X, Y)
        done += k


# -- dense references --------------------------------------------------------------------------
def commutation_matrix(m: int, n: int) -> np.ndarray:
    """``C`` (``mn x mn``) with ``C vec(A) = vec(A^T)`` for ``A`` of shape ``(m, n)`` (column-major vec)."""
    m = _check_n(m, "m", 1)
    n = _check_n(n, "n", 1)
    C = np.zeros((m * n, m * n))
    i, j = np.meshgrid(np.arange(m), np.arange(n), indexing="ij")
    C[(j + i * n).ravel(), (i + j * m).ravel()] = 1.0
    return C


def noise_matrix_covariance(net_or_Delta, Sigma_q) -> np.ndarray:
    """Dense ``Cov(vec S) = (I kron Delta)(I + C)(I kron Delta)^T + I kron Sigma_q`` (App. B), a reference.

    Call as ``noise_matrix_covariance(Delta, Sigma_q)`` with arrays, or ``noise_matrix_covariance(net, teacher)``.
    Shape ``(d_0 d_L, d_0 d_L)``.
    """
    if isinstance(net_or_Delta, DLN):
        D = error_matrix(net_or_Delta, Sigma_q)
        Sq = Sigma_q.Sigma_q
    else:
        D = as_matrix("Delta", net_or_Delta)
        Sq = check_psd("Sigma_q", Sigma_q)
        if Sq.shape != (D.shape[0], D.shape[0]):
            raise SymdlnInputError(f"Sigma_q must have shape {(D.shape[0],) * 2} (d_L x d_L); got {Sq.shape}")
    d0 = D.shape[1]
    IkD = np.kron(np.eye(d0), D)
    return IkD @ (np.eye(d0 * d0) + commutation_matrix(d0, d0)) @ IkD.T + np.kron(np.eye(d0), Sq)


# -- structured covariance blocks --------------------------------------------------------------
def sigma_block(net: DLN, teacher: Teacher, l: int, m: int, *, _partials=None) -> np.ndarray:
    """Block ``Sigma_lm = Cov(vec xi_l, vec xi_m)`` of the one-sample noise covariance (Prop. 3.2), ``(p_l, p_m)``.

    With ``A_l = W_{<l}``, ``B_l = W_{>l}^T`` (App. B) and ``Delta = M - W``::

        Sigma_lm = (A_l A_m^T) kron (B_l (Delta Delta^T + Sigma_q) B_m^T)       # I and label terms
                   + (Q^T kron P) C,   P = B_l Delta A_m^T,  Q = B_m Delta A_l^T   # commutation term

    i.e. entry ``[(i,j),(k,q)] = R[j,q] N[i,k] + P[i,q] Q[k,j]``.  Built from ``d x d`` products; cost
    ``O(p_l p_m)`` (the size of the output).  Layers are 1-based.
    """
    _check_pair(net, teacher)
    l, m = net._check_l(l, "l"), net._check_l(m, "m")
    aboves, belows = _partials or net.partials()
    D = teacher.M - net.end_to_end()
    Al, Am = belows[l - 1], belows[m - 1]
    Bl, Bm = aboves[l - 1].T, aboves[m - 1].T
    R = Al @ Am.T
    N = Bl @ (D @ D.T + teacher.Sigma_q) @ Bm.T
    P = Bl @ D @ Am.T
    Q = Bm @ D @ Al.T
    T = R[:, None, :, None] * N[None, :, None, :] + P[None, :, :, None] * Q.T[:, None, None, :]
    return T.reshape(R.shape[0] * N.shape[0], R.shape[1] * N.shape[1])


def sigma_dense(net: DLN, teacher: Teacher) -> np.ndarray:
    """The full ``P x P`` covariance ``Sigma = [Sigma_lm]`` assembled from :func:`sigma_block` (only on request)."""
    _check_pair(net, teacher)
    parts = net.partials()
    L = net.depth
    return np.block([[sigma_block(net, teacher, l, m, _partials=parts) for m in range(1, L + 1)]
                     for l in range(1, L + 1)])


# -- structured exact-covariance sampler ---------------------------------------------------------
def sample_S(Delta, Sigma_q, rng=None, size=None) -> np.ndarray:
    """Draw ``S`` with exactly ``Cov(vec S) = (I kron Delta)(I + C)(I kron Delta)^T + I kron Sigma_q``.

    ``S = Delta G + Sigma_q^(1/2) Z_2`` with ``G = (Z_1 + Z_1^T)/sqrt(2)``: ``Cov(vec G) = I + C`` and
    ``Cov(vec(R Z_2)) = I kron R R^T``.  Gaussian (matches the first two moments of the true ``S``, which is
    not Gaussian).  ``size`` adds leading axes; never forms ``Cov(vec S)``.
    """
    D = as_matrix("Delta", Delta)
    Sq = check_psd("Sigma_q", Sigma_q)
    if Sq.shape != (D.shape[0], D.shape[0]):
        raise SymdlnInputError(f"Sigma_q must have shape {(D.shape[0],) * 2} (d_L x d_L); got {Sq.shape}")
    return _sample_S(D, _label_factor(Sq), as_rng("rng", rng), _size_tuple(size))


def _sample_S(D, R, rng, shape) -> np.ndarray:
    """``R is None`` means ``Sigma_q = 0``.  One generator call: rows ``:d0`` are ``Z_1``, the rest ``Z_2``."""
    dL, d0 = D.shape
    return _s_from_normals(D, R, rng.standard_normal(shape + (d0 + (0 if R is None else dL), d0)))


def _label_factor(Sq: np.ndarray):
    return psd_factor(Sq) if Sq.any() else None


def sample_noise(net: DLN, teacher: Teacher, rng=None, size=None) -> list[np.ndarray]:
    """Layer noises ``xi_l = W_{>l}^T S W_{<l}^T`` whose stacked covariance is exactly ``Sigma`` (batch size 1).

    List index ``l-1``, each of shape ``size + (d_l, d_{l-1})``.  A few ``d x d`` products per draw;
    ``Sigma`` is never formed.  Divide by ``sqrt(b)`` for a batch of size ``b``.
    """
    _check_pair(net, teacher)
    shape = _size_tuple(size)
    R = teacher.label_factor
    d0 = net.d_in
    Z = as_rng("rng", rng).standard_normal(shape + (d0 + (0 if R is None else net.d_out), d0))   # as _sample_S
    return _noise_kernel(net.layers, teacher.M, R, Z)

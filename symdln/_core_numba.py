"""Optional compiled (numba) kernels of the numeric core (``pip install symdln[fast]`` brings numba).

The NumPy kernels of :mod:`symdln.batched` and :mod:`symdln.noise` are the reference and the fallback; a
function here computes the same quantity with the same algebra in explicit loops, so the two agree to
floating-point rounding (summation order; the tests state the tolerance) or, for the per-sample outer
products, bit for bit (one multiplication per entry either way).  numba is imported, and the kernels are
compiled or loaded from numba's on-disk cache, only on the first call that asks for the compiled path.

``available()`` says whether numba can be imported; ``SYMDLN_BACKEND=numpy`` forces the NumPy path.
"""
from __future__ import annotations

import os

import numpy as np

__all__ = ["available", "use_compiled", "ito_single", "diffusion_single", "diffusion_stack", "ito_stack", "outer_into"]

_K = None


def available() -> bool:
    """Whether numba can be imported (the compiled paths are optional)."""
    try:
        import numba  # noqa: F401
    except Exception:  # noqa: BLE001 - any import failure means: use NumPy
        return False
    return True


def use_compiled(backend: str, size: int, minimum: int) -> bool:
    """Resolve ``backend`` ("auto" | "numpy" | "numba"): "auto" compiles only for ``size >= minimum`` work
    items (below that the one-off import and cache load of numba costs more than it saves)."""
    from ._validation import SymdlnInputError
    if backend not in ("auto", "numpy", "numba"):
        raise SymdlnInputError(f"backend must be 'auto', 'numpy' or 'numba'; got {backend!r}")
    if backend == "numba":
        if not available():
            raise SymdlnInputError("backend='numba' needs numba (pip install symdln[fast])")
        return True
    if backend == "numpy" or os.environ.get("SYMDLN_BACKEND", "").strip().lower() == "numpy":
        return False
    return size >= minimum and available()


def _kernels():
    global _K
    if _K is None:
        from . import _core_numba_kernels as k      # imports numba (and compiles, or loads the on-disk cache)
        _K = k
    return _K


def ito_single(layers: tuple, M, Sq, u, v, has_label: bool) -> float:
    """``0.5 tr(Sigma Hess w)`` (batch 1, eta 1) for one state and one mode: the compiled twin of
    :func:`symdln.batched._ito_single` (unvalidated; ``layers`` a tuple of C-contiguous float64 matrices)."""
    return _kernels().ito_single(layers, M, Sq, u, v, has_label)


def diffusion_single(layers: tuple, M, Sq, ua, va, ub, vb, has_label: bool) -> float:
    """``D_ab / (eta/b)`` for one state: the compiled twin of :func:`symdln.batched._diffusion_single`
    (unvalidated; ``ub is None`` means ``b = a``)."""
    same = ub is None
    return _kernels().diffusion_single(layers, M, Sq, ua, va, ua if same else ub, va if same else vb, same,
                                       has_label)


def _last(x):
    """``(n, ...)`` -> ``(..., n)`` contiguous: the states on the last axis."""
    return np.ascontiguousarray(np.moveaxis(x, 0, -1))


def diffusion_stack(Ws: list, D, Sq, U, V, has_label: bool):
    """``[D_ab] / (eta/b)`` for a stack of states (``Ws[l-1]`` of shape ``(n, d_l, d_{l-1})``, ``D`` of shape
    ``(n, d_L, d_0)``), shape ``(n, k, k)``: the compiled twin of :func:`symdln.batched._diffusion_kernel`
    (unvalidated).  The states are moved to the last axis (one copy per layer) so that every thin product
    runs over all states at once."""
    return _kernels().diffusion_states_last(tuple(_last(w) for w in Ws), _last(D), Sq, np.ascontiguousarray(U),
                                            np.ascontiguousarray(V), has_label)


def ito_stack(Ws: list, M, Sq, U, V, has_label: bool):
    """``0.5 tr(Sigma Hess w_a)`` for a stack of states (``Ws[l-1]`` of shape ``(n, d_l, d_{l-1})``), shape
    ``(n, k)``: the full ``d x d`` products (``W_{<l}``, ``G_m = W_{>m}^T Delta``, ``W_b G_m``) are stacked BLAS
    calls, the thin ones a compiled loop with the states on the last axis (unvalidated)."""
    from ._partial_products import _belows
    L = len(Ws)
    n = Ws[0].shape[0]
    belows, W = _belows(Ws)
    D = M - W
    G = [D]                                                  # G[L-m] = G_m = W_{m+1}^T G_{m+1}
    for m in range(L - 1, 0, -1):
        G.append(np.swapaxes(Ws[m], -1, -2) @ G[-1])
    T = np.zeros((L, L, n))
    for m in range(1, L):
        Ub = G[L - m]
        for l in range(m + 1, L + 1):
            if l > m + 1:
                Ub = Ws[l - 2] @ Ub
            T[l - 1, m - 1] = np.einsum("nij,nij->n", Ub, belows[l - 1])
    return _kernels().ito_states_last(tuple(_last(w) for w in Ws), _last(D), Sq, T, np.ascontiguousarray(U),
                                      np.ascontiguousarray(V), has_label)


def outer_into(b, a, out) -> None:
    """``out[n, i, j] = b[n, i] * a[n, j]`` (the per-sample outer products; unvalidated)."""
    _kernels().outer_into(b, a, out)

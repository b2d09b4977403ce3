"""Fused, compiled ensemble steps (optional: ``pip install symdln[fast]`` brings numba).

Layout: the ensemble is ``Wl`` of shape ``(L, D, D, S)``, trajectory axis last and contiguous, so every
inner loop runs over the ``S`` trajectories (SIMD) and one call advances all of them through many steps
without temporaries or Python overhead.  The random numbers are *not* drawn here: the callers draw them
with NumPy's ``Generator`` exactly as the NumPy path does and pass them in, so the compiled and NumPy paths
produce the same trajectories for the same seed up to floating-point rounding (summation order).

``available()`` says whether numba can be imported; ``SYMDLN_BACKEND=numpy`` forces the NumPy path.
"""
from __future__ import annotations

from .._core_numba import available, use_compiled  # noqa: F401 - re-exported: one resolver for every kernel

__all__ = ["available", "use_compiled", "sgd_chunk", "backproject_chunk"]

_KERNELS = None


def _kernels():
    global _KERNELS
    if _KERNELS is None:
        from . import _numba_kernels as k      # imports numba (and compiles, or loads the on-disk cache)
        _KERNELS = (k.sgd_chunk, k.backproject_chunk)
    return _KERNELS


def sgd_chunk(Wl, X, Y, k0, k1, lr, H, g):
    _kernels()[0](Wl, X, Y, k0, k1, lr, H, g)


def backproject_chunk(Wl, M, G, LZ, Z, k0, k1, scale, mode, Bel, A, W, Delta):
    _kernels()[1](Wl, M, G, LZ, Z, k0, k1, scale, mode, Bel, A, W, Delta)

"""Run small-matrix code with single-threaded BLAS.

The saddle sampler and the regimes GD multiply many tiny matrices; multi-threaded OpenBLAS gains nothing
there and, on a loaded machine, spin-waiting threads made L-BFGS ~30-300x slower (measured: 35 ms vs
0.12 ms per evaluation on a 100-dimensional quadratic with 2 cores at load 8).  ``single_thread_blas()``
limits every loaded OpenBLAS (NumPy's and SciPy's copies) to one thread for the duration of a block, using
``threadpoolctl`` when installed and the OpenBLAS C API through ``ctypes`` otherwise; it does nothing when
neither is available.
"""
from __future__ import annotations

import ctypes
from contextlib import contextmanager

_NAMES = ("scipy_openblas_{}_num_threads64_", "scipy_openblas_{}_num_threads", "openblas_{}_num_threads64_",
          "openblas_{}_num_threads")


def _openblas_handles():
    libs = set()
    try:
        with open("/proc/self/maps") as fh:
            for line in fh:
                path = line.split()[-1] if line.strip() else ""
                if "openblas" in path.lower() and (".so" in path or path.endswith(".dylib")):
                    libs.add(path)
    except OSError:
        return []
    out = []
    for p in sorted(libs):
        try:
            lib = ctypes.CDLL(p)
        except OSError:
            continue
        for pat in _NAMES:
            get, set_ = getattr(lib, pat.format("get"), None), getattr(lib, pat.format("set"), None)
            if get is not None and set_ is not None:
                get.restype = ctypes.c_int
                set_.argtypes = [ctypes.c_int]
                out.append((get, set_))
                break
    return out


@contextmanager
def single_thread_blas():
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        threadpool_limits = None
    if threadpool_limits is not None:
        with threadpool_limits(limits=1, user_api="blas"):
            yield
        return
    handles = _openblas_handles()
    old = [get() for get, _ in handles]
    for _, set_ in handles:
        set_(1)
    try:
        yield
    finally:
        for (_, set_), n in zip(handles, old):
            set_(n)


def _single_threaded(fn):
    import functools

    @functools.wraps(fn)
    def wrapper(*a, **k):
        with single_thread_blas():
            return fn(*a, **k)
    return wrapper

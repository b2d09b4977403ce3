"""Input validation shared by every public function.

Every error names the argument and the expected form (Hypothesis style), and is a
:class:`SymdlnInputError`, a ``ValueError`` subclass, so the CLI can turn it into one line and
exit status 2.
"""
from __future__ import annotations

import numpy as np

__all__ = ["SymdlnInputError", "as_matrix", "as_vector", "check_psd", "check_finite", "check_positive"]


class SymdlnInputError(ValueError):
    """Bad input: the message names the argument and the expected form."""


def check_finite(name: str, a: np.ndarray) -> None:
    if not np.all(np.isfinite(a)):
        raise SymdlnInputError(f"{name} must be finite; got NaN or inf entries")


def as_matrix(name: str, a, shape: tuple | None = None) -> np.ndarray:
    """Return ``a`` as a finite float64 2-D array, optionally of the given shape (None = any)."""
    try:
        arr = np.asarray(a, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise SymdlnInputError(f"{name} must be a real 2-D array; got {type(a).__name__}") from exc
    if arr.ndim != 2:
        raise SymdlnInputError(f"{name} must be a 2-D array; got shape {arr.shape}")
    if shape is not None:
        for got, want, axis in zip(arr.shape, shape, ("rows", "columns")):
            if want is not None and got != want:
                raise SymdlnInputError(
                    f"{name} must have shape {tuple('*' if x is None else x for x in shape)}; "
                    f"got {arr.shape} ({axis} differ)")
    check_finite(name, arr)
    return arr


def as_vector(name: str, a, length: int | None = None) -> np.ndarray:
    try:
        arr = np.asarray(a, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise SymdlnInputError(f"{name} must be a real 1-D array; got {type(a).__name__}") from exc
    if arr.ndim != 1:
        raise SymdlnInputError(f"{name} must be a 1-D array; got shape {arr.shape}")
    if length is not None and arr.shape[0] != length:
        raise SymdlnInputError(f"{name} must have length {length}; got {arr.shape[0]}")
    check_finite(name, arr)
    return arr


def check_positive(name: str, x, *, allow_zero: bool = False) -> float:
    try:
        val = float(x)
    except (TypeError, ValueError) as exc:
        raise SymdlnInputError(f"{name} must be a real number; got {x!r}") from exc
    if not np.isfinite(val) or val < 0 or (val == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise SymdlnInputError(f"{name} must be a finite number {bound}; got {x!r}")
    return val


def check_psd(name: str, a: np.ndarray, *, rtol: float = 1e-10) -> np.ndarray:
    """Symmetric positive semi-definite check; tolerance relative to the largest |entry|."""
    a = as_matrix(name, a)
    if a.shape[0] != a.shape[1]:
        raise SymdlnInputError(f"{name} must be square (symmetric PSD); got shape {a.shape}")
    scale = max(1.0, float(np.abs(a).max(initial=0.0)))
    if not np.allclose(a, a.T, atol=rtol * scale, rtol=0):
        raise SymdlnInputError(f"{name} must be symmetric (a covariance matrix); got an asymmetric matrix")
    if a.size and np.linalg.eigvalsh(a).min() < -rtol * scale * a.shape[0]:
        raise SymdlnInputError(f"{name} must be positive semi-definite; it has a negative eigenvalue")
    return 0.5 * (a + a.T)

"""Input validation shared by every public function.

Every error names the argument and the expected form (Hypothesis style), and is a
:class:`SymdlnInputError`, a ``ValueError`` subclass, so the CLI can turn it into one line and
exit status 2.
"""
from __future__ import annotations

import numpy as np

__all__ = ["SymdlnInputError", "as_matrix", "as_vector", "check_psd", "check_finite", "check_positive",
           "rational_from_string", "reject_string"]


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


def rational_from_string(name: str, text: str):
    """An exact SymPy Rational from a string like ``"2/3"`` or ``"0.25"`` via :class:`fractions.Fraction`.

    Never goes through SymPy's parser, so no string can run code or build an arbitrary expression."""
    import fractions

    import sympy as sp
    try:
        f = fractions.Fraction(text.strip())
    except (ValueError, ZeroDivisionError) as exc:
        raise SymdlnInputError(f"{name} must be a rational number like '2/3' or '0.25'; got {text!r}") from exc
    return sp.Rational(f.numerator, f.denominator)


def reject_string(name: str, x) -> None:
    """Refuse strings where a SymPy object is expected (symdln never parses strings into expressions)."""
    if isinstance(x, (str, bytes)):
        raise SymdlnInputError(f"{name} must be a SymPy expression built from symdln.symbolic.symbols, "
                               f"not a string (symdln never parses strings); got {x!r:.60}")

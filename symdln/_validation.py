"""Input validation shared by every public function.

Every error names the argument and the expected form (Hypothesis style), and is a
:class:`SymdlnInputError`, a ``ValueError`` subclass, so the CLI can turn it into one line and
exit status 2.
"""
from __future__ import annotations

import numpy as np

__all__ = ["SymdlnInputError", "as_matrix", "as_vector", "check_psd", "check_finite", "check_positive",
           "rational_from_string", "reject_string", "reject_text", "to_sympy", "check_seed", "check_count",
           "check_int", "check_real", "as_rng", "short", "MAX_SAMPLES"]

#: the largest sample size / step count any function accepts (a bound on memory and run time)
MAX_SAMPLES = 10**8


class SymdlnInputError(ValueError):
    """Bad input: the message names the argument and the expected form (always one line)."""

    def __init__(self, message: str = "", *args):
        super().__init__(" ".join(str(message).split()), *args)


def short(x, n: int = 40) -> str:
    """A one-line, at most ``n``-character repr of ``x`` for error messages."""
    r = " ".join(repr(x).split())
    return r if len(r) <= n else r[: n - 3] + "..."


def check_finite(name: str, a: np.ndarray) -> None:
    if not np.all(np.isfinite(a)):
        raise SymdlnInputError(f"{name} must be finite; got NaN or inf entries")


def as_matrix(name: str, a, shape: tuple | None = None) -> np.ndarray:
    """Return ``a`` as a finite float64 2-D array, optionally of the given shape (None = any)."""
    arr = _real_array(name, a, "2-D")
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
    arr = _real_array(name, a, "1-D")
    if arr.ndim != 1:
        raise SymdlnInputError(f"{name} must be a 1-D array; got shape {arr.shape}")
    if length is not None and arr.shape[0] != length:
        raise SymdlnInputError(f"{name} must have length {length}; got {arr.shape[0]}")
    check_finite(name, arr)
    return arr


def _real_array(name: str, a, form: str) -> np.ndarray:
    """``a`` as a float64 array: text (at any depth) and complex numbers are refused, never parsed or cast."""
    reject_text(name, a)
    try:
        raw = np.asarray(a)
    except (TypeError, ValueError) as exc:
        raise SymdlnInputError(f"{name} must be a real {form} array; got {type(a).__name__}") from exc
    if raw.dtype.kind == "c" or (raw.dtype.kind == "O" and any(isinstance(x, complex) or
                                                               np.iscomplexobj(x) for x in raw.ravel())):
        raise SymdlnInputError(f"{name} must be a real {form} array; got complex entries "
                               "(the imaginary part would be lost)")
    try:
        return np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise SymdlnInputError(f"{name} must be a real {form} array; got {type(a).__name__}") from exc


def check_positive(name: str, x, *, allow_zero: bool = False) -> float:
    """A finite real number > 0 (>= 0 with ``allow_zero``); text, arrays, complex and bools are refused."""
    if isinstance(x, str | bytes | bool | complex | np.ndarray | list | tuple | dict):
        raise SymdlnInputError(f"{name} must be a finite real number; got {type(x).__name__} {short(x)}")
    try:
        val = float(x)
    except (TypeError, ValueError) as exc:
        raise SymdlnInputError(f"{name} must be a real number; got {short(x)}") from exc
    if not np.isfinite(val) or val < 0 or (val == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise SymdlnInputError(f"{name} must be a finite number {bound}; got {short(x)}")
    return val


def check_real(name: str, x) -> float:
    """A finite real number of either sign (text, arrays, complex, bools, NaN and inf are refused)."""
    if isinstance(x, str | bytes | bool | complex | np.ndarray | list | tuple | dict) or \
            not isinstance(x, int | float | np.integer | np.floating):
        raise SymdlnInputError(f"{name} must be a finite real number; got {type(x).__name__} {short(x)}")
    if not np.isfinite(float(x)):
        raise SymdlnInputError(f"{name} must be a finite real number; got {short(x)}")
    return float(x)


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


_TEXT = (str, bytes, bytearray, memoryview)
_MAX_DEPTH = 64


def _find_text(x, depth: int = 0, seen=None):
    """The path (e.g. ``"[1]['a']"``) to the first text object inside ``x``, or None.

    Walks lists, tuples, sets, dicts (keys and values), numpy arrays (text and object dtypes) and SymPy
    matrices; deeper than 64 levels (or a container that contains itself) counts as refused input."""
    if isinstance(x, _TEXT) or isinstance(x, np.str_ | np.bytes_):
        return ""
    if depth > _MAX_DEPTH:
        return "<nested too deep>"
    if isinstance(x, np.ndarray):
        if x.dtype.kind in "USV":
            return "[...]" if x.size or x.dtype.kind in "US" else None
        if x.dtype.kind != "O":
            return None
        items = list(enumerate(x.ravel()))
    elif isinstance(x, dict):
        items = [(f"key {k!r:.20}", k) for k in x] + [(repr(k)[:20], v) for k, v in x.items()]
    elif isinstance(x, list | tuple | set | frozenset):
        items = list(enumerate(x))
    else:
        return None
    seen = set() if seen is None else seen
    if id(x) in seen:
        return "<a container that contains itself>"
    seen.add(id(x))
    for k, v in items:
        p = _find_text(v, depth + 1, seen)
        if p is not None:
            return f"[{k}]{p}"
    seen.discard(id(x))
    return None


def reject_text(name: str, x) -> None:
    """Refuse text anywhere inside ``x`` (at any depth of lists, tuples, sets, dicts, numpy arrays).

    symdln never parses strings into expressions: a string that reached ``sympify`` (even nested in a list)
    would be evaluated as Python code."""
    where = _find_text(x)
    if where is not None:
        at = f" (at {name}{where})" if where else ""
        raise SymdlnInputError(f"{name} must be built from numbers and SymPy objects (symdln.symbolic.symbols), "
                               f"not text{at}; symdln never parses strings")


#: kept for callers of the first version; now refuses text at any depth
reject_string = reject_text


def to_sympy(name: str, x):
    """The one gate from user data to SymPy: a strict conversion that never parses text.

    Accepts SymPy objects, Python/numpy numbers, :class:`fractions.Fraction`, numeric numpy arrays (-> Matrix)
    and lists/tuples/dicts of these (converted element-wise, container kept); anything holding text or of
    another type raises :class:`SymdlnInputError` naming ``name``."""
    import fractions

    import sympy as sp
    reject_text(name, x)

    def conv(v, depth):
        if depth > _MAX_DEPTH:
            raise SymdlnInputError(f"{name} is nested too deeply")
        if isinstance(v, sp.Basic | sp.MatrixBase):
            return v
        if isinstance(v, bool | np.bool_):
            return sp.true if v else sp.false
        if isinstance(v, int | np.integer):
            return sp.Integer(int(v))
        if isinstance(v, fractions.Fraction):
            return sp.Rational(v.numerator, v.denominator)
        if isinstance(v, float | np.floating):
            return sp.Float(float(v))
        if isinstance(v, complex | np.complexfloating):
            return sp.Float(v.real) + sp.I * sp.Float(v.imag)
        if isinstance(v, np.ndarray):
            if v.dtype.kind == "O":
                return conv(v.tolist(), depth + 1)
            return sp.Matrix(v) if v.ndim in (1, 2) else sp.Array(v.tolist())
        if isinstance(v, list | tuple):
            return type(v)(conv(e, depth + 1) for e in v)
        if isinstance(v, dict):
            return {conv(k, depth + 1): conv(e, depth + 1) for k, e in v.items()}
        if isinstance(v, set | frozenset):
            return type(v)(conv(e, depth + 1) for e in v)
        raise SymdlnInputError(f"{name} must be a number or a SymPy object built from symdln.symbolic.symbols; "
                               f"got {type(v).__name__}")
    return conv(x, 0)


def check_int(name: str, x, *, lo: int | None = None, hi: int | None = None) -> int:
    """``x`` as a Python int within [lo, hi]: bools, floats, strings and arrays are refused."""
    if isinstance(x, bool | np.bool_) or not isinstance(x, int | np.integer):
        raise SymdlnInputError(f"{name} must be an integer; got {type(x).__name__} {short(x)}")
    v = int(x)
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        rng = f">= {lo}" if hi is None else f"in [{lo}, {hi}]" if lo is not None else f"<= {hi}"
        raise SymdlnInputError(f"{name} must be an integer {rng}; got {v}")
    return v


def check_count(name: str, x, *, lo: int = 1, hi: int = MAX_SAMPLES) -> int:
    """A sample size / step count: an integer in [lo, hi] (a float with an integral value is accepted)."""
    if isinstance(x, float | np.floating) and np.isfinite(x) and float(x).is_integer():
        x = int(x)
    return check_int(name, x, lo=lo, hi=hi)


def as_rng(name: str, rng) -> np.random.Generator:
    """A numpy Generator from ``rng``: None, a non-negative int, a non-empty sequence of non-negative ints, or a
    numpy Generator / BitGenerator / SeedSequence (a Generator is used as is, not copied)."""
    if rng is None or isinstance(rng, np.random.Generator | np.random.BitGenerator | np.random.SeedSequence):
        return np.random.default_rng(rng)
    what = (f"{name} must be None, a non-negative integer, a sequence of them, or a numpy Generator/SeedSequence; "
            f"got {type(rng).__name__} {short(rng)}")
    if isinstance(rng, bool | np.bool_):
        raise SymdlnInputError(what)
    if isinstance(rng, int | np.integer):
        if rng < 0:
            raise SymdlnInputError(what)
        return np.random.default_rng(int(rng))
    if isinstance(rng, list | tuple | np.ndarray):
        reject_text(name, rng)
        if len(rng) == 0:
            raise SymdlnInputError(what)
        try:      # numpy's SeedSequence checks the rest: (nested) sequences of non-negative integers only
            return np.random.default_rng(rng)
        except (TypeError, ValueError, OverflowError) as exc:
            raise SymdlnInputError(what) from exc
    raise SymdlnInputError(what)


def check_seed(name: str, seed):
    """A seed: None, a non-negative int, or a numpy Generator / SeedSequence (returned as is)."""
    if seed is None or isinstance(seed, np.random.Generator | np.random.SeedSequence):
        return seed
    return check_int(name, seed, lo=0, hi=2**63 - 1)

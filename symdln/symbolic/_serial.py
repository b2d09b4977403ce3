"""A safe JSON form for derivation results (the on-disk cache of :mod:`symdln.symbolic._cache`).

Reading a cache file never executes what it reads: no ``eval`` of ``srepr`` text, no ``pickle``.  A SymPy
object is stored as a tree ``{"f": class name, "a": [args]}`` and rebuilt with ``cls(*args)`` (SymPy's
invariant ``expr.func(*expr.args) == expr``), where ``cls`` must be a :class:`sympy.Basic` subclass that
SymPy itself exports under that name; leaves are symbols (name + the assumptions they were created
with), numbers, strings and undefined functions.  Functions stored in a derivation (reference
implementations it points to) are stored by module and qualified name and resolved only inside
``symdln.symbolic``.  Anything else raises :class:`Unserialisable`, and the caller simply does not cache
that result.
"""
from __future__ import annotations

import dataclasses
import importlib
import math
import types
from fractions import Fraction

import sympy as sp
from sympy.core.function import AppliedUndef, UndefinedFunction
from sympy.core.symbol import Str

from .derivation import Derivation, Step

__all__ = ["Unserialisable", "encode", "decode"]

_SINGLETON_NAMES = ("Zero", "One", "NegativeOne", "Half", "Infinity", "NegativeInfinity", "NaN",
                    "ComplexInfinity", "ImaginaryUnit", "Pi", "Exp1", "EulerGamma", "Catalan",
                    "GoldenRatio", "true", "false", "EmptySet", "Reals", "Integers", "Naturals",
                    "Naturals0", "Complexes", "UniversalSet", "EmptySequence", "IdentityFunction")
_SINGLETONS = {}
for _n in _SINGLETON_NAMES:
    try:
        _SINGLETONS[type(getattr(sp.S, _n)).__name__] = _n
    except AttributeError:  # pragma: no cover - older/newer SymPy without that singleton
        pass
_DATACLASSES = {"Derivation": Derivation, "Step": Step}
_CALLABLE_PREFIX = "symdln.symbolic."
_UNEVALUATED = (sp.Add, sp.Mul, sp.Pow, sp.core.relational.Relational)


class Unserialisable(TypeError):
    """The object holds something the safe form does not cover (it is then computed, not cached)."""


def _sympy_class(name: str):
    cls = getattr(sp, name, None)
    if cls is None:
        from sympy.functions.elementary.piecewise import ExprCondPair
        cls = {"ExprCondPair": ExprCondPair}.get(name)
    if not (isinstance(cls, type) and issubclass(cls, sp.Basic)):
        raise Unserialisable(f"not a SymPy class: {name!r}")
    return cls


def encode(x):
    """The JSON-safe tree of ``x`` (raises :class:`Unserialisable` for what it does not cover)."""
    if x is None or isinstance(x, (bool, str)):
        return x
    if isinstance(x, int):
        return {"i": str(x)}                        # big ints stay exact
    if isinstance(x, float):
        return {"fl": repr(x)} if not math.isfinite(x) else x
    if isinstance(x, Fraction):
        return {"fr": [str(x.numerator), str(x.denominator)]}
    if isinstance(x, sp.MatrixBase):
        return {"M": [x.rows, x.cols, [encode(e) for e in x], isinstance(x, sp.ImmutableMatrix)]}
    if isinstance(x, sp.Basic):
        return _encode_basic(x)
    if isinstance(x, (list, tuple)):
        return {"l" if isinstance(x, list) else "t": [encode(v) for v in x]}
    if isinstance(x, (set, frozenset)):
        return {"set" if isinstance(x, set) else "fset": [encode(v) for v in x]}
    if isinstance(x, dict):
        return {"d": [[encode(k), encode(v)] for k, v in x.items()]}
    if dataclasses.is_dataclass(x) and type(x).__name__ in _DATACLASSES and type(x) is _DATACLASSES[type(x).__name__]:
        return {"dc": type(x).__name__, "v": {f.name: encode(getattr(x, f.name)) for f in dataclasses.fields(x)}}
    if callable(x) and getattr(x, "__module__", "").startswith(_CALLABLE_PREFIX):
        mod, qual = x.__module__, getattr(x, "__qualname__", "")
        if "<" in qual or _resolve(mod, qual) is not x:
            raise Unserialisable(f"callable {mod}.{qual} is not reachable by name")
        return {"fn": [mod, qual]}
    raise Unserialisable(f"cannot store {type(x).__name__}")


def _encode_basic(x):
    t = type(x)
    if isinstance(x, sp.Dummy) or isinstance(x, sp.Wild):
        raise Unserialisable("Dummy/Wild symbols are not stored")
    if t is sp.Symbol:
        assumptions = getattr(x, "_assumptions_orig", None)
        if assumptions is None:  # pragma: no cover - older SymPy
            assumptions = x.assumptions0
        return {"S": x.name, "as": {k: v for k, v in sorted(assumptions.items())}}
    if t.__name__ in _SINGLETONS:
        return {"C": _SINGLETONS[t.__name__]}
    if t is sp.Integer:
        return {"Z": str(x.p)}
    if t is sp.Rational:
        return {"Q": [str(x.p), str(x.q)]}
    if t is sp.Float:
        sign, man, exp, bc = x._mpf_
        return {"F": [sign, hex(man), exp, bc], "prec": x._prec}
    if t is Str:
        return {"Str": x.name}
    if isinstance(x, AppliedUndef):
        return {"U": t.__name__, "a": [encode(a) for a in x.args]}
    if isinstance(x, UndefinedFunction):  # pragma: no cover - a bare function class is not a Basic instance
        raise Unserialisable("bare undefined function")
    name = t.__name__
    if _sympy_class(name) is not t:
        raise Unserialisable(f"class {name} is not SymPy's")
    return {"f": name, "a": [encode(a) for a in x.args]}


def _resolve(mod: str, qual: str):
    """The module-level (or class-level) *function* ``mod.qual`` of symdln.symbolic, nothing else."""
    parts = str(qual).split(".")
    if (not str(mod).startswith(_CALLABLE_PREFIX) or not all(m.isidentifier() for m in str(mod).split("."))
            or not all(p.isidentifier() and not p.startswith("_") for p in parts)):
        raise Unserialisable(f"refusing to resolve {mod}.{qual}")
    obj = importlib.import_module(mod)
    for part in parts:
        obj = getattr(obj, part)
    if not isinstance(obj, types.FunctionType) or obj.__module__ != mod or obj.__qualname__ != qual:
        raise Unserialisable(f"{mod}.{qual} is not a function defined there")
    return obj


def decode(t):
    """Rebuild what :func:`encode` stored; raises :class:`Unserialisable` on anything unexpected."""
    if t is None or isinstance(t, (bool, str, float)):
        return t
    if isinstance(t, int):
        return t
    if not isinstance(t, dict) or len(t) == 0:
        raise Unserialisable(f"unexpected node {type(t).__name__}")
    if "i" in t:
        return int(t["i"])
    if "fl" in t:
        return float(t["fl"])
    if "fr" in t:
        return Fraction(int(t["fr"][0]), int(t["fr"][1]))
    if "M" in t:
        rows, cols, entries, immutable = t["M"]
        cls = sp.ImmutableMatrix if immutable else sp.Matrix
        return cls(rows, cols, [decode(e) for e in entries])
    if "l" in t:
        return [decode(v) for v in t["l"]]
    if "t" in t:
        return tuple(decode(v) for v in t["t"])
    if "set" in t:
        return {decode(v) for v in t["set"]}
    if "fset" in t:
        return frozenset(decode(v) for v in t["fset"])
    if "d" in t:
        return {decode(k): decode(v) for k, v in t["d"]}
    if "dc" in t:
        cls = _DATACLASSES.get(t["dc"])
        if cls is None:
            raise Unserialisable(f"unknown record {t['dc']!r}")
        return cls(**{k: decode(v) for k, v in t["v"].items()})
    if "fn" in t:
        return _resolve(*t["fn"])
    if "S" in t:
        return sp.Symbol(t["S"], **{str(k): bool(v) for k, v in t["as"].items()})
    if "C" in t:
        if t["C"] not in _SINGLETON_NAMES:
            raise Unserialisable(f"unknown constant {t['C']!r}")
        return getattr(sp.S, t["C"])
    if "Z" in t:
        return sp.Integer(int(t["Z"]))
    if "Q" in t:
        return sp.Rational(int(t["Q"][0]), int(t["Q"][1]))
    if "F" in t:
        sign, man, exp, bc = t["F"]
        return sp.Float._new((int(sign), int(man, 16), int(exp), int(bc)), int(t["prec"]))
    if "Str" in t:
        return Str(t["Str"])
    if "U" in t:
        if not str(t["U"]).isidentifier():
            raise Unserialisable(f"bad function name {t['U']!r}")
        return sp.Function(t["U"])(*[decode(a) for a in t["a"]])
    if "f" in t:
        cls = _sympy_class(t["f"])
        args = [decode(a) for a in t["a"]]
        if issubclass(cls, _UNEVALUATED):       # rebuild exactly as stored (an Eq(a, a) stays an equation)
            return cls(*args, evaluate=False)
        return cls(*args)
    raise Unserialisable(f"unknown node keys {sorted(t)}")

"""Memoised ``sympy.simplify`` for the derivations: within one process the same input is simplified once.

Deriving every quantity calls ``simplify`` 377 times on 157 distinct inputs (the same coefficient, exponent
or drift comes back in several derivations).  SymPy's ``==``/``hash`` are structural (``Float(2.0)`` and
``Integer(2)`` are different keys; symbols with different assumptions are different keys), and ``simplify``
is a deterministic function of its input, so returning the stored result is the same as recomputing it.
Unhashable inputs (mutable matrices) are simplified directly.
"""
from __future__ import annotations

import sympy as sp

__all__ = ["simplify", "simplify_zero_first", "simplifies_to_zero", "cancels_to_zero", "clear"]

_MEMO: dict = {}
_MAX = 4096


def simplify(expr, **kwargs):
    """``sympy.simplify(expr, **kwargs)``, computed once per distinct (expr, kwargs) in this process."""
    try:
        key = (expr, tuple(sorted(kwargs.items())))
        hash(key)
    except TypeError:
        return sp.simplify(expr, **kwargs)
    hit = _MEMO.get(key)
    if hit is not None:
        return hit
    out = sp.simplify(expr, **kwargs)
    if len(_MEMO) >= _MAX:
        _MEMO.clear()
    _MEMO[key] = out
    return out


def cancels_to_zero(expr) -> bool:
    """``cancel(expr) == 0`` (a proof that ``expr`` is identically zero; ``False`` proves nothing)."""
    try:
        return sp.cancel(expr) == 0
    except (sp.PolynomialError, TypeError, AttributeError, NotImplementedError):
        return False


def simplify_zero_first(expr):
    """``simplify(expr)``, but 0 straight away when ``cancel(expr)`` is already 0.

    ``cancel`` is an equivalence transformation (it brings a rational function of its generators to the canonical
    p/q form), so ``cancel(expr) == 0`` proves that ``expr`` is identically zero, and ``simplify`` would return 0
    too; only when ``cancel`` leaves something non-zero is the full ``simplify`` run (it knows more identities:
    powers with symbolic exponents, logarithms, ...).  For a zero test this is 5-20x cheaper.
    """
    return sp.Integer(0) if cancels_to_zero(expr) else simplify(expr)


def simplifies_to_zero(expr) -> bool:
    """``simplify(expr) == 0`` (see :func:`simplify_zero_first`)."""
    return cancels_to_zero(expr) or simplify(expr) == 0


def clear() -> None:
    """Forget every stored result (tests)."""
    _MEMO.clear()

"""Small exact linear-algebra helpers for the SymPy derivations (pure SymPy, no NumPy).

Conventions (``docs/conventions.md``): ``W_l`` has shape ``(d_l, d_{l-1})``, ``vec`` stacks
columns, ``W_{>l} = W_L ... W_{l+1}``, ``W_{<l} = W_{l-1} ... W_1`` (empty product = identity).
This module is independent of the numeric core (``symdln.noise``, ``symdln.modes``): the two
code paths check each other.
"""
from __future__ import annotations

import functools
from fractions import Fraction
from typing import Sequence

import sympy as sp

from .._validation import SymdlnInputError, to_sympy

__all__ = ["is_zero", "expand_polynomial", "vec", "unvec", "kron",
           "commutation", "sym_matrix", "sym_symmetric", "symbolic_layers",
           "above", "below", "between", "end_to_end", "theta_symbols", "cayley", "rational_orthonormal"]


def is_zero(M) -> bool:
    """True iff every entry of ``M`` (a Matrix or a scalar) expands to exactly 0 (structural test; never None).

    Polynomial entries with rational coefficients are compared in a sparse polynomial ring over QQ (exact, and
    much faster than ``expand``); anything else falls back to ``sp.expand``."""
    raw = list(M) if isinstance(M, sp.MatrixBase) else [M]
    entries = [to_sympy("entry", e) for e in raw]
    if not all(isinstance(e, sp.Basic) for e in entries):
        raise SymdlnInputError("M must be a SymPy Matrix or a scalar SymPy expression")
    syms = sorted(set().union(*(e.free_symbols for e in entries)), key=str)
    if syms:
        from sympy.polys.domains import QQ
        from sympy.polys.polyerrors import CoercionFailed, GeneratorsError
        from sympy.polys.rings import ring
        try:
            R = ring(syms, QQ)[0]
            return all(R(e) == 0 for e in entries)
        except (CoercionFailed, GeneratorsError, ValueError, TypeError):
            pass
    return all(sp.expand(e) == 0 for e in entries)


def expand_polynomial(M):
    """``sp.expand(M)`` (a Matrix or a scalar) for polynomials with rational coefficients, computed in a sparse
    polynomial ring over QQ in all their free symbols: ``as_expr`` of a ring element is the canonical expanded sum
    of monomials, the same expression ``expand`` builds, several times faster on products of symbolic matrices.
    Anything else (non-polynomial entries, floats) goes to ``sp.expand``."""
    entries = list(M) if isinstance(M, sp.MatrixBase) else [M]
    if all(isinstance(e, sp.Basic) and not e.has(sp.Float) for e in entries):   # QQ would make floats rational
        syms = sorted(set().union(*(e.free_symbols for e in entries)), key=lambda x: (str(x), x.sort_key()))
        if syms:
            from sympy.polys.domains import QQ
            from sympy.polys.polyerrors import CoercionFailed, GeneratorsError
            from sympy.polys.rings import ring
            try:
                R = ring(syms, QQ)[0]
                out = [R(e).as_expr() for e in entries]
            except (CoercionFailed, GeneratorsError, ValueError, TypeError):
                out = None
            if out is not None:
                # sp.expand(matrix) returns an ImmutableMatrix (it sympifies its argument): the same here
                return sp.ImmutableMatrix(M.rows, M.cols, out) if isinstance(M, sp.MatrixBase) else out[0]
    return sp.expand(M)


def vec(A: sp.MatrixBase) -> sp.Matrix:
    """Column-major vectorisation: ``vec(A)[i + rows*j] = A[i, j]``."""
    return sp.Matrix([A[i, j] for j in range(A.cols) for i in range(A.rows)])


def unvec(v: sp.MatrixBase, rows: int, cols: int) -> sp.Matrix:
    return sp.Matrix(rows, cols, lambda i, j: v[i + rows * j])


def kron(*mats: sp.MatrixBase) -> sp.Matrix:
    """Kronecker product ``A kron B kron ...``: entry ``(i p + k, j q + l)`` of ``A kron B`` is ``A[i, j] B[k, l]``
    (``B`` of shape ``(p, q)``), built directly (the same products ``sympy.kronecker_product`` forms, without its
    matrix-expression rewriting, which cost more than the products)."""
    out = sp.Matrix(mats[0])
    for m in mats[1:]:
        out = _kron_rational(out, m) or _kron_expr(out, m)
    return out


def _kron_expr(a: sp.MatrixBase, b: sp.MatrixBase) -> sp.Matrix:
    p, q = b.shape
    return sp.Matrix(a.rows * p, a.cols * q, lambda r, c: a[r // p, c // q] * b[r % p, c % q])


def _kron_rational(a: sp.MatrixBase, b: sp.MatrixBase):
    """``a kron b`` in exact rational arithmetic (``DomainMatrix`` over ZZ/QQ, ~8x faster than SymPy ``Rational``
    products) when every entry of both is a rational number; ``None`` otherwise."""
    if not all(e.is_Rational for e in a) or not all(e.is_Rational for e in b):
        return None
    from sympy.polys.matrices import DomainMatrix
    da, db = DomainMatrix.from_Matrix(a).unify(DomainMatrix.from_Matrix(b))
    if not (da.domain.is_ZZ or da.domain.is_QQ):
        return None
    x, y, (p, q) = da.to_list(), db.to_list(), b.shape
    rows = [[x[r // p][c // q] * y[r % p][c % q] for c in range(a.cols * q)] for r in range(a.rows * p)]
    return DomainMatrix(rows, (a.rows * p, a.cols * q), da.domain).to_Matrix()


@functools.lru_cache(maxsize=None)
def commutation(rows: int, cols: int) -> sp.Matrix:
    """The commutation matrix ``C`` with ``C vec(A) = vec(A^T)`` for ``A`` of shape (rows, cols),
    obtained as the Jacobian of ``vec(A^T)`` with respect to ``vec(A)`` for a symbolic ``A``."""
    A = sym_matrix("c", rows, cols)
    return vec(A.T).jacobian(vec(A))


def sym_matrix(name: str, rows: int, cols: int, **assumptions) -> sp.Matrix:
    """A matrix of independent real symbols ``name_{i j}`` (1-based indices in the names)."""
    return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"{name}_{i + 1}{j + 1}", real=True, **assumptions))


def sym_symmetric(name: str, n: int) -> sp.Matrix:
    """A symmetric matrix of real symbols (entry (i,j) and (j,i) share the symbol ``name_{ij}``, i<=j)."""
    return sp.Matrix(n, n, lambda i, j: sp.Symbol(f"{name}_{min(i, j) + 1}{max(i, j) + 1}", real=True))


def symbolic_layers(widths: Sequence[int], name: str = "W") -> list[sp.Matrix]:
    """Layers ``W_1..W_L`` of a network with widths ``(d_0, ..., d_L)``, entries independent symbols
    ``W{l}_{ij}``."""
    return [sym_matrix(f"{name}{l}", widths[l], widths[l - 1]) for l in range(1, len(widths))]


def _prod(mats: Sequence[sp.Matrix], size: int) -> sp.Matrix:
    """Left-to-right product of ``mats``; the identity of size ``size`` when empty."""
    if not mats:
        return sp.eye(size)
    out = mats[0]
    for m in mats[1:]:
        out = out * m
    return out


def above(layers: Sequence[sp.Matrix], l: int) -> sp.Matrix:
    """``W_{>l} = W_L ... W_{l+1}`` (shape ``(d_L, d_l)``), 1-based ``l``."""
    return _prod(list(reversed(layers[l:])), layers[l - 1].rows)  # empty only when l = L


def below(layers: Sequence[sp.Matrix], l: int) -> sp.Matrix:
    """``W_{<l} = W_{l-1} ... W_1`` (shape ``(d_{l-1}, d_0)``), 1-based ``l``."""
    return _prod(list(reversed(layers[: l - 1])), layers[0].cols)  # empty only when l = 1


def between(layers: Sequence[sp.Matrix], l: int, m: int) -> sp.Matrix:
    """``W_{l-1} ... W_{m+1}`` for ``l > m`` (shape ``(d_{l-1}, d_m)``)."""
    if not l > m:
        raise SymdlnInputError(f"between(l, m): need l > m (1-based layer indices), got l={l}, m={m}")
    return _prod(list(reversed(layers[m: l - 1])), layers[m - 1].rows)


def end_to_end(layers: Sequence[sp.Matrix]) -> sp.Matrix:
    return _prod(list(reversed(layers)), layers[-1].rows)


def theta_symbols(layers: Sequence[sp.Matrix]) -> list[sp.Symbol]:
    """Stacked parameters ``theta = (vec W_1; ...; vec W_L)`` as a list of symbols."""
    return [x for W in layers for x in vec(W)]


def cayley(A: sp.Matrix) -> sp.Matrix:
    """Cayley transform ``Q = (I - A)(I + A)^{-1}`` of a skew-symmetric ``A``: exactly orthogonal,
    rational when ``A`` is rational."""
    if A != -A.T:
        raise SymdlnInputError("cayley: A must be a skew-symmetric matrix (A = -A^T)")
    n = A.rows
    return (sp.eye(n) - A) * (sp.eye(n) + A).inv()


def rational_orthonormal(n: int, k: int, seed: int) -> sp.Matrix:
    """``n x k`` matrix with exactly orthonormal rational columns: the first ``k`` columns of the Cayley
    transform of a rational skew matrix whose entries are drawn from ``seed`` (small denominators)."""
    import random
    rng = random.Random(seed)
    A = sp.zeros(n, n)
    for i in range(n):
        for j in range(i + 1, n):
            val = sp.Rational(Fraction(rng.randint(-3, 3), rng.randint(1, 3)))
            A[i, j], A[j, i] = val, -val
    Q = cayley(A)
    return Q[:, :k]


# ---- display forms: the derived general formulas as SymPy matrix expressions (for typesetting) ---------
@functools.lru_cache(maxsize=None)
def display_symbols() -> dict:
    """MatrixSymbols with symbolic shapes used to typeset the general (any-size) results."""
    dim = {k: sp.Symbol(k, integer=True, positive=True) for k in ("d_0", "d_L", "d_l", "d_{l-1}", "d_m", "d_{m-1}")}
    d0, dL, dl, dl1, dm, dm1 = (dim[k] for k in ("d_0", "d_L", "d_l", "d_{l-1}", "d_m", "d_{m-1}"))
    M = sp.MatrixSymbol
    return {
        **dim,
        "W_gt_l": M("W_>l", dL, dl), "W_lt_l": M("W_<l", dl1, d0),
        "W_gt_m": M("W_>m", dL, dm), "W_lt_m": M("W_<m", dm1, d0),
        "W_btw": M("W_l-1:m+1", dl1, dm),
        "Delta": M("Delta", dL, d0), "Sigma_q": M("Sigma_q", dL, dL), "C": M("C", d0**2, d0**2),
        "u": M("u_alpha", dL, 1), "v": M("v_alpha", d0, 1),
        "K_a": M("K_alpha", dL, d0), "K_b": M("K_beta", dL, d0),
        "p": M("p_l", dL, 1), "q": M("q_m", d0, 1), "N": M("N_{lm}", d0, dL),
        "I0": sp.Identity(d0), "I00": sp.Identity(d0**2), "Im": sp.Identity(dm),
    }

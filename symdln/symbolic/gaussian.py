"""Gaussian moments from the moment generating function, and the expectation operator on polynomials.

Paper: App. B (Wick/Isserlis step ``E[vec(XX^T - I) vec(XX^T - I)^T] = I + C`` and the label-noise term
``C_label = I kron Sigma_q``), used by Prop. 3.2; the sandwich identity
``E[(XX^T - I) A (XX^T - I)] = A^T + tr(A) I`` is what reduces the Itô drift of App. D/E to traces.

Nothing here is typed in from the paper: every moment is a derivative of ``exp(t^T t / 2)`` at ``t = 0``,
and every expectation is taken monomial by monomial.
"""
from __future__ import annotations

import functools
from typing import Sequence

import sympy as sp

from .._validation import SymdlnInputError

from ._linalg import commutation, is_zero, kron, sym_matrix, sym_symmetric, vec
from .result import Derivation, Step, register

__all__ = ["gaussian_moment", "expect", "mgf_fourth_moment_matrix", "expect_matrix"]

_t = sp.Symbol("t", real=True)


@functools.lru_cache(maxsize=None)
def gaussian_moment(k: int) -> sp.Integer:
    """``E[x^k]`` for ``x ~ N(0, 1)``: the k-th derivative of the MGF ``exp(t^2/2)`` at ``t = 0``."""
    return sp.Integer(sp.diff(sp.exp(_t**2 / 2), _t, k).subs(_t, 0)) if k else sp.Integer(1)


def _monomial_terms(expr: sp.Expr, gens: Sequence[sp.Symbol]):
    """``(exponents, coefficient)`` pairs of ``expand(expr)`` as a polynomial in ``gens`` (the terms of
    ``Poly(expr, *gens)`` without building its coefficient domain, which costs more than the expectation itself;
    the coefficients are the same up to expansion, and :func:`expect` expands its result)."""
    from sympy.core.exprtools import decompose_power
    idx = {g: i for i, g in enumerate(gens)}
    out: dict = {}
    for term in sp.Add.make_args(sp.expand(expr)):
        monom, coeff = [0] * len(gens), []
        for f in sp.Mul.make_args(term):
            if f.is_Number:
                coeff.append(f)
                continue
            base, e = decompose_power(f)
            i = idx.get(base)
            if i is not None and e > 0:
                monom[i] += e
            elif f.has_free(*gens):
                raise sp.PolynomialError(f"{f} is not a polynomial factor in {list(gens)}")
            else:
                coeff.append(f)
        key = tuple(monom)
        out[key] = out.get(key, 0) + sp.Mul(*coeff)
    return out.items()


def expect(expr: sp.Expr | sp.Poly, xs: Sequence[sp.Symbol], noise: Sequence[sp.Symbol] = (),
           noise_cov: sp.Matrix | None = None) -> sp.Expr:
    """Expectation of a polynomial in independent ``x_i ~ N(0, 1)`` (``xs``) and a zero-mean noise vector
    ``noise`` with second moments ``noise_cov`` (independent of ``xs``), taken monomial by monomial.

    Only first and second moments of the noise are used, so the noise degree of each monomial must be <= 2
    (true for every quantity here: gradients are linear in the label noise).
    """
    xs, noise = list(xs), list(noise)
    if not isinstance(expr, sp.Poly):
        fast = _expect_in_ring(expr, xs, noise, noise_cov)
        if fast is not None:
            return fast
    gens = xs + noise
    terms = expr.terms() if isinstance(expr, sp.Poly) else _monomial_terms(expr, gens)
    nx = len(xs)
    total = sp.Integer(0)
    for monom, coeff in terms:
        factor = sp.Integer(1)
        for k in monom[:nx]:
            factor *= gaussian_moment(k)
            if factor == 0:
                break
        if factor == 0:
            continue
        ndeg = monom[nx:]
        deg = sum(ndeg)
        if deg == 1:
            continue
        if deg == 2:
            idx = [i for i, k in enumerate(ndeg) for _ in range(k)]
            factor *= noise_cov[idx[0], idx[1]]
        elif deg > 2:
            raise SymdlnInputError("expect: expr must have degree <= 2 in the noise variables (only second moments "
                                   "of the label noise are used)")
        total += coeff * factor
    return sp.expand(total)


def _expect_in_ring(expr, xs, noise, noise_cov):
    """:func:`expect` for a polynomial with rational coefficients, computed in a sparse polynomial ring over QQ whose
    generators are every free symbol (the same monomial-by-monomial rule; ``as_expr`` of the result is the expanded
    polynomial that ``sp.expand`` of the term-by-term sum gives).  ``None`` when ``expr`` or a needed noise covariance
    entry is not such a polynomial (then the Expr route runs)."""
    from sympy.polys.domains import QQ
    from sympy.polys.polyerrors import CoercionFailed, GeneratorsError
    from sympy.polys.rings import ring
    expr = sp.Integer(expr) if isinstance(expr, int) else expr
    if not isinstance(expr, sp.Basic) or expr.has(sp.Float) or \
            (noise_cov is not None and any(isinstance(e, sp.Basic) and e.has(sp.Float) for e in noise_cov)):
        return None                                  # QQ would turn floats into rationals
    syms = set(expr.free_symbols) | set(xs) | set(noise)
    if noise and noise_cov is not None:
        syms |= set().union(*(e.free_symbols for e in noise_cov))
    syms = sorted(syms, key=lambda x: (str(x), x.sort_key()))
    try:
        R = ring(syms, QQ)[0]
        poly = R(expr)
        cov = None if noise_cov is None or not noise else \
            [[R(noise_cov[i, j]) for j in range(len(noise))] for i in range(len(noise))]
    except (CoercionFailed, GeneratorsError, ValueError, TypeError):
        return None
    pos = {g: i for i, g in enumerate(syms)}
    ix, inz = [pos[g] for g in xs], [pos[g] for g in noise]
    moments: dict = {}
    total = R.zero
    for monom, coeff in poly.terms():
        factor = 1
        for i in ix:
            k = monom[i]
            if k:
                if k not in moments:
                    moments[k] = int(gaussian_moment(k))
                factor *= moments[k]
                if factor == 0:
                    break
        if factor == 0:
            continue
        ndeg = [monom[i] for i in inz]
        deg = sum(ndeg)
        if deg == 1:
            continue
        if deg > 2:
            raise SymdlnInputError("expect: expr must have degree <= 2 in the noise variables (only second moments "
                                   "of the label noise are used)")
        rest = list(monom)
        for i in ix + inz:
            rest[i] = 0
        term = R({tuple(rest): coeff * factor})
        if deg == 2:
            idx = [j for j, k in enumerate(ndeg) for _ in range(k)]
            term = term * cov[idx[0]][idx[1]]
        total += term
    return total.as_expr()


def expect_matrix(M: sp.MatrixBase, xs, noise=(), noise_cov=None) -> sp.Matrix:
    return M.applyfunc(lambda e: expect(e, xs, noise, noise_cov))


def _xvec(d: int, name: str = "x") -> sp.Matrix:
    return sp.Matrix([sp.Symbol(f"{name}_{i + 1}", real=True) for i in range(d)])


@functools.lru_cache(maxsize=None)
def mgf_fourth_moment_matrix(d: int) -> sp.Matrix:
    """``E[vec(XX^T - I) vec(XX^T - I)^T]`` for ``X ~ N(0, I_d)``, every moment a derivative of the MGF
    ``exp(t^T t / 2)`` at ``t = 0``."""
    ts = [sp.Symbol(f"t_{i + 1}", real=True) for i in range(d)]
    mgf = sp.exp(sum(t**2 for t in ts) / 2)
    zero = {t: 0 for t in ts}

    @functools.lru_cache(maxsize=None)
    def derivative(idx: tuple[int, ...]) -> sp.Expr:
        # d^k mgf / dt_idx[0] ... dt_idx[k-1], one differentiation from the (memoised) derivative of the prefix
        return sp.diff(derivative(idx[:-1]), ts[idx[-1]]) if idx else mgf

    @functools.lru_cache(maxsize=None)
    def moment(idx: tuple[int, ...]) -> sp.Expr:
        return derivative(idx).subs(zero)

    def m(*idx):
        return moment(tuple(sorted(idx)))

    n = d * d
    out = sp.zeros(n, n)
    for p in range(n):
        i, j = p % d, p // d          # vec index p <-> entry (i, j), column-major
        for q in range(n):
            k, l = q % d, q // d
            # E[(X_i X_j - E X_i X_j)(X_k X_l - E X_k X_l)] with E X_i X_j = m(i, j)
            out[p, q] = m(i, j, k, l) - m(i, j) * m(k, l)
    return out


@register("gaussian_fourth_moment")
def _fourth_moment() -> Derivation:
    steps = [Step("Moments of N(0,1) are derivatives of the MGF exp(t^2/2) at 0; the first six are",
                  sp.Matrix([[gaussian_moment(k) for k in range(1, 7)]]),
                  "sympy.diff of exp(t^2/2), k = 1..6")]
    results = {}
    for d in (2, 3):
        E = mgf_fourth_moment_matrix(d)
        target = sp.eye(d * d) + commutation(d, d)
        ok = is_zero(E - target)
        if not ok:
            raise AssertionError(f"fourth-moment identity failed at d={d}")
        results[d] = E
        steps.append(Step(
            f"d = {d}: entry ((i,j),(k,l)) is the 4th mixed derivative of exp(t^T t/2) at t=0 minus the product "
            f"of second derivatives; the resulting {d * d}x{d * d} matrix equals I + C, with C the commutation "
            "matrix built as the Jacobian of vec(A^T) with respect to vec(A)",
            E, f"is_zero(E - (I + C)) at d={d}"))
    return Derivation(
        quantity="gaussian_fourth_moment",
        title="Centred fourth moment of a whitened Gaussian",
        statement="For X ~ N(0, I_d), E[vec(XX^T - I) vec(XX^T - I)^T] = I_{d^2} + C, C the commutation matrix.",
        expr=results[3],
        assumptions=("X ~ N(0, I_d)", "vec column-major"),
        source="App. B (Wick/Isserlis step of the proof of Prop. 3.2)",
        steps=tuple(steps),
        variables=(),
        notes=("Computed from the MGF at d = 2 and d = 3; the rank-one vec(I)vec(I)^T term of E[VV^T] cancels on "
               "centring, as App. B states.",),
        extra={"by_dimension": results, "commutation": {d: commutation(d, d) for d in (2, 3)}},
    )


def sandwich_moment(A: sp.Matrix) -> sp.Matrix:
    """``E[(XX^T - I) A (XX^T - I)]`` for ``X ~ N(0, I_d)``, by the expectation operator on monomials."""
    d = A.rows
    x = _xvec(d)
    G = x * x.T - sp.eye(d)
    return expect_matrix(sp.ImmutableMatrix(G * A * G), list(x))   # expect expands each entry


@register("gaussian_quadratic_sandwich")
def _sandwich() -> Derivation:
    steps, results = [], {}
    for d in (2, 3):
        A = sym_matrix("a", d, d)
        E = sandwich_moment(A)
        ok = is_zero(E - (A.T + A.trace() * sp.eye(d)))
        if not ok:
            raise AssertionError(f"sandwich identity failed at d={d}")
        results[d] = E
        steps.append(Step(
            f"d = {d}, A a {d}x{d} matrix of independent symbols: expand (XX^T - I) A (XX^T - I) into monomials "
            "of X and replace x_i^k by E[x^k] = (k-1)!! (from the MGF); the result is A^T + tr(A) I",
            E, f"expand(E - (A^T + tr(A) I)) == 0 at d={d}"))
    return Derivation(
        quantity="gaussian_quadratic_sandwich",
        title="Gaussian quadratic sandwich identity",
        statement="For X ~ N(0, I_d) and any d x d matrix A, E[(XX^T - I) A (XX^T - I)] = A^T + tr(A) I.",
        expr=results[3],
        assumptions=("X ~ N(0, I_d)", "A deterministic"),
        source="Used for the Itô drift, App. D/E (contraction of Sigma_lm with the mode Hessian)",
        steps=tuple(steps),
        notes=("Gives E[S N S] = Delta Delta^T N^T + tr(N Delta) Delta + Sigma_q N^T for "
               "S = Delta(XX^T - I) + xi_q X^T (see ito_drift_general).",),
        extra={"by_dimension": results},
    )


def label_noise_moment(d0: int, dL: int) -> tuple[sp.Matrix, sp.Matrix]:
    """``E[vec(xi X^T) vec(xi X^T)^T]`` with symbolic symmetric ``Sigma_q``; returns (moment, Sigma_q)."""
    x = _xvec(d0)
    xi = _xvec(dL, "q")
    Sq = sym_symmetric("Sigma", dL)
    v = vec(xi * x.T)
    E = expect_matrix(sp.ImmutableMatrix(v * v.T), list(x), list(xi), Sq)
    return E, Sq


@register("label_noise_moment")
def _label_noise() -> Derivation:
    steps, results = [], {}
    for d0, dL in ((2, 2), (2, 3), (3, 2)):
        E, Sq = label_noise_moment(d0, dL)
        target = kron(sp.eye(d0), Sq)
        if not is_zero(E - target):
            raise AssertionError(f"label-noise moment failed at d0={d0}, dL={dL}")
        results[(dL, d0)] = E                      # keyed (d_L, d_0), as the verifier reads it
        steps.append(Step(
            f"d0 = {d0}, dL = {dL}: expand vec(xi X^T) vec(xi X^T)^T; monomials x_i x_j xi_k xi_l have expectation "
            "delta_ij Sigma_q[k, l] (X independent of xi, E[xi] = 0); the result is I kron Sigma_q",
            E, f"is_zero(E - kron(I_{d0}, Sigma_q))"))
    return Derivation(
        quantity="label_noise_moment",
        title="Second moment of the label-noise part of the gradient noise",
        statement="For X ~ N(0, I) independent of zero-mean xi with covariance Sigma_q, "
                  "E[vec(xi X^T) vec(xi X^T)^T] = I kron Sigma_q.",
        expr=results[(3, 2)],
        assumptions=("X ~ N(0, I_{d0})", "xi independent of X, E[xi] = 0, E[xi xi^T] = Sigma_q"),
        source="App. B (label term C_label)",
        steps=tuple(steps),
        notes=("Only the second moments of xi_q enter, so the identity holds for any zero-mean label noise "
               "with covariance Sigma_q, not only Gaussian.",),
        extra={"by_shape": results, "by_shape_key": "(d_L, d_0)"},
    )


def expected_SNS(Delta: sp.Matrix, N: sp.Matrix, Sq: sp.Matrix) -> sp.Matrix:
    """``E[S N S]`` with ``S = Delta(XX^T - I) + xi X^T`` computed by the expectation operator."""
    dL, d0 = Delta.shape
    x = _xvec(d0)
    xi = _xvec(dL, "q")
    S = Delta * (x * x.T - sp.eye(d0)) + xi * x.T
    return expect_matrix(sp.ImmutableMatrix(S * N * S), list(x), list(xi), Sq)

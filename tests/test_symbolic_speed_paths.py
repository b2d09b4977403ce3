"""The faster exact routes of the derivations (issue 13) give what the routes they replaced gave.

Polynomial work in a sparse ring over QQ (Gaussian expectations, expansions of symbolic matrix products), Kronecker
products built directly, linear O(beta) equations solved as ``-b/a``, Taylor coefficients of a composition by
Taylor's formula, the zero-flux residual proved zero by ``cancel``: each is compared with the generic SymPy route,
and each comparison is shown to fail on a wrong variant.  The sites where a targeted call (``together``, ``factor``,
...) replaced ``simplify`` on a fixed input are guarded byte for byte by the last test (the rendered derivations
equal the committed ``derivations/`` folder, which is also what ``symdln derive --check`` checks).
"""
from __future__ import annotations

from pathlib import Path

import pytest
import sympy as sp

from symdln._validation import SymdlnInputError
from symdln.symbolic._linalg import expand_polynomial, kron
from symdln.symbolic.symbols import L, beta, s, w

x1, x2, q1, q2 = sp.symbols("x_1 x_2 q_1 q_2", real=True)
a, b, c = sp.symbols("a b c", real=True)
S11, S12, S22 = sp.symbols("S_11 S_12 S_22", real=True)
COV = sp.Matrix([[S11, S12], [S12, S22]])


# ----------------------------------------------------------------------------------------------- expectations
def _expr_route(expr, xs, noise=(), cov=None):
    """:func:`expect` with the ring route switched off (the monomial-by-monomial Expr route it replaced)."""
    from symdln.symbolic import gaussian
    orig = gaussian._expect_in_ring
    gaussian._expect_in_ring = lambda *args: None
    try:
        return gaussian.expect(expr, xs, noise, cov)
    finally:
        gaussian._expect_in_ring = orig


@pytest.mark.parametrize("expr", [
    (a * x1 + b * x2 - q1) ** 3 * (x1 - 2 * x2) + sp.Rational(3, 2) * x1 ** 4 * q2 ** 2 - c,
    (x1 * x2 - 1) ** 2 * (a + q1 * q2) + (c * x1 + q2) ** 2,
    sp.Integer(7),
])
def test_ring_expectation_equals_the_expr_route(expr):
    from symdln.symbolic.gaussian import _expect_in_ring, expect
    fast = _expect_in_ring(expr, [x1, x2], [q1, q2], COV)
    assert fast is not None and fast == expect(expr, [x1, x2], [q1, q2], COV)
    assert fast == _expr_route(expr, [x1, x2], [q1, q2], COV)


def test_ring_expectation_moments_and_refusals():
    from symdln.symbolic.gaussian import _expect_in_ring, expect
    assert expect(x1 ** 4 * x2 ** 2, [x1, x2]) == 3                       # E x^4 E x^2 = 3 * 1
    assert expect(x1 ** 4 * x2 ** 2, [x1, x2]) != 15                      # a wrong moment is not what comes out
    assert expect(a * x1 ** 2 * q1 * q2, [x1], [q1, q2], COV) == a * S12
    assert expect(x1 ** 3 * q1, [x1], [q1, q2], COV) == 0                # odd moments and E[q] = 0
    with pytest.raises(SymdlnInputError):
        expect(q1 ** 3, [x1], [q1, q2], COV)                              # only second moments of the noise
    # floats are never turned into rationals: the Expr route runs and keeps the float
    assert _expect_in_ring(sp.Float(1.5) * x1 ** 2, [x1], [], None) is None
    assert expect(sp.Float(1.5) * x1 ** 2, [x1]) == sp.Float(1.5)
    # non-polynomial coefficients go to the Expr route too
    assert _expect_in_ring(sp.sqrt(a) * x1 ** 2, [x1], [], None) is None
    assert expect(sp.sqrt(a) * x1 ** 2, [x1]) == sp.sqrt(a)


# ----------------------------------------------------------------------------------------------- expand, kron
@pytest.mark.parametrize("M", [
    sp.Matrix([[a * (a + b), 2], [sp.Rational(1, 3) * (a - 1) ** 2, 0]]),
    (a + b) ** 3 * (c - 1),
    sp.Matrix([[sp.sqrt(a) * (a + 1)]]),                                  # not a polynomial: sp.expand
    sp.Matrix([[sp.Float(1.5) * a * (a + 1)]]),                           # a float: sp.expand
    sp.Integer(3),
])
def test_expand_polynomial_is_expand(M):
    got, ref = expand_polynomial(M), sp.expand(M)
    assert got == ref and type(got) is type(ref)


def test_expand_polynomial_keeps_every_term():
    assert expand_polynomial((a + 1) ** 2) != a ** 2 + 1                 # the cross term is kept


@pytest.mark.parametrize("A, B", [
    (sp.Matrix(2, 3, sp.symbols("a:6")), sp.Matrix(3, 2, sp.symbols("b:6"))),
    (sp.Matrix([[1, sp.Rational(1, 3)]]), sp.Matrix([[2, 3], [5, -1]])),          # rational: DomainMatrix route
    (sp.Matrix([[sp.Rational(1, 2), a]]), sp.eye(2)),
])
def test_kron_is_sympys_kronecker_product(A, B):
    assert kron(A, B) == sp.Matrix(sp.kronecker_product(A, B))
    assert kron(A, B, A) == sp.Matrix(sp.kronecker_product(A, B, A))
    if A.shape != B.shape or A != B:
        assert kron(A, B) != sp.Matrix(sp.kronecker_product(B, A))       # the factor order matters


# ----------------------------------------------------------------------------------------------- linear roots
@pytest.mark.parametrize("eq", [
    (s ** (2 / L) + 1) * c - (L - 1) * s / L,
    a * c ** 1 + b,
])
def test_linear_root_is_the_root_solve_returns(eq):
    from symdln.symbolic.stationary import _linear_root
    mine, ref = _linear_root(eq, c), sp.solve(eq, c)
    assert len(mine) == len(ref) == 1 and sp.cancel(mine[0] - ref[0]) == 0
    assert sp.cancel(eq.subs(c, mine[0])) == 0 and sp.cancel(eq.subs(c, mine[0] + 1)) != 0


def test_linear_root_hands_non_linear_equations_to_solve():
    from symdln.symbolic.stationary import _linear_root
    assert sorted(_linear_root(c ** 2 - 4, c)) == [-2, 2]
    assert _linear_root(0 * c + a, c) == sp.solve(a, c) == []


# ----------------------------------------------------------------------------------------------- composed Taylor
def _taylor_by_diff(f, g, ms, order):
    expr = (f + beta * g).subs(w, s + sum(beta ** (j + 1) * ms[j] for j in range(order)))
    return [sp.diff(expr, beta, j).subs(beta, 0) / sp.factorial(j) for j in range(order + 1)]


def test_composed_taylor_equals_differentiation():
    from symdln.symbolic.stationary import _composed_taylor, _derivatives
    f, g = w ** 3 / (1 + w) - s ** 2 / (1 + s), w ** 2 + 1 / w
    for order in (2,):
        ms = sp.symbols(f"m1:{order + 1}")
        mine = _composed_taylor([d.subs(w, s) for d in _derivatives(f, order)],
                                [d.subs(w, s) for d in _derivatives(g, order - 1)], ms)
        ref = _taylor_by_diff(f, g, ms, order)
        assert all(sp.cancel(m - r) == 0 for m, r in zip(mine, ref))
        # a wrong variant (the beta g term dropped) is caught
        wrong = _composed_taylor([d.subs(w, s) for d in _derivatives(f, order)], [0] * order, ms)
        assert sp.cancel(wrong[1] - ref[1]) != 0


# ----------------------------------------------------------------------------------------------- zero flux
def test_zero_flux_residual_proves_zero_and_rejects_a_wrong_density():
    from symdln.symbolic.fokker_planck import (aligned_coefficient_exprs, stationary_density_expr,
                                               zero_flux_residual)
    w_ref = sp.Symbol("w_ref", positive=True)
    mu, D = aligned_coefficient_exprs("derived")
    assert zero_flux_residual(mu, D, stationary_density_expr(mu, D, w_ref)) == 0     # decided by cancel
    # wrong variants on a small law (the full simplify of a non-zero residual of the derived law takes seconds)
    mu, D = s - w, beta * (1 + w ** 2)
    p = stationary_density_expr(mu, D, w_ref)
    assert zero_flux_residual(mu, D, p) == 0
    assert zero_flux_residual(mu, D, p * D) != 0                          # exp(int 2mu/D) without the 1/D
    assert zero_flux_residual(mu, D, stationary_density_expr(2 * mu, D, w_ref)) != 0


# ----------------------------------------------------------------------------------------------- byte for byte
def test_rendering_equals_the_committed_derivations(rendered_derivations):
    """Every file of ``derivations/`` is what the current sources render (the targeted replacements of
    ``simplify`` at fixed inputs are exact exactly when this holds)."""
    folder = Path(__file__).resolve().parents[1] / "derivations"
    stale = [n for n, text in rendered_derivations.items() if (folder / n).read_text(encoding="utf-8") != text]
    assert not stale, f"derivations/ differs from the rendering in {stale}: run `symdln derive`"

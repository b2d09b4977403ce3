"""The cheaper SymPy routes inside the derivations give what the generic ones gave.

Each replacement in :mod:`symdln.symbolic` (a zero test decided by ``cancel``, ``factor`` where ``simplify`` was
followed by ``factor``, monomials read without a ``Poly`` domain, Taylor coefficients by differentiation instead of
``series``, one lambdify per depth) is compared here with the route it replaced.  ``symdln derive --check`` (CI)
compares every derivation file byte for byte on top of this.
"""
from __future__ import annotations

import pytest
import sympy as sp

from symdln.symbolic._simp import simplifies_to_zero, simplify_zero_first
from symdln.symbolic.symbols import L, s, w

x, y = sp.symbols("x y", real=True)
a = sp.Symbol("a", positive=True)


# ----------------------------------------------------------------------------------------------- zero tests
@pytest.mark.parametrize("expr", [
    (x + 1) ** 2 - x ** 2 - 2 * x - 1,                               # cancel decides it
    1 / (x + 1) + 1 / (x - 1) - 2 * x / (x ** 2 - 1),                  # a rational identity
    sp.sin(x) ** 2 + sp.cos(x) ** 2 - 1,                                 # only simplify knows it
    a ** (2 / L) * a ** (1 / L) - a ** (3 / L),                          # powers with symbolic exponents
])
def test_zero_identities_are_zero(expr):
    assert simplifies_to_zero(expr) and simplify_zero_first(expr) == 0
    assert sp.simplify(expr) == 0                                        # what the replaced test computed


@pytest.mark.parametrize("expr", [
    (x + 1) ** 2 - x ** 2 - 2 * x,                                      # a dropped term
    1 / (x + 1) + 1 / (x - 1) - 2 * x / (x ** 2 + 1),                  # a wrong sign
    sp.sin(x) ** 2 + sp.cos(x) ** 2 - 1 + y,
    a ** (2 / L) * a ** (1 / L) - a ** (2 / L),                         # a wrong exponent
])
def test_non_zero_expressions_are_not_zero(expr):
    assert not simplifies_to_zero(expr)
    assert simplify_zero_first(expr) == sp.simplify(expr) != 0


def test_zero_first_on_a_matrix_falls_back_to_simplify():
    M = sp.Matrix([[sp.sin(x) ** 2 + sp.cos(x) ** 2, 0], [0, x]])
    assert simplify_zero_first(M) == sp.simplify(M)


# ----------------------------------------------------------------------------------------------- Gaussian monomials
def test_monomial_terms_equal_poly_terms_and_expectation_is_unchanged():
    from symdln.symbolic.gaussian import _monomial_terms, expect
    x1, x2, q = sp.symbols("x_1 x_2 q_1", real=True)
    c = sp.sqrt(s) * (a + 1) + s ** (1 / L)
    expr = (c * x1 + a * x2 - q) ** 3 * (x1 - 2 * x2) + sp.Rational(3, 2) * x1 ** 4 * q ** 2 - c
    gens = [x1, x2, q]
    mine = {m: sp.expand(k) for m, k in _monomial_terms(expr, gens)}
    ref = {m: sp.expand(k) for m, k in sp.Poly(expr, *gens).terms()}
    assert {m: k for m, k in mine.items() if k != 0} == ref
    cov = sp.Matrix([[sp.Symbol("S", positive=True)]])
    assert expect(expr, [x1, x2], [q], cov) == expect(sp.Poly(expr, *gens), [x1, x2], [q], cov)
    # x1^4 q^2: 3 * S; x1^4 q^0 and mixed odd moments checked against the Poly route above
    with pytest.raises(sp.PolynomialError):
        _monomial_terms(sp.sqrt(x1) + x2, gens)
    with pytest.raises(sp.PolynomialError):
        _monomial_terms(sp.exp(x1) * x2, gens)


# ----------------------------------------------------------------------------------------------- derivatives
def test_successive_derivatives_equal_diff_of_order_k():
    from symdln.symbolic.stationary import _derivatives
    e = w ** (2 * (L - 1) / L) * (s - w) / (1 + (s - w) ** 2)
    ds = _derivatives(e, 3)
    assert len(ds) == 4 and ds[0] == e
    # the same derivative, not always the same arrangement (callers canonicalise): compared exactly at rational
    # points with L = 3 and L = 5 (symbolic-exponent simplify would take seconds)
    pts = [{L: 3, w: sp.Rational(1, 2), s: 2}, {L: 5, w: sp.Rational(7, 3), s: sp.Rational(1, 4)}]
    # exact inputs evaluated with 50 digits: an equal pair differs by rounding only (< 1e-40), a wrong one by O(1)
    gap = lambda d1, d2: max(abs(sp.N((d1 - d2).subs(p), 50)) for p in pts)   # noqa: E731
    for k in range(1, 4):
        assert gap(ds[k], sp.diff(e, w, k)) < 1e-40
    assert gap(ds[2], sp.diff(e, w, 3)) > 1e-3                                 # a wrong order is caught


@pytest.mark.slow
def test_mode_expansion_by_differentiation_equals_series():
    """The mode coefficients of :func:`laplace_series` against the ``series`` route they replaced."""
    from symdln.symbolic._simp import simplify
    from symdln.symbolic.fokker_planck import aligned_coefficient_exprs, split_beta
    from symdln.symbolic.stationary import _simp, laplace_series
    from symdln.symbolic.symbols import beta
    mu, D = aligned_coefficient_exprs("derived")
    new = laplace_series(mu, D, order=2)["mode_coeffs"]
    A, B, D1 = split_beta(mu, D)
    g = B - sp.diff(D1, w) / D1
    ms = sp.symbols("m1:3")
    expr = (A + beta * g).subs(w, s + beta * ms[0] + beta ** 2 * ms[1])
    ser = sp.series(expr, beta, 0, 3).removeO()
    sol: dict = {}
    for j in (1, 2):
        cj = _simp(ser.coeff(beta, j).subs(sol))
        sol[ms[j - 1]] = _simp(sp.solve(cj, ms[j - 1])[0])
    assert [sol[m] for m in ms] == new
    assert simplify(new[0]) != 0                                     # not a vacuous comparison


# ----------------------------------------------------------------------------------------------- factor for simplify
def test_layer_flow_factor_is_what_simplify_gives():
    from symdln.symbolic.saxe_modes import _layer_flow
    r = _layer_flow(3)
    assert r["flow_ok"] and all(c == 0 for c in r["conserved"])
    assert sp.factor(sp.simplify(r["balanced"])) == r["balanced"]


@pytest.mark.slow
def test_mode_model_terms_are_fixed_points_of_the_replaced_simplify():
    """``factor(x)`` replaced ``factor(simplify(x))``: simplifying and factoring again changes nothing."""
    from symdln.symbolic.network_stationary import mode_model
    xs = sp.symbols("a1:3", positive=True)
    ys = sp.symbols("c1:3", positive=True)
    terms = mode_model([[xs[i], ys[i]] for i in range(2)])["terms"]
    assert any(v != 0 for v in terms.values())
    for v in terms.values():
        assert sp.factor(sp.simplify(v)) == v


# ----------------------------------------------------------------------------------------------- one lambdify per depth
@pytest.mark.slow
def test_cached_closed_form_evaluates_at_the_callers_precision():
    """The lambdified closed form is built once; its constants must still follow the working precision."""
    import mpmath as mp

    from symdln.symbolic.gradient_flow import _closed_fn, time_to_learn_closed, time_to_learn_mpmath
    _closed_fn.cache_clear()
    time_to_learn_closed(3, 1, "0.05", "0.9", dps=15)                  # built at low precision
    with mp.workdps(50):
        hi = time_to_learn_closed(3, 1, "0.05", "0.9", dps=50)
        ref = time_to_learn_mpmath(3, 1, "0.05", "0.9", dps=50)
        assert abs(hi - ref) < mp.mpf(10) ** -40 * abs(ref)         # 50-digit quadrature, 10 digits of margin

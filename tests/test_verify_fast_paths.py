"""The verdict engine's cheaper evaluation paths decide exactly as the exact paths they replace: the dimension
check's compiled mpmath evaluator (with its precision-stability guard and the exact fallback), one-pass point
substitution.  Each fast path is checked against the exact one, and a wrong variant must still be rejected."""
from __future__ import annotations

import pytest
import sympy as sp

from symdln.symbolic.symbols import L, b, beta, eta, s, sigma_q, w
from symdln.verify import dimension as dim
from symdln.verify.dimension import check_dimension
from symdln.verify.points import at_point

DRIFT = L * w ** (2 * (L - 1) / L) * (s - w)
CASES = [
    (DRIFT, "drift", {}),
    (L * w ** (2 * (L - 2) / L) * (s - w), "drift", {}),                  # wrong exponent
    (beta * DRIFT, "drift", {}),                                           # extra beta
    (eta / b * sigma_q ** 2, "variance", {"sigma_weight": 2}),
    (eta / b * sigma_q ** 2 * s ** (2 * (L - 1) / L), "variance", {}),
    (L * eta * w ** ((2 * L - 4) / L) * (L - 1) * (s + sigma_q / 2 - w) / b, "drift", {"sigma_weight": 2}),
]


@pytest.mark.parametrize("expr,dimension,kw", CASES)
def test_dimension_fast_path_decides_as_the_exact_path(expr, dimension, kw, monkeypatch):
    fast = check_dimension(expr, dimension, **kw)
    monkeypatch.setattr(dim, "_fast_evaluator", lambda e, syms: None)      # every point by subs + evalf
    exact = check_dimension(expr, dimension, **kw)
    assert fast.passed == exact.passed
    assert fast.summary == exact.summary          # the failing depth and the powers shown (4 digits) agree
    for f, e in zip(fast.data.get("failures", []), exact.data.get("failures", [])):
        assert f["L"] == e["L"] and abs(f["actual_power"] - e["actual_power"]) < 1e-12


def test_dimension_cancellation_is_not_decided_at_low_precision():
    """exp(w/10^45) - 1 keeps ~5 digits at 50-digit working precision: a ratio from there alone would miss c^1 by
    ~1e-5 and refute a homogeneous location; the 70-digit re-evaluation disagrees, so the exact path decides."""
    eps = sp.Rational(1, 10 ** 45)
    loc = (sp.exp(w * eps) - 1) / eps
    syms = sorted(loc.free_symbols | {L}, key=lambda x: x.name)
    fn = dim._fast_evaluator(loc, syms)
    assert fn is not None
    base = {w: sp.Float(0.7, 30), L: 2}
    assert dim._fast_ratio(fn, syms, base, {w: base[w] * sp.Rational(3, 2), L: 2}) is None
    assert check_dimension(loc, "location").passed
    assert not check_dimension(loc * w, "location").passed                 # a variance is not a location


def test_dimension_unsupported_function_uses_the_exact_path():
    """LambertW is not among the fast nodes: the exact path evaluates it, and still separates right from wrong."""
    ok, wrong = DRIFT * sp.LambertW(s / w), DRIFT * sp.LambertW(s)
    assert dim._fast_evaluator(ok, sorted(ok.free_symbols | {L}, key=lambda x: x.name)) is None
    assert check_dimension(ok, "drift").passed
    assert not check_dimension(wrong, "drift").passed


def test_dimension_fast_evaluator_never_writes_a_symbol_name_into_code():
    """The generated code names its arguments itself (dummify): a symbol whose name is Python text stays text."""
    odd = sp.Symbol("__import__('os').system('echo PWNED')", positive=True)
    import inspect
    fn = dim._fast_evaluator(odd * w, [odd, w])
    assert fn is not None and "import" not in inspect.getsource(fn)
    assert float(fn(2, 3)) == 6.0


def test_at_point_equals_subs_and_keeps_bound_variables():
    x, y = sp.symbols("x y", positive=True)
    e = L * w ** ((2 * L - 2) / L) * (s - w) + sp.sqrt(s ** 2 - sigma_q ** 2)
    pt = {L: sp.Integer(3), w: sp.Rational(27, 8), s: sp.Rational(5, 2), sigma_q: sp.Rational(1, 4)}
    assert at_point(e, pt) == e.subs(pt)
    integral = sp.Integral(x * y, (x, 0, y))                   # x is bound: replacing it would change the integral
    assert at_point(integral, {x: 2, y: 3}) == integral.subs({x: 2, y: 3}) == sp.Integral(3 * x, (x, 0, 3))

"""Fast verdicts (issue 13): the engine's shortcuts decide exactly what the slow routes decide."""
from __future__ import annotations

import sympy as sp

from symdln.paperkit import Citation, Location, Paper, Spec
from symdln.symbolic.symbols import L, b, eta, s, sigma_q, w
from symdln.verdict import Evidence
from symdln.verify import symbolic as vsym
from symdln.verify import verify_all

DRIFT = L * w ** (2 * (L - 1) / L) * (s - w)


def test_nonzero_shortcut_never_decides_zero_and_catches_mutants():
    same = w ** (2 - 2 / L) * (s - w) - w ** 2 / w ** (2 / L) * (s - w)     # zero, only after simplification
    assert vsym._certainly_nonzero(same) is False
    assert vsym._is_zero(same) is True
    assert vsym.compare(DRIFT, sp.expand(DRIFT))[0] == "equal"
    # wrong exponent, dropped term, transposed symbols: each is shown nonzero at an exact point
    for wrong in (L * w ** (2 * (L - 2) / L) * (s - w), L * w ** (2 * (L - 1) / L) * s,
                  L * s ** (2 * (L - 1) / L) * (w - s), DRIFT + eta ** 2 * sigma_q / b):
        assert vsym._certainly_nonzero(wrong - DRIFT) is True
        assert vsym._is_zero(wrong - DRIFT) is None
        assert vsym.compare(wrong, DRIFT)[0] == "unknown"
    # a symbol whose declared domain the sampled point does not meet decides nothing
    x = sp.Symbol("x", negative=True)
    assert vsym._certainly_nonzero(x - 1) is False


def test_check_returning_a_sympy_truth_value_is_recorded_as_bool():
    from symdln.commands.verify import _evidence_line, _grouped
    toy = Paper(Citation(key="toybool", title="t", authors=("A",), year=2026), propositions=("1",))

    @toy.check("sympy_truth")
    def sympy_truth(claim, spec, *, seed, fast, paper):
        return [Evidence("symbolic", sp.Rational(3, 2) > 1, "3/2 > 1 as a SymPy relation", {}),
                Evidence("symbolic", sp.Integer(0) > 1, "0 > 1 as a SymPy relation", {"scope": "condition"})]

    toy.add("x.1", Location("1", equation="1"), r"3/2>1", kind="statement", spec=Spec(check="sympy_truth"))
    (v,) = verify_all(paper=toy, mc=False)
    assert [type(e.passed) for e in v.evidence] == [bool, bool]
    assert [e.passed for e in v.evidence] == [True, False]
    assert _evidence_line(v) == "[1/2 passed: symbolic]" and _grouped([v])


def test_z_threshold_is_scipy_norm_isf_without_scipy_stats():
    from scipy.stats import norm

    from symdln.verify.mc_evidence import two_stage_power, z_threshold
    for m in (1, 2, 7, 121, 1000):
        assert z_threshold(m) == float(norm.isf(0.01 / (2 * m)))     # the same double, not just close
    zc = z_threshold(10)
    assert two_stage_power(1.5, 10) == float(norm.sf(zc - 1.5) + norm.cdf(-zc - 1.5)) ** 2


def test_rooted_integrand_is_the_same_function():
    import mpmath

    from symdln.stationary_density import coefficient_callables, rooted_integrand
    from symdln.symbolic.fokker_planck import aligned_coefficient_exprs
    for coeffs, Lk in (("derived", 1), ("derived", 3), ("printed", 2)):
        mu_e, D_e = aligned_coefficient_exprs(coeffs)
        args = dict(L=Lk, s=1, sigma_q="3/10", beta="1/1000")
        mu, D = coefficient_callables(mu_e, D_e, **args)
        f, logD = rooted_integrand(mu_e, D_e, **args)
        with mpmath.workdps(40):
            for x in ("0.05", "0.7", "1.001", "2.5"):
                x = mpmath.mpf(x)
                # both sides are the same exact function evaluated in 40-digit arithmetic: agreement to
                # 1e-35 relative leaves 5 digits for rounding in the ~20 operations of either evaluation
                assert abs(f(x) - 2 * mu(x) / D(x)) <= mpmath.mpf("1e-35") * abs(f(x))
                assert abs(logD(x) - mpmath.log(D(x))) <= mpmath.mpf("1e-35") * max(1, abs(logD(x)))
    # a mutated drift (wrong power of w) is a different integrand
    f_bad, _ = rooted_integrand(mu_e * w, D_e, L=2, s=1, sigma_q="3/10", beta="1/1000")
    with mpmath.workdps(40):
        x = mpmath.mpf("0.5")
        assert abs(f_bad(x) - 2 * mu(x) / D(x)) > 1e-3
    assert rooted_integrand(mu_e, D_e, L=sp.Rational(5, 2), s=1, sigma_q="3/10", beta="1/1000") is None

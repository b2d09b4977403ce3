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

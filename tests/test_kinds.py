"""The generic identity kinds (numeric_identity, symbolic_identity, symbolic_zero, asymptotic_ratio): a wrong variant
of the printed formula (a transposed factor, a dropped term, a wrong exponent, a wrong rate) is rejected by the same
kind with the same data.  That the printed claims pass is pinned by the verdict tables (tests/test_verify.py,
tests/test_paper_saxe2013.py)."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import sympy as sp

from symdln import SymdlnInputError
from symdln.papers import load
from symdln.verify.checks import load_kinds, run_check

C26 = load("corlouer2026")
SAXE = load("saxe2013")


def _run(paper, cid, **replace):
    c = paper.get(cid)
    if replace:
        c = dataclasses.replace(c, **replace)
    return run_check(paper.spec(cid).check, c, paper.spec(cid), paper=paper)[0]


def _decided(evs):
    return [e for e in evs if e.data.get("scope", "printed") == "printed"]


def test_identity_kinds_are_registered_and_refuse_unknown_references():
    assert {"numeric_identity", "symbolic_identity", "asymptotic_ratio"} <= set(load_kinds())
    c = C26.get("appA.empirical-cov")
    bad = dataclasses.replace(C26.spec(c.id), params={"settings": "once", "compare": [{"lhs": "nope", "rhs": "x"}]})
    with pytest.raises(SymdlnInputError, match="unknown reference 'nope'"):
        run_check("numeric_identity", c, bad, paper=C26)


def test_numeric_identity_rejects_a_transposed_factor():
    """App. B's per-sample gradient with (A_l x) and B_l swapped in the Kronecker product: wrong at every setting."""

    def swapped(net, teacher, l, x, y):
        eps = y - net.end_to_end() @ x
        return -np.kron(net.above(l).T, (net.below(l) @ x)[:, None]) @ eps
    evs = _decided(_run(C26, "appB.vec-grad", expr=swapped))
    assert evs and not any(e.passed for e in evs)


def test_numeric_identity_exact_enumeration_rejects_a_dropped_term():
    """App. G's Eq. (32) without the - g_N g_N^T term differs from the enumeration over every batch."""
    from symdln.papers.corlouer2026 import references_appendix as R
    assert all(e.passed for e in _decided(_run(C26, "eq.32")))
    spec = C26.spec("eq.32")
    C26.references["_test_eq32_dropped"] = lambda claim, env: R.printed_eq32(claim, env) + np.outer(env["gbar"],
                                                                                                     env["gbar"])
    try:
        wrong = dataclasses.replace(spec, params={**spec.params, "compare": [
            {**spec.params["compare"][0], "lhs": "_test_eq32_dropped"}]})
        evs = run_check("numeric_identity", C26.get("eq.32"), wrong, paper=C26)[0]
    finally:
        del C26.references["_test_eq32_dropped"]
    assert evs and not any(e.passed for e in evs) and evs[0].kind == "enumeration"


def test_symbolic_identity_rejects_a_wrong_exponent():
    """Eq. (10) with u^2 for u: the symbolic comparison fails (the Eq. (11), (17) mutants are in test_paper_saxe2013)."""
    from symdln.papers.saxe2013._evidence import u
    from symdln.symbolic.symbols import s
    evs = _run(SAXE, "eq.10", expr=2 * u ** 2 * (s - u))
    assert evs and not any(e.passed for e in evs)


def test_asymptotic_ratio_rejects_a_wrong_order():
    from symdln.papers.saxe2013._evidence import N_l, u
    from symdln.symbolic.symbols import s
    assert not _decided(_run(SAXE, "eq.16", expr=N_l * u ** 3 * (s - u)))[0].passed       # wrong exponent
    assert not _decided(_run(SAXE, "eq.16", expr=N_l ** 2 * u ** 2 * (s - u)))[0].passed  # wrong order in N_l


def test_symbolic_zero_rejects_a_wrong_rate():
    """Eq. (3) with rate s instead of 2s no longer solves Eq. (2) (the initial value still matches)."""
    from symdln.symbolic.symbols import s, t, w0
    evs = run_check("symbolic_zero", dataclasses.replace(C26.get("eq.3"), expr=s / (1 + (s / w0 - 1) * sp.exp(-s * t))),
                    C26.spec("eq.3"), paper=C26)[0]
    assert [e.passed for e in evs] == [False, True]


def test_symbolic_zero_sign_entries_need_a_proof():
    """A sign entry passes only when SymPy proves the sign from the symbols' assumptions (s > 0, L = 2 + k)."""
    from symdln.paperkit import Spec
    from symdln.symbolic.symbols import s
    k = sp.Symbol("k", positive=True)
    C26.references.update({"_t_pos": lambda claim: s * (1 + k), "_t_flip": lambda claim: -s * (1 + k),
                           "_t_unknown": lambda claim: s - k})
    try:
        spec = Spec(check="symbolic_zero", params={"residuals": [
            {"ref": r, "sign": "positive"} for r in ("_t_pos", "_t_flip", "_t_unknown")]})
        evs = run_check("symbolic_zero", C26.get("eq.3"), spec, paper=C26)[0]
        with pytest.raises(SymdlnInputError, match="sign"):
            run_check("symbolic_zero", C26.get("eq.3"), Spec(check="symbolic_zero", params={"residuals": [
                {"ref": "_t_pos", "sign": "big"}]}), paper=C26)
    finally:
        for r in ("_t_pos", "_t_flip", "_t_unknown"):
            del C26.references[r]
    assert [e.passed for e in evs] == [True, False, False]

"""The verdict engine: every claim's verdict (table-driven), mutation tests (a correct claim made wrong is
refuted), ``verify()`` on user expressions, the dimension check, the Monte Carlo decision rules."""
from __future__ import annotations

import dataclasses

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import symdln
from symdln import SymdlnInputError
from symdln.papers.corlouer2026 import PAPER, claim_ids, get
from symdln.symbolic.symbols import L, b, beta, eta, s, sigma_q, w
from symdln.verify import verify_all
from symdln.verify.dimension import check_dimension
from symdln.verify.engine import evaluate, finish
from symdln.verify.montecarlo import Comparison, z_threshold

#: the pinned verdict table of the paper (symdln/papers/corlouer2026/expected.py; generated once from
#: `symdln verify --no-mc`: 64 confirmed, 25 refuted, 17 conditional)
EXPECTED = PAPER.expected


@pytest.fixture
def fast_verdicts(corlouer_fast_verdicts):
    """The session's verdict set (tests/conftest.py), computed once for every test that reads it."""
    return corlouer_fast_verdicts


def test_every_claim_has_an_expected_verdict():
    assert set(EXPECTED) == set(claim_ids())


@pytest.mark.parametrize("cid", sorted(EXPECTED))
def test_verdict(cid, fast_verdicts):
    v = fast_verdicts[cid]
    assert not v.reason.startswith("engine error"), v.reason
    assert v.verdict == EXPECTED[cid], f"{cid}: {v.verdict} ({v.reason})"
    if v.verdict == "refuted":
        assert v.evidence and any(not e.passed for e in v.evidence)
    if v.verdict == "conditional":
        assert v.condition
    js = v.to_json()
    assert {"id", "verdict", "evidence", "derived_latex"} <= set(js)


def test_refuted_scalar_claims_carry_counterexample_and_derived_form(fast_verdicts):
    for cid in ("eq.6", "eq.14", "eq.17", "appE.ito", "appF.mu-at-s"):
        v = fast_verdicts[cid]
        assert v.counterexample and v.counterexample["point"], cid
        assert v.counterexample["printed_value"] != v.counterexample["derived_value"]
        assert v.derived_latex, cid


def test_sigma_reading_reported_both_ways(fast_verdicts):
    v = fast_verdicts["eq.7"]
    readings = {e.data.get("reading") for e in v.evidence}
    assert {"std", "variance"} <= readings and "standard deviation" in v.condition


def test_restatements_disagree_where_the_paper_does(fast_verdicts):
    ev = {e.data["other"]: e.passed for e in fast_verdicts["eq.6"].evidence if e.kind == "consistency"
          and "other" in e.data}
    assert ev["eq.14"] is False and ev["appE.ito"] is False
    ev7 = {e.data["other"]: e.passed for e in fast_verdicts["eq.7"].evidence if "other" in e.data}
    assert all(ev7.values())


# ---- mutation tests: a correct claim made wrong must flip to refuted --------------------------------
def _verdict_of(claim, **kw):
    part = evaluate(claim, paper=PAPER, mc=False, fast=True, seed=kw.get("seed", 0))
    return finish(part)


D7 = get("eq.7").expr
MUTATIONS = {
    "coefficient": D7.subs(sp.Integer(2) * (s - w) ** 2, 3 * (s - w) ** 2),
    "exponent": beta * L ** 2 * (2 * (s - w) ** 2 + sigma_q ** 2) * w ** (4 * (L - 2) / L),
    "dropped term": beta * L ** 2 * 2 * (s - w) ** 2 * w ** (4 * (L - 1) / L),
    "wrong power of sigma": beta * L ** 2 * (2 * (s - w) ** 2 + sigma_q) * w ** (4 * (L - 1) / L),
}


@pytest.mark.parametrize("kind", sorted(MUTATIONS))
def test_mutated_scalar_claim_is_refuted(kind):
    c = dataclasses.replace(get("eq.5"), expr=get("eq.5").expr)
    assert _verdict_of(c).verdict == "confirmed"
    m = dataclasses.replace(get("eq.7"), expr=MUTATIONS[kind], readings=())
    v = _verdict_of(m)
    assert v.verdict == "refuted", (kind, v.reason)
    assert v.counterexample is not None


def test_mutated_matrix_claim_transposed_factor_is_refuted(fast_verdicts):
    import numpy as np
    from symdln.papers.corlouer2026.appendix_ad import sigma_lm_appB
    # the unmutated claim, from the session's verdict set: fast=True skips Monte Carlo, so it is the same
    # evaluation as _verdict_of (mc=False, fast=True, seed 0)
    assert fast_verdicts["appB.sigma-lm"].verdict == "confirmed"

    def transposed(net, teacher, l, m):          # B_l = W_{>l} instead of W_{>l}^T (square: wrong numbers)
        from symdln.noise import commutation_matrix
        D = teacher.M - net.end_to_end()
        d0 = net.widths[0]
        Al, Am, Bl, Bm = net.below(l), net.below(m), net.above(l), net.above(m)
        IC = np.eye(d0 * d0) + commutation_matrix(d0, d0)
        return np.kron(Al, Bl.T @ D) @ IC @ np.kron(Am, Bm.T @ D).T + np.kron(Al @ Am.T, Bl @ teacher.Sigma_q @ Bm.T)
    v = _verdict_of(dataclasses.replace(get("appB.sigma-lm"), expr=transposed))
    assert v.verdict == "refuted" and any(e.kind == "shape" for e in v.evidence)
    assert sigma_lm_appB is get("appB.sigma-lm").expr


def test_mutated_coefficient_in_matrix_claim_is_refuted():
    from symdln.papers.corlouer2026.sec2_3 import gradient_printed
    v = _verdict_of(dataclasses.replace(get("prop3.1.gradient"), expr=lambda n, t, l: 2 * gradient_printed(n, t, l)))
    assert v.verdict == "refuted"


# ---- verify() on user expressions -----------------------------------------------------------------
def test_verify_user_expression_confirmed_and_mutated():
    from symdln.symbolic import derive
    d = derive("diffusion_aligned").expr
    assert symdln.verify(d, quantity="diffusion_aligned").verdict == "confirmed"
    bad = symdln.verify(d * w, quantity="diffusion_aligned")
    assert bad.verdict == "refuted" and bad.counterexample["point"]
    assert any(e.kind == "dimension" and not e.passed for e in bad.evidence)


def test_verify_assumptions_and_readings():
    v = symdln.verify(2 * (s - w) * w, quantity="gf_mode_ode", assumptions={L: 2})
    assert v.verdict == "confirmed"
    d_var = beta * L ** 2 * (2 * (s - w) ** 2 + sigma_q) * w ** (4 * (L - 1) / L)   # sigma_q a variance
    v = symdln.verify(d_var, quantity="diffusion_aligned", reading="variance")
    assert v.verdict == "conditional" and "variance" in v.condition


def test_verify_rejects_bad_input():
    with pytest.raises(SymdlnInputError, match="SymPy"):
        symdln.verify("L*w", quantity="diffusion_aligned")
    with pytest.raises(SymdlnInputError, match="quantity"):
        symdln.verify(w, quantity="no_such_quantity")
    with pytest.raises(SymdlnInputError, match="matrix"):
        symdln.verify(w, quantity="jacobian_block")
    with pytest.raises(SymdlnInputError, match="reading"):
        symdln.verify(w, quantity="diffusion_aligned", reading="sd")


# ---- dimensional homogeneity ----------------------------------------------------------------------
def test_dimension_accepts_correct_and_rejects_wrong_exponent():
    good = L * w ** (2 * (L - 1) / L) * (s - w)
    assert check_dimension(good, "drift").passed
    assert not check_dimension(L * w ** (2 * (L - 2) / L) * (s - w), "drift").passed
    assert not check_dimension(beta * L * w ** (2 * (L - 1) / L) * (s - w), "drift").passed   # extra beta
    assert check_dimension(eta / b * sigma_q ** 2, "variance", sigma_weight=2).passed is False
    assert check_dimension(eta / b * sigma_q ** 2 * s ** (2 * (L - 1) / L), "variance").passed


@settings(max_examples=8, deadline=None)
@given(k=st.integers(1, 5), seed=st.integers(0, 2 ** 32 - 1))
def test_dimension_detects_any_exponent_shift(k, seed):
    shifted = L * w ** (2 * (L - 1) / L + sp.Rational(k, 3)) * (s - w)
    assert not check_dimension(shifted, "drift", seed=seed % 1000).passed


# ---- Monte Carlo decision rules -------------------------------------------------------------------
def test_bonferroni_threshold():
    assert abs(z_threshold(1) - 2.5758) < 1e-3
    assert z_threshold(40) > z_threshold(10) > z_threshold(1)


def _fake(claim_id, value, se, printed, derived):
    part = evaluate(get(claim_id), paper=PAPER, mc=False, fast=True)
    part.comparisons = [Comparison("fake", value, se, 1000, 0, printed, derived)]
    return finish(part)


def test_mc_refutes_printed_and_flags_derivation():
    # printed form 10 SE away from the estimate: refuted even though symbolic evidence agrees
    v = _fake("eq.5", 1.0, 0.01, {"std": 1.1}, 1.0)
    assert v.verdict == "refuted"
    # the simulation contradicts the derivation: undecided, never silently confirmed
    v = _fake("eq.5", 1.0, 0.01, {"std": 1.0}, 1.2)
    assert v.verdict == "undecided" and "derivation" in v.reason
    v = _fake("eq.5", 1.0, 0.01, {"std": 1.01}, 1.005)
    assert v.verdict == "confirmed"


@pytest.mark.slow
def test_monte_carlo_decides_the_sgd_claims():
    """Full run with Monte Carlo: the same verdicts, and MC evidence on every SGD claim with a plan."""
    vs = {v.claim_id: v for v in verify_all(paper=PAPER, fast=False, seed=0)}
    for cid, want in EXPECTED.items():
        assert vs[cid].verdict == want, (cid, vs[cid].reason)
    for cid in ("eq.6", "eq.7", "eq.14", "appE.ito", "appE.D", "prop3.2", "prop3.3.D", "prop3.4.drift",
                "prop3.5.decoupling"):
        mc = [e for e in vs[cid].evidence if e.kind == "monte-carlo"]
        assert mc, cid
    ito = [e for e in vs["eq.6"].evidence if e.kind == "monte-carlo"]
    assert any(e.data["form"] == "derived" and e.passed for e in ito)
    assert all(not e.passed for e in ito if e.data["form"].startswith("printed"))


# ---- the command -----------------------------------------------------------------------------------
def test_cli_one_claim_json_and_full(capsys):
    import json
    from symdln.cli import main
    assert main(["verify", "prop3.1.vec-gradient", "--no-mc", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out[0]["id"] == "prop3.1.vec-gradient" and out[0]["verdict"] == "refuted" and out[0]["derived_latex"]
    assert main(["verify", "eq.5", "--no-mc"]) == 0
    text = capsys.readouterr().out
    assert "verdict:  confirmed" in text and "printed:" in text and "derived:" in text and "evidence:" in text


def test_cli_unknown_id_is_one_line_exit_2(capsys):
    from symdln.cli import main
    assert main(["verify", "eq.77"]) == 2
    err = capsys.readouterr().err
    assert "eq.77" in err and len(err.strip().splitlines()) == 1


@settings(max_examples=3, deadline=None)
@given(seed=st.integers(0, 2 ** 32 - 1))
def test_verify_derived_form_confirmed_for_any_seed(seed):
    d = beta * L ** 2 * (2 * (s - w) ** 2 + sigma_q ** 2) * w ** (4 * (L - 1) / L)
    assert symdln.verify(d, quantity="diffusion_aligned", seed=seed % 10_000).verdict == "confirmed"
    assert symdln.verify(d * (1 + w / 1000), quantity="diffusion_aligned", seed=seed % 10_000).verdict == "refuted"


def test_package_is_callable_and_not_shadowed():
    import importlib
    user = importlib.import_module("symdln.verify.user")
    assert callable(symdln.verify) and symdln.verify.verify_all is verify_all
    assert user.verify is symdln.verify.verify


def test_engine_failure_is_undecided_and_exit_1(monkeypatch, capsys):
    from symdln.cli import main
    from symdln.verify import checks

    def boom(claim, env):
        raise RuntimeError("simulated failure")
    assert checks is not None
    monkeypatch.setitem(PAPER.references, "exact_mode_gradient", boom)   # a reference of prop3.3.a's kind fails
    from symdln.verify import verify_claim
    v = verify_claim("prop3.3.a", paper=PAPER, mc=False)
    assert v.verdict == "undecided" and v.reason.startswith("engine error")
    assert main(["verify", "prop3.3.a", "--no-mc"]) == 1
    capsys.readouterr()

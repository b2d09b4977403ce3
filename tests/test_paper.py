"""The claims registry: every claim is well-formed data, transcriptions use only declared symbols, and the
registry's ids, checks, plans and restatements are consistent."""
from __future__ import annotations

import pytest
import sympy as sp

from symdln import SymdlnInputError
from symdln.papers.corlouer2026 import PAPER, claim_ids, claims, get, spec
from symdln.symbolic.symbols import SYMBOLS
from symdln.verdict import Claim
from symdln.verify.checks import KINDS as CHECK_KINDS
from symdln.verify.checks import load_kinds
from symdln.verify.dimension import WEIGHTS
from symdln.verify.montecarlo import PLANS
from symdln.verify.montecarlo_generic import GENERIC_PLANS

DECLARED = {i.symbol for i in SYMBOLS.values()}
KINDS = {"scalar", "matrix", "identity", "statement"}

# every numbered equation that states a formula (Eqs. 19-22 are definitions of theta, Sigma and the SDE (22)
# = Prop. 3.4's; Eq. 30 is checked as eq.30; Eq. 33 is App. I's balance measure)
NUMBERED = ["eq.1", "eq.2", "eq.3", "eq.4", "eq.5", "eq.6", "eq.7", "eq.8", "eq.9", "eq.10", "eq.11", "eq.12",
            "eq.13", "eq.14", "eq.15", "eq.16", "eq.17", "eq.18", "eq.23", "eq.24", "eq.25", "eq.26", "eq.27", "eq.28",
            "eq.29", "eq.30", "eq.31", "eq.32", "eq.33"]


def _load_checks():
    load_kinds()


def test_ids_unique_and_ordered():
    ids = claim_ids()
    assert len(ids) == len(set(ids)) and len(ids) >= 95
    assert [c.id for c in claims()] == ids


@pytest.mark.parametrize("cid", NUMBERED)
def test_numbered_equations_recorded(cid):
    c = get(cid)
    assert c.printed and c.location.startswith(("Sec.", "App."))


@pytest.mark.parametrize("c", claims(), ids=lambda c: c.id)
def test_claim_well_formed(c: Claim):
    _load_checks()
    assert c.kind in KINDS
    assert c.printed.strip() and c.location.strip()
    sp_ = spec(c.id)
    if c.kind == "scalar":
        assert isinstance(c.expr, sp.Basic), "scalar claims carry a SymPy transcription"
        assert c.expr.free_symbols <= DECLARED, f"undeclared symbols {c.expr.free_symbols - DECLARED}"
        assert c.quantity, "scalar claims name the derivation they are compared with"
    if c.kind == "matrix" and c.expr is not None:
        assert callable(c.expr)
    if c.kind in ("identity", "statement", "matrix"):
        assert sp_.check or sp_.mc, "non-scalar claims need a check or a Monte Carlo plan"
    if sp_.check:
        assert sp_.check in PAPER.checks or sp_.check in CHECK_KINDS
    if sp_.mc:
        assert sp_.mc in PAPER.mc_plans or sp_.mc in PLANS or sp_.mc in GENERIC_PLANS
    if c.dimension:
        assert c.dimension in WEIGHTS
    for r in c.restates:
        assert r in claim_ids(), f"{c.id} restates unknown {r}"
    for sym, reading in c.readings:
        assert sym in ("sigma_q", "beta") and reading in ("std", "variance", "eta/b")


def test_printed_latex_is_verbatim_source():
    # a few spot checks against the paper's LaTeX source (copied character for character)
    assert get("eq.6").printed.startswith(r"\mu_{\alpha}^{\rm Ito}(w_{\alpha})=\beta\,(s_{\alpha}-w_{\alpha})\,L(L-1)")
    assert r"\frac{\eta}{2B}" in get("eq.17").printed
    assert r"s_{\alpha}^{b}" in get("appF.mu-at-s").printed
    assert "Proposition 6.4" in get("prop5.2.cites").printed


def test_restatements_recorded():
    assert "eq.7" in get("eq.8").restates and "eq.7" in get("eq.15").restates
    assert "eq.5" in get("eq.13").restates
    assert {"eq.6", "eq.14"} <= set(get("appE.ito").restates) and "eq.6" in get("eq.14").restates


def test_readings_recorded():
    assert ("sigma_q", "variance") in get("eq.7").readings and ("sigma_q", "std") in get("eq.7").readings
    assert ("beta", "eta/b") in get("eq.6").readings


def test_statement_issues_recorded():
    for cid in ("prop5.2.cites", "appF.b-undefined", "appB.shapes", "notation.a"):
        assert get(cid).kind == "statement"


def test_unknown_id_lists_close_ids():
    with pytest.raises(SymdlnInputError, match="eq.7"):
        get("eq.77")
    with pytest.raises(SymdlnInputError):
        get(7)


def test_transcriptions_are_not_parsed():
    # the transcription is built in code: e.g. Eq. (6)'s two exponents are 2(L-2)/L
    from symdln.symbolic.symbols import L, w
    e6 = get("eq.6").expr
    assert e6.has(w ** (2 * (L - 2) / L))

"""The jacot2021 plug-in: registration, the expected verdicts from the claims' own evidence, and mutations (the
origin's exponent for the nearest saddle, wrong saddle losses, a regime swap, reversed widths) rejected."""
from __future__ import annotations

import pytest
import sympy as sp

from symdln.papers import available, load
from symdln.symbolic.init_scale import gamma

from _paper_helpers import check_cli, decisive, outcome, run

P = load("jacot2021")


def _fails(evs):
    d = decisive(evs)
    return bool(d) and not all(e.passed for e in d)


def test_registered_with_sources_and_expected_table():
    assert "jacot2021" in available() and P.citation.arxiv == "2106.15933"
    assert len(P.claims()) == 9
    for c in P.claims():
        assert P.spec(c.id).check in P.checks and c.id in P.expected
        assert c.location == "Abstract" or c.location.startswith("Fig. "), c.location
    # a caption names where its text was read (the body of the paper was not available)
    assert P.get("fig1.three-plateaus").location == "Fig. 1, caption (text quoted on sciencestack.ai)"
    assert P.get("fig2.ntk-linear").location == "Fig. 2, caption, panel (a) (text quoted on sciencestack.ai)"
    assert "could not be read" in P.get("abstract.transition").notes
    from symdln.verify.coverage import problems
    assert problems(P) == [] and any(e["item"] == "Theorem 1" and e["reason"] for e in P.coverage)


@pytest.mark.parametrize("cid", ["abstract.gamma-gt-1", "abstract.transition", "fig2.plateaus-longer"])
def test_expected_verdict_from_evidence(cid):
    assert outcome(run(P, cid)) == P.expected[cid]


ORIGIN = (2 - gamma) / 2        # the exponent of ||theta_0||: the origin is not the nearest saddle


@pytest.mark.parametrize("cid", ["abstract.gamma-gt-1", "abstract.transition"])
def test_origin_exponent_rejected(cid):
    assert _fails(run(P, cid, variant=ORIGIN))


def test_completion_regimes_decided_and_swapped_regimes_rejected():
    """Fig. 3: the NTK claim holds at gamma = 1/2 (cheap runs); the saddle claim's check, handed the NTK scale,
    rejects it (test errors far above 0.01, almost full rank)."""
    assert outcome(run(P, "fig3.ntk-full-rank")) == P.expected["fig3.ntk-full-rank"] == "confirmed"
    assert _fails(run(P, "fig3.saddle-test-error", variant=0.5))


@pytest.mark.slow
def test_completion_saddle_regime_and_mutation():
    """The saddle claim holds at gamma = 5/2; the NTK claim's check, handed the saddle scale, rejects it (rank 1,
    test error near 0)."""
    assert outcome(run(P, "fig3.saddle-test-error")) == "confirmed"
    assert _fails(run(P, "fig3.ntk-full-rank", variant=2.5))


def test_reversed_widths_rejected():
    # widths in decreasing order: the plateau gets shorter, so "longer" is rejected
    assert _fails(run(P, "fig2.plateaus-longer", variant=(40, 20, 10)))


@pytest.mark.slow
def test_gd_based_claims_and_mutations():
    for cid in ("abstract.gamma-lt-1", "fig2.ntk-linear", "abstract.saddle-to-saddle"):
        assert outcome(run(P, cid)) == P.expected[cid], cid
    assert _fails(run(P, "abstract.gamma-lt-1", variant=ORIGIN))
    # saddle losses with s instead of s^2 (1/2 sum_{a>k} s_a)
    assert _fails(run(P, "abstract.saddle-to-saddle", variant=[2.6, 1.1, 0.35]))
    # a small initialisation is not in the NTK regime: plateaus appear
    assert _fails(run(P, "fig2.ntk-linear", variant=3.0))


def test_derived_exponents():
    from symdln.symbolic import derive
    d = derive("init_scale_distances").extra
    assert sp.simplify(d["exp_d_saddle"] - (1 - gamma) / 2) == 0
    assert d["gamma_c_saddle"] == [1] and d["gamma_c_origin"] == [2]


@pytest.mark.slow
@pytest.mark.parametrize("cid", sorted(P.expected))
def test_expected_verdict_full_sizes(cid):
    assert outcome(run(P, cid, fast=False)) == P.expected[cid]


def test_cli_verifies_one_claim_through_the_engine(capsys):
    check_cli(P, capsys, "abstract.transition")


@pytest.mark.slow
def test_cli_verify_paper_end_to_end(capsys):
    check_cli(P, capsys)

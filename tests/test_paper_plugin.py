"""The paper as a plug-in handed to the engine: qualified ids, level and severity on every verdict, the
pinned verdict table, and the `symdln verify` options that select papers, list claims and filter verdicts."""
from __future__ import annotations

import json

import pytest

from symdln import SymdlnInputError
from symdln.paperkit import SEVERITIES, Paper
from symdln.papers import available, load
from symdln.verdict import Evidence, Verdict
from symdln.verify import verify_all, verify_claim

PAPER = load("corlouer2026")


def test_registry_lists_and_loads_the_paper():
    assert "corlouer2026" in available()
    assert isinstance(PAPER, Paper) and PAPER.key == "corlouer2026" and PAPER.citation.arxiv == "2604.06366"
    with pytest.raises(SymdlnInputError, match="paper must be one of"):
        load("no-such-paper")


def test_pinned_table_covers_every_claim_with_todays_counts():
    from collections import Counter
    assert set(PAPER.expected) == set(PAPER.claim_ids())
    assert Counter(PAPER.expected.values()) == {"confirmed": 68, "refuted": 23, "conditional": 30}


def test_every_non_confirmed_claim_has_a_severity():
    """Lists the claims whose expected verdict is not `confirmed` and that have no severity entry."""
    missing = [c for c, v in PAPER.expected.items() if v != "confirmed" and c not in PAPER.severity]
    assert not missing, f"claims without a severity: {missing}"
    for cid, (sev, why) in PAPER.severity.items():
        assert sev in SEVERITIES and why.strip(), cid
        assert PAPER.expected[cid] != "confirmed", f"{cid} is confirmed but carries a severity"


def test_verdicts_carry_paper_level_and_severity():
    v = verify_claim("corlouer2026:prop3.1.vec-gradient", paper=PAPER, mc=False)   # qualified id accepted
    assert v.verdict == "refuted" and v.paper == "corlouer2026" and v.claim_id == "prop3.1.vec-gradient"
    assert v.severity == PAPER.severity["prop3.1.vec-gradient"][0] and v.severity_reason
    assert v.level == PAPER.level("prop3.1.vec-gradient")
    js = v.to_json()
    assert js["id"] == "prop3.1.vec-gradient" and js["qid"] == "corlouer2026:prop3.1.vec-gradient"
    ok = verify_claim("eq.5", paper=PAPER, mc=False)
    assert ok.verdict == "confirmed" and ok.severity is None and ok.level == "reduction"


def test_missing_severity_entry_gives_none(monkeypatch):
    monkeypatch.delitem(PAPER.severity, "prop3.1.vec-gradient")
    v = verify_claim("prop3.1.vec-gradient", paper=PAPER, mc=False)
    assert v.verdict == "refuted" and v.severity is None


def test_engine_requires_a_paper_object():
    with pytest.raises(SymdlnInputError, match="paper must be a symdln.paperkit.Paper"):
        verify_claim("eq.5", paper="corlouer2026")
    with pytest.raises(TypeError):
        verify_all()                                   # no default paper inside the engine
    with pytest.raises(SymdlnInputError, match="unknown claim id"):
        verify_claim("other:eq.5", paper=PAPER)


def _fake_verdicts(**_):
    mk = lambda cid, v, sev: Verdict(verdict=v, claim_id=cid, reason="r", evidence=(Evidence("exact", v == "confirmed",  # noqa: E731
                                     "e", {}),), printed_latex="x", derived_latex="", location="Sec. 1",
                                     paper="corlouer2026", level="reduction", severity=sev)
    return [mk("a", "confirmed", None), mk("b", "refuted", "notation"), mk("c", "refuted", "substantive"),
            mk("d", "conditional", "step"), mk("e", "refuted", None)]


def test_cli_groups_by_severity_substantive_first_and_filters(monkeypatch, capsys):
    import symdln.verify as engine
    from symdln.cli import main
    monkeypatch.setattr(engine, "verify_all", _fake_verdicts)
    assert main(["verify", "--no-mc", "--quiet"]) == 0
    out = capsys.readouterr().out
    heads = [line for line in out.splitlines() if line.startswith("-- ")]
    assert [h.split()[1] for h in heads] == ["substantive", "step", "notation", "severity"]
    assert out.index("\nc ") < out.index("\nd ") < out.index("\nb ") < out.index("\ne ")
    assert main(["verify", "--no-mc", "--severity", "substantive", "--json"]) == 0
    assert [v["id"] for v in json.loads(capsys.readouterr().out)] == ["c"]
    assert main(["verify", "--no-mc", "--only", "refuted", "--json"]) == 0
    assert [v["id"] for v in json.loads(capsys.readouterr().out)] == ["b", "c", "e"]


def test_cli_list_and_list_papers(capsys):
    from symdln.cli import main
    assert main(["verify", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(PAPER.claim_ids()) and lines[0].split()[0] == PAPER.claim_ids()[0]
    assert "Sec." in lines[0] or "App." in lines[0]
    assert main(["verify", "--list-papers"]) == 0
    out = capsys.readouterr().out
    assert "corlouer2026" in out and "2604.06366" in out
    assert main(["verify", "--paper", "nope", "--list"]) == 2
    assert "paper must be one of" in capsys.readouterr().err


@pytest.mark.slow
def test_pinned_table_no_mc_run():
    """`symdln verify --no-mc` reproduces the pinned table exactly."""
    got = {v.claim_id: v.verdict for v in verify_all(paper=PAPER, mc=False)}
    assert got == PAPER.expected


@pytest.mark.slow
def test_claim_alone_equals_full_run_with_monte_carlo():
    """A claim's Monte Carlo family is its own: the verdict and thresholds alone equal those of a run."""
    ids = ["eq.7", "prop3.3.D", "appE.ito"]
    run = {v.claim_id: v for v in verify_all(paper=PAPER, mc=True, only=ids)}
    for cid in ids:
        alone = verify_claim(cid, paper=PAPER, mc=True)
        assert alone.verdict == run[cid].verdict == PAPER.expected[cid]
        zc = lambda v: [e.data["z_crit"] for e in v.evidence if e.kind == "monte-carlo"]  # noqa: E731
        assert zc(alone) == zc(run[cid]) and zc(alone)


# ---- generic check kinds: data on the claim, and they can fail ----------------------------------------
def test_generic_kinds_are_data_and_reject_wrong_input():
    import dataclasses
    from symdln.paperkit import Spec
    from symdln.verify.checks import load_kinds, run_check
    kinds = load_kinds()
    assert {"matrix_vs_core", "stationary_expansion", "cross_reference", "restatement"} <= set(kinds)
    assert not set(kinds) & set(PAPER.checks), "a name is both a generic kind and a bespoke check"
    c = PAPER.get("prop3.1.gradient")
    bad = Spec(check="matrix_vs_core", params={"layout": "nope", "reference": "population_gradient"})
    with pytest.raises(SymdlnInputError, match="layout"):
        run_check("matrix_vs_core", c, bad, paper=PAPER)
    # cross_reference: the citation fails against this paper's propositions, passes where 6.4 exists
    cite = PAPER.get("prop5.2.cites")
    evs, _ = run_check("cross_reference", cite, PAPER.spec(cite.id), paper=PAPER)
    assert evs and not evs[0].passed
    other = Paper(dataclasses.replace(PAPER.citation, key="toy"), propositions=("6.4",))
    evs, _ = run_check("cross_reference", cite, PAPER.spec(cite.id), paper=other)
    assert evs[0].passed


def test_matrix_kind_rejects_a_transposed_reference_layout():
    """The same printed gradient compared with the vec reference is a shape failure (the kind can fail)."""
    import dataclasses
    from symdln.verify.checks import run_check
    c = PAPER.get("prop3.1.gradient")
    spec = dataclasses.replace(PAPER.spec(c.id), params={"layout": "per_layer(net, teacher, l)",
                                                          "reference": "vec_population_gradient"})
    evs, _ = run_check("matrix_vs_core", c, spec, paper=PAPER)
    assert any(not e.passed and e.kind == "shape" for e in evs)


# ---- structured locations ------------------------------------------------------------------------------
def test_every_claim_of_every_paper_has_a_structured_location():
    """Every registered paper's claims carry a `Location` (section, item, equation, detail), rendered as text."""
    from symdln.paperkit import Location
    from symdln.export.model import proposition_of
    for key in available():
        for c in load(key).claims():
            assert isinstance(c.location, Location), f"{key}:{c.id} has a free-text location {c.location!r}"
            assert str(c.location) and c.location.section, f"{key}:{c.id}"
    loc = PAPER.get("eq.7").location
    assert (loc.section, loc.item, loc.equation) == ("3", "Prop. 3.5", "7") and str(loc) == "Sec. 3, Prop. 3.5, Eq. (7)"
    assert proposition_of(loc) == "3.5" and proposition_of(PAPER.get("sec3.D-vanishes").location) is None


def test_paper_add_refuses_a_free_text_location():
    import dataclasses
    toy = Paper(dataclasses.replace(PAPER.citation, key="toyloc"))
    with pytest.raises(SymdlnInputError, match="Location"):
        toy.add("eq.1", "Sec. 2, Eq. (1)", "x")

"""Severity and level tables of the built-in paper: complete, well-formed, and consistent with the verdicts."""
from __future__ import annotations

import pytest

from symdln.paperkit import LEVELS, SEVERITIES
from symdln.papers.corlouer2026 import PAPER
from symdln.papers.corlouer2026.severity import LEVELS as LEVEL_TABLE
from symdln.papers.corlouer2026.severity import SEVERITY, install


def _expected() -> dict:
    """The pinned verdict table."""
    assert set(PAPER.expected) == set(PAPER.claim_ids())
    return dict(PAPER.expected)


def test_every_non_confirmed_verdict_has_a_severity_and_no_confirmed_one_does():
    exp = _expected()
    missing = sorted(c for c, v in exp.items() if v != "confirmed" and c not in PAPER.severity)
    extra = sorted(c for c in PAPER.severity if exp.get(c) == "confirmed")
    assert not missing, f"non-confirmed claims without a severity: {missing}"
    assert not extra, f"confirmed claims with a severity: {extra}"


@pytest.mark.parametrize("cid", sorted(SEVERITY))
def test_severity_entries_are_well_formed(cid):
    sev, why = PAPER.severity[cid]
    assert sev in SEVERITIES
    assert len(why) > 20 and "\n" not in why


def test_levels_are_valid_and_substantive_errata_are_listed():
    assert all(PAPER.level(c) in LEVELS for c in PAPER.claim_ids())
    # spelled-out assumptions ("A1 balanced") are at the reduction level, not the default network level
    assert PAPER.level("prop3.5.decoupling") == "reduction"
    assert PAPER.level("prop3.1.gradient") == "network"
    subs = {c for c, (s, _) in PAPER.severity.items() if s == "substantive"}
    assert {"eq.6", "eq.17", "prop5.2.mean-above", "prop3.5.decoupling"} <= subs
    assert all(LEVEL_TABLE[c] == PAPER.level(c) for c in LEVEL_TABLE)


def test_install_rejects_a_table_naming_an_unknown_claim(monkeypatch):
    from symdln.papers.corlouer2026 import severity as mod
    monkeypatch.setitem(mod.SEVERITY, "eq.999", ("notation", "a claim that does not exist in the paper"))
    with pytest.raises(RuntimeError, match="eq.999"):
        install()

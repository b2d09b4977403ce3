"""The paper's coverage table: complete (every numbered equation, proposition and remark), consistent with the
claims registry, and rendered into docs/coverage.md (a stale file fails here)."""
from __future__ import annotations

import copy
from pathlib import Path

from symdln.papers.corlouer2026 import PAPER
from symdln.papers.corlouer2026.coverage import REASONS
from symdln.verify.coverage import counts, main, problems, render_markdown

DOC = Path(__file__).resolve().parents[1] / "docs" / "coverage.md"


def test_coverage_table_is_consistent_with_the_registry():
    assert problems(PAPER) == []
    assert all(e["reason"] in REASONS for e in PAPER.coverage if not e["claims"])


def test_every_numbered_equation_proposition_and_remark_is_listed():
    c = counts(PAPER)
    assert c["equations"] == list(range(1, 34))
    items = " ".join(e["item"] for e in PAPER.coverage)
    assert all(f"Prop. {p}" in items for p in PAPER.propositions)
    remarks = [e for e in PAPER.coverage if e["kind"] == "remark"]
    assert len(remarks) >= 4 and all(e["claims"] for e in remarks)      # a remark is a claim
    assert c["registered"] + c["unregistered"] == c["entries"]
    assert c["claims_named"] == c["claims_registered"] == len(PAPER.claim_ids())


def test_docs_coverage_md_is_fresh():
    assert DOC.read_text() == render_markdown(PAPER), "run: python -m symdln.verify.coverage --write docs/coverage.md"


def test_problems_flags_unknown_ids_missing_claims_and_entries_without_reason(monkeypatch):
    bad = copy.deepcopy(PAPER.coverage)
    bad[0] = dict(bad[0], claims=("eq.999",))
    bad.append({"item": "x", "kind": "sentence", "where": "1", "quote": "q", "claims": (), "reason": "", "note": ""})
    bad = [e for e in bad if e["claims"] != ("eq.33",)]
    monkeypatch.setattr(PAPER, "coverage", bad)
    msgs = "\n".join(problems(PAPER))
    assert "'eq.999' is not registered" in msgs and "needs claims or a reason" in msgs
    assert "'eq.33' is registered but no coverage entry names it" in msgs


def test_main_writes_the_table_atomically(tmp_path, capsys):
    out = tmp_path / "cov.md"
    assert main(["--write", str(out)]) == 0
    assert out.read_text() == render_markdown(PAPER)

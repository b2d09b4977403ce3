"""What a user reads never mentions how symdln was made: no "plan 1.1", "(referee)", "engineer", "the lead",
"helper", "round 2", "issue 7" in the CLI's ``--help`` of every command, in the experiments' help and
docstrings (``symdln experiment list``), in ``docs/``, or in the text of the modules whose strings reach the
user's screen, report or JSON (experiments, diagnostics, export, commands)."""
from __future__ import annotations

import argparse
import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: words that describe the making of symdln, not its content ("plan" alone is fine: a Monte Carlo plan is a
#: concept of the package; "round-off" and "round-trip" are too)
PROCESS = re.compile(r"\(plan\b|\bplan\s+(?:sec\.?\s*)?\d|\bplan's\b|\(referee\b|\breferee[:)]|\bengineers?\b"
                     r"|\bthe lead\b|\bhelpers?\b|\bround\s+\d|\b(?:this|previous|next) round\b|\bissue\s+\d+\b",
                     re.IGNORECASE)
#: the folders whose docstrings and string constants reach the user (help, report, JSON summaries)
USER_FACING = ("experiments", "diagnostics", "export", "commands")


def _hits(text: str, where: str) -> list[str]:
    return [f"{where}: {m.group(0)!r} in ...{text[max(0, m.start() - 50):m.end() + 50]!r}"
            for m in PROCESS.finditer(text)]


def test_the_pattern_catches_process_words_and_spares_the_vocabulary():
    bad = ["rank patterns (plan 1.1)", "see plan Sec. 1.2", "under misalignment (referee)", "referee: a bound",
           "another engineer's registry", "ask the lead", "plot helpers", "in round 2", "issue 7"]
    good = ["a Monte Carlo plan", "round-off noise", "round-trips exactly", "the referee report can be handed over",
            "the margin lead = t_learned - t_peak", "rounded to the SE"]
    assert all(PROCESS.search(t) for t in bad), [t for t in bad if not PROCESS.search(t)]
    assert not any(PROCESS.search(t) for t in good), [t for t in good if PROCESS.search(t)]


def _parsers(parser: argparse.ArgumentParser, name: str = "symdln"):
    yield name, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub in action.choices.items():
                yield from _parsers(sub, f"{name} {sub_name}")


def test_cli_help_of_every_command_has_no_process_words():
    from symdln.cli import build_parser
    seen, hits = [], []
    for name, p in _parsers(build_parser()):
        seen.append(name)
        hits += _hits(p.format_help(), f"{name} --help")
    assert {"symdln", "symdln verify", "symdln report", "symdln experiment", "symdln latex"} <= set(seen), seen
    assert not hits, "\n".join(hits)


def test_experiment_help_and_docstrings_have_no_process_words():
    from symdln import experiments
    hits = []
    for name in experiments.names():
        e = experiments.get(name)
        hits += _hits(e.help, f"experiment {name} help") + _hits(e.fn.__doc__ or "", f"experiment {name} docstring")
        assert e.fn.__doc__, f"experiment {name} has no docstring"
    assert not hits, "\n".join(hits)


def test_docs_have_no_process_words():
    docs = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]
    hits = [h for f in docs for h in _hits(f.read_text(), f.relative_to(ROOT).as_posix())]
    assert not hits, "\n".join(hits)


@pytest.mark.parametrize("folder", USER_FACING)
def test_user_facing_module_text_has_no_process_words(folder):
    hits = []
    for f in sorted((ROOT / "symdln" / folder).rglob("*.py")):
        for node in ast.walk(ast.parse(f.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                hits += _hits(node.value, f"{f.relative_to(ROOT).as_posix()}:{node.lineno}")
    assert not hits, "\n".join(hits)


def test_claim_text_of_every_paper_has_no_process_words():
    """What the report prints about each claim (location, notes, the citation's note) and the coverage table."""
    from symdln.papers import available, load
    hits = []
    for key in available():
        paper = load(key)
        hits += _hits(paper.citation.note + " " + getattr(paper, "description", ""), f"{key} citation")
        for c in paper.claims():
            hits += _hits(f"{c.location} | {c.notes}", f"{key}:{c.id}")
        for e in paper.coverage:
            hits += _hits(f"{e.get('where', '')} | {e.get('quote', '')} | {e.get('note', '')}", f"{key} coverage")
    assert not hits, "\n".join(hits)

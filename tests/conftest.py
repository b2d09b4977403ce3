"""Suite-wide settings (the verdict cache is off) and shared session fixtures: each expensive result that
several tests assert on is computed once per run (the default tier has a CPU budget, see README)."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True, scope="session")
def _no_verdict_cache():
    """Tests change the engine in memory (monkeypatched checks, fake verdicts), which no cache key can see: the
    verdict cache of ``symdln verify`` is off for the suite; tests/test_verify_cache.py turns it on in a private
    folder.  (The derivation cache stays on: derivations are not monkeypatched.)"""
    from symdln.commands import verify_cache
    verify_cache.set_enabled(False)
    yield
    verify_cache.set_enabled(None)


@pytest.fixture(scope="session")
def corlouer_fast_verdicts():
    """Every claim of corlouer2026 decided once (``verify_all(fast=True, seed=0)``), by claim id.  Tests
    only read it: a verdict is a frozen record, and nothing here may mutate the dict."""
    from symdln.papers.corlouer2026 import PAPER
    from symdln.verify import verify_all
    return {v.claim_id: v for v in verify_all(paper=PAPER, fast=True, seed=0)}


@pytest.fixture(scope="session")
def rendered_derivations():
    """One ``render_all()`` (every derivation as Markdown + JSON): about 1 s of SymPy printing, shared by the
    determinism test (which renders a second time and compares) and the ``derive`` command tests."""
    from symdln.symbolic.render import render_all
    return render_all()


@pytest.fixture
def cached_render_all(rendered_derivations, monkeypatch):
    """Make ``symdln derive`` write the session's rendering instead of rendering again (the command's file
    handling, manifest and --check logic are what its tests exercise; rendering is tested on its own)."""
    import symdln.symbolic.render as render
    monkeypatch.setattr(render, "render_all", lambda progress=None: dict(rendered_derivations))
    return rendered_derivations

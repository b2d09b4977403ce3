"""Suite-wide settings."""
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

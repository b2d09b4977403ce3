"""Generic check kinds: comparisons that many claims share, configured by data (``Spec.params``).

Each kind is ``fn(claim, spec, *, seed, fast, paper)`` registered with :func:`symdln.verify.checks.kind`.
"""
from __future__ import annotations

from .checks import kind  # noqa: F401

"""The verdict engine (:mod:`symdln.verify.engine`): claims of :mod:`symdln.paper` -> evidence -> verdicts.

``verify_claim(id)``, ``verify_all()`` and ``verify(candidate, quantity=...)`` (a user-supplied SymPy
expression against a derived quantity).  Evidence modules: ``symbolic``, ``points``, ``shape`` (in
``checks``), ``dimension``, ``montecarlo``.
"""
from __future__ import annotations

from .engine import verify, verify_all, verify_claim  # noqa: F401

__all__ = ["verify", "verify_all", "verify_claim"]

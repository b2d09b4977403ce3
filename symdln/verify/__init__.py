"""The verdict engine (:mod:`symdln.verify.engine`): claims of :mod:`symdln.paper` -> evidence -> verdicts.

``verify_claim(id)``, ``verify_all()`` and ``verify(candidate, quantity=...)`` (a user-supplied SymPy
expression against a derived quantity).  Evidence modules: ``symbolic``, ``points``, ``shape``, ``dimension``,
``montecarlo``; named checks in ``checks*``.

The package is itself callable -- ``symdln.verify(expr, quantity="diffusion_aligned")`` is
:func:`symdln.verify.user.verify` -- so that the top-level re-export does not shadow the subpackage
(``import symdln.verify.engine`` keeps working).
"""
from __future__ import annotations

import sys
import types

from .engine import verify_all, verify_claim  # noqa: F401
from .user import verify  # noqa: F401

__all__ = ["verify", "verify_all", "verify_claim"]


class _CallableModule(types.ModuleType):
    def __call__(self, candidate, quantity: str, assumptions=(), **kw):
        return verify(candidate, quantity, assumptions, **kw)


sys.modules[__name__].__class__ = _CallableModule

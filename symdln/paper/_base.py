"""Registry plumbing for the paper's claims (see :mod:`symdln.paper`).

A claim (:class:`symdln.verdict.Claim`) records what the paper prints.  The verifier needs a little more
than the printed formula -- which part of a derivation to compare with, which Monte Carlo plan applies,
a claim-specific check for statements and identities -- and that lives in a :class:`Spec` next to the
claim, so that ``Claim`` stays pure data.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ..verdict import Claim

__all__ = ["Spec", "add", "REGISTRY", "SPECS", "ORDER", "PROPOSITIONS"]

#: claim id -> Claim, in registration order
REGISTRY: dict[str, Claim] = {}
#: claim id -> Spec
SPECS: dict[str, "Spec"] = {}
ORDER: list[str] = []

#: the numbered propositions the paper actually contains (for cross-reference checks)
PROPOSITIONS = ("3.1", "3.2", "3.3", "3.4", "3.5", "5.1", "5.2")


@dataclass(frozen=True)
class Spec:
    """How the verifier checks one claim.

    ``transform``: applied to the derived expression (after ``select``) before comparing, e.g.
    ``lambda e: e.subs(L, 2)`` for a depth-2 statement.  ``select``: key into ``Derivation.expr`` (a dict)
    or ``Derivation.extra``.  ``mc``: name of a Monte Carlo plan in :mod:`symdln.verify.montecarlo`.
    ``check``: name of a check in :mod:`symdln.verify.checks` (identities, statements, matrix formulas).  Evidence
    whose ``data["scope"] == "condition"`` tests the claim under ``condition`` (an extra assumption the
    verifier states), e.g. reading ``J_l`` as the correct Jacobian.  ``extra_points``: additional
    substitutions for point checks (e.g. ``{b: 1}``).  ``equation``: compare as equations (equivalent up
    to a nonzero factor) rather than as expressions.
    """
    transform: Callable[[Any], Any] | None = None
    select: str | None = None
    mc: str | None = None
    check: str | None = None            # name of a check in symdln.verify.checks
    condition: str | None = None
    equation: bool = False
    fixed: dict = field(default_factory=dict)


def add(id: str, location: str, printed: str, *, quantity: str | None = None, expr: Any = None,
        kind: str = "scalar", assumptions: tuple[str, ...] = (), readings: tuple = (),
        restates: tuple[str, ...] = (), dimension: str | None = None, notes: str = "",
        spec: Spec | None = None) -> Claim:
    """Create and register a claim (ids are unique)."""
    if id in REGISTRY:
        raise RuntimeError(f"claim {id!r} registered twice")
    c = Claim(id=id, location=location, printed=printed, quantity=quantity, expr=expr,
              assumptions=tuple(assumptions), readings=tuple(readings), kind=kind,
              restates=tuple(restates), dimension=dimension, notes=notes)
    REGISTRY[id] = c
    SPECS[id] = spec or Spec()
    ORDER.append(id)
    return c


#: the two readings of the label-noise scale (Sec. 2.3 vs App. E)
SIGMA_READINGS = (("sigma_q", "std"), ("sigma_q", "variance"))
#: beta is eta / b throughout (Prop. 3.5)
BETA_READING = (("beta", "eta/b"),)

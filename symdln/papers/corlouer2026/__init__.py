"""The paper's claims, recorded as printed (arXiv 2604.06366, Sections 2-5 and Appendices A-G, Eq. 33).

``claims()`` lists every claim (:class:`symdln.verdict.Claim`); ``get(id)`` returns one; ``spec(id)``
returns the verifier-side details (:class:`symdln.paper._base.Spec`).  ``symdln verify`` turns each into a
verdict (:mod:`symdln.verify`).  ``kind="statement"`` claims record non-formula issues (cross-references,
undefined symbols, notation clashes) together with a consistency check.
"""
from __future__ import annotations

from ...verdict import Claim
from . import appendix_ad, appendix_eg, sec2_3, sec4_5  # noqa: F401  (register on import)
from ._base import PAPER, PROPOSITIONS, REGISTRY, SPECS, Spec
from . import severity  # noqa: F401,E402  (fills PAPER.severity and PAPER.levels)
from . import domain  # noqa: F401,E402  (whole-domain checks)
from . import text  # noqa: F401,E402  (claims in the running text and remarks)
text.register(PAPER)
from . import coverage  # noqa: F401,E402  (fills PAPER.coverage)

__all__ = ["PAPER", "claims", "get", "spec", "claim_ids", "Spec", "PROPOSITIONS"]


def claims() -> list[Claim]:
    """Every claim, in paper order (Sec. 2, 3, 4, 5, App. A-G, Eq. 33)."""
    return PAPER.claims()


def claim_ids() -> list[str]:
    return PAPER.claim_ids()


def get(id: str) -> Claim:
    """The claim ``id`` (e.g. ``"eq.7"``); unknown ids raise :class:`SymdlnInputError` listing close ids."""
    return PAPER.get(id)


def spec(id: str) -> Spec:
    return PAPER.spec(id)

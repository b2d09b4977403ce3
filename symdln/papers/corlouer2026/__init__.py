"""The paper's claims, recorded as printed (arXiv 2604.06366, Sections 2-5 and Appendices A-G, Eq. 33).

``PAPER`` (a :class:`symdln.paperkit.Paper`) is what the engine is handed: ``symdln.verify.verify_all(paper=PAPER)``.
``claims()`` lists every claim (:class:`symdln.verdict.Claim`); ``get(id)`` returns one; ``spec(id)`` returns
the verifier-side details (:class:`symdln.paperkit.Spec`).  ``kind="statement"`` claims record non-formula
issues (cross-references, undefined symbols, notation clashes) together with a consistency check.  The
checks only this paper needs are in ``checks_*.py`` (registered with ``@PAPER.check``), its own Monte Carlo
plan in ``mc_plans.py``; ``expected.py`` pins every verdict.
"""
from __future__ import annotations

from ...verdict import Claim
from . import appendix_ad, appendix_eg, sec2_3, sec4_5  # noqa: F401  (register claims on import)
from . import network_balance  # noqa: F401  (network-level balance and decoupling claims and their checks)
from . import checks_symbolic  # noqa: F401
from . import expected, mc_plans, references, references_appendix, references_blocks, references_symbolic, severity  # noqa: F401
from . import network_level  # noqa: F401,E402  (network-level claims: Prop. 5.2 (ii) for SGD on the full network)
from ._base import PAPER, PROPOSITIONS, REGISTRY, SPECS, Spec
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

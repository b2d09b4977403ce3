"""The paper's claims, recorded as printed (arXiv 2604.06366, Sections 2-5 and Appendices A-G, Eq. 33).

``claims()`` lists every claim (:class:`symdln.verdict.Claim`); ``get(id)`` returns one; ``spec(id)``
returns the verifier-side details (:class:`symdln.paper._base.Spec`).  ``symdln verify`` turns each into a
verdict (:mod:`symdln.verify`).  ``kind="statement"`` claims record non-formula issues (cross-references,
undefined symbols, notation clashes) together with a consistency check.
"""
from __future__ import annotations

import difflib

from .._validation import SymdlnInputError
from ..verdict import Claim
from . import appendix_ad, appendix_eg, sec2_3, sec4_5  # noqa: F401  (register on import)
from ._base import ORDER, PROPOSITIONS, REGISTRY, SPECS, Spec

__all__ = ["claims", "get", "spec", "claim_ids", "Spec", "PROPOSITIONS"]


def claims() -> list[Claim]:
    """Every claim, in paper order (Sec. 2, 3, 4, 5, App. A-G, Eq. 33)."""
    return [REGISTRY[i] for i in ORDER]


def claim_ids() -> list[str]:
    return list(ORDER)


def get(id: str) -> Claim:
    """The claim ``id`` (e.g. ``"eq.7"``); unknown ids raise :class:`SymdlnInputError` listing close ids."""
    if not isinstance(id, str) or id not in REGISTRY:
        close = difflib.get_close_matches(str(id), ORDER, n=5, cutoff=0.5)
        hint = f"; close: {', '.join(close)}" if close else f"; known ids start with: eq., prop, app, sec"
        raise SymdlnInputError(f"unknown claim id {id!r}{hint} (see `symdln verify` for the list)")
    return REGISTRY[id]


def spec(id: str) -> Spec:
    get(id)
    return SPECS[id]

"""Data types shared by the claim registry, the verdict engine and the exporters.

Verdicts are data: ``Verdict.to_json()`` is what ``symdln verify --json`` prints and what
``symdln report`` renders to terminal, Markdown and LaTeX.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Claim", "Evidence", "Verdict", "VERDICTS", "EVIDENCE_KINDS"]

VERDICTS = ("confirmed", "refuted", "conditional", "undecided")
EVIDENCE_KINDS = ("symbolic", "exact", "mpmath", "monte-carlo", "shape", "dimension", "enumeration",
                  "consistency")


@dataclass(frozen=True)
class Claim:
    """A formula as the paper prints it.

    ``expr`` is the SymPy transcription of the printed formula, built in code from the declared
    symbols (``symdln.symbolic.symbols``), never parsed from a string.  ``printed`` is the LaTeX
    source copied verbatim from the paper.  ``quantity`` names the derivation it is compared with
    (``symdln.symbolic.derive``), or is ``None`` for a claim that is not a formula of a derived
    quantity (then the verifier uses its own specific check).
    """
    id: str                                # "eq.7", "prop3.2", "appE.ito-data", ...
    location: str                          # "Sec. 3, Prop. 3.5, Eq. (7)"
    printed: str                           # LaTeX source as printed
    quantity: str | None = None            # derived quantity id, if any
    expr: Any = None                       # SymPy transcription (scalar claims) or a builder (matrix claims)
    assumptions: tuple[str, ...] = ()      # e.g. ("A1 balanced", "A2 aligned", "whitened inputs")
    readings: tuple[tuple[str, str], ...] = ()  # (symbol, reading) pairs, e.g. (("sigma_q", "std"),)
    kind: str = "scalar"                   # "scalar" | "matrix" | "identity" | "statement"
    restates: tuple[str, ...] = ()         # ids of other claims stating the same quantity
    dimension: str | None = None           # "drift" | "diffusion" | "location" | "variance" | "dimensionless"
                                           # | "time" | "rate": the power of c it must carry (docs/conventions.md)
    notes: str = ""
    paper: str = ""                        # key of the paper that prints it ("" for user-supplied formulas)

    @property
    def qid(self) -> str:
        """Qualified id ``"<paper>:<id>"`` (the local id when the claim belongs to no paper)."""
        return f"{self.paper}:{self.id}" if self.paper else self.id


@dataclass(frozen=True)
class Evidence:
    """One check of a claim.  ``passed`` is whether the claim survived the check."""
    kind: str                   # one of EVIDENCE_KINDS
    passed: bool
    summary: str                # one line, human readable
    data: dict = field(default_factory=dict)  # machine-readable detail (points, values, se, z, seed, n, ...)

    def to_json(self) -> dict:
        return {"kind": self.kind, "passed": bool(self.passed), "summary": self.summary, "data": _jsonable(self.data)}


@dataclass(frozen=True)
class Verdict:
    claim_id: str
    verdict: str                # one of VERDICTS
    reason: str                 # one line
    evidence: tuple[Evidence, ...] = ()
    printed_latex: str = ""
    derived_latex: str = ""     # the derived (corrected) form, in LaTeX, from sympy.latex
    location: str = ""
    counterexample: dict | None = None
    condition: str | None = None
    paper: str = ""             # key of the paper (symdln.paperkit.Citation.key)
    level: str = ""             # "reduction" | "network" (symdln.paperkit.LEVELS): where the verdict holds
    severity: str | None = None  # non-confirmed only: "substantive" | "step" | "notation"
    severity_reason: str = ""

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}; got {self.verdict!r}")
        if self.severity is not None and self.severity not in ("substantive", "step", "notation"):
            raise ValueError(f"severity must be substantive, step or notation; got {self.severity!r}")
        if self.level and self.level not in ("reduction", "network"):
            raise ValueError(f"level must be reduction or network; got {self.level!r}")

    @property
    def qid(self) -> str:
        """Qualified id ``"<paper>:<id>"`` (the local id for a formula of no paper)."""
        return f"{self.paper}:{self.claim_id}" if self.paper else self.claim_id

    def to_json(self) -> dict:
        return {
            "id": self.claim_id,
            "qid": self.qid,
            "verdict": self.verdict,
            "reason": self.reason,
            "location": self.location,
            "evidence": [e.to_json() for e in self.evidence],
            "printed_latex": self.printed_latex,
            "derived_latex": self.derived_latex,
            "counterexample": _jsonable(self.counterexample),
            "condition": self.condition,
            "paper": self.paper,
            "level": self.level,
            "severity": self.severity,
            "severity_reason": self.severity_reason,
        }


def _jsonable(x):
    import numpy as np
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, (str, int, float, bool)) or x is None:
        return x
    return str(x)

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

    def _repr_latex_(self) -> str:
        """Jupyter: the printed formula, typeset."""
        return _display_math(self.printed)

    def _repr_html_(self) -> str:
        """Jupyter: id, location and the printed formula (rendered by the notebook's MathJax)."""
        return (f"<div><code>{_esc(self.qid)}</code> <em>{_esc(self.location)}</em>"
                f"<div>{_display_math(self.printed, html=True)}</div></div>")


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

    def _repr_latex_(self) -> str:
        """Jupyter: printed and derived forms side by side, typeset."""
        printed, derived = _math_src(self.printed_latex), _math_src(self.derived_latex)
        body = r"\text{%s}\;(\text{%s}):\quad " % (_tex_text(self.claim_id), self.verdict)
        if printed and derived:
            body += r"%s\quad\longrightarrow\quad %s" % (printed, derived)
        else:
            body += printed or derived or r"\text{(no formula)}"
        return "$$%s$$" % body

    def _repr_html_(self) -> str:
        """Jupyter: verdict, reason, printed vs derived (rendered by the notebook's MathJax), evidence."""
        colour = {"confirmed": "#1a7f37", "refuted": "#b42318", "conditional": "#b54708"}.get(self.verdict, "#555")
        meta = ", ".join(x for x in (self.location, self.level and f"{self.level} level",
                                     self.severity and f"severity: {self.severity}") if x)
        rows = "".join(f"<tr><td>{_esc(lab)}</td><td>{_display_math(src, html=True)}</td></tr>"
                       for lab, src in (("as printed", self.printed_latex), ("derived", self.derived_latex)) if src)
        ev = "".join(f"<li><b>{_esc(e.kind)}</b> ({'passes' if e.passed else 'FAILS'}): {_esc(e.summary)}</li>"
                     for e in self.evidence)
        cond = f"<div><em>Holds if:</em> {_esc(self.condition)}</div>" if self.condition else ""
        return (f"<div><code>{_esc(self.claim_id)}</code> <b style='color:{colour}'>{self.verdict}</b>"
                f" <em>{_esc(meta)}</em><div>{_esc(self.reason)}</div>{cond}"
                f"<table>{rows}</table>" + (f"<ul>{ev}</ul>" if ev else "") + "</div>")

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


def _esc(text) -> str:
    import html
    return html.escape(str(text or ""))


def _tex_text(text) -> str:
    """Text safe inside ``\\text{}``: LaTeX specials replaced."""
    return "".join({"_": r"\_", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "{": r"\{", "}": r"\}",
                    "\\": "/", "^": " ", "~": " "}.get(ch, ch) for ch in str(text))


def _math_src(src: str) -> str:
    """A LaTeX formula without its ``$`` delimiters, labels or tags (for display in a notebook)."""
    import re
    src = re.sub(r"\\(?:label|tag)\s*\{[^{}]*\}|\\(?:nonumber|notag)\b", "", str(src or ""))
    return src.strip().strip("$").strip()


def _display_math(src: str, *, html: bool = False) -> str:
    body = _math_src(src)
    if not body:
        return ""
    return "$$%s$$" % (_esc(body) if html else body)


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

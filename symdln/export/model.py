"""What a report contains: the data both renderers (LaTeX, Markdown) and ``results.json`` read.

:class:`ReportData` is filled by :func:`symdln.export.report.collect` (or built by hand in tests
from the shared dataclasses of :mod:`symdln.verdict` and :mod:`symdln.symbolic.result`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["FigureInfo", "ReportData", "proposition_of", "label", "row_get", "fmt_num", "check_note", "VERDICT_ORDER"]

VERDICT_ORDER = {"refuted": 0, "conditional": 1, "undecided": 2, "confirmed": 3}


@dataclass(frozen=True)
class FigureInfo:
    """A figure in the report: ``png`` (Markdown) and ``pdf`` (LaTeX; the PNG if no PDF)."""
    name: str
    caption: str
    png: Path
    pdf: Path | None = None
    origin: str = "report"          # "report" (made from the registry) or "experiment:<name>"
    data: dict = field(default_factory=dict)  # numbers behind the figure (e.g. max |printed - derived|)


@dataclass
class ReportData:
    derivations: list = field(default_factory=list)        # symdln.symbolic.result.Derivation
    claims: list = field(default_factory=list)             # symdln.verdict.Claim
    verdicts: list = field(default_factory=list)           # symdln.verdict.Verdict
    checks: Any = None                                     # symdln.verify.core_checks.CheckReport or None
    figures: list = field(default_factory=list)            # FigureInfo
    provenance: dict = field(default_factory=dict)
    command: str = "symdln report"
    fast: bool = False
    seed: int = 0
    missing: list = field(default_factory=list)            # components that are not installed
    errors: list = field(default_factory=list)             # "component: message" for failures
    timings: dict = field(default_factory=dict)            # stage -> seconds

    def claim(self, claim_id: str):
        return next((c for c in self.claims if c.id == claim_id), None)

    def verdict_counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for v in self.verdicts:
            out[v.verdict] = out.get(v.verdict, 0) + 1
        return dict(sorted(out.items(), key=lambda kv: VERDICT_ORDER.get(kv[0], 9)))

    def check_rows(self) -> list:
        return list(getattr(self.checks, "rows", []) or []) if self.checks is not None else []


_PROP = re.compile(r"Prop(?:osition)?\.?\s*(\d+\.\d+)")


def proposition_of(text: str) -> str | None:
    """``"3.5"`` for a location like ``"Sec. 3, Prop. 3.5, Eq. (7)"``; None if it names none."""
    m = _PROP.search(text or "")
    return m.group(1) if m else None


def label(kind: str, ident: str) -> str:
    """A LaTeX-safe label, e.g. ``label("der", "D_alpha")`` -> ``der:D-alpha``."""
    return f"{kind}:" + re.sub(r"[^A-Za-z0-9.:-]", "-", str(ident))


def row_get(row, name: str, default=None):
    """Attribute or key ``name`` of a check row (dataclass or dict)."""
    if isinstance(row, dict):
        return row.get(name, default)
    return getattr(row, name, default)


def check_note(checks) -> str:
    """The multiple-testing statement of a check report (``to_json()["multiple_testing"]``), if any."""
    if checks is None or not hasattr(checks, "to_json"):
        return ""
    try:
        return str(checks.to_json().get("multiple_testing", "") or "")
    except Exception:  # a fixture or partial report without the field
        return ""


def fmt_num(x, digits: int = 4) -> str:
    if x is None:
        return "--"
    if isinstance(x, bool):
        return "yes" if x else "no"
    try:
        xf = float(x)
    except (TypeError, ValueError):
        return str(x)
    if xf != xf:
        return "nan"
    return f"{xf:.{digits}g}"

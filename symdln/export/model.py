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

    def __repr__(self) -> str:
        counts = ", ".join(f"{n} {k}" for k, n in self.verdict_counts().items()) or "no verdicts"
        return (f"{type(self).__name__}({len(self.verdicts)} claims: {counts}; {len(self.derivations)} derivations; "
                f"{len(self.check_rows())} Monte Carlo rows; {len(self.figures)} figures; seed {self.seed})")

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


def proposition_of(location) -> str | None:
    """``"3.5"`` when a claim's :class:`symdln.paperkit.Location` names Prop. 3.5 as its ``item`` (structured: the
    claim's free text is never re-parsed), or when a derivation's ``source`` (free text written by symdln itself,
    e.g. ``"Prop. 3.5, Eq. (7); App. E"``) cites it first; None otherwise."""
    if hasattr(location, "proposition"):
        return location.proposition
    m = _PROP.search(location or "")
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


def num_tex(x, digits: int = 4) -> str:
    """Math-mode number: ``0`` for an exact zero, ``1.23\\times 10^{-5}`` outside [1e-3, 1e5)."""
    if x is None:
        return "--"
    try:
        xf = float(x)
    except (TypeError, ValueError):
        return r"\text{%s}" % "".join(ch for ch in str(x) if ch.isalnum() or ch in ".-")
    if xf != xf:
        return r"\mathrm{NaN}"
    if xf == 0.0:
        return "0"
    if 1e-3 <= abs(xf) < 1e5:
        return f"{xf:.{digits}g}"
    mant, exp = f"{xf:.{max(digits - 1, 0)}e}".split("e")
    return r"%s\times 10^{%d}" % (mant, int(exp))


def mc_numbers(row) -> dict[str, str]:
    """Math-mode cells of a Monte Carlo row: estimate to the precision its SE supports, SE to 2
    significant digits, the closed form with floating-point round-off shown as an exact 0, and z.

    Round-off: the closed forms are evaluated in double precision, so a true zero comes out as
    about 1e-16 times the size of the terms that cancel (e.g. ``-1.388e-18``).  A closed form
    below 1e-12 times the row's scale (its estimate or SE) is therefore printed as 0; 1e-12 is
    10^4 above double-precision round-off and 10^9 below any SE in the table."""
    import math
    est, se, cf, z = (row_get(row, k) for k in ("estimate", "se", "closed_form", "z"))
    scale = max(abs(float(est or 0.0)), abs(float(se or 0.0)))
    cf_out = "0" if cf is not None and scale > 0 and abs(float(cf)) < 1e-12 * scale else num_tex(cf)
    digits = 4
    if est is not None and se:
        if float(est) == 0.0:
            digits = 2
        else:
            digits = max(2, int(math.floor(math.log10(abs(float(est)) / float(se)))) + 2)
    return {"estimate": num_tex(est, digits), "se": num_tex(se, 2), "closed_form": cf_out, "z": num_tex(z, 3)}

"""The errata at a glance: what the three renderers (LaTeX, Markdown, HTML) put first.

:func:`errata_groups` orders every non-confirmed verdict by severity (substantive, step, notation,
then "unclassified" for a verdict without one); :func:`decisive` picks the evidence a reader
needs to believe the verdict (an exact counterexample, a z-score, a shape mismatch) as a list of
text/math segments; :func:`reading_label` names the reading a piece of evidence was computed
under.  Numbers come from the verdict's data; exact points are rebuilt as SymPy rationals (via
:func:`symdln._validation.rational_from_string`, never SymPy's parser) and typeset by
:func:`symdln.export.notation.to_latex`.
"""
from __future__ import annotations

from dataclasses import dataclass

from .model import ReportData, fmt_num
from .prose import math_of, segments

__all__ = ["SEVERITY_ORDER", "SEVERITY_TEXT", "ErrataEntry", "errata_groups", "decisive", "reading_label",
           "point_latex", "evidence_items", "checked_summary", "paper_citation"]

SEVERITY_ORDER = ("substantive", "step", "notation", "unclassified")
SEVERITY_TEXT = {
    "substantive": "changes a result the paper states",
    "step": "a wrong intermediate step; the stated result survives",
    "notation": "notation or transcription; no mathematical content changes",
    "unclassified": "severity not yet assessed",
}


@dataclass
class ErrataEntry:
    verdict: object          # symdln.verdict.Verdict
    claim: object            # symdln.verdict.Claim or None
    severity: str            # one of SEVERITY_ORDER

    @property
    def id(self) -> str:
        return self.verdict.claim_id

    @property
    def location(self) -> str:
        return self.verdict.location or (self.claim.location if self.claim is not None else "")

    @property
    def paper(self) -> str:
        """The paper key: the verdict's, else its claim's."""
        return self.verdict.paper or (getattr(self.claim, "paper", "") if self.claim is not None else "")

    @property
    def printed(self) -> str:
        return self.verdict.printed_latex or (self.claim.printed if self.claim is not None else "")


def errata_groups(data: ReportData) -> list[tuple[str, list[ErrataEntry]]]:
    """``[(severity, entries), ...]`` for every non-confirmed verdict, most severe group first; within a
    group refuted before conditional before undecided, then in the paper's order."""
    order = {"refuted": 0, "conditional": 1, "undecided": 2}
    groups: dict[str, list[ErrataEntry]] = {s: [] for s in SEVERITY_ORDER}
    for v in data.verdicts:
        if v.verdict == "confirmed":
            continue
        sev = v.severity if v.severity in groups else "unclassified"
        groups[sev].append(ErrataEntry(v, data.claim(v.claim_id), sev))
    return [(s, sorted(e, key=lambda x: order.get(x.verdict.verdict, 9))) for s, e in groups.items() if e]


def _symbol_latex(name: str) -> str:
    from ..symbolic.symbols import latex_names
    for sym, tex in latex_names().items():
        if str(sym) == name:
            return tex
    return math_of(name) or r"\mathrm{%s}" % "".join(ch for ch in name if ch.isalnum())


def _value_latex(value) -> str:
    import sympy as sp

    from .._validation import SymdlnInputError, rational_from_string
    from .notation import to_latex
    if isinstance(value, bool):
        return r"\text{%s}" % value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return fmt_num(value)
    if isinstance(value, str):
        try:
            return to_latex(rational_from_string("point value", value))
        except SymdlnInputError:
            return math_of(value) or r"\text{?}"
    if isinstance(value, (sp.Basic,)):
        return to_latex(value)
    return r"\text{?}"


def point_latex(point: dict) -> str:
    """``L=2,\\ \\eta=\\frac{4}{25}, ...`` for an exact point (names from the symbol table)."""
    return r",\ ".join(f"{_symbol_latex(str(k))}={_value_latex(v)}" for k, v in point.items())


def paper_readings(paper_key: str) -> dict:
    """symbol -> {reading -> description} of the verdict's paper ({} if it is not registered)."""
    if not paper_key:
        return {}
    try:
        from ..papers import load
        return dict(load(paper_key).readings)
    except Exception:  # an unregistered paper key: no labels, the evidence is still shown
        return {}


def reading_label(reading: str | None, paper_key: str = "") -> list[tuple[str, str]]:
    """Segments naming a reading, e.g. ``σ_q read as a standard deviation`` for ``"std"``."""
    if not reading:
        return []
    for sym, options in paper_readings(paper_key).items():
        if reading in options:
            name = {"std": "a standard deviation", "variance": "a variance"}.get(reading, reading)
            return [("math", _symbol_latex(sym)), ("text", f" read as {name}")]
    return [("text", f"reading: {reading}")]


def _mc_segments(e) -> list[tuple[str, str]]:
    d = e.data
    segs = [("math", r"z = %s" % fmt_num(d["z"], 3))]
    extra = []
    if d.get("n") is not None:
        extra.append(r"n = %s" % fmt_num(d["n"], 8))
    if d.get("se") is not None:
        extra.append(r"\mathrm{SE} = %s" % fmt_num(d["se"], 2))
    if extra:
        segs += [("text", " ("), ("math", r",\ ".join(extra)), ("text", ")")]
    return segs + [("text", "; ")] + segments(e.summary)


def decisive(v, paper_key: str = "") -> list[tuple[str, str]]:
    """The evidence that decides the verdict, as segments (see the module docstring); when it would
    only repeat the reason, the tally of failed checks by kind instead."""
    segs = _decisive(v, v.paper or paper_key)
    if segs == segments(v.reason):
        failed = [e.kind for e in v.evidence if not e.passed]
        kinds = ", ".join(f"{failed.count(k)} {k}" for k in dict.fromkeys(failed))
        return [("text", f"{len(failed)} of {len(v.evidence)} checks fail ({kinds or 'none'}); see the evidence list")]
    return segs


def _decisive(v, paper_key: str) -> list[tuple[str, str]]:
    ce = v.counterexample or {}
    if isinstance(ce, dict) and isinstance(ce.get("point"), dict):
        segs = [("text", "exact counterexample at "), ("math", point_latex(ce["point"]))]
        if "printed_value" in ce and "derived_value" in ce:
            segs += [("text", ": printed "), ("math", fmt_num(ce["printed_value"])), ("text", ", derived "),
                     ("math", fmt_num(ce["derived_value"]))]
        label = reading_label(ce.get("reading"), paper_key)
        return segs + ([("text", " (")] + label + [("text", ")")] if label else [])
    mc = [e for e in v.evidence if e.kind == "monte-carlo" and isinstance(e.data, dict) and "z" in e.data]
    failed_mc = [e for e in mc if not e.passed] or mc
    if failed_mc and not any(e.kind in ("exact", "shape", "enumeration") and not e.passed for e in v.evidence):
        return _mc_segments(failed_mc[0])
    if isinstance(ce, dict) and "printed_shape" in ce and "reference_shape" in ce:
        p, r = ce["printed_shape"], ce["reference_shape"]
        return [("text", "shape as printed "), ("math", r"\times ".join(map(str, p))), ("text", ", exact "),
                ("math", r"\times ".join(map(str, r)))] + (
            [("text", " at widths "), ("math", "(" + ", ".join(map(str, ce["widths"])) + ")")]
            if ce.get("widths") else [])
    if isinstance(ce, dict) and "printed" in ce and "enumerated" in ce:
        import sympy as sp

        from .._validation import rational_from_string
        from .notation import to_latex
        try:
            mats = [sp.Matrix([[rational_from_string("entry", str(x)) for x in row] for row in ce[k]])
                    for k in ("printed", "enumerated")]
            return [("text", "printed "), ("math", to_latex(mats[0])), ("text", " vs exhaustive enumeration "),
                    ("math", to_latex(mats[1]))] + ([("text", "; ")] + segments(ce["check"]) if ce.get("check") else [])
        except Exception:  # entries that are not rationals: fall back to the sentence
            pass
    if isinstance(ce, dict) and ce.get("check"):
        return segments(ce["check"])
    failed = [e for e in v.evidence if not e.passed]
    if failed:
        return [("text", f"{failed[0].kind}: ")] + segments(failed[0].summary)
    if v.condition:
        return segments(v.condition)
    return [("text", "see the evidence list")]


def evidence_items(v, paper_key: str = "") -> list[tuple[list, list]]:
    """``[(label_segments, summary_segments), ...]``: each piece of evidence with the reading (or the
    condition) it was computed under, so a conditional claim's checks say which reading they test."""
    out = []
    for e in v.evidence:
        label = []
        reading = e.data.get("reading") if isinstance(e.data, dict) else None
        if reading:
            label = reading_label(reading, v.paper or paper_key)
        elif v.verdict == "conditional":
            label = [("text", "under the stated condition" if "(condition:" in e.summary else "as printed")]
        summary = e.summary
        if "(condition: " in summary and ")):" in summary:  # the label already names the condition
            summary = summary.split(" (condition: ")[0] + ":" + summary.split(")):", 1)[1]
        out.append((label, [("text", f"{e.kind}, {'passes' if e.passed else 'FAILS'}: ")] + segments(summary)))
    return out


def checked_summary(data: ReportData) -> dict:
    """Counts for the first page: claims by verdict, evidence by kind, derivations, Monte Carlo rows."""
    kinds: dict[str, int] = {}
    for v in data.verdicts:
        for e in v.evidence:
            kinds[e.kind] = kinds.get(e.kind, 0) + 1
    levels: dict[str, int] = {}
    for v in data.verdicts:
        if v.level:
            levels[v.level] = levels.get(v.level, 0) + 1
    return {"claims": len(data.verdicts), "verdicts": data.verdict_counts(), "evidence": kinds,
            "levels": levels, "derivations": len(data.derivations), "checks": len(data.check_rows()),
            "seed": data.seed, "fast": data.fast}


def paper_citation(data: ReportData):
    """The :class:`symdln.paperkit.Citation` of the report's paper (from the verdicts' paper key), or None."""
    keys = [v.paper for v in data.verdicts if getattr(v, "paper", "")] + \
           [c.paper for c in data.claims if getattr(c, "paper", "")]
    if not keys:
        return None
    try:
        from ..papers import load
        return load(keys[0]).citation
    except Exception:  # a paper key that is not registered: the report names no paper
        return None

"""The report as a list of blocks, rendered to Markdown (:mod:`symdln.export.markdown`) and HTML
(:mod:`symdln.export.html`), so both have the structure of the PDF: the paper and the errata at a
glance first, then how to reproduce, the verdicts, the derivations by proposition, all evidence,
the confirmed claims, the Monte Carlo checks and the figures.

A block is a tuple: ``("h", level, inline)``, ``("p", inline)``, ``("math", latex)``,
``("table", header, rows)`` (cells are inline), ``("errata", header, rows)`` (a table whose rows are
claim, printed, corrected, why; HTML shows each row as a card), ``("ul", [inline, ...])``, ``("code", text)``,
``("img", path, caption)``.  Inline content is a list of ``(kind, str)`` with kind ``text``,
``math``, ``code``, ``b`` (bold), ``i`` (italic) or ``br`` (line break).  Math is LaTeX from
:func:`symdln.export.notation.to_latex` or :mod:`symdln.export.prose`, with the report's macros
expanded (a browser has no preamble).
"""
from __future__ import annotations

import re

from .errata import SEVERITY_TEXT, checked_summary, decisive, errata_groups, evidence_items, paper_citation
from .latex import printed_math
from .model import ReportData, check_note, fmt_num, mc_numbers, proposition_of, row_get
from .notation import MACROS, split_long, typesettable
from .prose import segments

__all__ = ["build_blocks", "front_blocks", "errata_blocks", "expand_macros"]


def expand_macros(latex_src: str) -> str:
    for name, body in MACROS.items():
        latex_src = re.sub(r"\\%s(?![A-Za-z])" % name, lambda _m, b=body: b, latex_src)
    return " ".join(latex_src.split())


def _prose(text) -> list:
    return [(k, expand_macros(s) if k == "math" else s) for k, s in segments(text)]


def _formula(src: str, *, derived: bool) -> list:
    if not src:
        return [("i", "no closed form; see the reason")] if derived else [("text", "–")]
    math, is_math = printed_math(src)
    return [("math", expand_macros(math))] if is_math else [("code", " ".join(src.split()))]


def _display(expr) -> tuple:
    lines = split_long(expr)
    body = lines[0] if len(lines) == 1 else r"\begin{aligned}&" + r"\\ &".join(lines) + r"\end{aligned}"
    return ("math", expand_macros(body))


def _front(data: ReportData) -> list:
    cit = paper_citation(data)
    out: list = [("h", 1, [("text", "Errata and verification report")])]
    if cit is not None:
        ident = f"{cit.year}" + (f", arXiv:{cit.arxiv}" if cit.arxiv else "") + (f", {cit.venue}" if cit.venue else "")
        out.append(("p", [("i", cit.title)]))
        out.append(("p", [("text", ", ".join(cit.authors) + ". " + ident + ".")]))
    out.append(("p", [("text", f"Checked by symdln {data.provenance.get('symdln', '')}; "
                               f"{'fast' if data.fast else 'default'} setting, seed {data.seed}.")]))
    s = checked_summary(data)
    counts = ", ".join(f"{n} {k}" for k, n in s["verdicts"].items()) or "none"
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(s["evidence"].items(), key=lambda kv: -kv[1]))
    levels = " and ".join(f"{n} at the {k} level" for k, n in s["levels"].items())
    out.append(("p", [("b", "What was checked."),
                      ("text", f" {s['claims']} printed claims ({counts})" + (f" ({levels})" if levels else "")
                       + f", by {sum(s['evidence'].values())} checks that can fail ({kinds or 'none'}); "
                       f"{s['derivations']} derivations from first principles in SymPy; {s['checks']} Monte Carlo "
                       f"comparisons with standard errors. Seed {s['seed']}; reproduce with "),
                      ("code", data.command), ("text", ".")]))
    return out


def _errata(data: ReportData) -> list:
    out: list = [("h", 2, [("text", "Errata at a glance")])]
    groups = errata_groups(data)
    if not groups:
        return out + [("p", [("i", "No claim was refuted, found conditional or left undecided.")])]
    out.append(("p", [("text", "Every claim symdln does not confirm, most severe first: the formula as printed, "
                               "the form derived from first principles, why, and the evidence that decides it.")]))
    for sev, entries in groups:
        out.append(("h", 3, [("text", f"{sev.capitalize()} ({len(entries)}) — {SEVERITY_TEXT[sev]}")]))
        rows = []
        for e in entries:
            v = e.verdict
            head = [("code", e.id), ("text", f" {e.location} · "), ("b", v.verdict)]
            if v.level:
                head.append(("text", f" · {v.level} level"))
            why = _prose(v.reason)
            if v.severity_reason:
                why += [("i", " Severity: ")] + _prose(v.severity_reason)
            rows.append([head, _formula(e.printed, derived=False), _formula(v.derived_latex, derived=True),
                         [("i", "Why. ")] + why + [("br", ""), ("i", "Evidence. ")]
                         + [(k, expand_macros(s) if k == "math" else s) for k, s in decisive(v, e.paper)]])
        out.append(("errata", ["Claim", "As printed", "Corrected (derived)", "Why and evidence"], rows))
    return out


#: where the run times are (they differ from run to run, so the report itself leaves them out: the same seed
#: gives the same report.tex, report.md and results.json, byte for byte)
RUN_TIMES_NOTE = ("Run times of each stage: see timings.json next to this report (kept out of the report, so that "
                  "two runs with the same seed give identical files).")


def _reproduce(data: ReportData) -> list:
    p = data.provenance
    out: list = [("h", 2, [("text", "How to reproduce")]), ("code", data.command),
                 ("p", [("text", f"Seed {data.seed}{' (fast setting)' if data.fast else ''}.")])]
    rows = [[[("text", k)], [("text", str(p[k]))]] for k in sorted(p)
            if isinstance(p[k], (str, int, float, bool)) and k != "command"]
    if rows:
        out.append(("table", ["", ""], rows))
    if data.timings:
        out.append(("p", [("text", RUN_TIMES_NOTE)]))
    if data.missing:
        out.append(("p", [("b", "Not available in this build:"), ("text", " " + ", ".join(data.missing) + ".")]))
    if data.errors:
        out += [("p", [("b", "Errors during the run:")]), ("ul", [[("text", e)] for e in data.errors])]
    return out


def _derivation(d) -> list:
    out: list = [("h", 3, [("text", d.title)]),
                 ("p", [("text", "Quantity "), ("code", d.quantity)] + ([("text", f"; paper: {d.source}.")]
                                                                        if d.source else [("text", ".")]))]
    if d.statement:
        out.append(("p", _prose(d.statement)))
    if d.assumptions:
        out.append(("p", [("b", "Assumptions:"), ("text", " " + "; ".join(d.assumptions) + ".")]))
    for i, st in enumerate(d.steps, 1):
        out.append(("p", [("text", f"{i}. ")] + _prose(st.text)))
        if typesettable(st.expr):
            out.append(_display(st.expr))
        if st.check:
            out.append(("p", [("i", "Checked: ")] + _prose(st.check)))
    if typesettable(d.expr):
        out += [("p", [("b", "Result.")]), _display(d.expr)]
    out += [("p", [("b", "Note. ")] + _prose(n)) for n in d.notes]
    return out


def proposition_groups(data: ReportData) -> list[tuple[str, dict[str, list]]]:
    """``[(proposition, {"der": derivations, "claims": claims})]`` in the paper's order (``"3.1"`` before
    ``"3.10"``), the results outside any numbered proposition last (proposition ``""``)."""
    groups: dict[str, dict[str, list]] = {}
    for d in data.derivations:
        groups.setdefault(proposition_of(d.source) or "", {"der": [], "claims": []})["der"].append(d)
    for c in data.claims:
        groups.setdefault(proposition_of(c.location) or "", {"der": [], "claims": []})["claims"].append(c)
    return [(q, groups[q]) for q in sorted(groups, key=lambda q: (q == "", [int(x) for x in q.split(".")] if q else []))]


def _propositions(data: ReportData) -> list:
    out: list = []
    for prop, g in proposition_groups(data):
        out.append(("h", 2, [("text", f"Proposition {prop}" if prop else "Other results")]))
        items = []
        for c in g["claims"]:
            v = next((x for x in data.verdicts if x.claim_id == c.id), None)
            items.append([("code", c.id), ("text", f" ({c.location}): ")]
                         + ([("b", v.verdict), ("text", " — ")] + _prose(v.reason) if v else [("i", "no verdict")]))
        if items:
            out.append(("ul", items))
        for d in g["der"]:
            out += _derivation(d)
    return out


def _evidence(data: ReportData) -> list:
    out: list = [("h", 2, [("text", "Evidence for the errata")]),
                 ("p", [("text", "Every check of every claim above, whether the claim passed it, and in brackets the "
                                 "reading of the paper's symbols or the condition it was run under.")])]
    for _sev, entries in errata_groups(data):
        for e in entries:
            v = e.verdict
            out.append(("h", 3, [("code", e.id), ("text", f" ({e.location}; {v.verdict})")]))
            if v.condition:
                out.append(("p", [("i", "Holds if: ")] + _prose(v.condition)))
            items = []
            for lab, summary in evidence_items(v, e.paper):
                fix = [(k, expand_macros(s) if k == "math" else s) for k, s in lab]
                items.append(([("text", "[")] + fix + [("text", "] ")] if lab else [])
                             + [(k, expand_macros(s) if k == "math" else s) for k, s in summary])
            out.append(("ul", items) if items else ("p", [("i", "No evidence recorded.")]))
    return out


def _confirmed(data: ReportData) -> list:
    right = [v for v in data.verdicts if v.verdict == "confirmed"]
    out: list = [("h", 2, [("text", "Confirmed claims")])]
    if not right:
        return out + [("p", [("i", "None.")])]
    rows = [[[("code", v.claim_id)], [("text", v.location)],
             [("text", (", ".join(dict.fromkeys(e.kind for e in v.evidence)) or "–") + ": ")] + _prose(v.reason)]
            for v in right]
    return out + [("table", ["Claim", "Location", "Evidence"], rows)]


def _checks(data: ReportData) -> list:
    out: list = [("h", 2, [("text", "Monte Carlo checks")])]
    rows = data.check_rows()
    if not rows:
        return out + [("p", [("i", "No Monte Carlo checks available.")])]
    thr = getattr(data.checks, "threshold_z", None)
    note = check_note(data.checks)
    out.append(("p", [("text", "A row passes when "), ("math", r"|z|"),
                      ("text", f" is below {fmt_num(thr)}; overall: "
                               f"{'passed' if getattr(data.checks, 'passed', False) else 'FAILED'}."
                               + (f" {note}." if note else ""))]))
    table = []
    for r in rows:
        m = mc_numbers(r)
        table.append([[("code", str(row_get(r, "label", None) or row_get(r, "quantity", "")))],
                      [("text", str(row_get(r, "network", "")))], [("text", fmt_num(row_get(r, "n"), 6))],
                      [("math", m["estimate"])], [("math", m["se"])], [("math", m["closed_form"])],
                      [("math", m["z"])], [("text", "yes") if row_get(r, "passed") else ("b", "NO")]])
    return out + [("table", ["Quantity", "Network", "n", "Estimate", "SE", "Closed form", "z", "Pass"], table)]


def _figures(data: ReportData, figure_path) -> list:
    out: list = [("h", 2, [("text", "Figures")])]
    if not data.figures:
        return out + [("p", [("i", "No figures.")])]
    return out + [("img", figure_path(f), f.caption) for f in data.figures]


def build_blocks(data: ReportData, *, figure_path=lambda f: f"figures/{f.png.name}") -> list:
    """Every block of the report, in the PDF's order (see the module docstring)."""
    counts = data.verdict_counts()
    summary = [("h", 2, [("text", "Summary")]),
               ("p", [("text", f"{sum(counts.values())} claims checked: "
                               + (", ".join(f"{n} {k}" for k, n in counts.items()) or "none")
                               + f"; {len(data.derivations)} derivations; {len(data.check_rows())} Monte Carlo checks.")])]
    if data.verdicts:
        summary.append(("table", ["Claim", "Verdict", "Reason"],
                        [[[("code", v.claim_id)], [("b", v.verdict)], _prose(v.reason)] for v in data.verdicts]))
    return (_front(data) + _errata(data) + _reproduce(data) + summary + _propositions(data) + _evidence(data)
            + _confirmed(data) + _checks(data) + _figures(data, figure_path))


def front_blocks(data: ReportData) -> list:
    """The paper and what was checked."""
    return _front(data)


def errata_blocks(data: ReportData) -> list:
    """The errata at a glance."""
    return _errata(data)

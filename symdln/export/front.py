"""Page 1 of the LaTeX report: the paper, what was checked, and the errata at a glance.

The errata table (:func:`errata_tex`) has one block per non-confirmed claim, grouped by severity
(:func:`symdln.export.errata.errata_groups`): a header line (id, location, verdict, level), the
formula as printed and the corrected (derived) one side by side, each broken into lines at
top-level ``+``/``-``/``=`` (:func:`symdln.export.latex.split_source`) so it keeps the body size,
then the one-line reason and the decisive evidence, both typeset (:mod:`symdln.export.prose`).
"""
from __future__ import annotations

import re

from .errata import SEVERITY_TEXT, checked_summary, decisive, errata_groups, evidence_items, paper_citation
from .latex import escape as _escape
from .latex import fit_math, lines_math, printed_math, split_source
from .model import ReportData, label
from .prose import segments

__all__ = ["title_tex", "checked_tex", "errata_tex", "evidence_tex", "segs_tex", "tt"]

#: source characters per formula line in a half-width column (about 8 cm of display math at 10 pt)
_HALF_WIDTH = 34


def escape(text) -> str:
    return _escape(text, breakable=True)


def tt(text) -> str:
    """Verbatim-looking text: ``\\texttt`` with ``--`` kept as two hyphens (never an en-dash)."""
    return r"\texttt{%s}" % _escape(text).replace("-", "-{}")


def segs_tex(segs) -> str:
    """Segments from :mod:`symdln.export.prose` as LaTeX text with inline math."""
    return "".join(escape(s) if k == "text" else "$%s$" % s for k, s in segs)


def verdict_tex(v: str) -> str:
    return {"confirmed": r"\vconfirmed{}", "refuted": r"\vrefuted{}", "conditional": r"\vconditional{}",
            "undecided": r"\vundecided{}"}.get(v, escape(v))


def title_tex(data: ReportData) -> str:
    """The title block: which paper this report is about (title, authors, arXiv id), and by what."""
    cit = paper_citation(data)
    setting = "fast setting" if data.fast else "default setting"
    out = [r"\begin{center}", r"{\Large\bfseries Errata and verification report}\\[0.5em]"]
    if cit is not None:
        out.append(r"{\large\itshape %s}\\[0.3em]" % escape(cit.title))
        out.append(r"%s\\[0.2em]" % escape(", ".join(cit.authors)))
        ident = [str(cit.year)]
        if cit.arxiv:
            ident.append(r"arXiv:\href{https://arxiv.org/abs/%s}{%s}" % (cit.arxiv, escape(cit.arxiv)))
        if cit.venue:
            ident.append(escape(cit.venue))
        out.append(r"%s\\[0.4em]" % ", ".join(ident))
    else:
        out.append(r"{\large\itshape claims checked by symdln}\\[0.4em]")
    out.append(r"{\small checked by symdln %s; %s, seed %d}" % (escape(str(data.provenance.get("symdln", ""))),
                                                                setting, data.seed))
    out.append(r"\end{center}")
    return "\n".join(out) + "\n"


def checked_tex(data: ReportData) -> str:
    """One paragraph: how many claims, with which kinds of evidence, at which seed."""
    s = checked_summary(data)
    counts = ", ".join(f"{n} {k}" for k, n in s["verdicts"].items()) or "none"
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(s["evidence"].items(), key=lambda kv: -kv[1]))
    levels = " and ".join(f"{n} at the {k} level" for k, n in s["levels"].items())
    out = [r"\noindent\textbf{What was checked.} %d printed claims (%s)%s, by %d checks that can fail (%s); "
           % (s["claims"], escape(counts), f" ({escape(levels)})" if levels else "",
              sum(s["evidence"].values()), escape(kinds or "none")),
           r"%d derivations from first principles in SymPy; %d Monte Carlo comparisons with standard errors. "
           % (s["derivations"], s["checks"]),
           r"Seed %d%s; reproduce with %s (Section~\ref{sec:reproduce}).\par"
           % (s["seed"], ", fast setting" if s["fast"] else "", tt(data.command))]
    return "".join(out) + "\n"


def _formula(src: str, *, derived: bool) -> str:
    if not src:
        return r"\emph{(no closed form; see the reason)}" if derived else "--"
    math, is_math = printed_math(src)
    if not is_math:
        return math
    prose = ""
    m = _LEADING_TEXT.match(math)
    if m and m.end() < len(math):  # a sentence printed before the formula is set as text, not shrunk as math
        prose, math = m.group(1) + r"\par ", math[m.end():]
    return prose + fit_math(lines_math(split_source(math, _HALF_WIDTH)), limit=4 * _HALF_WIDTH)


_LEADING_TEXT = re.compile(r"^\s*\\text\{((?:[^{}]|\{[^{}]*\})*)\}\s*(?:\\quad|\\qquad|\\;|\\,|\s)*")

_COLS = (r"\begin{longtable}{@{}>{\raggedright\arraybackslash}p{0.485\linewidth}"
         r"@{\hspace{0.03\linewidth}}>{\raggedright\arraybackslash}p{0.485\linewidth}@{}}")
_SPAN = r"\multicolumn{2}{@{}p{\linewidth}@{}}"


def errata_tex(data: ReportData) -> str:
    """The errata at a glance (see the module docstring)."""
    groups = errata_groups(data)
    out = [r"\section*{Errata at a glance}", r"\addcontentsline{toc}{section}{Errata at a glance}",
           r"\label{sec:errata}"]
    if not groups:
        out += [r"\noindent\emph{No claim was refuted, found conditional or left undecided.}\par",
                r"\begin{table}[h]\caption{Errata (empty).}\label{tab:errata}\end{table}"]
        return "\n".join(out) + "\n"
    n = sum(len(e) for _, e in groups)
    out += [r"\noindent Every claim symdln does not confirm (%d), most severe first. Left: the formula as "
            r"printed; right: the form derived from first principles. Under each: why, and the evidence "
            r"that decides it. All evidence, with the reading each check used, is in Section~\ref{sec:evidence}."
            % n, r"\par\smallskip",
            r"{\small\renewcommand{\arraystretch}{1.15}", _COLS,
            r"\caption{Errata: claims refuted, conditional or undecided, by severity.}\label{tab:errata}\\",
            r"\toprule \textbf{As printed} & \textbf{Corrected (derived)} \\ \midrule", r"\endfirsthead",
            r"\toprule \textbf{As printed} & \textbf{Corrected (derived)} \\ \midrule", r"\endhead",
            r"\bottomrule", r"\endfoot"]
    for sev, entries in groups:
        out.append(_SPAN + r"{\cellcolor{black!8}\textbf{%s} (%d) --- %s} \\ \midrule"
                   % (escape(sev.capitalize()), len(entries), escape(SEVERITY_TEXT[sev])))
        for e in entries:
            v = e.verdict
            head = [r"\textbf{%s}" % tt(e.id), escape(e.location), verdict_tex(v.verdict)]
            if v.level:
                head.append(r"%s level" % escape(v.level))
            out.append(_SPAN + r"{%s} \\*" % r" \textbullet{} ".join(head))
            out.append(r"%s & %s \\*" % (_formula(e.printed, derived=False), _formula(v.derived_latex, derived=True)))
            why = segs_tex(segments(v.reason))
            if v.severity_reason:
                why += r" \emph{Severity:} " + segs_tex(segments(v.severity_reason))
            out.append(_SPAN + r"{\textit{Why.} %s\newline \textit{Evidence.} %s} \\ \midrule"
                       % (why, segs_tex(decisive(v, e.paper))))
    out.append(r"\end{longtable}}")
    return "\n".join(out) + "\n"


def evidence_tex(data: ReportData) -> str:
    """Every piece of evidence of every non-confirmed claim, each labelled with its reading."""
    out = [r"\section{Evidence for the errata}", r"\label{sec:evidence}",
           r"\noindent For each claim of Table~\ref{tab:errata}: every check, whether the claim passed it, and "
           r"(in brackets) the reading of the paper's symbols or the condition under which it was run.\par"]
    for sev, entries in errata_groups(data):
        for e in entries:
            v = e.verdict
            out.append(r"\subsection*{%s \textnormal{(%s; %s)}}" % (tt(e.id), escape(e.location), verdict_tex(v.verdict)))
            out.append(r"\label{%s}" % label("ev", e.id))
            if v.condition:
                out.append(r"\noindent\textit{Holds if:} %s\par" % segs_tex(segments(v.condition)))
            items = evidence_items(v, e.paper)
            if not items:
                out.append(r"\noindent\emph{No evidence recorded.}\par")
                continue
            out.append(r"\begin{itemize}\setlength{\itemsep}{1pt}")
            for lab, summary in items:
                prefix = r"[%s] " % segs_tex(lab) if lab else ""
                out.append(r"\item %s%s" % (prefix, segs_tex(summary)))
            out.append(r"\end{itemize}")
    return "\n".join(out) + "\n"

"""The report as a standalone LaTeX article (``report.tex``), from a :class:`ReportData`.

Layout: title; how to reproduce (command, seed, versions; run times are in timings.json); summary of verdicts; one
section per proposition of the paper (arXiv 2604.06366, Props. 3.1-5.2) with each derivation's
steps typeset from its SymPy objects and the proposition's claims; the errata table (claim as
printed, derived form, verdict, evidence) as a ``longtable`` with ``p{}`` columns whose formulas
are scaled down only when wider than their column (``\\fitmath``); the Monte Carlo table; the
figures.  Every formula symdln derived comes from :func:`symdln.export.notation.to_latex`; text
goes through :func:`symdln.export.latex.escape`.
"""
from __future__ import annotations

from .blocks import RUN_TIMES_NOTE, proposition_groups
from .front import checked_tex, errata_tex, evidence_tex, segs_tex, title_tex, tt
from .latex import escape as _escape
from .latex import breakable_tt, fit_math, math_lines
from .model import ReportData, check_note, fmt_num, label, mc_numbers, proposition_of, row_get
from .notation import MACROS, typesettable
from .prose import segments

__all__ = ["render_tex", "PREAMBLE"]


def escape(text) -> str:
    """Text for the report: escaped, with break points inside long identifiers and formulas-as-text."""
    return _escape(text, breakable=True)

PREAMBLE = r"""\documentclass[10pt,a4paper]{article}
\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage{textcomp}
\usepackage[margin=2cm]{geometry}
\usepackage{amsmath,amssymb}
\usepackage{array,longtable,booktabs}
\usepackage{graphicx,adjustbox}
\usepackage[table]{xcolor}
\usepackage[hidelinks]{hyperref}
\setlength{\emergencystretch}{3em}
\newcommand{\fitmath}[1]{\adjustbox{max width=\linewidth,valign=t}{$\displaystyle #1$}}
\newcommand{\vconfirmed}{\textcolor{green!50!black}{\textbf{confirmed}}}
\newcommand{\vrefuted}{\textcolor{red!75!black}{\textbf{refuted}}}
\newcommand{\vconditional}{\textcolor{orange!85!black}{\textbf{conditional}}}
\newcommand{\vundecided}{\textcolor{gray}{\textbf{undecided}}}
"""


def _verdict(v: str) -> str:
    return {"confirmed": r"\vconfirmed{}", "refuted": r"\vrefuted{}", "conditional": r"\vconditional{}",
            "undecided": r"\vundecided{}"}.get(v, escape(v))


def _macros() -> str:
    return "".join(r"\providecommand{\%s}{%s}" % (k, v) + "\n" for k, v in MACROS.items())


def _display(expr) -> str:
    return "\\begin{center}\n%s\n\\end{center}\n" % fit_math(math_lines(expr))


def _boolean(expr) -> str:
    """A step whose result is a SymPy/Python boolean is a check: say so in words, not as a formula."""
    import sympy as sp
    if expr is True or expr is sp.true:
        return r" \emph{(holds)}"
    if expr is False or expr is sp.false:
        return r" \textbf{(fails)}"
    return ""


def _derivation(d) -> str:
    out = [r"\subsection{%s}" % _escape(d.title), r"\label{%s}" % label("der", d.quantity)]
    out.append(r"\noindent\textbf{Quantity} \texttt{%s}" % escape(d.quantity)
               + (r"; \textbf{paper:} %s." % escape(d.source) if d.source else ".") + r"\par")
    if d.statement:
        out.append(r"\noindent %s\par" % escape(d.statement))
    if d.assumptions:
        out.append(r"\noindent\textbf{Assumptions:} %s.\par" % escape("; ".join(d.assumptions)))
    if d.steps:
        out.append(r"\begin{enumerate}")
        for st in d.steps:
            verdict = _boolean(st.expr)
            out.append(r"\item %s%s" % (escape(st.text), verdict))
            if not verdict and typesettable(st.expr):
                out.append(_display(st.expr))
            if st.check:
                out.append(r"\par{\small\emph{Checked:} %s}\par" % segs_tex(segments(st.check)))
        out.append(r"\end{enumerate}")
    if typesettable(d.expr):
        out.append(r"\noindent\textbf{Result.}")
        out.append(_display(d.expr))
    for note in d.notes:
        out.append(r"\noindent\textbf{Note.} %s\par" % segs_tex(segments(note)))
    return "\n".join(out) + "\n"


def _claim_line(data: ReportData, c) -> str:
    v = next((x for x in data.verdicts if x.claim_id == c.id), None)
    verdict = _verdict(v.verdict) + r" --- " + segs_tex(segments(v.reason)) if v else r"\emph{no verdict}"
    return r"\item %s (%s): %s" % (breakable_tt(c.id, 8), escape(c.location), verdict)


def _propositions(data: ReportData) -> str:
    out = []
    for prop, g in proposition_groups(data):
        title = f"Proposition {prop}" if prop else "Other results"
        out.append(r"\section{%s}" % _escape(title))
        out.append(r"\label{%s}" % label("sec", prop or "other"))
        if g["claims"]:
            out.append(r"\noindent Claims of the paper in this part (details in Table~\ref{tab:errata}):")
            out.append(r"\begin{itemize}")
            out.extend(_claim_line(data, c) for c in g["claims"])
            out.append(r"\end{itemize}")
        if not g["der"]:
            out.append(r"\noindent\emph{No derivation in the registry for this part.}\par")
        out.extend(_derivation(d) for d in g["der"])
    return "\n".join(out)


def _confirmed(data: ReportData, right: list) -> str:
    out0 = [r"\section{Confirmed claims}", r"\label{sec:confirmed}"]
    if not right:
        return "\n".join(out0 + [r"\begin{table}[h]\caption{Confirmed claims (none).}\label{tab:confirmed}\end{table}"])
    head = r"\textbf{Claim} & \textbf{Location} & \textbf{Evidence} \\ \midrule"
    out = out0 + [r"{\small\setlength{\tabcolsep}{3pt}",
           r"\begin{longtable}{>{\raggedright\arraybackslash}p{0.15\linewidth}"
           r">{\raggedright\arraybackslash}p{0.22\linewidth}>{\raggedright\arraybackslash}p{0.57\linewidth}}",
           r"\caption{Confirmed claims.}\label{tab:confirmed}\\ \toprule", head, r"\endfirsthead",
           r"\toprule", head, r"\endhead", r"\bottomrule", r"\endfoot"]
    for v in right:
        c = data.claim(v.claim_id)
        kinds = ", ".join(dict.fromkeys(e.kind for e in v.evidence)) or "--"
        out.append(r"%s & %s & %s: %s \\" % (breakable_tt(v.claim_id, 12),
                                             escape(v.location or (c.location if c else "")),
                                             escape(kinds), segs_tex(segments(v.reason))))
    out.append(r"\end{longtable}}")
    return "\n".join(out)


def _checks(data: ReportData) -> str:
    out = [r"\section{Monte Carlo checks}", r"\label{sec:checks}"]
    rows = data.check_rows()
    if not rows:
        out.append(r"\noindent\emph{No Monte Carlo checks available.}\par")
        return "\n".join(out) + "\n"
    thr = getattr(data.checks, "threshold_z", None)
    passed = getattr(data.checks, "passed", None)
    out.append(r"\noindent Monte Carlo estimates (with standard errors) against the closed forms of the numeric "
               r"core; a row passes when $|z|$ is below %s. Overall: %s.\par"
               % (escape(fmt_num(thr)) if thr is not None else "the stated threshold",
                  "passed" if passed else ("FAILED" if passed is not None else "--")))
    note = check_note(data.checks)
    if note:
        out.append(r"\noindent %s.\par" % escape(note))
    head = (r"\textbf{Quantity} & \textbf{Network} & $n$ & \textbf{Estimate} & \textbf{SE} & "
            r"\textbf{Closed form} & $z$ & \textbf{Pass} \\ \midrule")
    out += [r"{\small\setlength{\tabcolsep}{3pt}\begin{longtable}{l"
            r">{\raggedright\arraybackslash}p{0.20\linewidth}rrrrrl}",
            r"\caption{Monte Carlo checks (estimate $\pm$ SE against the closed form).}\label{tab:checks}\\ \toprule",
            head, r"\endfirsthead", r"\toprule", head, r"\endhead", r"\bottomrule", r"\endfoot"]
    for r in rows:
        m = mc_numbers(r)
        cells = [tt(str(row_get(r, "label", None) or row_get(r, "quantity", ""))),
                 escape(str(row_get(r, "network", ""))), fmt_num(row_get(r, "n"), 6),
                 "$%s$" % m["estimate"], "$%s$" % m["se"], "$%s$" % m["closed_form"], "$%s$" % m["z"],
                 "yes" if row_get(r, "passed") else r"\textbf{NO}"]
        out.append(" & ".join(cells) + r" \\")
    out.append(r"\end{longtable}}")
    return "\n".join(out) + "\n"


def _figures(data: ReportData, figure_path) -> str:
    out = [r"\section{Figures}", r"\label{sec:figures}"]
    if not data.figures:
        out.append(r"\noindent\emph{No figures.}\par")
        return "\n".join(out) + "\n"
    refs = ", ".join(r"\ref{%s}" % label("fig", f.name) for f in data.figures)
    out.append(r"\noindent %s %s." % ("Figures" if len(data.figures) > 1 else "Figure", refs))
    for f in data.figures:
        out += [r"\begin{figure}[htbp]", r"\centering",
                r"\includegraphics[width=0.92\linewidth,height=0.42\textheight,keepaspectratio]{%s}"
                % figure_path(f), r"\caption{%s}" % escape(f.caption), r"\label{%s}" % label("fig", f.name),
                r"\end{figure}"]
    return "\n".join(out) + "\n"


def _reproduce(data: ReportData) -> str:
    p = data.provenance
    out = [r"\section{How to reproduce}", r"\label{sec:reproduce}",
           r"\noindent This report was produced by", r"\begin{center}%s\end{center}" % tt(data.command),
           r"\noindent with seed %d%s. Versions:" % (data.seed, " (fast setting)" if data.fast else ""),
           r"\begin{center}\begin{tabular}{ll}\toprule"]
    for k in sorted(p):
        if isinstance(p[k], (str, int, float, bool)) and k != "command":
            out.append(r"%s & %s \\" % (escape(k), escape(str(p[k]))))
    out.append(r"\bottomrule\end{tabular}\end{center}")
    if data.timings:
        out.append(r"\noindent %s\par" % escape(RUN_TIMES_NOTE))
    if data.missing:
        out.append(r"\noindent\textbf{Not available in this build:} %s.\par" % escape(", ".join(data.missing)))
    if data.errors:
        out.append(r"\noindent\textbf{Errors during the run:}\begin{itemize}")
        out += [r"\item %s" % escape(e) for e in data.errors]
        out.append(r"\end{itemize}")
    return "\n".join(out) + "\n"


def _summary(data: ReportData) -> str:
    out = [r"\section{Summary}", r"\label{sec:summary}"]
    counts = data.verdict_counts()
    total = sum(counts.values())
    if total:
        out.append(r"\noindent %d claims checked: %s (Table~\ref{tab:errata})."
                   % (total, ", ".join(f"{n} {escape(k)}" for k, n in counts.items())))
    out.append(r"%d derivations (Sections~\ref{%s}--\ref{sec:errata}); %d Monte Carlo checks "
               r"(Section~\ref{sec:checks})."
               % (len(data.derivations), label("sec", _first_section(data)), len(data.check_rows())))
    return "\n".join(out) + "\n"


def _first_section(data: ReportData) -> str:
    props = {proposition_of(d.source) or "" for d in data.derivations}
    props |= {proposition_of(c.location) or "" for c in data.claims}
    named = sorted((p for p in props if p), key=lambda p: [int(x) for x in p.split(".")])
    return named[0] if named else "other"


def render_tex(data: ReportData, *, figure_path=lambda f: f"figures/{f.pdf.name if f.pdf else f.png.name}") -> str:
    """The whole ``report.tex``.  ``figure_path(FigureInfo)`` gives the path used in
    ``\\includegraphics`` (relative to the report folder)."""
    body = [PREAMBLE, _macros(),
            r"\hypersetup{pdftitle={Errata and verification report}}",
            r"\begin{document}", title_tex(data), checked_tex(data), errata_tex(data),
            r"\clearpage", r"\tableofcontents", _reproduce(data), _summary(data)]
    if not data.derivations and not data.claims:
        body.append(r"\section{Other results}\label{sec:other}" "\n" r"\noindent\emph{No derivations available.}")
    else:
        body.append(_propositions(data))
    body += [evidence_tex(data), _confirmed(data, [v for v in data.verdicts if v.verdict == "confirmed"]),
             _checks(data), _figures(data, figure_path), r"\end{document}"]
    return "\n".join(body) + "\n"

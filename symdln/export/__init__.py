"""Exporters: the paper's notation in LaTeX, snippets, and the verification report.

* :func:`to_latex` -- any SymPy result in the paper's notation (:mod:`.notation`);
* :func:`escape` -- user/claim text for LaTeX text mode (:mod:`.latex`);
* :func:`quantity_snippet`, :func:`claim_snippet` -- what ``symdln latex`` prints (:mod:`.snippets`);
* :func:`write_report` -- what ``symdln report`` writes (:mod:`.report`).
"""
from __future__ import annotations

from .latex import compile_tex, escape, parse_log, printed_math, tex_engine  # noqa: F401
from .model import FigureInfo, ReportData  # noqa: F401
from .notation import MACROS, macro_preamble, to_latex  # noqa: F401
from .report import Report, collect, results_json, summary_table, write_report  # noqa: F401
from .snippets import claim_snippet, quantity_snippet, snippet  # noqa: F401

__all__ = ["to_latex", "escape", "printed_math", "macro_preamble", "MACROS", "compile_tex", "parse_log",
           "tex_engine", "ReportData", "Report", "FigureInfo", "collect", "write_report", "results_json",
           "summary_table", "snippet", "quantity_snippet", "claim_snippet"]

"""The report as Markdown (``report.md``) for a browser or a repository page.

Same structure as the PDF (:mod:`symdln.export.blocks`): formulas as ``$...$`` / ``$$...$$``
(GitHub and MathJax/KaTeX syntax), with the report's macros (``\\vecop``, ``\\trop``) expanded
since Markdown renderers do not read a preamble.
"""
from __future__ import annotations

import re

from .blocks import build_blocks, expand_macros
from .model import ReportData

__all__ = ["render_markdown", "md_escape", "md_math", "md_inline"]

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#$])")


def md_escape(text: str) -> str:
    """Escape Markdown control characters in text (one line)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def md_math(latex_src: str, *, cell: bool = False) -> str:
    """Inline math; in a table cell, ``|`` would end the cell, so it becomes ``\\vert``."""
    s = expand_macros(latex_src)
    if cell:
        s = s.replace(r"\|", r"\Vert ").replace("|", r"\vert ")
    return f"${s}$"


def md_inline(parts, *, cell: bool = False) -> str:
    """Inline segments (see :mod:`symdln.export.blocks`) as Markdown."""
    out = []
    for kind, s in parts:
        if kind == "math":
            out.append(md_math(s, cell=cell))
        elif kind == "code":
            s = " ".join(s.split())
            out.append("`" + (s.replace("|", r"\|") if cell else s) + "`")
        elif kind == "br":
            out.append("<br>" if cell else "  \n")
        elif kind == "b":
            out.append(f"**{md_escape(s).strip()}**" + (" " if s.endswith(" ") else ""))
        elif kind == "i":
            out.append(f"*{md_escape(s).strip()}*" + (" " if s.endswith(" ") else ""))
        else:
            t = md_escape(s)
            out.append((" " if s[:1].isspace() else "") + t + (" " if s[-1:].isspace() and t else ""))
    return "".join(out)


def render_markdown(data: ReportData, *, figure_path=lambda f: f"figures/{f.png.name}") -> str:
    out: list[str] = []
    for block in build_blocks(data, figure_path=figure_path):
        kind = block[0]
        if kind == "h":
            out += ["#" * block[1] + " " + md_inline(block[2]), ""]
        elif kind == "p":
            out += [md_inline(block[1]), ""]
        elif kind == "math":
            out += ["$$", block[1], "$$", ""]
        elif kind == "code":
            out += ["```", block[1], "```", ""]
        elif kind == "ul":
            out += [f"- {md_inline(item)}" for item in block[1]] + [""]
        elif kind in ("table", "errata"):
            header, rows = block[1], block[2]
            out.append("| " + " | ".join(md_escape(h) for h in header) + " |")
            out.append("|" + "---|" * len(header))
            out += ["| " + " | ".join(md_inline(c, cell=True) for c in row) + " |" for row in rows]
            out.append("")
        elif kind == "img":
            out += [f"![{md_escape(block[2])}]({block[1]})", "", f"*{md_escape(block[2])}*", ""]
    return "\n".join(out) + "\n"

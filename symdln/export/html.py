"""The report as a standalone HTML page (``report.html``) that renders its math offline.

Same blocks as the Markdown report (:mod:`symdln.export.blocks`).  Math is written between
``\\(...\\)`` / ``\\[...\\]`` and rendered in the browser by KaTeX, which ships with symdln
(``symdln/export/static/katex``, MIT licence) and is copied next to the page (``katex/``), so the
page needs no network.  Text is HTML-escaped; math sources are escaped too (KaTeX reads the text
content, so ``<`` and ``&`` survive).
"""
from __future__ import annotations

import html
import shutil
from pathlib import Path

from .blocks import build_blocks
from .model import ReportData
from .notation import MACROS

__all__ = ["render_html", "render_fragment", "blocks_html", "copy_katex", "KATEX_DIR"]

#: the KaTeX distribution shipped with symdln (package data)
KATEX_DIR = Path(__file__).with_name("static") / "katex"

_CSS = """
body { font-family: "Latin Modern Roman", "Computer Modern", Georgia, serif; max-width: 62rem; margin: 2rem auto;
       padding: 0 1rem; line-height: 1.45; color: #111; }
h1 { font-size: 1.7rem; margin-bottom: 0.2rem; } h2 { border-bottom: 1px solid #ccc; margin-top: 2rem; }
table { border-collapse: collapse; width: 100%; margin: 0.6rem 0 1.2rem; font-size: 0.92rem; }
th, td { border-top: 1px solid #ddd; padding: 0.35rem 0.5rem; text-align: left; vertical-align: top; }
th { border-bottom: 2px solid #888; } code { font-size: 0.9em; background: #f4f4f4; padding: 0 0.2em; }
pre { background: #f4f4f4; padding: 0.5rem; overflow-x: auto; } .katex-display { overflow-x: auto; overflow-y: hidden; }
.entry { border-top: 1px solid #bbb; padding: 0.5rem 0 0.7rem; }
.entry .pair { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1.2rem; margin: 0.3rem 0; }
.entry .pair > div { overflow-x: auto; overflow-y: hidden; }
.entry .lab { font-size: 0.8rem; color: #555; } .entry .why { font-size: 0.95rem; }
figure { margin: 1rem 0; } figure img { max-width: 100%; } figcaption { font-size: 0.9rem; color: #333; }
"""


def _inline(parts) -> str:
    out = []
    for kind, s in parts:
        if kind == "math":
            out.append(r"\(" + html.escape(s, quote=False) + r"\)")
        elif kind == "code":
            out.append("<code>" + html.escape(s) + "</code>")
        elif kind == "b":
            out.append("<strong>" + html.escape(s) + "</strong>")
        elif kind == "i":
            out.append("<em>" + html.escape(s) + "</em>")
        elif kind == "br":
            out.append("<br>")
        else:
            out.append(html.escape(s))
    return "".join(out)


def _katex_macros() -> str:
    import json
    return json.dumps({"\\" + k: v for k, v in MACROS.items()})


def blocks_html(blocks) -> str:
    """HTML of report blocks (:mod:`symdln.export.blocks`), math left as ``\\(...\\)`` for KaTeX or MathJax."""
    body = []
    for block in blocks:
        kind = block[0]
        if kind == "h":
            body.append(f"<h{block[1]}>{_inline(block[2])}</h{block[1]}>")
        elif kind == "p":
            body.append(f"<p>{_inline(block[1])}</p>")
        elif kind == "math":
            body.append(r"<div class='display'>\[" + html.escape(block[1], quote=False) + r"\]</div>")
        elif kind == "code":
            body.append("<pre><code>" + html.escape(block[1]) + "</code></pre>")
        elif kind == "ul":
            body.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in block[1]) + "</ul>")
        elif kind == "table":
            head = "".join(f"<th>{html.escape(h)}</th>" for h in block[1])
            rows = "".join("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in row) + "</tr>" for row in block[2])
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        elif kind == "errata":
            for claim, printed, derived, why in block[2]:
                body.append("<div class='entry'>"
                            f"<div class='head'>{_inline(claim)}</div>"
                            f"<div class='pair'><div><div class='lab'>As printed</div>{_inline(printed)}</div>"
                            f"<div><div class='lab'>Corrected (derived)</div>{_inline(derived)}</div></div>"
                            f"<div class='why'>{_inline(why)}</div></div>")
        elif kind == "img":
            body.append(f"<figure><img src='{html.escape(block[1])}' alt='{html.escape(block[2])}'>"
                        f"<figcaption>{html.escape(block[2])}</figcaption></figure>")
    return "\n".join(body)


def render_fragment(data: ReportData) -> str:
    """The paper, what was checked and the errata at a glance, as an HTML fragment (for Jupyter, whose
    MathJax renders the ``\\(...\\)`` math)."""
    from .blocks import errata_blocks, front_blocks
    return "<div class='symdln-report'>" + blocks_html(front_blocks(data) + errata_blocks(data)) + "</div>"


def render_html(data: ReportData, *, figure_path=lambda f: f"figures/{f.png.name}", katex: str = "katex") -> str:
    """The whole page; ``katex`` is the folder (relative to the page) holding the KaTeX files."""
    body = [blocks_html(build_blocks(data, figure_path=figure_path))]
    title = "Errata and verification report"
    script = ("document.addEventListener('DOMContentLoaded', function () { renderMathInElement(document.body, {"
              "delimiters: [{left: '\\\\[', right: '\\\\]', display: true}, {left: '\\\\(', right: '\\\\)', display: false}],"
              f"macros: {_katex_macros()}, throwOnError: false, strict: 'ignore', trust: false}}); }});")
    return "\n".join([
        "<!DOCTYPE html>", "<html lang='en'>", "<head>", "<meta charset='utf-8'>",
        f"<title>{title}</title>",
        f"<link rel='stylesheet' href='{katex}/katex.min.css'>",
        f"<script defer src='{katex}/katex.min.js'></script>",
        f"<script defer src='{katex}/contrib/auto-render.min.js'></script>",
        f"<script>{script}</script>", f"<style>{_CSS}</style>", "</head>", "<body>", *body, "</body>", "</html>"]) + "\n"


def copy_katex(dest: Path) -> Path:
    """Copy the shipped KaTeX files (licence included) to ``dest`` (a new folder); returns it."""
    shutil.copytree(KATEX_DIR, dest)
    return dest

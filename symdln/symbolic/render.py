"""Render the derivation registry to files (``symdln derive``): ``<id>.md``, ``<id>.json``, ``INDEX.md``.

Deterministic by construction: quantities in sorted order, JSON with sorted keys, no timestamps, no memory
addresses (callables are named by module and qualified name), sets sorted, SymPy output via ``sstr`` /
``srepr`` / ``latex`` (canonical argument order).  Provenance records only the symdln and SymPy versions
(not the platform), so the output is identical on every machine with the same versions.
"""
from __future__ import annotations

import json

import sympy as sp

from .symbols import SYMBOLS, latex_names

__all__ = ["render_all", "render_quantity", "to_data"]


_LATEX: dict = {}


def _latex(e) -> str:
    """``sympy.latex`` with the paper's symbol names; each step and result is typeset for both the Markdown and the
    JSON file, so immutable expressions are typeset once per process (printing is a pure function of the
    expression; mutable matrices are not hashable and are typeset each time)."""
    try:
        key = e if isinstance(e, sp.Basic) else None
        hit = _LATEX.get(key) if key is not None else None
        if hit is None:
            hit = sp.latex(e, symbol_names=latex_names())
            if key is not None:
                _LATEX[key] = hit
        return hit
    except Exception:  # pragma: no cover - exotic objects
        return ""


def to_data(x):
    """A JSON-safe, deterministic representation of anything a Derivation may hold."""
    if isinstance(x, sp.Basic) or isinstance(x, sp.MatrixBase):
        return {"str": sp.sstr(x), "latex": _latex(x)}
    if isinstance(x, dict):
        return {str(k): to_data(v) for k, v in sorted(x.items(), key=lambda kv: str(kv[0]))}
    if isinstance(x, (list, tuple)):
        return [to_data(v) for v in x]
    if isinstance(x, (set, frozenset)):
        return sorted(str(v) for v in x)
    if isinstance(x, (str, int, bool)) or x is None:
        return x
    if isinstance(x, float):
        return float(repr(x)) if x == x else "nan"
    if callable(x):
        return f"<callable {getattr(x, '__module__', '?')}.{getattr(x, '__qualname__', type(x).__name__)}>"
    return f"<{type(x).__name__}>"


def _symbols(e):
    if not isinstance(e, (sp.Basic, sp.MatrixBase)):
        return []
    names = {s.name for s in e.free_symbols}
    out = []
    for n in sorted(names):
        info = SYMBOLS.get(n)
        out.append({"name": n, "latex": info.latex if info else n,
                    "meaning": info.meaning if info else "local symbol of the derivation",
                    "domain": info.domain if info else ""})
    return out


def render_quantity(q: str) -> tuple[str, str]:
    """``(markdown, json_text)`` for one derived quantity."""
    from ..symbolic import derive
    d = derive(q)
    expr = d.expr
    data = {
        "quantity": d.quantity, "title": d.title, "statement": d.statement, "source": d.source,
        "assumptions": list(d.assumptions), "variables": list(d.variables), "notes": list(d.notes),
        "result": {"str": sp.sstr(expr) if isinstance(expr, (sp.Basic, sp.MatrixBase)) else to_data(expr),
                   "srepr": sp.srepr(expr) if isinstance(expr, (sp.Basic, sp.MatrixBase)) else None,
                   "latex": _latex(expr) if isinstance(expr, (sp.Basic, sp.MatrixBase)) else ""},
        "symbols": _symbols(expr),
        "steps": [{"text": s.text, "expr": to_data(s.expr), "check": s.check} for s in d.steps],
        "extra": to_data(d.extra),
    }
    md = [f"# {d.title}", "", f"`{d.quantity}` -- {d.source}" if d.source else f"`{d.quantity}`", "",
          f"**Statement.** {d.statement}", ""]
    if d.assumptions:
        md += ["**Assumptions.**", ""] + [f"- {a}" for a in d.assumptions] + [""]
    md += ["## Steps", ""]
    for i, s in enumerate(d.steps, 1):
        md.append(f"{i}. {s.text}")
        if isinstance(s.expr, (sp.Basic, sp.MatrixBase)):
            md += ["", f"   $$ {_latex(s.expr)} $$"]
        if s.check:
            md += ["", f"   *Check:* {s.check}"]
        md.append("")
    md += ["## Result", ""]
    if isinstance(expr, (sp.Basic, sp.MatrixBase)):
        md += [f"$$ {_latex(expr)} $$", "", "```", sp.sstr(expr), "```", ""]
    if d.notes:
        md += ["## Notes", ""] + [f"- {n}" for n in d.notes] + [""]
    md += [f"Machine-readable form: [`{q}.json`]({q}.json).", ""]
    return "\n".join(md), json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def render_all(progress=None) -> dict[str, str]:
    """Every file of ``derivations/``: name -> text."""
    from .._version import __version__
    from ..symbolic import derive, quantity_ids
    files = {}
    qs = quantity_ids()
    rows = []
    for i, q in enumerate(qs):
        md, js = render_quantity(q)
        files[f"{q}.md"], files[f"{q}.json"] = md, js
        d = derive(q)
        rows.append(f"| [`{q}`]({q}.md) | {d.title} | {d.source} |")
        if progress is not None:
            progress.update(i + 1, len(qs), q)
    index = ["# Derivations", "", "Generated by `symdln derive` from `symdln.symbolic` (do not edit by hand; "
             "`symdln derive --check` fails when this folder is stale).", "",
             f"Generated with symdln {__version__}, SymPy {sp.__version__}.", "",
             "| quantity | title | paper |", "|---|---|---|"] + rows + [""]
    files["INDEX.md"] = "\n".join(index)
    return files

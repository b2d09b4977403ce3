"""What a derivation returns: a :class:`Derivation` (a named result with its statement, assumptions, the
paper location it corresponds to, and its steps), each step a :class:`Step` (a sentence and the SymPy object
it produced).  The registry of derivations is :mod:`symdln.symbolic.result`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sympy as sp

__all__ = ["Step", "Derivation"]


@dataclass(frozen=True)
class Step:
    """One derivation step: what was done, and the SymPy object it produced."""
    text: str
    expr: Any = None            # sympy Expr / Eq / Matrix / None for pure prose steps
    check: str | None = None    # how the step was checked (e.g. "simplify(lhs - rhs) == 0 at L=2..5")


@dataclass(frozen=True)
class Derivation:
    quantity: str               # registry id, e.g. "diffusion_aligned"
    title: str                  # short human title
    statement: str              # one-sentence statement of the result
    expr: Any                   # the result: sympy Expr (scalar), Matrix, Eq, or dict[str, Expr]
    assumptions: tuple[str, ...] = ()
    source: str = ""            # paper location it corresponds to, e.g. "Prop. 3.5, Eq. (7); App. E"
    steps: tuple[Step, ...] = ()
    variables: tuple[str, ...] = ()     # names from symdln.symbolic.symbols the result depends on
    notes: tuple[str, ...] = ()         # findings worth reporting (e.g. "keeps a cross-mode term")
    extra: dict = field(default_factory=dict)  # machine-readable extras (e.g. {"cross_term": expr})

    def __repr__(self) -> str:
        return (f"Derivation({self.quantity!r}: {self.title}; {len(self.steps)} steps"
                + (f"; {self.source}" if self.source else "") + ")")

    def _repr_latex_(self) -> str | None:
        """Jupyter: the result, typeset with the paper's symbol names."""
        tex = _latex(self.expr)
        return None if tex is None else "$$%s$$" % tex

    def _repr_html_(self) -> str:
        """Jupyter: title, statement, assumptions, each step with its formula, and the result."""
        import html
        esc = lambda t: html.escape(str(t))  # noqa: E731
        parts = [f"<div><b>{esc(self.title)}</b> <code>{esc(self.quantity)}</code>"
                 + (f" <em>{esc(self.source)}</em>" if self.source else ""), f"<div>{esc(self.statement)}</div>"]
        if self.assumptions:
            parts.append("<div><em>Assumptions:</em> " + esc("; ".join(self.assumptions)) + "</div>")
        steps = []
        for st in self.steps:
            tex = _latex(st.expr)
            steps.append(f"<li>{esc(st.text)}" + (f"<div>$${esc(tex)}$$</div>" if tex else "")
                         + (f"<div><small>checked: {esc(st.check)}</small></div>" if st.check else "") + "</li>")
        if steps:
            parts.append("<ol>" + "".join(steps) + "</ol>")
        tex = _latex(self.expr)
        if tex:
            parts.append(f"<div><b>Result.</b> $${esc(tex)}$$</div>")
        return "".join(parts) + "</div>"


def _latex(expr) -> str | None:
    """LaTeX of a derivation object with the paper's symbol names; None for prose-only steps."""
    if expr is None or isinstance(expr, (str, bool)):
        return None
    from .symbols import latex_names
    try:
        if isinstance(expr, dict):
            return r",\quad ".join(r"\text{%s}:\ %s" % (str(k).replace("_", r"\_"),
                                                         sp.latex(v, symbol_names=latex_names()))
                                   for k, v in expr.items() if not isinstance(v, str))
        return sp.latex(expr, symbol_names=latex_names())
    except Exception:  # an object SymPy's printer cannot handle: no math repr
        return None

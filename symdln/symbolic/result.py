"""The contract every derivation follows, and the registry the rest of symdln reads.

A derivation is a pure function, decorated with :func:`register`, that returns a
:class:`Derivation`: a named result with its statement, assumptions, the paper location it
corresponds to, and the steps (each a SymPy object with a sentence).  ``derive(quantity)`` runs and
caches it (in memory, and on disk keyed by a hash of the symbolic sources: :mod:`._cache`); ``QUANTITIES`` lists every registered id.  ``symdln derive`` writes one file per
quantity into ``derivations/``; ``symdln.verify`` compares claims against ``derive(q).expr``.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Callable

import sympy as sp

__all__ = ["Step", "Derivation", "register", "derive", "QUANTITIES", "quantity_ids", "disable_disk_cache"]


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


_REGISTRY: dict[str, Callable[[], Derivation]] = {}


def register(quantity: str) -> Callable[[Callable[[], Derivation]], Callable[[], Derivation]]:
    def deco(fn: Callable[[], Derivation]) -> Callable[[], Derivation]:
        if quantity in _REGISTRY:
            raise RuntimeError(f"quantity {quantity!r} registered twice")
        _REGISTRY[quantity] = fn
        return fn
    return deco


def _load_all() -> None:
    # importing the package imports every derivation module, which registers its quantities
    import symdln.symbolic  # noqa: F401


@functools.lru_cache(maxsize=None)
def derive(quantity: str) -> Derivation:
    _load_all()
    if quantity not in _REGISTRY:
        from .._validation import SymdlnInputError
        raise SymdlnInputError(f"unknown quantity {quantity!r}; known: {', '.join(sorted(_REGISTRY))}")
    from . import _cache
    cached = _cache.load(quantity)
    if cached is not None:
        return cached
    result = _REGISTRY[quantity]()
    if result.quantity != quantity:
        raise RuntimeError(f"derivation registered as {quantity!r} returned quantity {result.quantity!r}")
    _cache.store(quantity, result)
    return result


def disable_disk_cache() -> None:
    """Compute every derivation in this process instead of reading the on-disk cache (``--no-cache``)."""
    from . import _cache
    _cache.set_enabled(False)


def quantity_ids() -> list[str]:
    _load_all()
    return sorted(_REGISTRY)


QUANTITIES = _REGISTRY

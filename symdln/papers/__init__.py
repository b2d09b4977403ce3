"""The registry of papers: each is a plug-in (:class:`symdln.paperkit.Paper`) the engine is handed.

Built-in papers are listed in :data:`BUILTIN`; third-party packages add theirs through the entry-point
group ``symdln.papers`` (name -> module or ``module:attribute`` whose ``PAPER`` is a ``Paper``).
``load(name)`` imports one paper on demand, so listing papers costs no import of SymPy.
"""
from __future__ import annotations

import importlib

__all__ = ["BUILTIN", "DEFAULT", "available", "load", "load_all"]

#: registry name -> module defining ``PAPER``
BUILTIN: dict[str, str] = {
    "corlouer2026": "symdln.papers.corlouer2026",
    "saxe2013": "symdln.papers.saxe2013",
    "jacot2021": "symdln.papers.jacot2021",
    "ziyin2023": "symdln.papers.ziyin2023",
    "ziyin2024": "symdln.papers.ziyin2024",
}
#: the paper `symdln verify` and `symdln report` use when --paper is not given
DEFAULT = "corlouer2026"


def _entry_points() -> dict[str, str]:
    from importlib.metadata import entry_points
    try:
        eps = entry_points(group="symdln.papers")
    except TypeError:  # Python < 3.10 API; kept for safety
        eps = entry_points().get("symdln.papers", [])
    return {ep.name: ep.value for ep in eps}


def available() -> list[str]:
    """Registry names of every paper (built-in first, then entry points), without importing them."""
    names = dict(BUILTIN)
    for k, v in _entry_points().items():
        names.setdefault(k, v)
    return list(names)


def load(name: str | None = None):
    """The :class:`~symdln.paperkit.Paper` registered as ``name`` (default :data:`DEFAULT`)."""
    from .._validation import SymdlnInputError
    name = DEFAULT if name is None else name
    if not isinstance(name, str):
        raise SymdlnInputError(f"paper must be a registry name (one of {', '.join(available())}); "
                               f"got {type(name).__name__}")
    target = BUILTIN.get(name) or _entry_points().get(name)
    if target is None:
        raise SymdlnInputError(f"paper must be one of {', '.join(available())}; got {name!r}")
    mod, _, attr = target.partition(":")
    obj = importlib.import_module(mod)
    paper = getattr(obj, attr or "PAPER")
    return paper


def load_all() -> list:
    return [load(n) for n in available()]

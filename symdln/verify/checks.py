"""Check kinds of the engine and the dispatch of a claim's ``Spec.check``.

A check is ``fn(claim, spec, *, seed, fast, paper) -> list[Evidence]`` or ``(list[Evidence], extra)`` where
``extra`` may carry ``counterexample``.  :func:`run_check` looks the name up in the paper's own checks
(``paper.checks``, registered with ``@PAPER.check``) first, then in the engine's generic kinds
(:data:`KINDS`, :mod:`symdln.verify.kinds`), which read their arguments from ``Spec.params``.  Evidence scopes
are explained in :mod:`symdln.verify.decide`; the helpers checks are written with live in
:mod:`symdln.checkkit` (re-exported here).
"""
from __future__ import annotations

import importlib

from ..checkkit import RTOL, compare_arrays, shape_failure, try_build  # noqa: F401  (re-exported)

__all__ = ["KINDS", "kind", "run_check", "load_kinds", "compare_arrays", "try_build", "shape_failure", "RTOL"]

#: generic check kinds of the engine: name -> fn(claim, spec, *, seed, fast, paper)
KINDS: dict = {}
_MODULES = ("kinds", "kinds_identity")


def kind(name):
    """Decorator registering a generic check kind of the engine."""
    def deco(fn):
        if name in KINDS:
            raise RuntimeError(f"check kind {name!r} registered twice")
        KINDS[name] = fn
        return fn
    return deco


def load_kinds() -> dict:
    """Import the modules defining the generic kinds (they register on import); returns :data:`KINDS`."""
    for m in _MODULES:
        importlib.import_module(f"{__package__}.{m}")
    return KINDS


def run_check(name, claim, spec, *, paper=None, seed=0, fast=False):
    """Run the check ``name`` on ``claim``: the paper's own check of that name, else the engine's kind."""
    own = getattr(paper, "checks", {}) if paper is not None else {}
    if name in own:
        fn = own[name]
    else:
        load_kinds()
        if name not in KINDS:
            where = f" (paper {paper.key!r} registers: {', '.join(sorted(own)) or 'none'})" if paper is not None else ""
            raise KeyError(f"unknown check {name!r}: neither a check of the paper nor a generic kind "
                           f"({', '.join(sorted(KINDS))}){where}")
        fn = KINDS[name]
    out = fn(claim, spec, seed=seed, fast=fast, paper=paper)
    if isinstance(out, tuple):
        return list(out[0]), dict(out[1])
    return list(out), {}

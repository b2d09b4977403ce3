"""Shared helpers of the paper plug-in tests: run a claim's own check and read its evidence."""
from __future__ import annotations


def run(paper, cid, *, fast=True, seed=0, **kw):
    """The evidence list of claim ``cid`` from its paper's bespoke check (``kw`` e.g. ``variant=``)."""
    c = paper.get(cid)
    spec = paper.spec(cid)
    out = paper.checks[spec.check](c, spec, seed=seed, fast=fast, paper=paper, **kw)
    return list(out[0]) if isinstance(out, tuple) else list(out)


def decisive(evs, scope="printed"):
    return [e for e in evs if e.data.get("scope", "printed") == scope]


def outcome(evs):
    """The verdict the documented rule (symdln.verify.decide, rule 4) gives this evidence."""
    printed, cond = decisive(evs), decisive(evs, "condition")
    if not printed and not cond:
        return "undecided"
    if printed and all(e.passed for e in printed):
        return "confirmed"
    if cond and all(e.passed for e in cond):
        return "conditional"
    return "refuted"

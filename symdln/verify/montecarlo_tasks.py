"""The Monte Carlo part of ``symdln verify`` as independent tasks (:mod:`symdln.tasks`).

One task per claim with a Monte Carlo plan (``Spec.mc``) and stage: :func:`mc_plan_task` rebuilds the claim
from the paper's registry name (``symdln.papers.load``, never a paper module), computes the plan's inputs
(:func:`plan_inputs`: the readings of the printed form and the derived value the simulation is compared with)
and runs the plan with the run's seed -- exactly what the in-process engine did, so the numbers are the same
in-process, on ``--workers N`` and on a Dask ``--scheduler``.

The reduction (:func:`run_claims_mc`) is the engine's two-stage rule (:mod:`symdln.verify.mc_evidence`): all
first-stage plans run as one batch of tasks; the claims whose comparisons exceed their Bonferroni threshold
are re-drawn, as a second batch, from the independent stream :func:`~symdln.verify.mc_evidence.redraw_seed`
``(seed, 1)``.  A plan's seed is the run's seed (stage 1) or that re-draw seed (stage 2), as before the plans
became tasks; the task's own ``SeedSequence`` is not used, so no verdict or number changed.
"""
from __future__ import annotations

import dataclasses
import importlib
import json

from ..checkkit import Comparison
from ..tasks import task_function
from .mc_evidence import redraw_seed

__all__ = ["plan_inputs", "mc_plan_task", "run_claims_mc", "comparison_to_json", "comparison_from_json"]

EXPERIMENT = "verify-mc"


def plan_inputs(claim, spec):
    """``(variants, derived_mc)`` of a claim's Monte Carlo plan: the readings of its printed form (from the
    derivation, when the claim is a scalar formula with a registered derivation) and the derived value the
    estimate is compared with (for the Ito drift on a two-mode network, the form with the cross-mode term)."""
    from .symbolic import derived_expr, normalize, reading_variants
    derived = derived_expr(claim, spec) if claim.kind == "scalar" and claim.expr is not None else None
    variants = reading_variants(claim, derived) if derived is not None else [("std", None, 1)]
    if claim.quantity == "ito_drift_aligned":
        from ..symbolic import derive
        e = normalize(derive("ito_drift_aligned").extra["full_two_mode"])
        e = spec.transform(e) if spec.transform else e
        return variants, e.subs(spec.fixed)
    return variants, derived


def comparison_to_json(c: Comparison) -> dict:
    """A comparison as plain JSON values (tuples become lists), the same whichever runner made it."""
    from .._io import _json_default
    return json.loads(json.dumps(dataclasses.asdict(c), default=_json_default))


def comparison_from_json(d: dict) -> Comparison:
    return Comparison(**d)


def _plan(paper, claim_id, seed, fast, n) -> list[dict]:
    from . import montecarlo as mcmod
    claim = paper.get(claim_id)
    spec = paper.spec(claim.id)
    variants, dmc = plan_inputs(claim, spec)
    comps = mcmod.run_plan(spec.mc, claim, spec, variants, dmc, fast=bool(fast), seed=int(seed), paper=paper, n=n)
    return [comparison_to_json(c) for c in comps]


@task_function
def mc_plan_task(config: dict, seed_seq) -> dict:
    """One claim's Monte Carlo plan: ``config`` = paper (registry name), claim (local id), seed (the plan's
    seed), fast, and optionally n (samples per estimate, for tests).  The task's own ``seed_seq`` is not used:
    the plan's streams are a pure function of ``config["seed"]``, as in the in-process engine."""
    paper = importlib.import_module("symdln.papers").load(config["paper"])     # the registry, never a paper module
    return {"comparisons": _plan(paper, config["claim"], config["seed"], config["fast"], config.get("n"))}


def _registered(paper) -> bool:
    """Whether a worker can rebuild ``paper`` by name (it is the registry's object of that key)."""
    try:
        return importlib.import_module("symdln.papers").load(paper.key) is paper
    except Exception:
        return False


class _Shifted:
    """Progress over the Monte Carlo tasks, drawn after ``offset`` units of work already reported."""

    def __init__(self, progress, offset: int, extra: int):
        self.progress, self.offset, self.extra = progress, offset, extra

    def update(self, done, total, note=""):
        self.progress.update(self.offset + done, self.offset + max(total, self.extra), f"Monte Carlo {note}")


def _tasks(parts, stage: int, seed: int, fast: bool, n):
    from ..tasks import Task, task_ref
    plan_seed = seed if stage == 1 else redraw_seed(seed, 1)
    out = []
    for p in parts:
        cfg = {"paper": p.paper.key, "claim": p.claim.id, "seed": plan_seed, "fast": bool(fast)}
        if n is not None:
            cfg["n"] = int(n)
        out.append(Task(EXPERIMENT, (p.paper.key, p.claim.id, f"seed={seed}", f"stage={stage}"),
                        task_ref(mc_plan_task), cfg))
    return out


def _run(parts, stage, seed, fast, n, runner, progress):
    from ..tasks import run_tasks
    remote = [p for p in parts if _registered(p.paper)]
    res = run_tasks(_tasks(remote, stage, seed, fast, n), base_seed=seed, runner=runner, progress=progress)
    values = {id(p): (r.value["comparisons"] if r.ok else None, r.error) for p, r in zip(remote, res)}
    for p in parts:
        if id(p) not in values:       # a paper object no worker can rebuild by name: its plan runs here
            plan_seed = seed if stage == 1 else redraw_seed(seed, 1)
            try:
                values[id(p)] = (_plan(p.paper, p.claim.id, plan_seed, fast, n), None)
            except Exception as exc:
                values[id(p)] = (None, f"{type(exc).__name__}: {exc}")
        comps, err = values[id(p)]
        if err is not None:      # the engine failed on this claim's plan: reported with the claim, exit status 1
            p.error = err
            continue
        comps = [comparison_from_json(c) for c in comps]
        if stage == 1:
            p.comparisons = comps
        else:
            p.redraws = comps


def run_claims_mc(parts, stage1_fails, *, seed: int = 0, fast: bool = False, runner=None, progress=None,
                  offset: int = 0, n: int | None = None) -> None:
    """Fill ``comparisons`` (and, where ``stage1_fails(part)``, ``redraws``) of the engine's partial verdicts
    ``parts`` that have a Monte Carlo plan, running each plan as a task on ``runner`` (default: the current
    runner, see :func:`symdln.tasks.using_runner`).  ``stage1_fails`` is the engine's first stage of the rule
    (a comparison beyond the claim's Bonferroni threshold).  Claims that already failed, or belong to no
    paper, are left alone."""
    todo = [p for p in parts if p.error is None and p.spec.mc and p.paper is not None]
    if not todo:
        return
    prog = None if progress is None else _Shifted(progress, offset, len(todo))
    _run(todo, 1, seed, fast, n, runner, prog)
    again = [p for p in todo if p.error is None and stage1_fails(p)]
    if again:
        _run(again, 2, seed, fast, n, runner, None if progress is None else _Shifted(progress, offset + len(todo), 0))

"""The GD + SGD runs the diagnostic experiments share (paper App. I setting): the settings of ``fast`` /
default / ``full``, one task per (depth, regime, teacher) cell (run in-process, on local workers or on Dask and
cached under the output folder), the grid of cells an experiment loops over, and its figure layout.

Settings (stated in every JSON): ``d = 12``, depths 2 and 4, online SGD (``b = 1``, ``eta = 0.005``, as in App. H),
no label noise, small Gaussian initialisation ``gamma = 3`` (saddle-to-saddle), the 4-mode teacher
``s = 4, 2, 1, 0.5``; ``full=True`` adds the intermediate / NTK regimes and the full-rank / degenerate teachers.
``fast=True`` is a seconds-long smoke setting.
"""
from __future__ import annotations

import numpy as np

from ..diagnostics.figures import plt
from ..diagnostics.runs import REGIMES, TEACHERS

_CACHE: dict = {}


def settings(fast: bool, full: bool):
    """(depths, n_sgd, configs [(regime, teacher)], max_steps, n_checkpoints, n_boot)."""
    if fast:
        return (2,), 3, [("saddle", "low-rank")], 2500, 40, 100
    configs = [("saddle", "low-rank")]
    if full:
        configs = [(r, t) for r in REGIMES for t in TEACHERS]
    return (2, 4), 8, configs, 60000, 150, 1000


def panels(n_rows: int, n_cols: int, *, width: float, row_height: float = 3.0, **kw):
    """``(fig, axes)``: one figure ``width`` inches wide with ``n_rows`` rows of ``n_cols`` panels (``axes`` always 2-D)."""
    return plt().subplots(n_rows, n_cols, figsize=(width, row_height * n_rows), squeeze=False, **kw)


def cell_config(depth, regime, teacher, n_sgd, max_steps, n_ck, seed, init="standard"):
    """The GD + SGD run of one cell, as the keyword arguments of ``run_gd_sgd`` (the task's config)."""
    max_steps = max_steps * (depth // 2) ** 2     # deeper networks escape slower from small init
    return {"depth": depth, "regime": regime, "teacher": teacher, "init": init, "n_sgd": n_sgd,
            "max_steps": max_steps, "n_checkpoints": n_ck, "seed": seed}


def cache_key(cfg):
    return tuple(sorted(cfg.items()))


def _run_cost(cfg) -> float:
    """Relative cost of one GD + SGD run, for scheduling only: steps x (1 + SGD runs) x depth x width^3."""
    return (float(cfg.get("max_steps", 60000)) * (1 + cfg.get("n_sgd", 8)) * cfg.get("depth", 2)
            * float(cfg.get("d", 12)) ** 3)


def prefetch(configs, progress=None):
    """Run every cell's GD + SGD run as an independent task (in-process, on local workers or on Dask, per
    ``symdln.tasks.current_runner()``; cached under the output folder) before the experiment reduces them."""
    from ..tasks import Task, run_tasks, task_ref
    from ._tasks import gd_sgd_task, run_from_payload
    todo = [c for c in configs if cache_key(c) not in _CACHE]
    todo = list({cache_key(c): c for c in todo}.values())
    tasks = [Task("gd-sgd-run", tuple(f"{k}={v}" for k, v in cache_key(c)), task_ref(gd_sgd_task), c,
                  cost=_run_cost(c)) for c in todo]
    failed = []
    for r in run_tasks(tasks, base_seed=0, progress=progress):
        if r.ok:
            _CACHE[cache_key(r.task.config)] = run_from_payload(r.value)
        else:
            failed.append(f"{r.task.label()}: {r.error}")
    if failed:
        raise RuntimeError("tasks failed: " + "; ".join(failed))


def cell_run(depth, regime, teacher, n_sgd, max_steps, n_ck, seed, init="standard"):
    cfg = cell_config(depth, regime, teacher, n_sgd, max_steps, n_ck, seed, init)
    if cache_key(cfg) not in _CACHE:
        prefetch([cfg])
    return _CACHE[cache_key(cfg)]


def sem(x, axis=1):
    n = x.shape[axis]
    return x.std(axis=axis, ddof=1) / np.sqrt(n) if n > 1 else np.zeros(np.delete(x.shape, axis))


def positive(t):
    """Mask of positive times (log-scale axes)."""
    return np.asarray(t) > 0

def grid(depths, configs, S, max_steps, n_ck, seed, progress, runs: dict):
    """Every (depth, regime, teacher) cell of an experiment: its GD + SGD run, checkpoint times and the
    positive-time mask.  Yields ``(row, L, regime, teacher, run, t, m, res)``, where ``res`` (the cell's results,
    starting with its setting) is already stored as ``runs["depth{L}-{regime}-{teacher}"]``; reports progress
    after each cell."""
    total = len(depths) * len(configs)
    prefetch([cell_config(L, r, te, S, max_steps, n_ck, seed) for L in depths for r, te in configs])
    row = 0
    for L in depths:
        for regime, teacher in configs:
            run = cell_run(L, regime, teacher, S, max_steps, n_ck, seed)
            res = runs[f"depth{L}-{regime}-{teacher}"] = {"setting": run.setting}
            yield row, L, regime, teacher, run, run.gd.times, positive(run.gd.times), res
            row += 1
            progress.update(row, total, f"depth {L}")

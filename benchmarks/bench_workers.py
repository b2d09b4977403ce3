"""Speed-up of ``--workers 2`` over in-process for one experiment at its default setting, in one run.

One Python process launches every run (``symdln.cli.main``), after an untimed warm-up run (imports,
derivation caches), interleaved: in-process, ``--workers 2``, in-process, ``--workers 2``, ...; each into a
fresh output folder with the experiments' in-process memos emptied (no task reuse).  For every run it
records the wall time and the CPU time summed over the processes that did the work (this process plus its
finished children: the spawned workers are joined when the pool closes, so ``RUSAGE_CHILDREN`` holds
them), and the load average before and after.  A last run repeats the ``--workers 2`` run into its own
folder, where every task is cached: that is the serial part (start-up, reduction, figure), which bounds
the speed-up (Amdahl).  Usage::

    python benchmarks/bench_workers.py [EXPERIMENT] [REPEATS]    # default: decoupling 2

writes ``benchmarks/workers_results.json``.  On a machine shared with other work, the ratio is bounded by
the cores left free: the JSON also gives the ratio expected from fair CPU sharing at the measured load.
"""
from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path


def _cpu() -> tuple[float, float]:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime


def _forget() -> None:
    """Empty the experiments' in-process memos (``_CACHE`` dicts of finished runs), so that every timed run
    computes its tasks: a fresh output folder alone would still reuse the previous run's results."""
    for name, mod in list(sys.modules.items()):
        memo = getattr(mod, "_CACHE", None) if name.startswith("symdln.experiments") else None
        if isinstance(memo, dict):
            memo.clear()


_TASK_CPU: list[list[float]] = []


def _record_task_seconds() -> None:
    """Keep each batch's per-task CPU seconds (``TaskResult.seconds``, measured where the task ran)."""
    import symdln.tasks as tasks
    real = tasks.run_tasks

    def run_tasks(*a, **k):
        res = real(*a, **k)
        _TASK_CPU.append([r.seconds for r in res if not r.cached])
        return res
    tasks.run_tasks = run_tasks


def _makespan(costs, workers: int, longest_first: bool = False) -> float:
    """Finish time of ``costs`` on ``workers`` idle processes, each taking the next task when free."""
    free = [0.0] * workers
    for c in sorted(costs, reverse=True) if longest_first else costs:
        i = free.index(min(free))
        free[i] += c
    return max(free)


def _run(exp, workers, out) -> dict:
    from symdln.cli import main
    _forget()
    args = ["experiment", exp, "--out", out, "--quiet"] + (["--workers", str(workers)] if workers else [])
    l0, (s0, k0), t0 = os.getloadavg()[0], _cpu(), time.perf_counter()
    assert main(args) == 0
    wall, (s1, k1), l1 = time.perf_counter() - t0, _cpu(), os.getloadavg()[0]
    return {"workers": workers or 1, "wall_s": round(wall, 2), "cpu_main_s": round(s1 - s0, 2),
            "cpu_workers_s": round(k1 - k0, 2), "cpu_total_s": round(s1 - s0 + k1 - k0, 2),
            "load1_before": l0, "load1_after": l1}


def _n_tasks(folder: Path) -> int:
    return sum(1 for _ in (folder / "tasks").rglob("*.npz"))


def main(exp="decoupling", repeats=2):
    import symdln
    rows = []
    load0 = os.getloadavg()
    _record_task_seconds()
    with tempfile.TemporaryDirectory() as root:
        _run(exp, None, str(Path(root) / "warm-up"))      # imports and derivation caches: not timed
        task_cpu = [c for batch in _TASK_CPU for c in batch]
        for i in range(repeats):
            for workers in (None, 2):
                d = Path(root) / f"{i}-{workers or 1}"
                rows.append({"repeat": i, **_run(exp, workers, str(d)), "tasks": _n_tasks(d)})
        serial = _run(exp, 2, str(Path(root) / f"{repeats - 1}-2"))      # every task cached: the serial part
    load1 = os.getloadavg()
    mean = {w: {k: sum(r[k] for r in rows if r["workers"] == w) / repeats for k in ("wall_s", "cpu_total_s")}
            for w in (1, 2)}
    load = sum(r["load1_before"] + r["load1_after"] for r in rows) / (2 * len(rows))
    cores = os.cpu_count() or 1
    # fair sharing among `load` other runnable processes: one process gets min(1, cores / (load + 1)) cores,
    # two get min(2, 2 cores / (load + 2)); the serial part runs on one process either way
    one, two = min(1.0, cores / (load + 1)), min(2.0, 2 * cores / (load + 2))
    tpar = max(mean[1]["cpu_total_s"] - serial["cpu_total_s"], 0.0)
    fair = (serial["cpu_total_s"] + tpar) / one / (serial["cpu_total_s"] / one + tpar / two)
    total = sum(task_cpu)
    grain = {"task_cpu_s_in_order": [round(c, 2) for c in task_cpu],
             "bound_2_workers_submission_order": total / _makespan(task_cpu, 2) if task_cpu else None,
             "bound_2_workers_longest_first": total / _makespan(task_cpu, 2, True) if task_cpu else None}
    res = {"experiment": exp, "tasks_warm_up_run": grain, "setting": "default", "repeats": repeats, "rows": rows, "cached_rerun": serial,
           "mean": {"in-process": mean[1], "workers=2": mean[2]},
           "speedup_wall": mean[1]["wall_s"] / mean[2]["wall_s"],
           "cpu_overhead_workers": mean[2]["cpu_total_s"] / mean[1]["cpu_total_s"],
           "serial_fraction_cpu": serial["cpu_total_s"] / mean[1]["cpu_total_s"],
           "speedup_amdahl_idle_machine": mean[1]["cpu_total_s"] / (serial["cpu_total_s"] + tpar / 2),
           "speedup_expected_fair_share": fair, "mean_load1": load,
           "cores": cores, "loadavg_before": load0, "loadavg_after": load1, "nice": os.nice(0),
           "symdln": symdln.__version__, "time_utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
           "note": "one process launches all runs, interleaved; fresh output folder per run (no task reuse); "
                   "cpu_total = this process + its joined worker processes; cached_rerun = the serial part"}
    out = Path(__file__).with_name("workers_results.json")
    out.write_text(json.dumps(res, indent=2) + "\n")
    print(json.dumps({k: res[k] for k in ("experiment", "mean", "speedup_wall", "speedup_amdahl_idle_machine",
                                          "speedup_expected_fair_share", "mean_load1")}, indent=1))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "decoupling", int(sys.argv[2]) if len(sys.argv) > 2 else 2)

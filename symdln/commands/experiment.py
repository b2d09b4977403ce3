"""``symdln experiment NAME``: run one registered experiment, write figure + JSON into ``OUT/NAME/``.

``OUT/NAME`` is a :class:`symdln._output.OutputDir` (refused before any work unless symdln made it); run
times go to ``NAME.timings.json`` so that same-seed runs give a byte-identical ``NAME.json``."""
from __future__ import annotations

import time
from pathlib import Path

from . import _args
from ._args import add_runner_arguments, runner_from_args  # noqa: F401  (also used by check and sweep)

HELP = "run a paper experiment or diagnostic (writes a figure and a JSON of numbers)"


def add_arguments(p):
    p.add_argument("name", help="experiment name ('list' shows them with their expected runtimes)")
    p.add_argument("--out", type=_args.out_folder, default="results",
                   help="output folder (default: results/; files go to OUT/NAME/)")
    p.add_argument("--fast", action="store_true", help="small setting for a quick look / CI smoke test")
    p.add_argument("--full", action="store_true", help="the largest setting where an experiment has one")
    p.add_argument("--seed", type=_args.seed, default=0, help="base random seed (default 0)")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    add_runner_arguments(p)


def _duration(entry: dict | None) -> str:
    """``~40 s`` / ``~3 min`` from a measured runtime (CPU seconds of one run); ``>5 min`` when the
    measurement was stopped before the run finished; ``?`` when never measured."""
    if not entry:
        return "?"
    secs = float(entry.get("cpu_s") or 0.0)
    if not entry.get("finished", True):
        limit = float(entry.get("wall_s") or secs)
        return f">{int(limit // 60)} min" if limit >= 120 else f">{int(limit)} s"
    if secs < 1:
        return "<1 s"
    return f"~{secs:.0f} s" if secs < 100 else f"~{secs / 60:.0f} min"


def listing() -> str:
    """One line per experiment: name, expected runtime at --fast / default / --full, what it does."""
    from .. import experiments
    times = experiments.runtimes()
    rows = [f"{'experiment':<16} {'--fast':>7} {'default':>8} {'--full':>8}  what it shows"]
    for n in experiments.names():
        t = times.get(n, {})
        rows.append(f"{n:<16} {_duration(t.get('fast')):>7} {_duration(t.get('default')):>8} "
                    f"{_duration(t.get('full')):>8}  {experiments.get(n).help}")
    rows.append("runtimes: CPU time of one run measured with `symdln experiment NAME` (one thread; "
                "symdln/experiments/runtimes.json); '>' marks a run stopped at that wall time.")
    return "\n".join(rows)


def run(args) -> int:
    from .. import experiments
    from .._io import atomic_write_json, provenance
    from .._output import OutputDir, split_timings
    from ..progress import Progress
    from ..tasks import using_runner
    from .report import cpu_seconds
    if args.name == "list":
        print(listing())
        return 0
    exp = experiments.get(args.name)
    out = Path(args.out) / exp.name
    t0, c0 = time.perf_counter(), cpu_seconds()
    with OutputDir(out, option="--out") as od:      # refused before any work
        from ..tasks import prepare_cache_dir
        cache_dir = prepare_cache_dir(Path(args.out) / "tasks")   # shared by experiments; refused if foreign
        progress = Progress(exp.name, quiet=args.quiet)
        with using_runner(runner_from_args(args), cache_dir=cache_dir):
            summary = exp.fn(od.build, fast=args.fast, full=args.full, seed=args.seed, progress=progress)
        progress.close()
        summary = dict(summary)
        summary["provenance"] = provenance(seed=args.seed, experiment=exp.name, fast=args.fast, full=args.full)
        content, timings = split_timings(summary)
        atomic_write_json(od.build / f"{exp.name}.json", content)
        atomic_write_json(od.build / f"{exp.name}.timings.json",
                          {**(timings or {}), "total_seconds": round(time.perf_counter() - t0, 2)})
        od.commit()
    print(f"wrote {out}/ (wall {time.perf_counter() - t0:.1f} s, cpu {cpu_seconds() - c0:.1f} s)")
    return 0

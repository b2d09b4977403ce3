"""``symdln experiment NAME``: run one registered experiment, write figure + JSON."""
from __future__ import annotations

import time
from pathlib import Path

from .. import experiments
from .._io import atomic_write_json, provenance
from ..progress import Progress

HELP = "run a paper experiment or diagnostic (writes a figure and a JSON of numbers)"


def add_arguments(p):
    p.add_argument("name", help="experiment name ('list' to list them)")
    p.add_argument("--out", default="results", help="output folder (default: results/)")
    p.add_argument("--fast", action="store_true", help="small setting for a quick look / CI smoke test")
    p.add_argument("--full", action="store_true", help="the largest setting where an experiment has one")
    p.add_argument("--seed", type=int, default=0, help="base random seed (default 0)")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    add_runner_arguments(p)


def add_runner_arguments(p):
    """``--workers N`` (local processes) and ``--scheduler ADDRESS`` (a dask.distributed scheduler)."""
    g = p.add_mutually_exclusive_group()
    g.add_argument("--workers", type=int, default=None, metavar="N",
                   help="run the experiment's independent tasks on N local processes (same numbers as in-process)")
    g.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help='run the tasks on an existing dask.distributed scheduler, e.g. tcp://127.0.0.1:8786 '
                        '(pip install "symdln[dask]")')


def runner_from_args(args):
    from ..tasks import Runner
    return Runner(workers=args.workers, scheduler=args.scheduler)


def run(args) -> int:
    if args.name == "list":
        for n in experiments.names():
            print(f"{n:24s} {experiments.get(n).help}")
        return 0
    exp = experiments.get(args.name)
    out = Path(args.out) / exp.name
    t0 = time.perf_counter()
    progress = Progress(exp.name, quiet=args.quiet)
    from ..tasks import using_runner
    with using_runner(runner_from_args(args), cache_dir=Path(args.out) / "tasks"):  # shared by experiments
        summary = exp.fn(out, fast=args.fast, full=args.full, seed=args.seed, progress=progress)
    progress.close()
    summary = dict(summary)
    summary["provenance"] = provenance(seed=args.seed, experiment=exp.name, fast=args.fast, full=args.full,
                                       seconds=round(time.perf_counter() - t0, 2))
    atomic_write_json(out / f"{exp.name}.json", summary)
    print(f"wrote {out}/ ({time.perf_counter() - t0:.1f} s)")
    return 0

"""``symdln experiment NAME``: run one registered experiment, write figure + JSON into ``OUT/NAME/``.

``OUT/NAME`` is a :class:`symdln._output.OutputDir` (refused before any work unless symdln made it); run
times go to ``NAME.timings.json`` so that same-seed runs give a byte-identical ``NAME.json``."""
from __future__ import annotations

import time
from pathlib import Path

from . import _args

HELP = "run a paper experiment or diagnostic (writes a figure and a JSON of numbers)"


def add_arguments(p):
    p.add_argument("name", help="experiment name ('list' to list them)")
    p.add_argument("--out", type=_args.out_folder, default="results",
                   help="output folder (default: results/; files go to OUT/NAME/)")
    p.add_argument("--fast", action="store_true", help="small setting for a quick look / CI smoke test")
    p.add_argument("--full", action="store_true", help="the largest setting where an experiment has one")
    p.add_argument("--seed", type=_args.seed, default=0, help="base random seed (default 0)")
    p.add_argument("--quiet", action="store_true", help="no progress output")


def run(args) -> int:
    from .. import experiments
    from .._io import atomic_write_json, provenance
    from .._output import OutputDir, split_timings
    from ..progress import Progress
    if args.name == "list":
        for n in experiments.names():
            print(f"{n:24s} {experiments.get(n).help}")
        return 0
    exp = experiments.get(args.name)
    out = Path(args.out) / exp.name
    t0 = time.perf_counter()
    with OutputDir(out, option="--out") as od:      # refused before any work
        progress = Progress(exp.name, quiet=args.quiet)
        summary = exp.fn(od.build, fast=args.fast, full=args.full, seed=args.seed, progress=progress)
        progress.close()
        summary = dict(summary)
        summary["provenance"] = provenance(seed=args.seed, experiment=exp.name, fast=args.fast, full=args.full)
        content, timings = split_timings(summary)
        atomic_write_json(od.build / f"{exp.name}.json", content)
        atomic_write_json(od.build / f"{exp.name}.timings.json",
                          {**(timings or {}), "total_seconds": round(time.perf_counter() - t0, 2)})
        od.commit()
    print(f"wrote {out}/ ({time.perf_counter() - t0:.1f} s)")
    return 0

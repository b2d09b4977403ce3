"""``symdln sweep EXPERIMENT --grid name=v1,v2 ... --seeds N``: a parameter sweep as independent tasks."""
from __future__ import annotations

import time
from pathlib import Path

HELP = "sweep an experiment over a parameter grid and seeds (tasks run in-process, on --workers, or on Dask)"


def add_arguments(p):
    from .experiment import add_runner_arguments
    p.add_argument("experiment", help="what to sweep: diffusion-peak, balance ('list' to list them with parameters)")
    p.add_argument("--grid", nargs="+", default=[], metavar="NAME=V1,V2",
                   help="parameter values to cross, e.g. --grid eta=0.01,0.02 b=1,4,16 (numbers only)")
    p.add_argument("--set", nargs="+", default=[], metavar="NAME=V", dest="fixed",
                   help="fixed values for other parameters, e.g. --set d=8 L=3")
    p.add_argument("--seeds", type=int, default=4, help="independent seeds per grid point (default 4)")
    p.add_argument("--seed", type=int, default=0, help="base random seed (default 0)")
    p.add_argument("--metric", default=None, help="metric to plot (default: the sweep's main one)")
    p.add_argument("--out", default="results", help="output folder (default: results/); writes sweep-EXPERIMENT/")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    add_runner_arguments(p)


def _parse_pairs(items, sweep, option, multi):
    from .._validation import SymdlnInputError
    out = {}
    for it in items:
        name, sep, vals = it.partition("=")
        if not sep or not name or not vals:
            raise SymdlnInputError(f"{option}: expected NAME=VALUE{',VALUE' if multi else ''}; got {it!r}")
        p = sweep.param(name)
        if name in out:
            raise SymdlnInputError(f"{option}: {name} given twice")
        parts = vals.split(",")
        if not multi and len(parts) != 1:
            raise SymdlnInputError(f"{option} {name}: one value expected; use --grid for several")
        vs = [p.parse(v.strip()) for v in parts]
        out[name] = vs if multi else vs[0]
    return out


def run(args) -> int:
    import json

    from .._io import atomic_write_bytes, atomic_write_json
    from .._validation import SymdlnInputError
    from ..experiments.sweeps import SWEEPS, get_sweep, run_sweep, sweep_figure
    from ..progress import Progress
    from .experiment import runner_from_args
    if args.experiment == "list":
        for s in SWEEPS.values():
            print(f"{s.name:16s} {s.help}")
            for p in s.params:
                print(f"    {p.name:8s} {p.kind.__name__:5s} default {p.default:<8g} {p.help}")
        return 0
    sweep = get_sweep(args.experiment)
    if not 1 <= args.seeds <= 100_000:
        raise SymdlnInputError(f"--seeds must be an integer from 1 to 100000; got {args.seeds}")
    if not 0 <= args.seed < 2 ** 63:
        raise SymdlnInputError(f"--seed must be an integer from 0 to 2^63-1; got {args.seed}")
    grid = _parse_pairs(args.grid, sweep, "--grid", True)
    fixed = _parse_pairs(args.fixed, sweep, "--set", False)
    if set(grid) & set(fixed):
        raise SymdlnInputError(f"--grid and --set both give {', '.join(sorted(set(grid) & set(fixed)))}")
    if not grid:
        first = sweep.params[0]
        grid = {first.name: [first.kind(first.default)]}
    if args.metric is not None and args.metric not in sweep.metrics and not args.metric.startswith(("r_end_", "r_tail_")):
        raise SymdlnInputError(f"--metric must be one of {', '.join(sweep.metrics)}; got {args.metric!r}")
    runner = runner_from_args(args)
    from .._output import OutputDir
    from ..tasks import prepare_cache_dir
    out = Path(args.out) / f"sweep-{sweep.name}"
    t0 = time.perf_counter()
    with OutputDir(out, option="--out") as od:      # refused before any work
        cache_dir = prepare_cache_dir(Path(args.out) / "tasks")
        bar = Progress(f"sweep {sweep.name}", quiet=args.quiet)
        res = run_sweep(sweep.name, grid, seeds=args.seeds, base_seed=args.seed, fixed=fixed, runner=runner,
                        cache_dir=cache_dir, progress=bar)
        bar.close()
        lines = "".join(json.dumps(r, sort_keys=True) + "\n" for r in res["rows"])
        atomic_write_bytes(od.build / "table.jsonl", lines.encode())
        atomic_write_json(od.build / "summary.json", {k: v for k, v in res.items() if k != "rows"})
        if res["rows"]:
            import io

            import matplotlib.pyplot as plt
            fig = sweep_figure(res, args.metric)
            for ext in ("png", "pdf"):
                buf = io.BytesIO()
                fig.savefig(buf, format=ext, dpi=110, bbox_inches="tight")
                atomic_write_bytes(od.build / f"{sweep.name}.{ext}", buf.getvalue())
            plt.close(fig)
        od.commit()
    n_failed = len(res["failed"])
    for f in res["failed"]:
        print(f"failed task {', '.join(f['key'])}: {f['error']}")
    print(f"wrote {out}/: {len(res['rows'])} rows ({res['setting']['n_tasks']} tasks, {n_failed} failed, "
          f"{runner.kind}) in {time.perf_counter() - t0:.1f} s")
    return 1 if n_failed else 0

"""Speed-up of ``--workers 2`` over in-process for one experiment at its default setting.

Wall-clock is the right clock here (parallelism is the point), so both sides run in the same process
session, interleaved (in-process, workers, in-process, workers, ...), each into a fresh output folder
(no task cache reuse), with the load average recorded before and after: on a loaded 2-core machine
the ratio is bounded by the cores left free.  Usage: ``python benchmarks/bench_workers.py [EXPERIMENT]
[REPEATS]`` -> ``benchmarks/workers_results.json``.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path


def _run(exp, workers, out):
    from symdln.cli import main
    t0 = time.perf_counter()
    args = ["experiment", exp, "--out", out, "--quiet"] + (["--workers", str(workers)] if workers else [])
    assert main(args) == 0
    return time.perf_counter() - t0


def main(exp="balance", repeats=2):
    rows = []
    load0 = os.getloadavg()
    for i in range(repeats):
        for workers in (None, 2):
            with tempfile.TemporaryDirectory() as d:
                rows.append({"repeat": i, "workers": workers or 1, "wall_s": _run(exp, workers, d)})
    load1 = os.getloadavg()
    best = {w: min(r["wall_s"] for r in rows if r["workers"] == w) for w in (1, 2)}
    res = {"experiment": exp, "setting": "default", "repeats": repeats, "rows": rows,
           "best_wall_s": {"in-process": best[1], "workers=2": best[2]}, "speedup": best[1] / best[2],
           "cores": os.cpu_count(), "loadavg_before": load0, "loadavg_after": load1,
           "note": "min over repeats; interleaved; fresh output folder per run (no cache reuse)"}
    out = Path(__file__).with_name("workers_results.json")
    out.write_text(json.dumps(res, indent=2) + "\n")
    print(json.dumps({k: res[k] for k in ("experiment", "best_wall_s", "speedup", "loadavg_before")}, indent=1))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "balance", int(sys.argv[2]) if len(sys.argv) > 2 else 2)

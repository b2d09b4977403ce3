"""CPU per network-step of the ``regimes --full`` tasks at w = 1000, default vs fused GD step.

Runs the real task functions (all six gammas, 5 population / 7 completion seeds batched, one BLAS thread)
for 0 and N steps with each step formulation; (CPU(N) - CPU(0)) / (network-steps taken) is the per-step
cost, the setup (initialisation of the batch) cancelling.  Usage::

    nice -n 19 python benchmarks/bench_regimes_step.py [N_POPULATION] [N_COMPLETION]   # default 60 30

writes ``benchmarks/regimes_step_results.json`` (projection of ``regimes --full``: docs/scaling.md).
"""
from __future__ import annotations

import functools
import json
import os
import sys
import time
from pathlib import Path


def measure(kind: str, n: int) -> dict:
    from threadpoolctl import threadpool_limits
    import symdln.experiments.regimes as R
    from symdln.saddles.training import gd
    fn, seeds = (R.population_task, 5) if kind == "population" else (R.completion_task, 7)
    real, out = R.gd, {}
    try:
        for fused in (True, False):
            R.gd = functools.partial(gd, fused=fused)
            runs = {}
            for steps in (0, n):
                cfg = {"w": 1000, "gammas": [0.5, 1.0, 1.5, 2.0, 2.5, 3.0], "seeds": list(range(seeds)),
                       "max_steps": steps, "seed": 0}
                with threadpool_limits(1):
                    c0 = time.process_time()
                    res = fn(cfg, None)
                    runs[steps] = (time.process_time() - c0, sum(r["steps"] for r in res["rows"]))
            name = "fused" if fused else "default"
            out[name] = {"cpu_setup_s": runs[0][0], f"cpu_{n}_steps_s": runs[n][0], "network_steps": runs[n][1],
                         "ms_per_network_step": 1e3 * (runs[n][0] - runs[0][0]) / runs[n][1]}
    finally:
        R.gd = real
    out["speedup"] = out["default"]["ms_per_network_step"] / out["fused"]["ms_per_network_step"]
    return out


def main(n_pop: int = 60, n_mc: int = 30):
    res = {"population": measure("population", n_pop), "completion": measure("completion", n_mc),
           "loadavg": os.getloadavg(), "nice": os.nice(0), "time_utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime())}
    Path(__file__).with_name("regimes_step_results.json").write_text(json.dumps(res, indent=2) + "\n")
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))

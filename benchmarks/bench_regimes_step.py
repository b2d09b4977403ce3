"""CPU per network-step of the ``regimes --full`` tasks at w = 1000, default vs fused GD step.

Runs the real task functions as ``regimes --full`` runs them at w = 1000 -- one network per task (gamma = 3,
seed 0; the gamma that dominates the run), one BLAS thread -- for N1 and N2 steps with each step
formulation, the two formulations interleaved and each measurement the min of ``REPEATS``;
(CPU(N2) - CPU(N1)) / (N2 - N1) is the per-step cost, the setup (initialisation, first power iterations)
cancelling.  Usage::

    nice -n 19 python benchmarks/bench_regimes_step.py [N_POPULATION] [N_COMPLETION]   # default 300 300

writes ``benchmarks/regimes_step_results.json`` (projection of ``regimes --full``: docs/scaling.md).
"""
from __future__ import annotations

import functools
import json
import os
import sys
import time
from pathlib import Path


REPEATS = 3


def measure(kind: str, n: int) -> dict:
    from threadpoolctl import threadpool_limits
    import symdln.experiments.regimes as R
    from symdln.saddles.training import gd
    fn = R.population_task if kind == "population" else R.completion_task
    real, cpu = R.gd, {}
    lo = max(n // 4, 10)
    try:
        for _ in range(REPEATS):
            for fused in (True, False):                    # interleaved
                R.gd = functools.partial(gd, fused=fused)
                for steps in (lo, n):
                    cfg = {"w": 1000, "gammas": [3.0], "seeds": [0], "max_steps": steps, "seed": 0}
                    with threadpool_limits(1):
                        c0 = time.process_time()
                        res = fn(cfg, None)
                        dt = time.process_time() - c0
                    assert res["rows"][0]["steps"] == steps, "the network stopped early: choose fewer steps"
                    key = ("fused" if fused else "default", steps)
                    cpu[key] = min(cpu.get(key, float("inf")), dt)
    finally:
        R.gd = real
    out = {name: {f"cpu_{lo}_steps_s": cpu[(name, lo)], f"cpu_{n}_steps_s": cpu[(name, n)],
                  "ms_per_network_step": 1e3 * (cpu[(name, n)] - cpu[(name, lo)]) / (n - lo)}
           for name in ("fused", "default")}
    out["speedup"] = out["default"]["ms_per_network_step"] / out["fused"]["ms_per_network_step"]
    return out


def main(n_pop: int = 300, n_mc: int = 300):
    res = {"population": measure("population", n_pop), "completion": measure("completion", n_mc),
           "loadavg": os.getloadavg(), "nice": os.nice(0), "time_utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime())}
    Path(__file__).with_name("regimes_step_results.json").write_text(json.dumps(res, indent=2) + "\n")
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))

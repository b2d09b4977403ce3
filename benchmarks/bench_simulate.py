"""Simulator speed ratios in one run (d = 12, L = 4, float64); writes ``benchmarks/simulate_results.json``.

* ``sgd_ensemble_speedup``: one vectorised ensemble of 256 SGD trajectories vs 256 sequential single-trajectory
  runs of the same simulator (target >= 20x); also vs a minimal plain-NumPy single-trajectory loop.
* ``langevin_over_sgd``: one anisotropic Langevin step / one SGD step (target <= 3x), for S = 1 and S = 256.
* ``diffusion_peak_seconds``: wall time of ``symdln experiment diffusion-peak`` in its real setting (200 time
  units of SGD at eta = 0.005, 20 seeds, depth 4 + depth 2, and 60 time units of anisotropic Langevin at dt = 1e-4);
  skipped with ``--skip-experiment``.

Timings are the minimum over ``--repeat`` interleaved repetitions (the machine may be shared).
Usage: ``python benchmarks/bench_simulate.py [--steps 2000] [--repeat 3] [--skip-experiment]``.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from symdln import Teacher, small_gaussian_init
from symdln._io import atomic_write_json, provenance
from symdln.simulate import langevin, sgd

D, L, S = 12, 4, 256


def plain_sgd(layers, M, eta, steps, rng):
    """Reference: the simplest single-trajectory NumPy loop (2-D arrays, per-layer outer products)."""
    Ws = [w.copy() for w in layers]
    X = rng.standard_normal((steps, D))
    for k in range(steps):
        h = [X[k]]
        for W in Ws[:-1]:
            h.append(W @ h[-1])
        g = M @ X[k] - Ws[-1] @ h[-1]
        for l in range(L - 1, -1, -1):
            gl = g
            if l > 0:
                g = Ws[l].T @ g
            Ws[l] += eta * np.outer(gl, h[l])
    return Ws


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-experiment", action="store_true")
    ap.add_argument("--diffusion-peak-json", default=None,
                    help="with --skip-experiment: take the wall time from a previous `symdln experiment "
                         "diffusion-peak` JSON (its provenance.seconds)")
    ap.add_argument("--out", default=str(Path(__file__).with_name("simulate_results.json")))
    a = ap.parse_args(argv)
    T = Teacher.from_singular_values([1.0, 0.7, 0.4], D, D, rng=0)
    nets = [small_gaussian_init([D] * (L + 1), 3.0, rng=i) for i in range(S)]
    eta, n = 0.005, a.steps
    best = {k: np.inf for k in ("ens", "seq", "plain", "lan1", "sgd1", "lanS")}
    for _ in range(a.repeat):
        t = time.perf_counter(); sgd(nets, T, eta=eta, steps=n, n_traj=S, seed=0, checkpoints=[0, n])
        best["ens"] = min(best["ens"], time.perf_counter() - t)
        t = time.perf_counter()
        for i in range(S):
            sgd(nets[i], T, eta=eta, steps=n, n_traj=1, seed=i, checkpoints=[0, n])
        best["seq"] = min(best["seq"], time.perf_counter() - t)
        t = time.perf_counter()
        for i in range(16):
            plain_sgd(nets[i].layers, T.M, eta, n, np.random.default_rng(i))
        best["plain"] = min(best["plain"], (time.perf_counter() - t) * S / 16)
        t = time.perf_counter(); sgd(nets[0], T, eta=eta, steps=n, seed=0, checkpoints=[0, n])
        best["sgd1"] = min(best["sgd1"], time.perf_counter() - t)
        t = time.perf_counter(); langevin(nets[0], T, eta=eta, dt=eta, t_end=eta * n, seed=0, checkpoints=[0, n])
        best["lan1"] = min(best["lan1"], time.perf_counter() - t)
        m = max(n // 4, 1)
        t = time.perf_counter()
        langevin(nets, T, eta=eta, dt=eta, t_end=eta * m, n_traj=S, seed=0, checkpoints=[0, m])
        best["lanS"] = min(best["lanS"], (time.perf_counter() - t) * n / m)
    res = {
        "setting": {"d": D, "L": L, "S": S, "steps": n, "dtype": "float64", "repeat": a.repeat},
        "sgd_single_steps_per_s": n / best["sgd1"],
        "sgd_ensemble_trajectory_steps_per_s": S * n / best["ens"],
        "sgd_ensemble_speedup_vs_sequential": best["seq"] / best["ens"],
        "sgd_ensemble_speedup_vs_plain_numpy_loop": best["plain"] / best["ens"],
        "plain_numpy_single_steps_per_s": n * S / best["plain"],
        "langevin_over_sgd_step_S1": best["lan1"] / best["sgd1"],
        "langevin_over_sgd_step_S256": best["lanS"] / best["ens"],
        "targets": {"sgd_ensemble_speedup_vs_sequential": ">= 20", "langevin_over_sgd_step": "<= 3"},
    }
    if a.skip_experiment and a.diffusion_peak_json:
        import json
        prev = json.loads(Path(a.diffusion_peak_json).read_text())
        res["diffusion_peak_seconds"] = prev["provenance"]["seconds"]
        res["diffusion_peak_seconds_source"] = f"{a.diffusion_peak_json} (provenance.seconds; machine load at the time)"
    if not a.skip_experiment:
        from symdln.experiments import get
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            get("diffusion-peak").fn(Path(tmp), fast=False, full=False, seed=0, progress=None)
            res["diffusion_peak_seconds"] = time.perf_counter() - t
    res["provenance"] = provenance(seed=0, benchmark="simulate")
    atomic_write_json(a.out, res)
    for k, v in res.items():
        if k != "provenance":
            print(f"{k}: {v}")


if __name__ == "__main__":
    main()

"""Scale-out runs give the in-process numbers: a Dask scheduler with two workers on 127.0.0.1, local
worker processes, and a sweep killed midway and resumed."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from symdln.cli import main

pytestmark = pytest.mark.slow


def _json(path):
    d = json.loads(Path(path).read_text())
    d.pop("provenance", None)        # versions, timings and the runner: not results
    return d


def test_experiment_and_sweep_on_dask_match_in_process(tmp_path):
    pytest.importorskip("distributed")
    from distributed import LocalCluster
    args = ["experiment", "balance", "--fast", "--seed", "3", "--quiet"]
    sw = ["sweep", "balance", "--grid", "eta=0.01,0.02", "--set", "d=4", "t_end=2", "--seeds", "3", "--quiet"]
    assert main(args + ["--out", str(tmp_path / "local")]) == 0
    assert main(sw + ["--out", str(tmp_path / "local")]) == 0
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        addr = cluster.scheduler_address
        assert addr.startswith("tcp://127.0.0.1:")
        assert main(args + ["--out", str(tmp_path / "dask"), "--scheduler", addr]) == 0
        assert main(sw + ["--out", str(tmp_path / "dask"), "--scheduler", addr]) == 0
    assert _json(tmp_path / "dask/balance/balance.json") == _json(tmp_path / "local/balance/balance.json")
    a = (tmp_path / "dask/sweep-balance/table.jsonl").read_bytes()
    assert a == (tmp_path / "local/sweep-balance/table.jsonl").read_bytes() and len(a.splitlines()) == 6


def test_local_workers_match_in_process(tmp_path):
    sw = ["sweep", "diffusion-peak", "--grid", "eta=0.01,0.02", "--set", "d=6", "t_end=6", "--seeds", "2", "--quiet"]
    assert main(sw + ["--out", str(tmp_path / "a")]) == 0
    assert main(sw + ["--out", str(tmp_path / "b"), "--workers", "2"]) == 0
    assert (tmp_path / "a/sweep-diffusion-peak/table.jsonl").read_bytes() == \
        (tmp_path / "b/sweep-diffusion-peak/table.jsonl").read_bytes()


def test_sweep_killed_midway_resumes_to_the_same_table(tmp_path):
    sw = [sys.executable, "-m", "symdln.cli", "sweep", "balance", "--grid", "eta=0.004,0.005,0.006,0.007",
          "--set", "d=10", "L=3", "t_end=8", "--seeds", "3", "--quiet"]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    ref = subprocess.run(sw + ["--out", str(tmp_path / "ref")], env=env, capture_output=True, timeout=600)
    assert ref.returncode == 0, ref.stderr.decode()[-500:]
    cache = tmp_path / "run/tasks/sweep-balance"
    p = subprocess.Popen(sw + ["--out", str(tmp_path / "run")], env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    t0 = time.monotonic()
    while time.monotonic() - t0 < 300:
        if cache.exists() and len(list(cache.glob("*.npz"))) >= 3:
            break
        time.sleep(0.02)
    p.send_signal(signal.SIGKILL)
    p.wait()
    n_done = len(list(cache.glob("*.npz")))
    assert 3 <= n_done < 12, f"the kill should land midway (found {n_done} of 12 tasks cached)"
    assert not (tmp_path / "run/sweep-balance/table.jsonl").exists()
    assert not [f for f in cache.parent.rglob("*") if f.name.startswith(".symdln-tmp") or f.suffix == ".tmp"], \
        "half-written file"
    res = subprocess.run(sw + ["--out", str(tmp_path / "run")], env=env, capture_output=True, timeout=600)
    assert res.returncode == 0
    assert (tmp_path / "run/sweep-balance/table.jsonl").read_bytes() == \
        (tmp_path / "ref/sweep-balance/table.jsonl").read_bytes()


def test_check_rows_on_workers_match_in_process(capsys):
    """``symdln check``: every Monte Carlo row is a task; two local workers give the in-process numbers."""
    assert main(["check", "--fast", "--json", "--quiet"]) == 0
    a = json.loads(capsys.readouterr().out)
    assert main(["check", "--fast", "--json", "--quiet", "--workers", "2"]) == 0
    b = json.loads(capsys.readouterr().out)
    assert a["rows"] == b["rows"] and a["passed"] and len(a["rows"]) > 50

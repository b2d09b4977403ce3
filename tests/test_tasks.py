"""Experiments as tasks: seeds from keys, runners agree, cache resumes, failures are reported."""
from __future__ import annotations

import json

import numpy as np
import pytest

from symdln._validation import SymdlnInputError
from symdln.tasks import (Runner, Task, TaskCache, decode_result, demo_task, encode_result, run_tasks, task_ref,
                          task_seed)


def _tasks(n=5, fail_at=None):
    """``demo_task``: three normals from the task's own stream (raises for ``fail_at``)."""
    return [Task("toy", (f"c={i}",), task_ref(demo_task), {"c": i, "fail": i == fail_at}) for i in range(n)]


def test_task_seed_depends_only_on_base_seed_and_key():
    a = np.random.default_rng(task_seed(7, "exp", ("eta=0.1", "seed=0"))).random(4)
    b = np.random.default_rng(task_seed(7, "exp", ("eta=0.1", "seed=0"))).random(4)
    c = np.random.default_rng(task_seed(7, "exp", ("eta=0.1", "seed=1"))).random(4)
    d = np.random.default_rng(task_seed(8, "exp", ("eta=0.1", "seed=0"))).random(4)
    e = np.random.default_rng(task_seed(7, "other", ("eta=0.1", "seed=0"))).random(4)
    np.testing.assert_array_equal(a, b)             # same key, same stream (bit for bit)
    for other in (c, d, e):                         # another key, base seed or experiment: another stream
        assert not np.allclose(a, other)


def test_results_do_not_depend_on_order():
    fwd = run_tasks(_tasks(), base_seed=3)
    rev = run_tasks(list(reversed(_tasks())), base_seed=3)
    by_key = {r.task.key: r.value["x"] for r in rev}
    for r in fwd:
        np.testing.assert_array_equal(r.value["x"], by_key[r.task.key])


def test_costliest_tasks_start_first_and_cost_is_not_part_of_identity(tmp_path):
    """Workers start the costliest task first (a long task submitted last would leave the others idle);
    the cost hint changes neither the numbers, nor the result order, nor the cache identity."""
    started = []
    costs = [1.0, 5.0, 0.0, 3.0]
    tasks = [Task(t.experiment, t.key, t.fn, t.config, cost=c) for t, c in zip(_tasks(4), costs)]
    progress = type("P", (), {"update": lambda self, done, n, label: started.append(label)})()
    res = run_tasks(tasks, base_seed=3, progress=progress)
    assert started == ["toy[c=1]", "toy[c=3]", "toy[c=0]", "toy[c=2]"]     # in-process: finished = started
    assert [r.task.key for r in res] == [t.key for t in tasks]
    for r, plain in zip(res, run_tasks(_tasks(4), base_seed=3)):
        np.testing.assert_array_equal(r.value["x"], plain.value["x"])
    cache = TaskCache(tmp_path, 3)
    assert cache.path(tasks[1]) == cache.path(_tasks(4)[1]) and tasks[1] == _tasks(4)[1]


def test_failed_task_is_reported_with_its_key_and_the_rest_finish():
    res = run_tasks(_tasks(4, fail_at=2), base_seed=0)
    assert [r.ok for r in res] == [True, True, False, True]
    assert res[2].task.key == ("c=2",) and "deliberate failure" in res[2].error


def test_codec_round_trip_and_refuses_objects():
    value = {"a": np.arange(6.0).reshape(2, 3), "b": [1, 2.5, None, "x"], "c": {"d": np.array([True, False])}}
    text, arrays = encode_result(value)
    back = decode_result(text, arrays)
    np.testing.assert_array_equal(back["a"], value["a"])
    assert back["b"] == [1, 2.5, None, "x"] and back["c"]["d"].dtype == bool
    with pytest.raises(TypeError):
        encode_result({"f": object()})


def test_cache_resumes_and_never_loads_pickles(tmp_path):
    cache = TaskCache(tmp_path, base_seed=1)
    first = run_tasks(_tasks(3), base_seed=1, cache=cache)
    assert not any(r.cached for r in first)
    again = run_tasks(_tasks(3), base_seed=1, cache=cache)
    assert all(r.cached for r in again)
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a.value["x"], b.value["x"])
    # a cache file holding a pickled object array is not trusted: it is recomputed, not unpickled
    p = cache.path(_tasks(1)[0])
    np.savez(p, __json__=np.array('{"x": {"__array__": "a0"}, "c": 0}'), a0=np.array([object()], dtype=object))
    rerun = run_tasks(_tasks(1), base_seed=1, cache=cache)
    assert not rerun[0].cached
    np.testing.assert_array_equal(rerun[0].value["x"], first[0].value["x"])


def test_only_marked_symdln_functions_run():
    bad = Task("toy", ("k",), "os:system", {})
    res = run_tasks([bad], base_seed=0)
    assert not res[0].ok and "symdln function" in res[0].error
    unmarked = Task("toy", ("k",), "symdln.tasks:code_version", {})
    assert "not a task function" in run_tasks([unmarked], base_seed=0)[0].error


def test_runner_arguments_are_validated():
    for bad in ({"workers": 0}, {"workers": 2.5}, {"workers": True}, {"scheduler": ""},
                {"workers": 2, "scheduler": "tcp://127.0.0.1:1"}):
        with pytest.raises(SymdlnInputError):
            Runner(**bad)


def test_sweep_cli_table_and_bad_grid(tmp_path, capsys):
    from symdln.cli import main
    rc = main(["sweep", "balance", "--grid", "eta=0.01,0.02", "--set", "d=4", "t_end=1", "--seeds", "2",
               "--out", str(tmp_path), "--quiet"])
    assert rc == 0
    rows = [json.loads(x) for x in (tmp_path / "sweep-balance" / "table.jsonl").read_text().splitlines()]
    assert len(rows) == 4 and {r["eta"] for r in rows} == {0.01, 0.02} and all(r["d"] == 4 for r in rows)
    assert (tmp_path / "sweep-balance" / "balance.png").stat().st_size > 0
    for bad in (["--grid", "eta=__import__('os')"], ["--grid", "nope=1"], ["--grid", "eta=-1"],
                ["--grid", "eta"], ["--seeds", "0"]):
        assert main(["sweep", "balance", "--out", str(tmp_path / "x"), "--quiet", *bad]) == 2
    assert not (tmp_path / "x").exists()


def test_scheduler_without_dask_says_how_to_install(monkeypatch, tmp_path, capsys):
    import sys
    from symdln.cli import main
    monkeypatch.setitem(sys.modules, "distributed", None)       # as if dask.distributed were not installed
    rc = main(["sweep", "balance", "--set", "d=4", "t_end=1", "--seeds", "1", "--out", str(tmp_path), "--quiet",
               "--scheduler", "tcp://127.0.0.1:1"])
    assert rc == 2 and 'pip install "symdln[dask]"' in capsys.readouterr().err


def test_sweep_and_experiment_refuse_a_foreign_task_folder(tmp_path):
    """The task cache folder is symdln's only if symdln made it: a user's own ``OUT/tasks`` is refused
    before any work and left as it was."""
    from symdln.cli import main
    (tmp_path / "tasks").mkdir()
    (tmp_path / "tasks" / "mine.txt").write_text("draft")
    assert main(["sweep", "balance", "--set", "d=4", "t_end=1", "--seeds", "1", "--out", str(tmp_path), "--quiet"]) == 2
    assert main(["experiment", "balance", "--fast", "--out", str(tmp_path), "--quiet"]) == 2
    assert sorted(p.name for p in (tmp_path / "tasks").iterdir()) == ["mine.txt"]
    assert not (tmp_path / "sweep-balance").exists() and not (tmp_path / "balance").exists()

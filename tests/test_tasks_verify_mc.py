"""The Monte Carlo part of ``symdln verify`` as tasks: the same comparisons, re-draws and verdicts in-process
(as the engine computed them before), on two local worker processes and on a Dask scheduler."""
from __future__ import annotations

import json

import pytest

from symdln.papers import load
from symdln.tasks import Runner, using_runner
from symdln.verify import montecarlo as mcmod
from symdln.verify.engine import evaluate, finish, stage1_fails, verify_all, verify_claim
from symdln.verify.montecarlo_tasks import plan_inputs, run_claims_mc

P = load("corlouer2026")
#: prop3.4.drift (drift_generic) fails stage 1 and is re-drawn; prop3.5.D-cross (cross_diffusion_aligned) passes it
IDS = ("prop3.4.drift", "prop3.5.D-cross")
N = 4000          # samples per estimate: small, the point is equality, not power


def _parts(n_ids=IDS):
    return [evaluate(P.get(i), paper=P, mc=False, seed=0) for i in n_ids]


def _numbers(parts):
    return [([vars(c) for c in p.comparisons], None if p.redraws is None else [vars(c) for c in p.redraws], p.error)
            for p in parts]


def test_tasks_give_the_engines_in_process_verdicts(monkeypatch):
    """The task path (verify_claim / verify_all) decides exactly as the engine's in-process Monte Carlo
    block (evaluate(mc=True)) with the same seed: same estimates, re-draws, z-scores and verdicts."""
    monkeypatch.setitem(mcmod.N_SAMPLES, "full", N)
    old = [finish(evaluate(P.get(i), paper=P, mc=True, seed=5)).to_json() for i in IDS]
    new = [verify_claim(i, paper=P, seed=5).to_json() for i in IDS]
    assert json.dumps(new, sort_keys=True) == json.dumps(old, sort_keys=True)
    both = verify_all(paper=P, only=list(IDS), seed=5)
    assert json.dumps([v.to_json() for v in both], sort_keys=True) == json.dumps(old, sort_keys=True)
    assert any(e.kind == "monte-carlo" and "z_redraw" in e.data for e in both[0].evidence), "stage 2 ran"
    # the engine's derived value for the simulation is the one the task computes
    from symdln.verify.engine import _derived_mc
    from symdln.verify.symbolic import derived_expr
    c = P.get("eq.6")
    assert plan_inputs(c, P.spec("eq.6"))[1] == _derived_mc(c, P.spec("eq.6"), derived_expr(c, P.spec("eq.6")))


def test_two_local_workers_give_the_in_process_numbers():
    """Two claims on two spawned worker processes (~1.5 s of CPU each: the interpreter, SymPy and the paper).
    Both pass stage 1, so no second pool is started here; the re-draws on workers are in the slow test."""
    ids = ("prop3.5.D-cross", "appE.D-data")
    a = _parts(ids)
    b = [evaluate(p.claim, paper=P, mc=False, seed=0) for p in a]
    run_claims_mc(a, stage1_fails, seed=2, n=N)
    run_claims_mc(b, stage1_fails, seed=2, n=N, runner=Runner(workers=2))
    assert all(p.comparisons and p.redraws is None for p in a)
    assert _numbers(a) == _numbers(b)
    assert [finish(p).to_json() for p in a] == [finish(p).to_json() for p in b]


def test_a_failing_plan_is_an_engine_error_on_its_claim_only():
    """A paper object no worker can rebuild by name runs its plans here; an unknown plan fails that claim
    (engine error, reported) and the other claims are decided."""
    import sympy as sp
    from symdln.paperkit import Citation, Location, Paper, Spec
    paper = Paper(Citation(key="mc-task-test", title="t", authors=("A. Author",), year=2026))
    x = sp.Symbol("x")
    paper.add("c.bad", Location(section="1", equation="1"), "x", expr=x, spec=Spec(mc="no_such_plan"))
    paper.add("c.ok", Location(section="1", equation="2"), "x", expr=x)
    parts = [evaluate(c, paper=paper, mc=False) for c in paper.claims()]
    run_claims_mc(parts, stage1_fails, seed=0, n=10)
    assert "no_such_plan" in parts[0].error and parts[1].error is None
    assert finish(parts[0]).reason.startswith("engine error")


@pytest.mark.slow
def test_verify_on_dask_matches_in_process(capsys):
    """``symdln verify ID --json`` through ``--scheduler`` (a LocalCluster with two workers on 127.0.0.1, torn
    down) and ``--workers 2`` print the in-process JSON, byte for byte, for a re-drawn and a passing claim."""
    pytest.importorskip("distributed")
    from distributed import LocalCluster
    from symdln.cli import main
    ids = ("eq.4", "appE.ito-label", "prop3.2")

    def out(*extra):
        res = []
        for i in ids:
            assert main(["verify", i, "--json", "--quiet", *extra]) == 0
            res.append(capsys.readouterr().out)
        return res
    ref = out()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        assert out("--scheduler", cluster.scheduler_address) == ref
        with using_runner(Runner(scheduler=cluster.scheduler_address)):
            dask_all = [v.to_json() for v in verify_all(paper=P, only=list(ids))]
    assert out("--workers", "2") == ref
    assert json.dumps(dask_all, sort_keys=True) == json.dumps([json.loads(r)[0] for r in ref], sort_keys=True)

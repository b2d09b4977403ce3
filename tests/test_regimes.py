"""Regimes experiment machinery: curvature-adapted GD, plateau detector, rank; fast smoke run (issue 7)."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from symdln.saddles.hessian import dense_hessian
from symdln.saddles.training import _bound, count_plateaus, curvature_bound, gd, numerical_rank


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), masked=st.booleans())
def test_curvature_bound_dominates_lambda_max(seed, masked):
    rng = np.random.default_rng(seed)
    L = int(rng.integers(2, 5))
    d = rng.integers(1, 4, size=L + 1)
    layers = [rng.standard_normal((1, d[l + 1], d[l])) * rng.uniform(0.1, 2) for l in range(L)]
    M = rng.standard_normal((d[-1], d[0])) * rng.uniform(0, 5)
    mask = (rng.random(M.shape) < 0.5).astype(float) if masked else None
    lam = np.linalg.eigvalsh(dense_hessian([w[0] for w in layers], M, mask))[-1]
    assert curvature_bound(layers, M, mask)[0] >= lam * (1 - 1e-12)


def test_curvature_bound_needs_the_residual_term():
    """Mutation: the Gauss-Newton part alone is 0 at the depth-2 origin, where lambda_max = s_1 > 0."""
    M = np.diag([3.0, 1.0])
    layers = [np.zeros((1, 2, 2)), np.zeros((1, 2, 2))]
    lam = np.linalg.eigvalsh(dense_hessian([w[0] for w in layers], M))[-1]
    assert lam == pytest.approx(3.0)
    assert curvature_bound(layers, M)[0] >= lam
    one, zero = np.ones(1), np.zeros(1)
    gauss_newton_only = _bound([zero, one], [one, zero], [None, None], zero)[0]   # ||D|| term dropped
    assert gauss_newton_only == 0.0 < lam   # exact: the bound multiplies by the exactly zero layer


def test_gd_clock_is_gradient_flow_time():
    """Depth 2, one unit, balanced a = b: w = a b obeys dw/dt = 2 w (s - w) (paper Eq. 2) with the logistic
    solution (Eq. 3), so w reaches s/2 at t = ln(s/w0 - 1) / (2 s).  With small c, GD's clock matches."""
    s, w0 = 2.0, 1e-4
    a = np.sqrt(w0)
    r = gd([np.full((1, 1, 1), a), np.full((1, 1, 1), a)], np.array([[s]]), c=0.02, max_steps=200000,
           floor=1e-8, record=lambda W: W[:, :, 0])
    t_half = np.interp(s / 2, r.records[:, 0, 0], r.times[:, 0])
    exact = np.log(s / w0 - 1) / (2 * s)
    assert t_half == pytest.approx(exact, rel=0.02)      # Euler error O(c) ~ 1%
    assert np.all(np.diff(r.losses[:, 0]) <= 1e-15)       # eta <= 1/lambda_max: monotone descent


def test_gd_is_monotone_and_large_steps_are_rejected():
    rng = np.random.default_rng(1)
    layers = [rng.standard_normal((3, 4, 3)) * 0.3 for _ in range(1)] + [rng.standard_normal((3, 4, 4)) * 0.3,
                                                                         rng.standard_normal((3, 2, 4)) * 0.3]
    M = rng.standard_normal((2, 3))
    r = gd(layers, M, max_steps=2000, floor=1e-12)
    assert np.all(np.diff(r.losses, axis=0) <= 1e-12 * r.losses[0])
    bad = gd(layers, M, c=60.0, max_steps=200, floor=1e-12)   # mutation: steps 60x the stability bound
    assert not np.all(np.diff(bad.losses, axis=0) <= 1e-12 * bad.losses[0])


def test_plateau_detector_on_synthetic_curves():
    t = np.linspace(0, 100, 5001)
    stairs = 3.5 - sum(1.0 / (1 + np.exp(-(t - c) * 3)) for c in (20, 45, 80))  # 3 drops, ends at 0.5
    assert count_plateaus(t, stairs, floor_value=1e-5) == 4      # before, between x2, after the last drop
    stairs3 = 1e-9 + 3.0 - sum(1.0 / (1 + np.exp(-(t - c) * 3)) for c in (20, 45)) - np.where(t > 80, 1.0, 0)
    assert count_plateaus(t, stairs3, floor_value=1e-6) == 3    # the curve ends at the floor after 3rd drop
    assert count_plateaus(t, np.exp(-0.2 * t), floor_value=1e-9) == 0   # linear convergence: no plateau
    assert numerical_rank(np.diag([1.0, 0.5, 0.01])[None])[0] == 2


def test_regimes_fast_reproduces_the_two_regimes(tmp_path):
    from symdln.experiments import get
    from symdln.progress import Progress
    res = get("regimes").fn(tmp_path, fast=True, full=False, seed=0, progress=Progress("t", quiet=True))
    tab = {r["gamma"]: r for r in res["table"]}
    assert tab[0.5]["plateaus_mean"] == 0 and tab[2.5]["plateaus_mean"] == 3
    assert tab[0.5]["d_min_over_d_saddle"] < 1 < tab[2.5]["d_min_over_d_saddle"]
    assert tab[2.5]["mc_rank_mean"] == 1 and tab[2.5]["mc_test_error_mean"] < 0.05
    assert tab[0.5]["mc_rank_mean"] > 3 and tab[0.5]["mc_test_error_mean"] > 0.5
    assert (tmp_path / "regimes.png").exists() and (tmp_path / "regimes.pdf").exists()


@pytest.mark.slow
def test_regimes_default_phase_picture(tmp_path):
    """Default setting (a few minutes): Jacot et al.'s two regimes at w = 100."""
    from symdln.experiments import get
    from symdln.progress import Progress
    res = get("regimes").fn(tmp_path, fast=False, full=False, seed=0, progress=Progress("t", quiet=True))
    tab = {(r["w"], r["gamma"]): r for r in res["table"]}
    for g in (0.5, 1.0):          # NTK side: no plateau, next to a minimum, high-rank completion, error >= 1
        r = tab[(100, g)]
        assert r["plateaus_mean"] == 0 and r["d_min_over_d_saddle"] < 0.1
        assert r["mc_rank_mean"] > 10 and r["mc_test_error_median"] > 1
    for g in (2.0, 2.5, 3.0):     # saddle-to-saddle side: one plateau per saddle (origin, rank 1, rank 2)
        r = tab[(100, g)]
        assert r["plateaus_mean"] == 3 and r["d_min_over_d_saddle"] > 1 and r["order_follows_s_frac"] == 1
        assert r["pop_converged"] == r["pop_runs"] and r["mc_test_error_median"] < 1e-2


def test_wide_regimes_run_one_task_per_network(monkeypatch):
    """Above ``SPLIT_WIDTH`` every (kind, gamma, seed) is its own task, costliest (largest gamma) first; the
    rows are the same records as the batched task's, one per network, and every network is there."""
    import symdln.experiments.regimes as R
    from symdln.progress import Progress
    from symdln.tasks import Task, run_tasks as real_run
    seen: list[Task] = []

    def spy(tasks, **kw):
        seen.extend(tasks)
        return real_run(tasks, **kw)
    monkeypatch.setattr("symdln.tasks.run_tasks", spy)
    monkeypatch.setattr(R, "SPLIT_WIDTH", 8)
    pop, curves, mc = R._run_widths([10], [0.5, 2.5], [0, 1], [0], 300, 300, 0, Progress("t", quiet=True))
    assert len(seen) == 2 * 2 + 2 * 1
    assert {(r["gamma"], r["seed"]) for r in pop} == {(g, s) for g in (0.5, 2.5) for s in (0, 1)}
    assert {(r["gamma"], r["seed"]) for r in mc} == {(0.5, 0), (2.5, 0)}
    assert set(curves) == {"w=10,gamma=0.5", "w=10,gamma=2.5"}
    big = max(seen, key=lambda t: t.cost)
    assert big.config["gammas"] == [2.5] and big.experiment == "regimes-population"
    batched = R.population_task({"w": 10, "gammas": [0.5, 2.5], "seeds": [0, 1], "max_steps": 300, "seed": 0}, None)
    assert [sorted(r) for r in batched["rows"]] == [sorted(r) for r in pop]

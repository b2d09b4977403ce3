"""Smoke + sanity tests of the diagnostic experiments in their ``fast`` setting (a few seconds each).

Beyond "it runs and writes PNG + PDF + summary", each test checks a property with a known answer.
"""
import numpy as np
import pytest

import symdln.experiments.diagnostic_experiments  # noqa: F401  (registers the experiments)
import symdln.experiments.pattern_experiments  # noqa: F401
from symdln.experiments import EXPERIMENTS
from symdln.progress import Progress

NAMES = ["balance", "decoupling", "rank-patterns", "sv-patterns", "gd-vs-sgd", "misalignment"]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("diag")
    res = {}
    for n in NAMES:
        out = root / n
        res[n] = (out, EXPERIMENTS[n].fn(out, fast=True, full=False, seed=0, progress=Progress(n, quiet=True)))
    return res


@pytest.mark.parametrize("name", NAMES)
def test_writes_figure_and_summary(outputs, name):
    out, summary = outputs[name]
    assert (out / f"{name}.png").stat().st_size > 1000 and (out / f"{name}.pdf").stat().st_size > 1000
    assert summary["figures"] == [f"{name}.png", f"{name}.pdf"]
    import json
    json.dumps(summary, default=lambda o: o.tolist())        # serialisable


def test_balance_summary(outputs):
    runs = outputs["balance"][1]["runs"]
    assert max(runs["depth2-balanced"]["r_start"]) < 1e-12           # balanced init: r_l = 0 (Eq. 33)
    assert min(runs["depth2-standard"]["r_start"]) > 0.1              # Gaussian init is not balanced
    # GD from a balanced init stays much more balanced than SGD (GD conserves the balance up to O(eta))
    assert runs["depth2-balanced"]["r_end_gd"][0] < runs["depth2-balanced"]["r_end_mean"][0]
    # the accumulated imbalance of an SGD run is its summed exact expected drift plus a martingale; on one
    # trajectory the martingale part was measured at a few per cent of the drift (20% leaves ample room)
    pred = outputs["balance"][1]["drift_prediction"]["runs"]["depth2"]["0.005"]
    assert abs(pred["realised"][0] - pred["predicted"][0]) < 0.2 * pred["realised"][0]


def test_decoupling_summary(outputs):
    res = outputs["decoupling"][1]["runs"]["depth2-saddle-low-rank"]["t_cross_before_t_diag"]
    # small init: cross modes start below eps, so the first-time t_cross is 0 < t_diag for every pair
    assert res["first"]["fraction"] == 1.0 and res["first"]["n_valid"] == 12
    # the fraction is a count over the valid pairs (not a free number in [0, 1]): k / n_valid exactly
    k = res["settle"]["fraction"] * res["settle"]["n_valid"]
    assert res["settle"]["n_valid"] >= 1 and abs(k - round(k)) < 1e-9


def test_distances_summary(outputs):
    r = outputs["gd-vs-sgd"][1]["runs"]["depth2-saddle-low-rank"]
    assert r["function_end"] < 0.01                                    # same function at convergence
    assert r["ratio_end"] > 10 * r["function_end"]                     # ... but not the same parameters
    s = outputs["sv-patterns"][1]["runs"]["depth2-saddle-low-rank"]
    # same initialisation, so the distance is 0 up to rounding: the SVD of the two (identical) start
    # matrices is computed separately and its last bits depend on the BLAS kernel (2.2e-16 seen with
    # OpenBLAS's default kernel on numpy 2.4); 1e-12 is ~5e3 ulp of the O(1) log singular values.
    assert abs(s["d_sigma"]["start"]) < 1e-12
    assert len(s["gd_escape_times"]) == 4                              # one per teacher mode
    rp = outputs["rank-patterns"][1]["runs"]["depth2-saddle-low-rank"]
    assert rp["eps=1e-05"]["rank_gd_start"] == [[12, 12], [0, 12]]


def test_misalignment_summary(outputs):
    run = outputs["misalignment"][1]["runs"]["depth2"]
    # depth 2, no label noise: D_a ~ (s - w)^2 w^2 on the aligned manifold peaks at w* = s/2 (by hand)
    assert np.allclose(run["w_star_over_s"], 0.5, atol=1e-6)
    aligned = run["configs"][0]
    assert aligned["theta"] == 0.0 and aligned["fraction_precede_own_peak"] == 1.0
    assert aligned["median_abs_log_t_peak_own_over_t_pred"] < 0.2

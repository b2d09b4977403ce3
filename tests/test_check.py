"""``symdln check``: the correct closed forms pass; deliberately wrong variants are rejected by the same
Monte Carlo comparison (same estimates, same Bonferroni threshold).  Both directions are asserted."""
import json

import pytest

from symdln.verify import core_checks as checks_suite
from symdln.cli import main
from symdln.verify.core_mutants import MUTANTS, grad_sign_flipped


@pytest.fixture(scope="module")
def report():
    return checks_suite.run_checks(fast=True, seed=0)


def test_correct_closed_forms_pass(report):
    assert report.passed, report.table()
    assert report.threshold_z > 3 and report.alpha_family == 0.01
    for q, fn in checks_suite.default_closed_forms().items():
        rows = report.rescore(q, fn)
        assert rows and all(r.passed for r in rows)


@pytest.mark.parametrize("quantity,name,fn", MUTANTS, ids=[f"{q}: {n}" for q, n, _ in MUTANTS])
def test_wrong_variant_is_rejected(report, quantity, name, fn):
    rows = report.rescore(quantity, fn)
    worst = max(abs(r.z) for r in rows)
    assert any(not r.passed for r in rows), f"{quantity} mutant '{name}' not rejected (max |z| = {worst:.2f})"
    assert worst > report.threshold_z


def test_report_covers_the_brief(report):
    nets = report.settings["networks"]
    assert any(d.startswith("aligned") for d in nets) and any(d.startswith("generic") for d in nets)
    assert {f"L={L}" for L in range(1, 6)} <= {d.split()[1] for d in nets}
    assert {"none", "iso", "aniso"} <= {d.rsplit(", ", 1)[1] for d in nets}
    assert {r.quantity for r in report.rows} == {"gradient", "sigma_block", "D_alpha", "D_alpha_beta", "ito_drift"}
    js = report.to_json()
    json.dumps(js)
    assert js["comparisons"] == sum(r["entries"] for r in js["rows"]) and "Bonferroni" in js["multiple_testing"]


@pytest.fixture
def small_sizes(monkeypatch):
    monkeypatch.setattr(checks_suite, "sample_sizes", lambda fast: dict.fromkeys(
        ("gradient", "sigma_block", "D_alpha", "D_alpha_beta", "ito_drift"), 50_000))


def test_cli_json_record_and_exit_codes(small_sizes, tmp_path, capsys, monkeypatch):
    assert main(["check", "--fast", "--quiet", "--json", "--record", "--out", str(tmp_path), "--seed", "3"]) == 0
    data = json.loads(capsys.readouterr().out)
    rec = json.loads((tmp_path / "check.json").read_text())
    assert data["passed"] and rec["provenance"]["seed"] == 3 and rec["rows"] == data["rows"]
    assert not list(tmp_path.glob(".*.tmp"))
    # a wrong closed form makes the command exit 1.  The sign-flipped gradient is off by twice its size: every
    # gradient row fails with |z| >= 220 at 50 000 samples and >= 68 at 5 000 (seeds 0, 1; threshold 4.6), so
    # the smaller run tests the same exit-code path at a tenth of the sampling cost
    monkeypatch.setattr(checks_suite, "sample_sizes", lambda fast: dict.fromkeys(
        ("gradient", "sigma_block", "D_alpha", "D_alpha_beta", "ito_drift"), 5_000))
    wrong = dict(checks_suite.default_closed_forms(), gradient=grad_sign_flipped)
    monkeypatch.setattr(checks_suite, "default_closed_forms", lambda: wrong)
    assert main(["check", "--fast", "--quiet"]) == 1
    assert "FAILED" in capsys.readouterr().out
    assert main(["check", "--seed", "-1", "--quiet"]) == 2


@pytest.mark.slow
def test_false_alarm_rate_is_about_the_stated_level():
    """20 fast runs with the correct forms: at stage 1 P(>= 3 failing runs | rate 1 %) ~ 1e-3; after the
    independent re-draw the stated rate is <= 5e-8 per run, so no run may fail."""
    res = checks_suite.false_alarm_study(20)
    assert res["stage1_failed_runs"] <= 2 and res["failed_runs"] == 0 and 0.02 < res["frac_abs_z_gt_2"] < 0.08
    assert res["stated_rate_bound"] < 1e-6 and res["false_alarm_rate_95ci"][1] < 0.2

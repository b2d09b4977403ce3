"""The one Monte Carlo decision rule (symdln.verify.mc_evidence): Bonferroni at stage 1, a failure stands
only if an independent re-draw fails too -- in `symdln verify` and in `symdln check` alike."""
from __future__ import annotations

import numpy as np
import pytest

from symdln.montecarlo import Estimate
from symdln.papers.corlouer2026 import PAPER, get
from symdln.verify import core_checks
from symdln.verify.engine import evaluate, finish
from symdln.verify.mc_evidence import (confirmed, redraw_seed, two_stage_false_alarm_bound, two_stage_power,
                                       z_threshold)
from symdln.verify.montecarlo import Comparison


def test_rule_truth_table_and_stated_rates():
    zc = z_threshold(10)
    assert not confirmed(0.5, None, zc) and not confirmed(zc + 1, 0.3, zc)
    assert confirmed(zc + 1, -(zc + 1), zc) and confirmed(zc + 1, None, zc)
    assert two_stage_false_alarm_bound(100) == pytest.approx(1e-6)
    assert two_stage_power(20.0, 100) > 1 - 1e-12 and two_stage_power(0.0, 100) < 1e-6
    assert redraw_seed(0, 3) != redraw_seed(0, 4) and redraw_seed(0, 3) == redraw_seed(0, 3)


def _claim_with(first, second):
    part = evaluate(get("eq.5"), paper=PAPER, mc=False, fast=True)
    part.comparisons = [Comparison("c", first, 0.01, 1000, 0, {"std": 1.0}, 1.0)]
    part.redraws = None if second is None else [Comparison("c", second, 0.01, 1000, 9, {"std": 1.0}, 1.0)]
    return finish(part)


def test_engine_confirms_a_failure_on_the_redraw_only():
    assert _claim_with(1.0, None).verdict == "confirmed"
    # stage 1 fails (10 SE), the independent re-draw agrees with both forms: not a failure
    v = _claim_with(1.1, 1.0)
    mc = [e for e in v.evidence if e.kind == "monte-carlo"]
    assert v.verdict == "confirmed" and all(e.passed for e in mc) and mc[0].data["z_redraw"] == pytest.approx(0)
    # both draws fail: the derivation is contradicted -> undecided (the rule never hides it)
    v = _claim_with(1.1, 1.1)
    assert v.verdict == "undecided" and "z_redraw" in v.evidence[-1].data


def _row(first_z, second_z):
    est1 = Estimate(np.array(1.0 + first_z * 0.01), np.array(0.01), n=100, seed=1)
    est2 = Estimate(np.array(1.0 + second_z * 0.01), np.array(0.01), n=100, seed=2)
    thr = z_threshold(5)
    row = core_checks._score("D_alpha", "net", est1, 1.0, thr, {}, (est1, (None, None, {}), lambda: est2))
    return core_checks._confirm(row, 1.0, thr)


def test_check_row_is_failed_only_when_the_redraw_fails():
    ok = _row(0.2, 99.0)
    assert ok.passed and ok.z_stage1 is None                     # no stage-1 failure, no re-draw
    cleared = _row(8.0, 0.5)
    assert cleared.passed and cleared.z_stage1 == pytest.approx(8.0) and cleared.z == pytest.approx(0.5)
    failed = _row(8.0, -7.0)
    assert not failed.passed and failed.z == pytest.approx(-7.0)

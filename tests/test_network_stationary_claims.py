"""Network-level stationary claims (Prop. 5.2 (ii) for SGD on the full network): the evidence of each bespoke
check, the verdict it implies, the level named in every summary, and mutations that must be rejected.  The checks
are called directly (symdln.papers.corlouer2026._network_checks)."""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from symdln.paperkit import Spec
from symdln.papers.corlouer2026 import _network_checks as nc

COND = Spec(check="network_variance", condition="the minimum is balanced (A1) on mode alpha")


def _by_scope(evs, scope):
    return [e for e in evs if e.data.get("scope", "printed") == scope]


def test_variance_is_conditional_on_balance_at_network_level():
    evs, extra = nc.check_variance(None, COND, seed=0, fast=True)
    assert all(e.passed for e in _by_scope(evs, "derived"))
    assert _by_scope(evs, "condition") and all(e.passed for e in _by_scope(evs, "condition"))
    printed = _by_scope(evs, "printed")
    assert printed and not any(e.passed for e in printed)          # unbalanced minimum: Eq. (18) fails
    mc = [e for e in printed if e.kind == "monte-carlo"][0].data    # ... and SGD measures the network value
    assert abs(mc["z_net"]) < mc["z_crit"] and mc["z_eq18"] > mc["z_crit"]
    assert all("network level" in e.summary for e in evs if e.data.get("scope") != "derived")
    assert sp.Symbol("rho_alpha", positive=True) in extra["derived"].free_symbols   # the balance ratio shows


def test_mean_order_confirmed_and_1d_law_rejected_by_monte_carlo():
    evs, _ = nc.check_mean_order(None, Spec(), seed=0, fast=True)
    assert all(e.passed for e in evs)
    mc = [e for e in evs if e.kind == "monte-carlo"][0].data
    assert abs(mc["z_net"]) < mc["z_crit"] and mc["z_1d"] < -mc["z_crit"]
    assert mc["se"] > 0 and np.isfinite(mc["measured"])


def test_mean_above_refuted_at_network_level():
    evs, extra = nc.check_mean_above(None, Spec(), seed=0, fast=True)
    printed = _by_scope(evs, "printed")
    assert printed and not any(e.passed for e in printed)
    assert all(e.passed for e in _by_scope(evs, "derived"))
    assert all("network level" in e.summary for e in printed)


def test_closed_form_evidence_rejects_mutations():
    rows = [dict(r) for r in nc.exact_points()]
    assert nc.closed_form_evidence(rows, "shift").passed and nc.closed_form_evidence(rows, "var").passed
    drop_width = [dict(r, closed_shift=r["closed_shift"] * 2 / (r["d0"] + r["dL"])) for r in rows]
    assert not nc.closed_form_evidence(drop_width, "shift").passed
    wrong_exp = [dict(r, closed_var=r["closed_var"] * r["s"] ** sp.Rational(1, r["L"])) for r in rows]
    assert not nc.closed_form_evidence(wrong_exp, "var").passed
    one_d = [dict(r, closed_shift=r["one_d_shift"]) for r in rows]
    assert not nc.closed_form_evidence(one_d, "shift").passed

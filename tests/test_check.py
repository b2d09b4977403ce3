"""``symdln check``: the correct closed forms pass; deliberately wrong variants are rejected by the same
Monte Carlo comparison (same estimates, same Bonferroni threshold).  Both directions are asserted."""
import json

import numpy as np
import pytest

from symdln import checks_suite
from symdln.cli import main
from symdln.modes import _check_eta_b, _diffusion_core, diffusion, ito_drift, ito_terms, mode_vectors
from symdln.noise import commutation_matrix, population_gradient, sigma_block


@pytest.fixture(scope="module")
def report():
    return checks_suite.run_checks(fast=True, seed=0)


# -- wrong variants (mutants) of each closed form ------------------------------------------------------
def grad_sign_flipped(net, t):
    return [-G for G in population_gradient(net, t)]


def grad_paper_printed(net, t):
    """Prop. 3.1 as printed: vec G_l = -(W_{<l} kron W_{>l}) vec Delta (defined only when d_l = d_L)."""
    D = t.M - net.end_to_end()
    if any(w != net.d_out for w in net.widths[1:]):
        return population_gradient(net, t)          # undefined: fall back to the correct form (not counted)
    return [-(net.above(l) @ D @ net.below(l).T) for l in range(1, net.depth + 1)]


def sigma_no_commutation(net, t, l, m):
    D = t.M - net.end_to_end()
    Al, Am, Bl, Bm = net.below(l), net.below(m), net.above(l).T, net.above(m).T
    return np.kron(Al @ Am.T, Bl @ (D @ D.T + t.Sigma_q) @ Bm.T)


def sigma_no_label(net, t, l, m):
    return sigma_block(net, t.with_label_noise(np.zeros_like(t.Sigma_q)), l, m)


def sigma_paper_printed_J(net, t, l, m):
    """Prop. 3.2 data term with the printed J_l = W_{<l}^T kron W_{>l}^T (needs d_l = d_m = d_L)."""
    if any(w != net.d_out for w in net.widths[1:]):
        return sigma_block(net, t, l, m)
    D = t.M - net.end_to_end()
    d0 = net.d_in
    I2C = np.eye(d0 * d0) + commutation_matrix(d0, d0)
    IkD = np.kron(np.eye(d0), D)
    Jl, Jm = np.kron(net.below(l).T, net.above(l).T), np.kron(net.below(m).T, net.above(m).T)
    label = np.kron(net.below(l) @ net.below(m).T, net.above(l).T @ t.Sigma_q @ net.above(m))
    return Jl.T @ IkD @ I2C @ IkD.T @ Jm + label


def _K(net, u, v, transpose_below=False):
    K = 0
    for l in range(1, net.depth + 1):
        A, B = net.above(l), net.below(l)
        BB = B @ B.T if transpose_below else B.T @ B
        K = K + np.outer(A @ (A.T @ u), BB @ v)
    return K


def _diff_variant(drop_c=False, drop_label=False, transpose=False, factor="eta/b"):
    def fn(net, t, alpha, beta=None, *, eta=1.0, b=1):
        beta = alpha if beta is None else beta
        if transpose and any(w != net.d_in for w in net.widths):
            return diffusion(net, t, alpha, beta, eta=eta, b=b)
        D = t.M - net.end_to_end()
        Ka = _K(net, *mode_vectors(t, alpha), transpose)
        Kb = _K(net, *mode_vectors(t, beta), transpose)
        Ea, Eb = D.T @ Ka, D.T @ Kb
        val = np.sum(Ea * Eb) + (0 if drop_c else np.sum(Ea * Eb.T)) + (0 if drop_label else np.sum(Ka * (t.Sigma_q @ Kb)))
        return {"eta/b": eta / b, "eta": eta, "1/b": 1 / b, "eta/2b": eta / (2 * b)}[factor] * val
    return fn


def ito_no_trace(net, t, alpha, *, eta=1.0, b=1):
    data, _, label = ito_terms(net, t, alpha)
    return _check_eta_b(eta, b) * (data + label)


def ito_wrong_factor(net, t, alpha, *, eta=1.0, b=1):
    return ito_drift(net, t, alpha, eta=eta, b=1)          # forgot the batch size


def ito_no_label(net, t, alpha, *, eta=1.0, b=1):
    data, trace, _ = ito_terms(net, t, alpha)
    return _check_eta_b(eta, b) * (data + trace)


MUTANTS = [
    ("gradient", "sign flipped", grad_sign_flipped),
    ("gradient", "paper's printed Prop 3.1 vec form", grad_paper_printed),
    ("sigma_block", "commutation matrix dropped", sigma_no_commutation),
    ("sigma_block", "label term dropped", sigma_no_label),
    ("sigma_block", "paper's printed J_l (transposed W_>l)", sigma_paper_printed_J),
    ("D_alpha", "commutation term dropped", _diff_variant(drop_c=True)),
    ("D_alpha", "label term dropped", _diff_variant(drop_label=True)),
    ("D_alpha", "W_<l W_<l^T instead of W_<l^T W_<l", _diff_variant(transpose=True)),
    ("D_alpha", "eta instead of eta/b", _diff_variant(factor="eta")),
    ("D_alpha", "eta/(2b) instead of eta/b", _diff_variant(factor="eta/2b")),
    ("D_alpha_beta", "commutation term dropped", _diff_variant(drop_c=True)),
    ("D_alpha_beta", "W_<l W_<l^T instead of W_<l^T W_<l", _diff_variant(transpose=True)),
    ("D_alpha_beta", "eta instead of eta/b", _diff_variant(factor="eta")),
    ("ito_drift", "tr(N Delta) term dropped", ito_no_trace),
    ("ito_drift", "label term dropped", ito_no_label),
    ("ito_drift", "eta instead of eta/b", ito_wrong_factor),
]


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
    # a wrong closed form makes the command exit 1
    wrong = dict(checks_suite.default_closed_forms(), gradient=grad_sign_flipped)
    monkeypatch.setattr(checks_suite, "default_closed_forms", lambda: wrong)
    assert main(["check", "--fast", "--quiet"]) == 1
    assert "FAILED" in capsys.readouterr().out
    assert main(["check", "--seed", "-1", "--quiet"]) == 2


@pytest.mark.slow
def test_false_alarm_rate_is_about_the_stated_level():
    """20 fast runs with the correct forms: P(>= 3 failures | rate 1 %) ~ 1e-3."""
    res = checks_suite.false_alarm_study(20)
    assert res["failed_runs"] <= 2 and 0.02 < res["frac_abs_z_gt_2"] < 0.08

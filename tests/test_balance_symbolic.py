"""The SymPy balance derivations (symdln.symbolic.balance) against the numeric core (symdln.balance_drift):
the per-mode Ito rate on the aligned balanced manifold, the depth-2 gauge fixed point and its rate."""
import numpy as np
import pytest
import sympy as sp

from symdln.balance_drift import balance_drift_sde
from symdln.network import Teacher, aligned_balanced
from symdln.symbolic import derive
from symdln.symbolic.balance import aligned_balance_rate, d0, dL, l_, r_, sb, wb
from symdln.symbolic.symbols import L, s, sigma_q, w


def _case(Lv, lv):
    if Lv == 2:
        return "depth2"
    return "first" if lv == 1 else "last" if lv == Lv - 1 else "interior"


def _evaluate(expr, Lv, lv, ws, ss, sig, din, dout, alpha):
    sub = {L: Lv, l_: lv, r_: len(ws), sigma_q: sig, d0: din, dL: dout, w: ws[alpha], s: ss[alpha]}
    e = expr.subs(sub).doit()
    e = e.subs({wb[k + 1]: ws[k] for k in range(len(ws))}).subs({sb[k + 1]: ss[k] for k in range(len(ws))})
    return float(e)


@pytest.mark.parametrize("Lv", [2, 3, 4])
def test_per_mode_rate_matches_numeric(Lv):
    sig, ss, ws = 0.3, [2.0, 0.8], [1.3, 0.5]
    T = Teacher.from_singular_values(ss, 4, 3, sigma_q=sig, rng=9)
    widths = (3,) + (5,) * (Lv - 1) + (4,)
    net = aligned_balanced(T, ws, widths, gauge="identity")
    ito = balance_drift_sde(net, T, eta=0.05, b=1)["ito"]
    for lv in range(1, Lv):
        expr = aligned_balance_rate(_case(Lv, lv))
        for a in range(2):
            pred = 0.05 * _evaluate(expr, Lv, lv, ws, ss, sig, 3, 4, a)
            # hidden frames are the standard basis: mode a is entry (a, a) of D_l; O(1) numbers, float64 rounding
            assert ito[lv - 1][a, a] == pytest.approx(pred, rel=1e-9, abs=1e-12)
        assert np.abs(ito[lv - 1] - np.diag(np.diag(ito[lv - 1]))).max() < 1e-12   # stays diagonal (aligned)
    # mutation: input and output widths swapped in the formula is rejected (d_0 = 3 != d_L = 4)
    expr = aligned_balance_rate(_case(Lv, 1))
    wrong = 0.05 * _evaluate(expr, Lv, 1, ws, ss, sig, 4, 3, 0) if Lv == 2 else None
    if wrong is not None:
        assert abs(ito[0][0, 0] - wrong) > 1e-3


def test_depth2_gauge_fixed_point_and_rate():
    d = derive("balance_gauge_depth2")
    iso = d.extra["isotropic"]
    sig, sv, din, dout, beta = 0.5, 1.7, 3, 6, 0.01
    Dstar = float(iso["D_star"].subs({s: sv, d0: din, dL: dout}))
    lam = float(iso["rate"].subs({sigma_q: sig, d0: din, dL: dout}))
    T = Teacher.from_singular_values([sv], dout, din, sigma_q=sig, rng=10)
    q1 = (-Dstar + np.sqrt(Dstar ** 2 + 4 * sv ** 2)) / 2
    base = aligned_balanced(T, [sv], (din, 2, dout), gauge="identity")
    W1, W2 = base.layers
    scale = np.sqrt(q1 / sv)                                 # |W_1 v|^2 = q1 at the fixed point
    net = type(base)([W1 * scale, W2 / scale])
    ito = balance_drift_sde(net, T, eta=beta, b=1)["ito"][0]
    assert abs(ito[0, 0]) < 1e-12                            # stationary gauge: zero Ito drift
    # numeric derivative of the drift along the fibre at D*: -beta lambda
    h = 1e-5
    def drift_at(D):
        q = (-D + np.sqrt(D ** 2 + 4 * sv ** 2)) / 2
        c = np.sqrt(q / sv)
        return balance_drift_sde(type(base)([W1 * c, W2 / c]), T, eta=beta, b=1)["ito"][0][0, 0]
    slope = (drift_at(Dstar + h) - drift_at(Dstar - h)) / (2 * h)
    assert slope == pytest.approx(-beta * lam, rel=1e-6)     # central difference error O(h^2) ~ 1e-10
    assert abs(slope + beta * 2 * sig ** 2 * din) > 1e-4     # mutation: the balanced-width rate d_0 = d_2 is wrong here


def test_registered_balance_derivations_run():
    for q in ("balance_step_identity", "balance_noise_moments", "balance_gauge_rank1"):
        assert derive(q).steps
    at_min = derive("balance_drift_aligned").extra["single_mode_at_minimum"]
    assert at_min["interior"] == 0
    assert sp.simplify(at_min["last"] - s ** (2 * (L - 1) / L) * sigma_q ** 2 * (dL - 1)) == 0

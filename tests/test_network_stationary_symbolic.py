"""Closed forms of the full-network stationary moments (symdln.symbolic.network_stationary), checked EXACTLY (rational
arithmetic) against the unstructured function-space algorithm on explicit rectangular networks with rational
orthonormal frames, and in floats against symdln.network_stationary_moments; mutations must be rejected."""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from symdln import DLN, Teacher, network_stationary_moments
from symdln.symbolic import derive
from symdln.symbolic._aligned_check import aligned_net
from symdln.symbolic._linalg import rational_orthonormal
from symdln.symbolic.network_stationary import (T_, balanced_shift, d0, dL, exact_network_moments, r, rho)
from symdln.symbolic.symbols import L, beta, s, sigma_q

TEMP = sp.Rational(3, 200)          # beta sigma_q^2 / 2 at an exact rational point


def _depth2(widths, svals, avals, seed=0):
    k = len(svals)
    V, Q, U = (rational_orthonormal(d, k, seed * 97 + i + 1) for i, d in enumerate(widths))
    cvals = [sv / av for sv, av in zip(svals, avals)]
    return [Q * sp.diag(*avals) * V.T, U * sp.diag(*cvals) * Q.T], U, V


@pytest.mark.parametrize("widths,svals,avals", [
    ((3, 4, 2), [sp.Integer(4), sp.Rational(9, 4)], [sp.Integer(2), sp.Rational(3, 2)]),        # balanced
    ((2, 3, 3), [sp.Integer(2), sp.Rational(1, 2)], [sp.Integer(3), sp.Rational(1, 3)]),        # unbalanced
])
def test_depth2_closed_form_exact(widths, svals, avals):
    layers, U, V = _depth2(widths, svals, avals)
    ex = exact_network_moments(layers, U, V, temperature=TEMP)
    form = derive("network_stationary_depth2").extra
    k = len(svals)
    for a in range(k):
        rh = avals[a] ** 2 / svals[a]
        sub = {beta * sigma_q ** 2: 2 * TEMP, d0: widths[0], dL: widths[-1], r: k, rho: rh, s: svals[a]}
        sub_ = lambda e: sp.simplify(e.subs(sigma_q, sp.sqrt(2 * TEMP / beta)).subs(sub))   # noqa: E731
        assert sp.simplify(sub_(form["shift"]) - ex["mean_shift"][a]) == 0
        assert sp.simplify(sub_(form["variance"]) - ex["variance"][a]) == 0
        # mutations: the width factor dropped (the 1-D law), the gauge ignored
        assert sp.simplify(sub_(form["shift"].subs({d0: 1, dL: 1})) - ex["mean_shift"][a]) != 0
        if rh != 1:
            assert sp.simplify(sub_(form["variance"].subs(rho, 1)) - ex["variance"][a]) != 0


@pytest.mark.parametrize("widths,roots", [((2, 3, 3, 3), [sp.Integer(2), sp.Rational(1, 2)]),
                                          ((3, 2, 4, 2), [sp.Rational(3, 2), sp.Rational(2, 3)])])
def test_depthL_balanced_closed_form_exact(widths, roots):
    LL = len(widths) - 1
    svals = [x ** LL for x in roots]
    net = aligned_net(widths, roots, svals, seed=1)
    ex = exact_network_moments(net.layers, net.U, net.V, temperature=TEMP)
    for a in range(len(roots)):
        got = balanced_shift(LL, svals, a, widths, TEMP)
        assert sp.simplify(got - ex["mean_shift"][a]) == 0
        assert ex["variance"][a] == TEMP * LL * roots[a] ** (2 * LL - 2)
        # mutations: extra directions dropped; the 1-D law (self term only); wrong exponent in the variance
        one_d = -TEMP * (LL - 1) * svals[a] ** sp.Rational(LL - 2, LL)
        assert sp.simplify(one_d - ex["mean_shift"][a]) != 0
        assert sp.simplify(balanced_shift(LL, svals, a, (len(roots),) * 2, TEMP) - ex["mean_shift"][a]) != 0
        assert ex["variance"][a] != TEMP * LL * roots[a] ** (2 * LL - 1)


def test_exact_algorithm_matches_float_network_stationary_moments():
    widths, roots = (3, 2, 4, 2), [sp.Rational(3, 2), sp.Integer(1)]
    LL = 3
    svals = [x ** LL for x in roots]
    net = aligned_net(widths, roots, svals, seed=1)
    ex = exact_network_moments(net.layers, net.U, net.V, temperature=TEMP)
    f = lambda Mx: np.array(Mx.tolist(), dtype=float)   # noqa: E731
    eta = 0.01                                           # beta sigma_q^2 / 2 = TEMP with sigma_q^2 = 2 TEMP / eta
    T = Teacher(f(net.U), np.array([float(x) for x in svals]), f(net.V), 2 * float(TEMP) / eta * np.eye(widths[-1]))
    res = network_stationary_moments(DLN([f(w) for w in net.layers]), T, eta=eta, b=1)
    # float64 eigen-solves of a 8 x 8 K: ~1e-14 relative; 1e-9 is far below any wrong term (~1e-3 relative)
    assert np.allclose(res.mean_shift, [float(x) for x in ex["mean_shift"]], rtol=1e-9, atol=0)
    assert np.allclose(res.variance, [float(x) for x in ex["variance"]], rtol=1e-9, atol=0)


def test_balanced_depth2_shift_is_width_times_1d_law():
    d = derive("network_stationary_depth2").extra
    assert sp.simplify(d["shift"].subs(rho, 1) + (d0 + dL) * T_ / 2) == 0


@pytest.mark.slow
def test_depthL_self_term_is_the_1d_law():
    """The self pair alone reproduces the registered 1-D law (stationary_mean_expansion, derived independently
    from the scalar SDE); everything else is what the reduction drops."""
    dl = derive("network_stationary_depthL")
    assert dl.extra["self"] != 0
    oned = derive("stationary_mean_expansion").extra["shift"]
    assert sp.simplify(T_ * dl.extra["self"] - oned) == 0
    assert sp.simplify(T_ * dl.extra["extra"] - oned) != 0
    # the registered expression (sum over every teacher mode) = the evaluator at an explicit point
    LL, svals, widths = 3, [sp.Rational(27, 8), sp.Rational(8, 27)], (3, 2, 4, 2)
    e = dl.expr[0].subs({L: LL, r: 2, d0: widths[0], dL: widths[-1]}).doit()
    e = e.subs({sp.IndexedBase("s")[1]: svals[0], sp.IndexedBase("s")[2]: svals[1]}).subs(s, svals[0])
    e = e.subs(sigma_q, sp.sqrt(2 * TEMP / beta))
    assert sp.simplify(e - balanced_shift(LL, svals, 0, widths, TEMP)) == 0


def test_general_aligned_gauge_closed_form_exact():
    """Depth 3, rectangular, a different amplitude on every layer and mode (unbalanced, aligned)."""
    from symdln.symbolic.network_stationary import aligned_moments
    widths = (3, 2, 4, 2)
    amps = [[sp.Integer(2), sp.Rational(1, 2)], [sp.Rational(1, 3), sp.Integer(3)], [sp.Rational(3, 2), sp.Integer(1)]]
    k, LL = 2, 3
    frames = [rational_orthonormal(d, k, 7 * 97 + i + 1) for i, d in enumerate(widths)]
    layers = [frames[l + 1] * sp.diag(*amps[l]) * frames[l].T for l in range(LL)]
    ex = exact_network_moments(layers, frames[-1], frames[0], temperature=TEMP)
    for a in range(k):
        m, v = aligned_moments(amps, widths, a, TEMP)
        assert sp.simplify(m - ex["mean_shift"][a]) == 0 and sp.simplify(v - ex["variance"][a]) == 0
        # mutation: swapping two layers' amplitudes (same end-to-end map, other gauge) changes the moments
        m2, v2 = aligned_moments([amps[1], amps[0], amps[2]], widths, a, TEMP)
        assert sp.simplify(m2 - ex["mean_shift"][a]) != 0 or sp.simplify(v2 - ex["variance"][a]) != 0

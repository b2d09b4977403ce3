"""Balance matrices under SGD (symdln.balance_drift): exact one-step identity, closed form vs dense Sigma,
closed form vs a Monte Carlo of explicit SGD steps, and the label-noise gauge force at a minimum.

Statistical assertions: two-sided z-tests on every upper-triangular entry of every D_l, Bonferroni-corrected,
family-wise false-alarm rate FWER = 1e-3 per test (fixed seeds, so a run is reproducible).
"""
import numpy as np
import pytest
from scipy.stats import norm

from symdln import SymdlnInputError
from symdln.balance_drift import (balance_drift, balance_drift_dense, balance_drift_sde, balance_matrices,
                                  mc_balance_step, noise_gauge_force, sgd_step, step_change)
from symdln.network import DLN, Teacher, aligned_balanced, small_gaussian_init

FWER = 1e-3


def _teacher(sigma_q=0.5):
    return Teacher.from_singular_values([3.0, 1.5], 3, 4, sigma_q=sigma_q, rng=7)


def _nets(T):
    return {"generic": small_gaussian_init((4, 3, 5, 3), 0.5, rng=1),
            "aligned": aligned_balanced(T, [2.0, 0.7], (4, 3, 5, 3), rng=3)}


def _max_z(mean, se, ref):
    zs, m = [], 0
    for a, s, r in zip(mean, se, ref):
        iu = np.triu_indices(a.shape[0])
        zs.append(np.abs((a - r) / s)[iu].max())
        m += len(iu[0])
    return max(zs), norm.isf(FWER / (2 * m))


def test_first_order_terms_cancel_for_any_error_matrix():
    rng = np.random.default_rng(0)
    net = small_gaussian_init((3, 4, 2, 5), 0.0, rng=2)
    for _ in range(5):
        E = rng.standard_normal((5, 3))
        eta = float(rng.uniform(0.01, 1.0))
        direct = [a - b for a, b in zip(balance_matrices(sgd_step(net, E, eta)), balance_matrices(net))]
        for d, c in zip(direct, step_change(net, E, eta)):
            # both sides are O(eta^2 |G|^2) ~ 1e2; float64 rounding of the direct difference ~1e-12
            assert np.allclose(d, c, rtol=1e-9, atol=1e-10)
    # mutation: a first-order term that does not cancel (W_{l+1}^T G_{l+1} replaced by its transpose)
    # would have to show up in the direct difference; a transposed error matrix gives a different change
    E = rng.standard_normal((5, 3))
    wrong = step_change(net, E[::-1, ::-1].copy(), 0.5)
    direct = [a - b for a, b in zip(balance_matrices(sgd_step(net, E, 0.5)), balance_matrices(net))]
    assert max(np.abs(d - w).max() for d, w in zip(direct, wrong)) > 1e-3


@pytest.mark.parametrize("b", [1, 3])
def test_closed_form_matches_dense_sigma(b):
    T = _teacher()
    for net in _nets(T).values():
        fast = balance_drift(net, T, eta=0.3, b=b).total
        dense = balance_drift_dense(net, T, eta=0.3, b=b)
        for f, d in zip(fast, dense):
            # same quantity by two routes; entries O(1..1e2), rounding of O(d^3) products ~1e-13 relative
            assert np.allclose(f, d, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("kind,b", [("generic", 1), ("generic", 4), ("aligned", 1), ("aligned", 4)])
def test_one_step_monte_carlo(kind, b):
    T = _teacher()
    net = _nets(T)[kind]
    d = balance_drift(net, T, eta=0.3, b=b)
    mean, se = mc_balance_step(net, T, eta=0.3, b=b, n=40000, rng=11)
    z, thr = _max_z(mean, se, d.total)
    assert z < thr, (z, thr)


def test_monte_carlo_rejects_mutations():
    """Each wrong variant is rejected at the same Bonferroni threshold at some tested setting."""
    T = _teacher()
    net = _nets(T)["generic"]
    for b, variants in ((1, ("no_noise", "no_population", "no_noise_gg")), (4, ("b_squared", "no_1_over_b"))):
        d = balance_drift(net, T, eta=0.3, b=b)
        mean, se = mc_balance_step(net, T, eta=0.3, b=b, n=40000, rng=12)
        gg = [p / 0.3 ** 2 for p in d.population]
        wrong = {"no_noise": d.population,
                 "no_population": d.noise,
                 "no_noise_gg": [t - 0.3 ** 2 / b * g for t, g in zip(d.total, gg)],
                 "b_squared": [p + q / b for p, q in zip(d.population, d.noise)],
                 "no_1_over_b": [p + q * b for p, q in zip(d.population, d.noise)]}
        for name in variants:
            z, thr = _max_z(mean, se, wrong[name])
            assert z > thr, (name, z, thr)


def test_aligned_balanced_has_no_discretisation_part():
    T = _teacher()
    net = _nets(T)["aligned"]
    for p in balance_drift(net, T, eta=0.3, b=2).population:
        assert np.abs(p).max() < 1e-12           # exactly 0 in exact arithmetic; entries of W are O(1)
    gen = balance_drift(_nets(T)["generic"], T, eta=0.3, b=2).population
    assert max(np.abs(p).max() for p in gen) > 1e-3


def test_gauge_force_at_a_minimum_depth2():
    sig = 0.4
    T = Teacher.from_singular_values([2.0, 1.0], 4, 3, sigma_q=sig, rng=8)
    net = aligned_balanced(T, [2.0, 1.0], (3, 5, 4), rng=0)
    W1, W2 = net.layers
    net = DLN([3.0 * W1, W2 / 3.0])                  # another point of the minimum (gauge G = 3 I)
    (F,) = noise_gauge_force(net, T.Sigma_q)
    W1, W2 = net.layers
    expect = sig ** 2 * (4 * W1 @ W1.T - 3 * W2.T @ W2)     # sigma^2 (d_2 W1 W1^T - d_0 W2^T W2)
    assert np.allclose(F, expect, atol=1e-12)
    rates = balance_drift_sde(net, T, eta=0.02, b=2)
    assert np.allclose(rates["ito"][0], 0.01 * F, atol=1e-12)
    assert np.abs(rates["discretisation"][0]).max() < 1e-12   # Delta = 0 at the minimum
    # mutation: the widths swapped (d_0 <-> d_2) is not the force
    assert np.abs(F - sig ** 2 * (3 * W1 @ W1.T - 4 * W2.T @ W2)).max() > 1e-2


def test_monte_carlo_is_reproducible_and_checks_input():
    T = _teacher()
    net = _nets(T)["generic"]
    a = mc_balance_step(net, T, eta=0.1, b=2, n=50, rng=5)[0]
    c = mc_balance_step(net, T, eta=0.1, b=2, n=50, rng=5)[0]
    assert all(np.array_equal(x, y) for x, y in zip(a, c))
    with pytest.raises(SymdlnInputError, match="b"):
        balance_drift(net, T, eta=0.1, b=0)
    with pytest.raises(SymdlnInputError, match="E"):
        step_change(net, np.zeros((2, 2)), 0.1)

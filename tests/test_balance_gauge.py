"""The label-noise gauge (symdln.balance_gauge.noise_gauge) and the compensator of a training run
(balance_compensator): realised D_l(k) - D_l(0) minus the summed exact expectation is a martingale.

Statistical assertion: two-sided z-tests across independent trajectories on every upper-triangular entry,
Bonferroni-corrected, family-wise false-alarm rate 1e-3."""
import numpy as np
import pytest
from scipy.stats import norm

from symdln.balance_drift import noise_gauge_force
from symdln.balance_gauge import balance_compensator, noise_gauge
from symdln.network import DLN, Teacher, small_gaussian_init


def test_depth2_rate_and_rank1_ratios():
    g = noise_gauge([1.7], depth=2, d_in=3, d_out=6, sigma_q=0.5, beta=0.01)
    # closed form (derive("balance_gauge_depth2")): 2 beta sigma^2 d0 d2 / (d0 + d2); root solve to 1e-9
    assert g["rates"][0] == pytest.approx(0.01 * 2 * 0.25 * 18 / 9, rel=1e-6)
    assert g["q"][1, 0] / g["q"][0, 0] == pytest.approx(6 / 3, rel=1e-8)
    g4 = noise_gauge([1.7], depth=4, d_in=3, d_out=6, sigma_q=0.5)
    assert np.allclose(g4["q"][:, 0] / g4["q"][1, 0], [3, 1, 1, 6], rtol=1e-8)   # d_0 : 1 : 1 : d_L
    assert np.prod(g4["q"][:, 0]) == pytest.approx(1.7 ** 2, rel=1e-10)
    assert np.all(g4["rates"] > 0) and g4["max_imag"] < 1e-8


def test_multi_mode_gauge_is_a_zero_of_the_network_force():
    s = np.array([4.0, 2.0, 1.0, 0.5])
    T = Teacher.from_singular_values(s, 6, 5, sigma_q=0.3, rng=1)
    g = noise_gauge(s, depth=3, d_in=5, d_out=6, sigma_q=0.3)
    q = g["q"]
    W1 = np.zeros((4, 5)); W1[:, :] = np.sqrt(q[0])[:, None] * T.V.T
    W2 = np.diag(np.sqrt(q[1]))
    W3 = T.U * np.sqrt(q[2])
    net = DLN([W1, W2, W3])
    assert np.abs(net.end_to_end() - T.M).max() < 1e-12
    F = noise_gauge_force(net, T.Sigma_q)
    assert max(np.abs(f).max() for f in F) < 1e-9          # entries O(1); solver tolerance 1e-9 relative
    # mutation: the balanced gauge is not a zero
    bal = DLN([np.sqrt(s ** (2 / 3))[:, None] * T.V.T, np.diag(s ** (1 / 3)), T.U * s ** (1 / 3)])
    assert max(np.abs(f).max() for f in noise_gauge_force(bal, T.Sigma_q)) > 1e-2


def test_compensator_is_a_martingale():
    T = Teacher.from_singular_values([2.0, 1.0], 4, 3, sigma_q=0.3, rng=2)
    net = small_gaussian_init((3, 4, 4, 4), 1.5, rng=0)
    runs = [balance_compensator(net, T, eta=0.02, b=2, steps=150, rng=100 + k, n_checkpoints=2) for k in range(30)]
    m = 0
    zmax = 0.0
    for l in range(2):
        diff = np.array([r["realised"][l][-1] - r["predicted"][l][-1] for r in runs])
        iu = np.triu_indices(diff.shape[1])
        z = diff.mean(0) / (diff.std(0, ddof=1) / np.sqrt(len(runs)))
        zmax = max(zmax, np.abs(z[iu]).max())
        m += len(iu[0])
        # mutation: dropping the noise part of the prediction is rejected
        wrong = np.array([r["realised"][l][-1] - r["discretisation"][l][-1] for r in runs])
        zw = wrong.mean(0) / (wrong.std(0, ddof=1) / np.sqrt(len(runs)))
        assert np.abs(zw[iu]).max() > norm.isf(1e-3 / (2 * len(iu[0]) * 2))
    assert zmax < norm.isf(1e-3 / (2 * m))

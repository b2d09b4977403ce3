"""Numeric core, Monte Carlo: estimators agree with the closed forms within their standard errors.

Every statistical assertion is a two-sided z-test at the stated level; where a test compares several
entries the threshold is Bonferroni-corrected (family-wise false-alarm rate 1e-3 per test).
"""
import numpy as np
import pytest
from scipy.stats import norm

from _core_strategies import random_setting
from symdln import DLN, SymdlnInputError
from symdln.modes import diffusion, gradient_drift, ito_drift, mode_hessian_dense
from symdln.montecarlo import (
    Estimate, mc_diffusion, mc_gradient, mc_ito_drift, mc_one_step, mc_sigma_block, second_order_coefficient,
)
from symdln.network import vec
from symdln.noise import per_sample_gradients, population_gradient, sample_data, sigma_block

FWER = 1e-3


def _thr(m):
    return norm.isf(FWER / (2 * m))


def test_estimate_z_scalars_and_arrays():
    e = Estimate(1.5, 0.5, n=10, seed=1)
    assert e.z(1.0) == pytest.approx(1.0)
    ea = Estimate(np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, 0.0]), n=10)
    assert np.array_equal(ea.z([0.0, 2.0, 4.0]), [1.0, 0.0, -np.inf])
    assert ea.max_abs_z([0.0, 2.0, 3.0]) == 1.0   # exact: (1 - 0) / 1; the zero-SE entries match exactly
    assert e.to_json() == {"value": 1.5, "se": 0.5, "n": 10, "seed": 1}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mc_matches_closed_forms(seed):
    net, t = random_setting(100 + seed, min_depth=2 + seed, max_depth=2 + seed, min_width=2, max_width=3, label="aniso", aligned=False)
    n = 60_000
    G = population_gradient(net, t)
    est = mc_gradient(net, t, n, seed)
    assert max(e.max_abs_z(g) for e, g in zip(est, G)) < _thr(sum(g.size for g in G))
    L = net.depth
    e = mc_sigma_block(net, t, L, 1, n, seed + 7, chunk=5000)
    assert e.max_abs_z(sigma_block(net, t, L, 1)) < _thr(e.value.size)
    for a in range(t.n_modes):
        d = mc_diffusion(net, t, a, n=n, rng=seed, eta=0.2, b=3)
        assert abs(d.z(diffusion(net, t, a, eta=0.2, b=3))) < _thr(1)
        mu = mc_ito_drift(net, t, a, n=n, rng=seed, eta=0.2, b=3)
        assert abs(mu.z(ito_drift(net, t, a, eta=0.2, b=3))) < _thr(1)


def test_mc_rejects_wrong_eta_b_factor():
    net, t = random_setting(7, min_depth=2, max_depth=3, min_width=2, max_width=3, label="iso", aligned=False)
    d = mc_diffusion(net, t, 0, n=50_000, rng=0, eta=0.5, b=2)
    assert abs(d.z(diffusion(net, t, 0, eta=0.5, b=2))) < _thr(1)
    assert abs(d.z(diffusion(net, t, 0, eta=0.5, b=1))) > _thr(1)   # forgot the batch size


def _direct_w(net, u, v, grads, eta):
    """w(theta - eta g_x) per sample, by multiplying the updated layers (no expansion)."""
    z = np.broadcast_to(v, (grads[0].shape[0], v.size))
    for W, g in zip(net.layers, grads):
        z = z @ W.T - eta * np.einsum("nij,nj->ni", g, z)
    return z @ u


@pytest.mark.parametrize("seed", [3, 4])
def test_second_order_coefficient_is_the_eta2_coefficient(seed):
    net, t = random_setting(seed, min_depth=seed - 1, max_depth=4, max_width=3, aligned=False)
    u, v = t.U[:, 0], t.V[:, 0]
    X, Y = sample_data(t, 20, seed)
    g = per_sample_gradients(net, t, X, Y)
    L = net.depth
    etas = np.linspace(-1.0, 1.0, L + 1)                                   # w(theta - eta g) has degree L in eta
    vals = np.array([_direct_w(net, u, v, g, e) for e in etas])            # (L+1, n)
    coef = np.linalg.solve(np.vander(etas, L + 1, increasing=True), vals)  # exact interpolation
    c2 = second_order_coefficient(net, u, v, g)
    assert np.allclose(coef[2] if L >= 2 else 0 * c2, c2, atol=1e-9 * max(1.0, np.abs(c2).max()))
    H = mode_hessian_dense(net, u, v)
    gs = np.hstack([gl.transpose(0, 2, 1).reshape(20, -1) for gl in g])
    assert np.allclose(0.5 * np.einsum("ni,ij,nj->n", gs, H, gs), c2, atol=1e-10 * max(1.0, np.abs(c2).max()))


def test_direct_small_eta_step_matches_ito_drift():
    """E[w(theta -+ h g_x)] evaluated directly: the symmetric second difference / h^2 estimates E[c2] + O(h^2)."""
    net, t = random_setting(21, min_depth=3, max_depth=3, min_width=2, max_width=3, label="aniso", aligned=False)
    u, v = t.U[:, 0], t.V[:, 0]
    n, h = 100_000, 1e-3
    X, Y = sample_data(t, n, 5)
    g = per_sample_gradients(net, t, X, Y)
    w0 = float(u @ net.end_to_end() @ v)
    m = (_direct_w(net, u, v, g, h) + _direct_w(net, u, v, g, -h) - 2 * w0) / (2 * h * h)
    gd = 0.5 * second_order_coefficient(net, u, v, [G[None] for G in population_gradient(net, t)])[0] * 2
    est = Estimate(m.mean() - gd, m.std(ddof=1) / np.sqrt(n), n=n)
    assert abs(est.z(ito_drift(net, t, 0))) < _thr(1)
    # and mc_one_step is that same direct evaluation, streamed: E[w(theta - eta g)] - w = eta*drift + O(eta^2)
    one = mc_one_step(net, t, 0, eta=1e-3, n=20_000, rng=1)
    assert abs(one.z(1e-3 * gradient_drift(net, t, 0))) < _thr(1)


def test_bad_inputs():
    net, t = random_setting(5, label="iso")
    with pytest.raises(SymdlnInputError, match="n must"):
        mc_diffusion(net, t, 0, n=1, rng=0)
    with pytest.raises(SymdlnInputError, match="alpha"):
        mc_ito_drift(net, t, t.n_modes, n=10, rng=0)
    with pytest.raises(SymdlnInputError, match="eta"):
        mc_diffusion(net, t, 0, n=10, rng=0, eta=-0.1)
    with pytest.raises(SymdlnInputError, match="m must"):
        mc_sigma_block(net, t, 1, net.depth + 1, 10, 0)
    with pytest.raises(SymdlnInputError, match="n must"):
        mc_gradient(net, t, 1.5, 0)

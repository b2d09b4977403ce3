"""Numeric core, modes: structured D_alpha, D_ab, Ito drift vs dense references (Props. 3.3-3.4)."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from _core_strategies import random_setting
from symdln import DLN, SymdlnInputError, Teacher, aligned_balanced
from symdln.modes import (
    diffusion, diffusion_dense, diffusion_matrix, gradient_drift, ito_drift, ito_drift_dense, ito_terms,
    mode_hessian_dense, mode_jacobian, mode_vector, ntk_direction,
)
from symdln.network import vec
from symdln.noise import population_gradient

seeds = st.integers(0, 2**32 - 1)


def _close(a, b, rel=1e-12):
    # structured and dense differ only by round-off: relative 1e-12 of the largest term involved
    return abs(a - b) <= rel * max(1.0, abs(a), abs(b)) * 100


@given(seed=seeds, eta=st.floats(0.01, 2.0), b=st.integers(1, 8))
@settings(max_examples=40, deadline=None)
def test_structured_equals_dense(seed, eta, b):
    net, t = random_setting(seed)
    r = t.n_modes
    Dm = diffusion_matrix(net, t, eta=eta, b=b)
    for a in range(r):
        for c in range(r):
            dense = diffusion_dense(net, t, a, c, eta=eta, b=b)
            scale = max(1.0, abs(dense))
            assert abs(diffusion(net, t, a, c, eta=eta, b=b) - dense) <= 1e-12 * scale * 10
            assert abs(Dm[a, c] - dense) <= 1e-12 * scale * 10
        dense = ito_drift_dense(net, t, a, eta=eta, b=b)
        assert abs(ito_drift(net, t, a, eta=eta, b=b) - dense) <= 1e-11 * max(1.0, abs(dense))
    assert np.all(np.linalg.eigvalsh(Dm) >= -1e-10 * max(1.0, np.abs(Dm).max()))


@given(seed=seeds)
@settings(max_examples=10, deadline=None)
def test_hessian_and_jacobian_match_finite_differences(seed):
    net, t = random_setting(seed, max_depth=3, max_width=3)
    u, v = t.U[:, 0], t.V[:, 0]
    th, ws = net.theta(), net.widths
    f = lambda x: float(u @ DLN.from_theta(x, ws).end_to_end() @ v)
    P, h = th.size, 1e-4
    E = np.eye(P) * h
    fd_grad = np.array([(f(th + E[i]) - f(th - E[i])) / (2 * h) for i in range(P)])
    assert np.allclose(mode_vector(net, u, v), fd_grad, atol=1e-7)
    H = mode_hessian_dense(net, u, v)
    fd = np.array([[(f(th + E[i] + E[j]) - f(th + E[i] - E[j]) - f(th - E[i] + E[j]) + f(th - E[i] - E[j]))
                    / (4 * h * h) for j in range(P)] for i in range(P)])
    assert np.allclose(H, fd, atol=1e-6)   # central differences: O(h^2) error on O(1) entries
    off = np.concatenate([[0], np.cumsum([ws[i] * ws[i + 1] for i in range(net.depth)])])
    for l in range(net.depth):  # diagonal blocks vanish (w is linear in each layer)
        assert not H[off[l]:off[l + 1], off[l]:off[l + 1]].any()


@given(seed=seeds)
@settings(max_examples=25, deadline=None)
def test_gradient_drift_sign_and_ntk_direction(seed):
    net, t = random_setting(seed)
    D = t.M - net.end_to_end()
    for a in range(t.n_modes):
        u, v = t.U[:, a], t.V[:, a]
        K = ntk_direction(net, u, v)
        gd = gradient_drift(net, t, a)
        assert np.isclose(gd, np.sum(K * D), rtol=1e-10, atol=1e-12)
        # K = sum_l W_{>l} A_l W_{<l} from the mode Jacobian
        K2 = sum(net.above(l) @ A @ net.below(l) for l, A in enumerate(mode_jacobian(net, u, v), start=1))
        assert np.allclose(K, K2, atol=1e-12)
        # gradient flow d theta/dt = -g moves w_a at rate -a^T g (the paper's Prop. 3.4 prints minus this)
        g = np.concatenate([vec(G) for G in population_gradient(net, t)])
        assert np.isclose(gd, -mode_vector(net, u, v) @ g, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("L", [1, 2, 3, 5])
def test_aligned_balanced_cross_check_with_lead_formulas(L):
    """Cross-check targets from the preamble (aligned + balanced, isotropic label noise), not used by the code."""
    rng = np.random.default_rng(L)
    s = np.array([2.0, 1.2, 0.5])
    sq = 0.4
    t = Teacher.from_singular_values(s, 4, 3, sigma_q=sq, rng=rng)
    w = np.array([0.7, 0.9, 0.1])
    net = aligned_balanced(t, w, [3] + [5] * (L - 1) + [4], rng=rng)
    eta, b = 0.3, 2
    beta = eta / b
    for a in range(3):
        Da = beta * L ** 2 * (2 * (s[a] - w[a]) ** 2 + sq ** 2) * w[a] ** (4 * (L - 1) / L)
        assert np.isclose(diffusion(net, t, a, eta=eta, b=b), Da, rtol=1e-10)
        mu = beta * L * (L - 1) / 2 * w[a] ** ((3 * L - 4) / L) * (2 * (s[a] - w[a]) ** 2 + sq ** 2)
        mu += beta * (s[a] - w[a]) * sum((s[c] - w[c]) * sum((L - k) * w[a] ** ((2 * L - 2 * k - 2) / L)
                                                            * w[c] ** ((L + 2 * k - 2) / L) for k in range(1, L))
                                         for c in range(3) if c != a)
        assert np.isclose(ito_drift(net, t, a, eta=eta, b=b), mu, rtol=1e-10, atol=1e-14)
        assert np.isclose(gradient_drift(net, t, a), L * w[a] ** (2 * (L - 1) / L) * (s[a] - w[a]), rtol=1e-10)
        for c in range(3):
            if c != a:
                assert abs(diffusion(net, t, a, c)) < 1e-12
    # the tr(N Delta) term couples modes: it is non-zero here (so dropping it changes the answer)
    assert L == 1 or abs(ito_terms(net, t, 0)[1]) > 1e-3


def test_bad_inputs_name_the_argument():
    net, t = random_setting(2, label="iso")
    for bad, match in [(t.n_modes, "alpha"), (-1, "alpha"), (0.5, "alpha")]:
        with pytest.raises(SymdlnInputError, match=match):
            diffusion(net, t, bad)
    with pytest.raises(SymdlnInputError, match="beta"):
        diffusion(net, t, 0, t.n_modes)
    with pytest.raises(SymdlnInputError, match="eta"):
        ito_drift(net, t, 0, eta=-1.0)
    with pytest.raises(SymdlnInputError, match="eta"):
        diffusion(net, t, 0, eta=float("nan"))
    with pytest.raises(SymdlnInputError, match="b "):
        diffusion(net, t, 0, b=0)
    with pytest.raises(SymdlnInputError, match="u must"):
        mode_jacobian(net, np.ones(net.d_out + 1), np.ones(net.d_in))
    with pytest.raises(SymdlnInputError, match="v must be finite"):
        mode_vector(net, np.ones(net.d_out), np.full(net.d_in, np.nan))

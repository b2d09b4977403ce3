"""Simulators: the batched kernels against the single-network numeric core, and each simulator against a
known law (gradient-flow mode ODE, population gradient, exact noise covariance, GBM moments).

Monte Carlo checks are two-sided z-tests at family-wise false-alarm rate 1e-3 with a Bonferroni
correction over the entries compared; each has a mutation (a deliberately wrong variant) that the same
test rejects.
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy.integrate import solve_ivp
from scipy.stats import norm

from symdln import DLN, SymdlnInputError, Teacher, aligned_balanced, small_gaussian_init
from symdln.network import vec
from symdln.simulate import gd, gradient_flow, langevin, scalar_sde, sgd
from symdln.simulate import kernels as K
import importlib

sgd_module = importlib.import_module("symdln.simulate.sgd")

ALPHA = 1e-3   # family-wise false-alarm rate of every Monte Carlo test below


def z_crit(n_tests: int) -> float:
    return float(norm.isf(ALPHA / (2 * n_tests)))


widths_st = st.lists(st.integers(1, 4), min_size=2, max_size=5)


def _teacher(d_out, d_in, seed, sigma_q=0.0, r=None):
    r = min(d_out, d_in) if r is None else r
    rng = np.random.default_rng(seed)
    return Teacher.from_singular_values(np.sort(rng.uniform(0.3, 1.5, r))[::-1], d_out, d_in, sigma_q=sigma_q, rng=rng)


# -- kernels vs the single-network numeric core (symdln.noise, symdln.modes) ----------------------
@given(widths=widths_st, seed=st.integers(0, 2**32 - 1))
@settings(max_examples=30, deadline=None)
def test_kernels_match_numeric_core(widths, seed):
    noise = pytest.importorskip("symdln.noise")
    modes = pytest.importorskip("symdln.modes")
    T = _teacher(widths[-1], widths[0], seed, sigma_q=0.3)
    nets = [small_gaussian_init(widths, 0.0, rng=seed + i) for i in range(3)]
    Wst, w = K.stack_nets(nets, 3)
    G = K.unstack(K.population_gradient(Wst, T.M), w)
    Dm = K.mode_diffusion(Wst, T, eta=0.3, b=2)
    for s, net in enumerate(nets):
        for l, Gl in enumerate(noise.population_gradient(net, T)):
            np.testing.assert_allclose(G[l][s], Gl, rtol=1e-10, atol=1e-12)
        ref = modes.diffusion_matrix(net, T, eta=0.3, b=2)
        np.testing.assert_allclose(Dm[s], ref, rtol=1e-9, atol=1e-12 * max(1.0, np.abs(ref).max()))
        np.testing.assert_allclose(K.unstack(Wst, w)[0][s], net.layers[0])


def test_population_gradient_finite_differences():
    from symdln.network import population_loss
    T = _teacher(2, 3, 1, sigma_q=0.2)
    net = small_gaussian_init((3, 4, 2), 0.0, rng=3)
    G = K.unstack(K.population_gradient(K.stack_nets(net, 1)[0], T.M), net.widths)
    eps = 1e-6
    for l in range(net.depth):
        fd = np.zeros_like(net.layers[l])
        for idx in np.ndindex(fd.shape):
            up = [x.copy() for x in net.layers]; dn = [x.copy() for x in net.layers]
            up[l][idx] += eps; dn[l][idx] -= eps
            fd[idx] = (population_loss(DLN(up), T) - population_loss(DLN(dn), T)) / (2 * eps)
        np.testing.assert_allclose(G[l][0], fd, atol=1e-7)


# -- GD vs the gradient-flow mode ODE (Eq. 5), eta -> 0 ----------------------------------------
def _mode_ode(w0, s, L, ts, exponent=None):
    p = 2 * (L - 1) / L if exponent is None else exponent
    sol = solve_ivp(lambda t, w: L * np.abs(w) ** p * (s - w), (0, ts[-1]), w0, t_eval=ts, rtol=1e-11, atol=1e-13)
    return sol.y.T


@pytest.mark.parametrize("L", [2, 3])
def test_gd_aligned_balanced_matches_mode_ode(L):
    T = Teacher.from_singular_values([1.0, 0.6], 3, 3, rng=0)
    w0 = np.array([0.05, 0.05])
    net = aligned_balanced(T, w0, depth=L, rng=1)
    t_end = 6.0
    ts = np.linspace(0, t_end, 7)
    ref = _mode_ode(w0, T.s, L, ts)
    errs = []
    for eta in (0.02, 0.01, 0.005):
        steps = int(round(t_end / eta))
        tr = gd(net, T, eta=eta, steps=steps, checkpoints=np.round(ts / eta).astype(int))
        errs.append(np.abs(tr.mode_amplitudes()[:, 0] - ref).max())
    # first-order convergence: error halves with eta (ratio 2 +- 20 %), and is small
    assert errs[-1] < 5e-3
    for a, b in zip(errs, errs[1:]):
        assert 1.6 < a / b < 2.4, errs
    # mutation: the ODE with the wrong exponent 2(L-2)/L is far from GD
    wrong = _mode_ode(w0, T.s, L, ts, exponent=2 * (L - 2) / L)
    assert np.abs(tr.mode_amplitudes()[:, 0] - wrong).max() > 20 * errs[-1]
    # gradient flow (ODE on all weights) agrees with the mode ODE
    gf = gradient_flow(net, T, t_end=t_end, checkpoints_t=ts)
    np.testing.assert_allclose(gf.mode_amplitudes()[:, 0], ref, atol=1e-7)


# -- SGD: one-step mean increment = -eta * population gradient ---------------------------------
def _one_step_increments(net, T, n, seed, b=1):
    tr = sgd(net, T, eta=1.0, b=b, steps=1, n_traj=n, seed=seed, checkpoints=[0, 1])
    inc = [Wl[1] - Wl[0] for Wl in tr.layers]         # (n, d_l, d_{l-1}) with eta = 1
    return np.concatenate([x.reshape(n, -1, order="C") for x in inc], axis=1)


@given(seed=st.integers(0, 2**32 - 1))
@settings(max_examples=3, deadline=None)
def test_sgd_mean_step_is_population_gradient(seed):
    T = _teacher(3, 3, seed, sigma_q=0.3)
    net = small_gaussian_init((3, 3, 3), 0.0, rng=seed)
    n = 20000
    inc = _one_step_increments(net, T, n, seed)
    mean, se = inc.mean(0), inc.std(0, ddof=1) / np.sqrt(n)
    G = K.population_gradient(K.stack_nets(net, 1)[0], T.M)
    g = np.concatenate([x[0].reshape(-1) for x in K.unstack(G, net.widths)])
    zc = z_crit(g.size)
    assert np.abs((mean + g) / se).max() < zc
    # mutation: the paper's printed Prop. 3.1 form -(W_{<l} kron W_{>l}) vec Delta = vec(-W_{>l} Delta W_{<l}^T)
    ab, be = net.partials()
    Delta = T.M - net.end_to_end()
    wrong = np.concatenate([(-(A @ Delta @ B.T)).reshape(-1) for A, B in zip(ab, be)])
    assert np.abs((mean + wrong) / se).max() > zc


def test_sgd_batch_reduces_variance():
    T = _teacher(2, 3, 5, sigma_q=0.2)
    net = small_gaussian_init((3, 3, 2), 0.0, rng=5)
    v1 = _one_step_increments(net, T, 8000, 1, b=1).var(0)
    v4 = _one_step_increments(net, T, 8000, 2, b=4).var(0)
    ratio = np.median(v1 / v4)
    assert 3.4 < ratio < 4.6, ratio     # Sigma_b = Sigma / b


# -- anisotropic Langevin: one-step noise covariance = eta dt Sigma / b (noise.sigma_dense) -----
def _langevin_noise_cov_z(net, T, *, n, seed, eta=0.5, b=2, dt=0.01, mutate=False):
    noise = pytest.importorskip("symdln.noise")
    tr = langevin(net, T, eta=eta, b=b, dt=dt, t_end=dt, n_traj=n, seed=seed, checkpoints=[0, 1])
    G = K.unstack(K.population_gradient(K.stack_nets(net, 1)[0], T.M), net.widths)
    xs = [(Wl[1] - Wl[0] + dt * Gl[0]) / np.sqrt(eta * dt / b) for Wl, Gl in zip(tr.layers, G)]
    X = np.concatenate([np.stack([vec(x) for x in xl]) for xl in xs], axis=1)    # (n, P) column-major vec
    if mutate:        # drop the commutation term: G = Z_1 instead of (Z_1 + Z_1^T)/sqrt 2
        X = X * 0 + _mutant_noise(net, T, n, seed)
    C = X.T @ X / n                                   # mean is exactly 0
    Sig = noise.sigma_dense(net, T)
    se = np.sqrt((np.outer(np.diag(Sig), np.diag(Sig)) + Sig ** 2) / n)
    iu = np.triu_indices(Sig.shape[0])
    return ((C - Sig) / se)[iu]


def _mutant_noise(net, T, n, seed):
    rng = np.random.default_rng(seed)
    Delta = T.M - net.end_to_end()
    S = Delta @ rng.standard_normal((n, net.d_in, net.d_in)) + \
        K.sqrt_psd(T.Sigma_q) @ rng.standard_normal((n, net.d_out, net.d_in))
    ab, be = net.partials()
    return np.concatenate([np.stack([vec(x) for x in (A.T @ S @ B.T)]) for A, B in zip(ab, be)], axis=1)


def test_langevin_noise_covariance_matches_sigma_block():
    T = _teacher(2, 2, 7, sigma_q=0.4)
    net = small_gaussian_init((2, 3, 2), 0.0, rng=7)
    z = _langevin_noise_cov_z(net, T, n=40000, seed=11)
    assert np.abs(z).max() < z_crit(z.size)
    zm = _langevin_noise_cov_z(net, T, n=40000, seed=11, mutate=True)
    assert np.abs(zm).max() > z_crit(zm.size)


def test_isotropic_langevin_increment_variance():
    T = _teacher(2, 2, 8)
    net = small_gaussian_init((2, 3, 2), 0.0, rng=8)
    eta, dt, sigma, n = 0.2, 0.01, 0.5, 20000
    tr = langevin(net, T, eta=eta, dt=dt, t_end=dt, noise="isotropic", sigma=sigma, n_traj=n, seed=3,
                  checkpoints=[0, 1])
    G = K.unstack(K.population_gradient(K.stack_nets(net, 1)[0], T.M), net.widths)
    inc = np.concatenate([(Wl[1] - Wl[0] + dt * Gl[0]).reshape(n, -1) for Wl, Gl in zip(tr.layers, G)], axis=1)
    v = inc.var(0, ddof=1)
    target = eta * dt * sigma ** 2               # reading of App. H.3: N(0, eta dt sigma^2 I) per step
    z = (v - target) / (target * np.sqrt(2 / (n - 1)))
    assert np.abs(z).max() < z_crit(v.size)
    assert tr.layers[0].shape == (2, n, 3, 2)


# -- reproducibility and layout equivalence ----------------------------------------------------
def test_same_seed_same_numbers(monkeypatch):
    T = _teacher(3, 3, 2, sigma_q=0.1)
    net = small_gaussian_init((3, 4, 3), 1.0, rng=2)
    a = sgd(net, T, eta=0.05, b=2, steps=300, n_traj=20, seed=4)
    b_ = sgd(net, T, eta=0.05, b=2, steps=300, n_traj=20, seed=4)
    c = sgd(net, T, eta=0.05, b=2, steps=300, n_traj=20, seed=5)
    assert all(np.array_equal(x, y) for x, y in zip(a.layers, b_.layers))
    assert not np.array_equal(a.layers[0][-1], c.layers[0][-1])
    # the trajectory-last loop (large ensembles) and the batched-matmul loop give the same numbers
    X, Y = np.random.default_rng(0).standard_normal((2, 7, 3))
    e = sgd(net, T, eta=0.05, b=2, steps=30, n_traj=20, seed=4, dataset=(X, Y))
    monkeypatch.setattr(sgd_module, "_SLAST_MIN", 10 ** 9)
    d = sgd(net, T, eta=0.05, b=2, steps=300, n_traj=20, seed=4)
    for x, y in zip(a.layers, d.layers):
        np.testing.assert_allclose(x, y, rtol=1e-12, atol=1e-14)
    f = sgd(net, T, eta=0.05, b=2, steps=30, n_traj=20, seed=4, dataset=(X, Y))     # finite data, both layouts
    for x, y in zip(e.layers, f.layers):
        np.testing.assert_allclose(x, y, rtol=1e-12, atol=1e-14)
    l1 = langevin(net, T, eta=0.05, dt=0.01, t_end=1.0, n_traj=3, seed=9)
    l2 = langevin(net, T, eta=0.05, dt=0.01, t_end=1.0, n_traj=3, seed=9)
    assert all(np.array_equal(x, y) for x, y in zip(l1.layers, l2.layers))
    s1 = scalar_sde(lambda w: -w, lambda w: 0 * w + 0.1, 1.0, dt=0.01, t_end=1, n_traj=5, seed=3)
    s2 = scalar_sde(lambda w: -w, lambda w: 0 * w + 0.1, 1.0, dt=0.01, t_end=1, n_traj=5, seed=3,
                    checkpoints_t=[0.5, 1.0])
    np.testing.assert_array_equal(s1[1][-1], s2[1][-1])


def test_full_batch_dataset_sgd_is_empirical_gd():
    noise = pytest.importorskip("symdln.noise")
    T = _teacher(2, 3, 4)
    net = small_gaussian_init((3, 3, 2), 0.0, rng=4)
    X, Y = noise.sample_data(T, 12, rng=5)
    tr = sgd(net, T, eta=0.01, b=12, steps=5, n_traj=3, seed=0, dataset=(X, Y), checkpoints=[0, 5])
    layers = [w.copy() for w in net.layers]
    for _ in range(5):
        g = noise.per_sample_gradients(DLN(layers), T, X, Y)
        layers = [w - 0.01 * gl.mean(0) for w, gl in zip(layers, g)]
    for l in range(net.depth):
        for s in range(3):
            np.testing.assert_allclose(tr.layers[l][-1, s], layers[l], rtol=1e-10, atol=1e-13)


def test_dataset_epoch_uses_each_sample_once():
    """With a zero network and eta = 1, one step adds ``y x^T`` of the sampled point to W_1 (L = 1):
    the increments over one epoch must be the n distinct samples, in a per-trajectory random order."""
    T = _teacher(2, 2, 6)
    X = np.arange(8.0).reshape(4, 2) + 1.0
    Y = np.zeros((4, 2)); Y[:, 0] = np.arange(4) + 1.0
    net = DLN([np.zeros((2, 2))])
    tr = sgd(net, T, eta=1e-9, b=1, steps=4, n_traj=5, seed=1, dataset=(X, Y), checkpoints=np.arange(5))
    inc = np.diff(tr.layers[0], axis=0) / 1e-9                      # (4 steps, 5 traj, 2, 2) = y x^T
    expect = sorted(float((Y[i] @ Y[i]) * (X[i] @ X[i])) for i in range(4))   # |y x^T|_F^2, distinct here
    orders = set()
    for s in range(5):
        seen = [float(np.sum(inc[k, s] ** 2)) for k in range(4)]
        np.testing.assert_allclose(sorted(seen), expect, rtol=1e-6)
        orders.add(tuple(np.argsort(seen)))
    assert len(orders) > 1          # trajectories draw independent permutations


# -- scalar SDE: geometric Brownian motion moments ------------------------------------------------
@pytest.mark.parametrize("mutate", [False, True])
def test_scalar_sde_gbm_moments(mutate):
    mu, sig, w0, T_, n = 0.4, 0.5, 1.0, 1.0, 40000
    D = (lambda w: sig * np.abs(w)) if mutate else (lambda w: sig ** 2 * w ** 2)
    ts, W = scalar_sde(lambda w: mu * w, D, w0, dt=1e-3, t_end=T_, n_traj=n, seed=12, checkpoints_t=[0.5, 1.0])
    z = []
    for t, w in zip(ts, W):
        m = w0 * np.exp(mu * t)
        v = w0 ** 2 * np.exp(2 * mu * t) * (np.exp(sig ** 2 * t) - 1)
        z.append((w.mean() - m) / np.sqrt(v / n))
        m4 = w0 ** 4 * np.exp(4 * mu * t + 6 * sig ** 2 * t)          # E w^4 of GBM
        var_of_var = (m4 - 4 * m * (w0 ** 3 * np.exp(3 * mu * t + 3 * sig ** 2 * t)) + 6 * m ** 2 * (v + m ** 2)
                      - 3 * m ** 4 - v ** 2) / n
        z.append((w.var(ddof=1) - v) / np.sqrt(var_of_var))
    ok = np.abs(z).max() < z_crit(len(z))
    assert ok != mutate, z


def test_scalar_sde_positivity():
    ts, W = scalar_sde(lambda w: -1.0 + 0 * w, lambda w: 0 * w + 1.0, 0.1, dt=0.01, t_end=1, n_traj=200, seed=0)
    assert W.min() >= 0
    ts, W = scalar_sde(lambda w: -1.0 + 0 * w, lambda w: 0 * w + 1.0, 0.1, dt=0.01, t_end=1, n_traj=200, seed=0,
                       boundary="none")
    assert W.min() < 0


# -- input validation ---------------------------------------------------------------------------
def test_bad_inputs_name_the_argument():
    T = _teacher(2, 2, 0)
    net = small_gaussian_init((2, 2, 2), 1.0, rng=0)
    with pytest.raises(SymdlnInputError, match="eta"):
        sgd(net, T, eta=-1, steps=3)
    with pytest.raises(SymdlnInputError, match="b "):
        sgd(net, T, eta=0.1, b=0, steps=3)
    with pytest.raises(SymdlnInputError, match="checkpoints"):
        sgd(net, T, eta=0.1, steps=3, checkpoints=[0, 7])
    with pytest.raises(SymdlnInputError, match="noise"):
        langevin(net, T, eta=0.1, dt=0.1, t_end=1, noise="pink")
    with pytest.raises(SymdlnInputError, match="dataset"):
        sgd(net, T, eta=0.1, steps=3, dataset=(np.zeros((5, 3)), np.zeros((5, 2))))
    with pytest.raises(SymdlnInputError, match="net0"):
        sgd([net, net], T, eta=0.1, steps=3, n_traj=3)
    with pytest.raises(SymdlnInputError, match="teacher"):
        gd(net, "M", eta=0.1, steps=3)


# -- checkpoints, summaries, coefficient plumbing ------------------------------------------------
def test_checkpoint_helpers():
    from symdln.simulate import log_checkpoints, loss_aligned_checkpoints
    ck = log_checkpoints(10_000, 50)
    assert ck[0] == 0 and ck[-1] == 10_000 and np.all(np.diff(ck) > 0) and 30 <= ck.size <= 52
    dense = loss_aligned_checkpoints(10_000, [20.0], eta=0.005, n=100)
    near = np.sum(np.abs(dense * 0.005 - 20.0) < 6.0)
    assert near > 40                                        # concentrated around t = 20 (step 4000)
    with pytest.raises(SymdlnInputError, match="log_checkpoints"):
        log_checkpoints(10, 1)


def test_trajectory_summary_is_json():
    import json
    T = _teacher(2, 2, 1)
    tr = sgd(small_gaussian_init((2, 2, 2), 1.0, rng=1), T, eta=0.05, steps=50, n_traj=4, seed=0)
    js = json.dumps(tr.summary(), allow_nan=False)
    assert "final_mode_amplitudes_mean" in js and tr.summary()["method"] == "sgd"


def test_lambdify_w_substitutes_by_symbol_name():
    from symdln.simulate import lambdify_w
    from symdln.symbolic import symbols as sy
    f = lambdify_w(sy.L * sy.w ** 2 * (sy.s - sy.w) + sy.beta * sy.sigma_q, L=3, s=1.0, sigma_q=0.5, eta=0.1, b=2)
    np.testing.assert_allclose(f(np.array([0.5, 2.0])), [3 * 0.25 * 0.5 + 0.025, 3 * 4 * (-1.0) + 0.025])
    with pytest.raises(SymdlnInputError, match="sigma_q"):
        lambdify_w(sy.w * sy.sigma_q, L=2)
    with pytest.raises(SymdlnInputError, match="unknown symbol"):
        lambdify_w(sy.w, nope=1)


@pytest.mark.slow
def test_aligned_coefficient_callables_match_numeric_core():
    """Registry coefficients (lambdified) = symdln.modes on an aligned + balanced network with the other modes
    learned (where the Ito cross term vanishes)."""
    from symdln import modes
    from symdln.simulate import aligned_coefficient_callables
    T = Teacher.from_singular_values([1.0, 0.6], 3, 3, sigma_q=0.3, rng=2)
    for L in (2, 3, 4):
        mu, D = aligned_coefficient_callables(L=L, s=1.0, sigma_q=0.3, eta=0.01, b=2)
        for w in (0.2, 0.7, 1.1):
            net = aligned_balanced(T, [w, 0.6], depth=L, rng=3)
            np.testing.assert_allclose(D(w), modes.diffusion(net, T, 0, eta=0.01, b=2), rtol=1e-9)
            ref = modes.gradient_drift(net, T, 0) + modes.ito_drift(net, T, 0, eta=0.01, b=2)
            np.testing.assert_allclose(mu(w), ref, rtol=1e-9, atol=1e-12)


def test_kernel_anisotropic_noise_covariance():
    """kernels.anisotropic_noise (one draw per ensemble member) has covariance noise.sigma_dense (z-test)."""
    noise = pytest.importorskip("symdln.noise")
    T = _teacher(2, 3, 9, sigma_q=0.3)
    net = small_gaussian_init((3, 2, 2), 0.0, rng=9)
    n = 30000
    Wst, w = K.stack_nets(net, n)
    xi = K.unstack(K.anisotropic_noise(Wst, T.M, K.sqrt_psd(T.Sigma_q), w, np.random.default_rng(2)), w)
    X = np.concatenate([np.stack([vec(x) for x in xl]) for xl in xi], axis=1)
    Sig = noise.sigma_dense(net, T)
    se = np.sqrt((np.outer(np.diag(Sig), np.diag(Sig)) + Sig ** 2) / n)
    iu = np.triu_indices(Sig.shape[0])
    z = ((X.T @ X / n - Sig) / se)[iu]
    assert np.abs(z).max() < z_crit(z.size)
    # mutation: half the label-noise variance is rejected
    Sig_wrong = Sig - 0.5 * (noise.sigma_dense(net, T) - noise.sigma_dense(net, T.with_label_noise(0.0)))
    zw = ((X.T @ X / n - Sig_wrong) / se)[iu]
    assert np.abs(zw).max() > z_crit(zw.size)

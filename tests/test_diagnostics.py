"""Diagnostics on constructed checkpoints with known answers (paper App. I; experiment plan Sec. 1).

Each diagnostic has a known-answer test and a mutation test (a deliberately wrong variant is
rejected by the same check).
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from symdln._validation import SymdlnInputError
from symdln.diagnostics import (balance_residuals, binomial_ci, bootstrap, cross_modes, decoupling_times,
                                escape_events, first_crossing, gd_sgd_distances, length_weights,
                                log_sv_patterns, loss_aligned_indices, misaligned_init, multiplicity_pattern,
                                partial_products, pattern_distance, pattern_distance_band, peak_timing,
                                plateau_midpoint_levels, rank_from_multiplicity, rank_patterns,
                                rotation_by_angle, select_checkpoints)
from symdln.network import DLN, Teacher, aligned_balanced, balanced_init, random_orthogonal, small_gaussian_init
from symdln.simulate import Trajectory

SEEDS = st.integers(0, 2 ** 32 - 1)
FEW = settings(max_examples=15, deadline=None)


def _stack(nets):
    """Layers (T, 1, d_l, d_{l-1}) from a list of DLNs."""
    return [np.stack([n.layers[l] for n in nets])[:, None] for l in range(nets[0].depth)]


# -- balance (Eq. 33) -----------------------------------------------------------------------
@FEW
@given(seed=SEEDS, L=st.integers(2, 4))
def test_balanced_networks_have_zero_residual(seed, L):
    rng = np.random.default_rng(seed)
    widths = [5] + list(rng.integers(3, 7, L - 1)) + [4]
    t = Teacher.from_singular_values([3.0, 1.5, 0.5], 4, 5, rng=rng)
    for net in (aligned_balanced(t, [0.3, 2.0, 0.1], widths, rng=rng), balanced_init(widths, 0.7, rng)):
        res = balance_residuals(net.layers)
        assert res.r.shape == (L - 1,)
        assert np.all(res.r < 1e-12) and np.all(res.numerator < 1e-12 * max(1, res.norms.max() ** 2))
    # mutation: the transposed Gram matrices (W_l^T W_l vs W_{l+1} W_{l+1}^T) are NOT zero on a balanced
    # (square) network, so the check discriminates the correct Eq. 33 from this variant
    sq = aligned_balanced(Teacher.from_singular_values([3.0, 1.5, 0.5], 4, 4, rng=rng), [0.3, 2.0, 0.1],
                          [4] * (L + 1), rng=rng)
    assert balance_residuals(sq.layers).r.max() < 1e-12
    wrong = [np.linalg.norm(sq.layers[l].T @ sq.layers[l] - sq.layers[l + 1] @ sq.layers[l + 1].T)
             for l in range(L - 1)]
    assert min(wrong) > 1e-3
    # known answer: diag network scaled by lam / 1/lam gives r = |lam^2 - lam^-2| / (lam^2 + lam^-2)
    lam = 1 + rng.random()
    a = rng.random(4) + 0.1
    res = balance_residuals([lam * np.diag(a), np.diag(a) / lam])
    assert res.r[0] == pytest.approx(abs(lam ** 2 - lam ** -2) / (lam ** 2 + lam ** -2), rel=1e-12)
    assert res.numerator[0] == pytest.approx(abs(lam ** 2 - lam ** -2) * np.linalg.norm(a ** 2), rel=1e-12)
    assert res.norms == pytest.approx([lam * np.linalg.norm(a), np.linalg.norm(a) / lam])


def test_balance_scale_invariance_and_mutation():
    net = small_gaussian_init([6, 5, 4], 1.0, 3)
    r1 = balance_residuals(net.layers).r
    r2 = balance_residuals([10 * w for w in net.layers]).r
    assert r1 == pytest.approx(r2, rel=1e-12) and 0 < r1[0] <= 1
    # mutation: W_l^T W_l - W_{l+1} W_{l+1}^T has the wrong shape for rectangular layers (6 vs 4)
    W1, W2 = net.layers
    assert (W1.T @ W1).shape != (W2 @ W2.T).shape
    # stacking over leading axes: (T, S) shape preserved
    res = balance_residuals([np.stack([W1, 2 * W1])[:, None], np.stack([W2, 2 * W2])[:, None]])
    assert res.r.shape == (2, 1, 1) and res.r[0, 0, 0] == pytest.approx(res.r[1, 0, 0])


# -- rank patterns ----------------------------------------------------------------------------
def _bar_network(bars, L, rng):
    """Layers whose coordinate k is alive exactly on layers a_k..b_k, in random orthogonal gauges."""
    n = len(bars) + 1  # one always-dead extra coordinate
    Qs = [random_orthogonal(n, rng) for _ in range(L + 1)]
    layers = []
    for l in range(1, L + 1):
        d = np.array([(rng.uniform(0.5, 2.0) if a <= l <= b else 0.0) for a, b in bars] + [0.0])
        layers.append(Qs[l] @ np.diag(d) @ Qs[l - 1].T)
    return layers


@FEW
@given(seed=SEEDS, L=st.integers(1, 5), nbars=st.integers(1, 5))
def test_rank_and_multiplicity_of_bar_networks(seed, L, nbars):
    rng = np.random.default_rng(seed)
    bars = []
    for _ in range(nbars):
        a = int(rng.integers(1, L + 1))
        bars.append((a, int(rng.integers(a, L + 1))))
    rp = rank_patterns(_bar_network(bars, L, rng))
    for i in range(1, L + 1):
        for j in range(i, L + 1):
            assert rp.rank[i - 1, j - 1] == sum(a <= i and j <= b for a, b in bars)
            assert rp.multiplicity[i - 1, j - 1] == sum(a == i and b == j for a, b in bars)
    assert np.all(np.tril(rp.rank, -1) == 0)
    # mutation: without the i-1 / j+1 corrections the transform does not recover exact bar counts
    wrong = rp.rank - np.pad(rp.rank, ((0, 0), (0, 1)))[:, 1:]
    if any(a < b for a, b in bars):
        assert not np.array_equal(np.triu(wrong), rp.multiplicity)   # wrong >= m, > where a < i <= b


@FEW
@given(seed=SEEDS, L=st.integers(1, 6))
def test_multiplicity_inverts(seed, L):
    rng = np.random.default_rng(seed)
    r = np.triu(rng.integers(0, 9, (3, L, L)))
    m = multiplicity_pattern(r, clip=False)
    assert np.array_equal(rank_from_multiplicity(m), r)
    assert np.all(multiplicity_pattern(r) >= 0)


def test_noise_floor_for_products_that_vanish_exactly():
    Q = [random_orthogonal(3, k) for k in range(3)]
    Ws = [Q[1] @ np.diag([1.0, 0, 0]) @ Q[0].T, Q[2] @ np.diag([0, 1.0, 0]) @ Q[1].T]   # W_2 W_1 = 0 exactly
    assert 0 < np.abs(Ws[1] @ Ws[0]).max() < 1e-14                                   # ... but not in floats
    assert rank_patterns(Ws).rank[0, 1] == 0
    # mutation: the purely relative threshold calls the round-off noise full rank
    assert rank_patterns(Ws, noise_floor=False).rank[0, 1] >= 1


def test_rank_threshold_gap_and_scale():
    U, V = random_orthogonal(3, 0), random_orthogonal(3, 1)
    W = U @ np.diag([1.0, 0.5, 1e-7]) @ V.T
    rp = rank_patterns([W], eps=1e-5)
    assert rp.rank[0, 0] == 2 and rp.gap[0, 0] == pytest.approx(0.5 / 1e-7, rel=1e-6)
    assert rank_patterns([W], eps=1e-8).rank[0, 0] == 3 and rank_patterns([W], eps=1e-8).gap[0, 0] == np.inf
    # relative threshold: invariant to scale (an absolute threshold, the mutation, is not)
    assert rank_patterns([1e-8 * W]).rank[0, 0] == 2
    assert int(np.sum(np.linalg.svd(1e-8 * W, compute_uv=False) > 1e-5)) != 2
    z = rank_patterns([np.zeros((3, 3))])
    assert z.rank[0, 0] == 0 and np.isnan(z.gap[0, 0])
    with pytest.raises(SymdlnInputError, match="eps"):
        rank_patterns([W], eps=2.0)


def test_partial_products_order():
    rng = np.random.default_rng(0)
    Ws = [rng.standard_normal((d1, d0)) for d0, d1 in [(3, 4), (4, 5), (5, 2)]]
    P = partial_products(Ws)
    assert set(P) == {(1, 1), (1, 2), (1, 3), (2, 2), (2, 3), (3, 3)}
    assert np.allclose(P[(1, 3)], Ws[2] @ Ws[1] @ Ws[0]) and np.allclose(P[(2, 3)], Ws[2] @ Ws[1])
    assert np.allclose(P[(1, 3)], DLN(Ws).end_to_end())


# -- log singular-value patterns --------------------------------------------------------------
def test_log_sv_patterns_known_values():
    a, b = np.array([3.0, 2.0, 0.0]), np.array([0.5, 4.0, 1.0])
    Ws = [np.diag(a), np.diag(b)[[1, 2, 0]]]     # exact zeros (a rotated gauge leaves ~1e-16 sigma_1)
    p = log_sv_patterns(Ws, K=4, delta=1e-30)
    assert p.s.shape == (2, 2, 4)
    assert p.s[0, 0] == pytest.approx(np.log([3.0, 2.0, 1e-30, 1e-30]), rel=1e-9)
    assert p.s[1, 1] == pytest.approx(np.log([4.0, 1.0, 0.5, 1e-30]), rel=1e-9)
    assert p.s[0, 1] == pytest.approx(np.log([8.0, 1.5, 1e-30, 1e-30]), abs=1e-6)
    assert p.shape[0, 1] == pytest.approx(np.log([1.0, 1.5 / 8, 1e-30 / 8, 1e-30 / 8]), abs=1e-6)
    assert np.all(p.s[1, 0] == 0)
    Q = [random_orthogonal(3, k) for k in range(3)]
    rot = log_sv_patterns([Q[1] @ Ws[0] @ Q[0].T, Q[2] @ Ws[1] @ Q[1].T], K=2)
    assert rot.s == pytest.approx(p.s[..., :2], abs=1e-9)            # gauge invariant
    assert np.array_equal(length_weights(3), [[1, 2, 3], [0, 1, 2], [0, 0, 1]])


# -- distances ------------------------------------------------------------------------------
def test_pattern_distance_known_and_band():
    L = 2
    gd = np.zeros((2, L, L))
    sgd = np.zeros((2, 3, L, L))
    sgd[:, :, 0, 1] = [[1, 2, 3], [0, 0, 0]]
    sgd[:, :, 1, 0] = 100.0  # below the diagonal: ignored
    d = pattern_distance(gd, sgd)
    assert d == pytest.approx([2.0, 0.0])
    w = np.array([[1, 2], [0, 1]])
    assert pattern_distance(gd, sgd, weights=w) == pytest.approx([4.0, 0.0])
    # mutation: mean of |gd - sgd_s| differs from |gd - mean sgd| when runs straddle gd
    sgd2 = np.zeros((1, 2, L, L))
    sgd2[0, :, 0, 0] = [-1, 1]
    assert pattern_distance(np.zeros((1, L, L)), sgd2)[0] == 0.0
    band = pattern_distance_band(gd, sgd, n_boot=400, rng=1)
    assert band.lo[0] <= 2.0 <= band.hi[0] and band.lo[1] == band.hi[1] == 0.0
    assert 1.0 <= band.lo[0] and band.hi[0] <= 3.0


def test_gd_sgd_distances_known():
    rng = np.random.default_rng(4)
    net = small_gaussian_init([4, 5, 3], 0.5, rng)
    gd = [w[None] for w in net.layers]                                  # (K=1, d, d')
    same = [np.stack([w, w])[None] for w in net.layers]                  # (1, S=2, ...)
    res = gd_sgd_distances(gd, same)
    assert res.dist[0] == 0 and res.cosine[0] == pytest.approx(1.0) and res.function[0] == 0
    dbl = [np.stack([2 * w, -w])[None] for w in net.layers]
    res = gd_sgd_distances(gd, dbl)
    th = net.theta()
    assert res.dist[0] == pytest.approx(np.mean([np.linalg.norm(th), 2 * np.linalg.norm(th)]))
    assert res.ratio[0] == pytest.approx(1.5)
    assert res.cosine[0] == pytest.approx(0.0, abs=1e-12)               # mean of +1 and -1
    assert res.layerwise[0] == pytest.approx([1.5, 1.5]) and res.layer_mean[0] == pytest.approx(1.5)
    # function space, depth 2: 2^2 W - W = 3 W and (-1)^2 W - W = 0
    assert res.function[0] == pytest.approx(1.5)
    with pytest.raises(SymdlnInputError, match="shape"):
        gd_sgd_distances(gd, [np.stack([w, w])[None] for w in net.layers[::-1]])


def test_bootstrap_and_binomial():
    x = np.arange(10.0)
    b = bootstrap(x, np.mean, n_boot=2000, rng=0)
    assert b.estimate == 4.5 and b.lo < 4.5 < b.hi
    assert b.se == pytest.approx(np.std(x) / np.sqrt(10), rel=0.1)      # bootstrap s.e. of a mean
    lo, hi = binomial_ci(5, 10)
    assert lo == pytest.approx(0.187086, abs=1e-5) and hi == pytest.approx(0.812914, abs=1e-5)  # Clopper-Pearson
    assert binomial_ci(0, 10)[0] == 0.0 and binomial_ci(10, 10)[1] == 1.0


# -- checkpoint rules -----------------------------------------------------------------------
def test_first_crossing_interpolates():
    t = np.linspace(0, 10, 11)
    v = np.stack([10 - t, 5 - 0.5 * t, 20 + 0 * t], axis=1)             # (T, 3)
    idx, tc = first_crossing(t, v, 2.5)
    assert list(idx) == [8, 5, -1] and tc[0] == pytest.approx(7.5) and tc[1] == pytest.approx(5.0)
    assert np.isnan(tc[2])
    idx, tc = first_crossing(t, t, 3.3, direction="above")
    assert idx == 4 and tc == pytest.approx(3.3)


def test_loss_aligned_and_select():
    t = np.linspace(0, 4, 5)
    loss = np.array([[4, 4], [3, 4], [2, 3], [1, 2], [0, 1]], float)
    idx, tc = loss_aligned_indices(t, loss, [2.5, 1.0])
    assert idx.tolist() == [[2, 3], [3, 4]]
    layers = [np.arange(10.0).reshape(5, 2, 1, 1)]
    sel = select_checkpoints(layers, idx)
    assert sel[0][:, :, 0, 0].tolist() == [[4, 7], [6, 9]]
    teacher = Teacher.from_singular_values([2.0, 1.0], 2, 2, rng=0)
    assert plateau_midpoint_levels(teacher) == pytest.approx([0.5 + 1.0, 0.25])


def _loss_from_rate(t, rho):
    """Excess loss with -d log e / d log t = rho (piecewise, trapezoid in log t)."""
    lt = np.log(t)
    return np.exp(-np.concatenate([[0], np.cumsum(0.5 * (rho[1:] + rho[:-1]) * np.diff(lt))]))


def test_escape_events_staircase_and_hysteresis():
    t = np.geomspace(0.1, 30, 600)
    tau, w = np.array([2.0, 8.0]), 0.15
    e = 4.5 * (1 - 1 / (1 + np.exp(-(t - tau[0]) / w))) + 0.5 * (1 - 1 / (1 + np.exp(-(t - tau[1]) / w))) + 1e-3
    ev = escape_events(t, e)
    assert len(ev) == 2 and np.all(np.abs(np.log(ev / tau)) < 0.25) and np.all(ev < tau)
    # hysteresis: a rate wobbling around kappa (1.2, 0.9, 1.2, 0.9) is one event; rearm -> several
    tt = np.geomspace(1, 100, 200)
    rho = np.where(tt < 5, 0.0, np.where(np.sin(tt) > 0, 1.2, 0.9))
    assert len(escape_events(tt, _loss_from_rate(tt, rho))) == 1
    assert len(escape_events(tt, _loss_from_rate(tt, rho), rearm=0.99)) > 1


# -- mode decoupling ------------------------------------------------------------------------
def _depth1_traj(teacher, C):
    """Trajectory of a depth-1 network with U^T W V = C[k] (T, r, r)."""
    W = np.einsum("ia,tab,jb->tij", teacher.U, C, teacher.V)
    T = C.shape[0]
    return Trajectory(np.arange(T, dtype=float), np.arange(T), [W[:, None]], teacher)


def test_cross_modes_and_times_known():
    teacher = Teacher.from_singular_values([2.0, 1.0], 3, 3, rng=5)
    T = 6
    C = np.zeros((T, 2, 2))
    C[:, 0, 0] = [0.0, 0.5, 1.0, 1.5, 2.0, 2.0]                        # crosses c*s = 1 at t = 2
    C[:, 1, 1] = [0.0, 0.0, 0.2, 0.4, 0.6, 1.0]                        # crosses 0.5 at t = 3.5
    C[:, 0, 1] = [0.0, 0.5, 0.3, 0.05, 0.0, 0.0]                       # row 0 settles below 0.1 at t=3
    C[:, 1, 0] = [0.0, 0.0, 0.0, 0.0, 0.2, 0.0]                        # row 1 settles at t=5
    traj = _depth1_traj(teacher, C)
    cm = cross_modes(traj)
    assert cm.E_cross[:, 0] == pytest.approx(C[:, 0, 1] ** 2 + C[:, 1, 0] ** 2, abs=1e-12)
    assert cm.max_cross[1, 0, 0] == pytest.approx(0.5)
    dt = decoupling_times(traj, eps_rel=0.05, c=0.5)
    assert dt.t_diag[0] == pytest.approx([2.0, 3.5]) and dt.t_cross[0] == pytest.approx([3.0, 5.0])
    assert dt.n_valid == 2 and dt.n_before == 0
    first = decoupling_times(traj, eps_rel=0.05, c=0.5, rule="first")
    assert first.t_cross[0] == pytest.approx([0.0, 0.0]) and first.n_before == 2
    ab = aligned_balanced(teacher, [0.3, 0.7], depth=2, rng=0)
    tr = Trajectory(np.array([0.0]), np.array([0]), [w[None, None] for w in ab.layers], teacher)
    assert cross_modes(tr).E_cross[0, 0] < 1e-24


# -- misalignment -----------------------------------------------------------------------------
@FEW
@given(seed=SEEDS, theta=st.floats(0.0, 1.5))
def test_rotation_by_angle_rotates_every_vector(seed, theta):
    rng = np.random.default_rng(seed)
    R = rotation_by_angle(6, theta, rng)
    assert np.allclose(R @ R.T, np.eye(6), atol=1e-12)
    x = rng.standard_normal((6, 4))
    x /= np.linalg.norm(x, axis=0)
    assert np.allclose(np.sum(x * (R @ x), axis=0), np.cos(theta), atol=1e-12)


def test_misaligned_init_known_answers():
    teacher = Teacher.from_singular_values([3.0, 2.0, 1.0], 6, 6, rng=1)
    widths = [6, 6, 6]
    w0 = np.array([0.01, 0.02, 0.03])
    net = misaligned_init(teacher, w0, widths, rng=2)
    assert balance_residuals(net.layers).r[0] < 1e-12
    assert np.allclose(teacher.U.T @ net.end_to_end() @ teacher.V, np.diag(w0), atol=1e-14)
    th = 0.4
    net = misaligned_init(teacher, w0, widths, theta=th, where="input", rng=2)
    C = teacher.U.T @ net.end_to_end() @ teacher.V
    assert np.diag(C) == pytest.approx(w0 * np.cos(th), rel=1e-10)       # every v rotated by theta
    assert balance_residuals(net.layers).r[0] < 1e-12                    # input rotation keeps balance
    lam = 1.7
    net = misaligned_init(teacher, w0, widths, unbalance=lam, rng=2)
    assert balance_residuals(net.layers).r[0] == pytest.approx(abs(lam ** 2 - lam ** -2) / (lam ** 2 + lam ** -2))
    assert np.allclose(net.end_to_end(), misaligned_init(teacher, w0, widths, rng=2).end_to_end(), atol=1e-15)
    rs = [balance_residuals(misaligned_init(teacher, w0, widths, theta=a, where="hidden", rng=2).layers).r[0]
          for a in (0.0, 0.2, 0.6)]
    assert rs[0] < 1e-12 < rs[1] < rs[2]
    with pytest.raises(SymdlnInputError, match="where"):
        misaligned_init(teacher, w0, widths, theta=0.1, where="sideways")


def test_peak_timing_known():
    t = np.linspace(0, 10, 101)
    s = np.array([1.0, 2.0])
    w = np.stack([s[0] * t / 10, s[1] * np.clip(t / 5, 0, 1)], axis=1)[:, None]   # (T, 1, 2)
    D = np.stack([-(t - 3.0) ** 2, -(t - 4.9) ** 2], axis=1)[:, None]
    pt = peak_timing(t, D, w, s, w_star=[0.3, 1.0], learn_frac=0.9)
    assert pt.t_peak[0] == pytest.approx([3.0, 4.9]) and pt.t_learn[0] == pytest.approx([9.0, 4.5])
    assert pt.t_pred[0] == pytest.approx([3.0, 2.5])
    assert pt.n_valid == 2 and pt.n_precede == 1 and pt.fraction == 0.5
    assert pt.w_at_peak[0] == pytest.approx([0.3, 1.96])


def test_peak_timing_borrowed_peak():
    t = np.linspace(0, 10, 101)
    s = np.array([1.0])
    w = (s[0] / (1 + np.exp(-(t - 6.0))))[:, None, None]                 # w >= 0.1 s from t ~ 3.8
    own = np.exp(-(t - 5.5) ** 2)                                          # own peak at 5.5
    D = (own + 3 * np.exp(-(t - 1.0) ** 2 / 0.1))[:, None, None]           # larger borrowed peak at 1.0
    pt = peak_timing(t, D, w, s, w_star=[0.5])
    assert pt.t_peak[0, 0] == pytest.approx(1.0) and pt.t_peak_own[0, 0] == pytest.approx(5.5)
    assert pt.n_borrowed == 1 and pt.n_precede == 1 and pt.n_precede_own == 1
    # mutation: a window starting at w >= 0 (the whole run) would return the borrowed peak as "own"
    assert peak_timing(t, D, w, s, onset_frac=0.0).t_peak_own[0, 0] == pytest.approx(1.0)


def test_mix_and_pooling():
    from symdln.diagnostics.misalignment import pool_peak_timings
    teacher = Teacher.from_singular_values([3.0, 1.0], 4, 4, rng=3)
    base = misaligned_init(teacher, 0.05, [4, 4, 4], rng=1)
    mixed = misaligned_init(teacher, 0.05, [4, 4, 4], mix=1.0, rng=1)
    for a, b in zip(base.layers, mixed.layers):                   # mix = 1: random layer of the same norm
        assert np.linalg.norm(b) == pytest.approx(np.linalg.norm(a)) and not np.allclose(a, b)
    t = np.linspace(0, 10, 101)
    s = np.array([1.0, 2.0])
    w = np.stack([s[0] * t / 10, s[1] * np.clip(t / 5, 0, 1)], axis=1)[:, None]
    D = np.stack([-(t - 3.0) ** 2, -(t - 4.9) ** 2], axis=1)[:, None]
    pt = peak_timing(t, D, w, s, w_star=[0.3, 1.0])
    rec, arr = pool_peak_timings([pt, pt], [0.3, 1.0])
    assert rec["n_valid"] == 4 and rec["n_precede"] == 2 and rec["fraction_precede"] == 0.5
    assert rec["ci95"][0] < 0.5 < rec["ci95"][1]


def test_run_settings():
    from symdln.diagnostics.runs import make_init, make_teacher
    assert make_teacher("degenerate", 12, rng=0).s.tolist() == [3.0, 3.0, 1.0, 1.0]
    assert make_teacher("full", 12, rng=0).n_modes == 12
    std = make_init([12, 12, 12], regime="saddle", rng=4)
    bal = make_init([12, 12, 12], regime="saddle", init="balanced", rng=4)
    assert balance_residuals(bal.layers).r[0] < 1e-12 < balance_residuals(std.layers).r[0]
    with pytest.raises(SymdlnInputError, match="regime"):
        make_init([3, 3], regime="lazy")


def test_own_peak_onset_is_relative_to_the_start():
    t = np.linspace(0, 10, 101)
    s = np.array([1.0])
    w = (0.3 + 0.7 / (1 + np.exp(-(t - 6.0))))[:, None, None]               # starts at 0.3 s, not at ~0
    D = (np.exp(-(t - 5.5) ** 2) + 3 * np.exp(-(t - 1.0) ** 2 / 0.1))[:, None, None]
    pt = peak_timing(t, D, w, s)
    assert pt.t_peak_own[0, 0] == pytest.approx(5.5) and pt.n_borrowed == 1
    # mutation: an absolute onset 0.1 s_a is already passed at t = 0 and keeps the borrowed peak
    wrong = np.argmax(np.where(w >= 0.1 * s, D, -np.inf), axis=0)
    assert t[wrong][0, 0] == pytest.approx(1.0)

"""Full-network stationary moments near a minimum (symdln.network_stationary): structured vs dense P x P
reference, the isotropic closed form of the covariance, the flat directions, the manifold drift against the
exact per-step balance identity, the discrete-time correction, and bad input."""
from __future__ import annotations

import numpy as np
import pytest

import symdln
from symdln import DLN, SymdlnInputError, Teacher, aligned_balanced
from symdln.network_stationary import network_stationary_dense, network_stationary_moments, ntk

# float64 products of O(1) d x d matrices: rounding ~1e-15 relative; 1e-8 leaves room for the eigen-solves
# of nearly degenerate K / H while any wrong term (size ~ the moments themselves) is far above it
RTOL = 1e-8


def _net(widths, s, sigma_q=0.3, *, gauge_noise=0.0, aniso=False, seed=0):
    rng = np.random.default_rng(seed)
    d0, dL = widths[0], widths[-1]
    T = Teacher.from_singular_values(np.asarray(s, float), dL, d0, sigma_q=sigma_q, rng=seed + 1)
    if aniso:
        R = rng.standard_normal((dL, dL))
        T = T.with_label_noise(0.1 * R @ R.T)
    net = aligned_balanced(T, T.s, widths, rng=seed + 2)
    Ls = list(net.layers)
    for l in range(len(Ls) - 1):
        G = np.eye(widths[l + 1]) + gauge_noise * rng.standard_normal((widths[l + 1],) * 2)
        Ls[l] = G @ Ls[l]
        Ls[l + 1] = Ls[l + 1] @ np.linalg.inv(G)
    return DLN(Ls), T


def _close(a, b):
    scale = max(np.abs(b).max(), 1e-300)
    return np.abs(np.asarray(a) - np.asarray(b)).max() <= RTOL * scale


CASES = [((3, 4, 3), (2.0, 1.0, 0.5), 0.0, False), ((3, 3, 2), (2.0, 1.0), 0.3, True),
         ((2, 3, 4, 3), (1.5, 0.7), 0.3, False), ((3, 2, 3, 2, 2), (1.2, 0.6), 0.2, True)]


@pytest.mark.parametrize("widths,s,gn,aniso", CASES)
def test_structured_matches_dense(widths, s, gn, aniso):
    net, T = _net(widths, s, gauge_noise=gn, aniso=aniso)
    a = network_stationary_moments(net, T, eta=0.01, b=2)
    d = network_stationary_dense(net, T, eta=0.01, b=2)
    assert _close(a.mean_shift, d["mean_shift"]) and _close(a.variance, d["variance"])
    assert _close(a.function_covariance, d["function_covariance"]) and _close(a.function_mean, d["function_mean"])
    dn = max(np.abs(x).max() for x in d["drift"])
    assert max(np.abs(x - y).max() for x, y in zip(a.drift, d["drift"])) <= RTOL * max(dn, 1e-6)


def test_public_entry_and_orders():
    net, T = _net((3, 4, 3), (2.0, 1.0))
    res = symdln.network_stationary_moments(net, T, eta=0.02, b=4)
    assert res.beta == pytest.approx(0.005) and "beta" in res.orders["mean_shift"]
    assert "eta beta" in res.discrete_correction


def test_isotropic_covariance_is_half_beta_sigma2_ntk_and_flat_directions_carry_no_noise():
    net, T = _net((2, 3, 4, 3), (1.5, 0.7), sigma_q=0.4, gauge_noise=0.3)
    eta, b = 0.01, 1
    res = network_stationary_moments(net, T, eta=eta, b=b)
    Tt = eta / b * 0.4 ** 2 / 2
    assert _close(res.function_covariance, Tt * ntk(net))
    d = network_stationary_dense(net, T, eta=eta, b=b)
    hv, hV = np.linalg.eigh(d["H"])
    flat = hV[:, hv < 1e-10 * hv.max()]
    assert flat.shape[1] > 0
    assert np.abs(flat.T @ d["C"]).max() <= RTOL * np.abs(d["C"]).max()   # no fluctuation along null(J)
    Pi = np.eye(len(hv)) - flat @ flat.T
    assert _close(d["C"], Tt * Pi)                                         # C = (beta sigma_q^2/2) Pi
    # mutation: the variance formula without the factor 1/2 is rejected
    assert not _close(res.function_covariance, 2 * Tt * ntk(net))


def test_discrete_chain_correction_is_order_eta_beta():
    net, T = _net((2, 3, 2), (1.5, 0.7), sigma_q=0.4)
    eta = 0.02
    d = network_stationary_dense(net, T, eta=eta, b=1)
    dd = network_stationary_dense(net, T, eta=eta, b=1, discrete=True)
    H = d["H"]
    hv, hV = np.linalg.eigh(H)
    keep = hv > 1e-10 * hv.max()
    exact = eta * 0.4 ** 2 / 2 * (hV[:, keep] / (1 - eta * hv[keep] / 2)) @ hV[:, keep].T
    assert _close(dd["C"], exact)
    rel = np.abs(dd["C"] - d["C"]).max() / np.abs(d["C"]).max()
    assert 0 < rel < 2 * eta * hv.max()


@pytest.mark.parametrize("widths", [(3, 4, 2), (2, 3, 4, 3), (3, 3, 4, 2, 2)])
def test_manifold_drift_matches_exact_per_step_balance_identity(widths):
    """Per sample, gradient flow conserves G_l = W_{l+1}^T W_{l+1} - W_l W_l^T, so one SGD step changes it by
    exactly eta^2 (g_{l+1}^T g_{l+1} - g_l g_l^T); at the minimum its mean per unit time is
    beta [tr(W_{>l+1}^T Sigma_q W_{>l+1}) W_{<l+1} W_{<l+1}^T - tr(W_{<l}^T W_{<l}) W_{>l}^T Sigma_q W_{>l}].
    The drift of the base point along the flat directions must reproduce it (an independent route)."""
    net, T = _net(widths, (2.0, 1.0), gauge_noise=0.3, aniso=True, seed=3)
    res = network_stationary_moments(net, T, eta=0.01, b=2)
    above, below = net.partials()
    for l, got in enumerate(res.balance_rate(net)):
        pred = res.beta * (np.trace(above[l + 1].T @ T.Sigma_q @ above[l + 1]) * below[l + 1] @ below[l + 1].T
                           - np.trace(below[l].T @ below[l]) * above[l].T @ T.Sigma_q @ above[l])
        assert _close(got, pred)
        assert not _close(got, -pred)        # mutation: a sign flip is rejected


def test_bad_input_is_one_line():
    net, T = _net((3, 4, 3), (2.0, 1.0))
    off = DLN([net.layers[0] * 1.1, net.layers[1]])
    with pytest.raises(SymdlnInputError, match="minimum manifold"):
        network_stationary_moments(off, T, eta=0.01, b=1)
    with pytest.raises(SymdlnInputError, match="batch size"):
        network_stationary_moments(net, T, eta=0.01, b=0)
    with pytest.raises(SymdlnInputError, match="net must be"):
        network_stationary_moments("W", T, eta=0.01, b=1)


def _aniso_balanced_shift(L, s, Sq_modes, trSq, d0, a, beta):
    """The anisotropic closed form of docs/network_level.md (aligned, balanced): output-side pairs (g, a) carry
    u_g^T Sigma_q u_g, the extra outputs tr Sigma_q - sum_g u_g^T Sigma_q u_g, input-side pairs u_a^T Sigma_q u_a."""
    x = s[a] ** (1 / L)
    y = s ** (1 / L)
    r = len(s)
    out = sum(Sq_modes[g] * sum((m - 1) * x ** (L + 2 * m - 4) * y[g] ** (2 * (L - m)) for m in range(2, L + 1))
              for g in range(r))
    out += (trSq - Sq_modes.sum()) * (L - 1) * x ** (3 * L - 4)
    inn = Sq_modes[a] * (sum(sum((L - m) * x ** (3 * L - 2 - 2 * m) * y[b] ** (2 * (m - 1)) for m in range(1, L))
                             for b in range(r)) + (d0 - r) * (L - 1) * x ** (3 * L - 4))
    return -beta / 2 * (out + inn) / (L * x ** (2 * L - 2)), beta / 2 * Sq_modes[a] * L * x ** (2 * L - 2)


@pytest.mark.parametrize("widths", [(3, 4, 2), (2, 3, 4, 3), (3, 3, 3, 3, 4)])
def test_anisotropic_balanced_closed_form(widths):
    rng = np.random.default_rng(5)
    d0, dL = widths[0], widths[-1]
    s = np.array([1.3, 0.6])
    T = Teacher.from_singular_values(s, dL, d0, rng=4)
    R = rng.standard_normal((dL, dL))
    T = T.with_label_noise(0.2 * R @ R.T)
    net = aligned_balanced(T, s, widths, rng=6)
    res = network_stationary_moments(net, T, eta=0.01, b=1)
    Sqm = np.einsum("ia,ij,ja->a", T.U, T.Sigma_q, T.U)
    for a in range(2):
        m, v = _aniso_balanced_shift(len(widths) - 1, s, Sqm, np.trace(T.Sigma_q), d0, a, 0.01)
        assert res.mean_shift[a] == pytest.approx(m, rel=1e-8)
        assert res.variance[a] == pytest.approx(v, rel=1e-8)
        # mutation: the isotropic form with sigma_q^2 = tr(Sigma_q)/d_L is rejected
        iso = np.full(2, np.trace(T.Sigma_q) / dL)
        assert res.mean_shift[a] != pytest.approx(_aniso_balanced_shift(len(widths) - 1, s, iso, np.trace(T.Sigma_q),
                                                                        d0, a, 0.01)[0], rel=1e-3)


def test_depth2_gauge_where_the_manifold_drift_vanishes():
    """Depth 2, isotropic noise: the drift along the manifold vanishes at d_L W_1 W_1^T = d_0 W_2^T W_2 (per mode
    rho = sqrt(d_0/d_L)); there E[w_a] - s_a = -T sqrt(d_0 d_L) and Var(w_a) = T s_a (d_0 + d_L)/sqrt(d_0 d_L)."""
    d0, h, dL = 3, 5, 7
    s = np.array([1.2, 0.5])
    T = Teacher.from_singular_values(s, dL, d0, sigma_q=0.3, rng=0)
    Q = np.linalg.qr(np.random.default_rng(1).standard_normal((h, h)))[0][:, :2]
    for rho, zero in ((np.sqrt(d0 / dL), True), (1.0, False)):     # mutation: the balanced gauge drifts
        net = DLN([(Q * np.sqrt(s * rho)) @ T.V.T, (T.U * np.sqrt(s / rho)) @ Q.T])
        res = network_stationary_moments(net, T, eta=0.01, b=1)
        drift = max(np.abs(x).max() for x in res.drift)
        assert (drift <= 1e-12) == zero                  # 1e-12: float rounding of O(1e-4) drift entries
    Tt = 0.01 * 0.09 / 2
    net = DLN([(Q * np.sqrt(s * np.sqrt(d0 / dL))) @ T.V.T, (T.U * np.sqrt(s / np.sqrt(d0 / dL))) @ Q.T])
    res = network_stationary_moments(net, T, eta=0.01, b=1)
    assert np.allclose(res.mean_shift, -Tt * np.sqrt(d0 * dL), rtol=1e-9)
    assert np.allclose(res.variance, Tt * s * (d0 + dL) / np.sqrt(d0 * dL), rtol=1e-9)


def test_discrete_moments_match_dense_discrete_lyapunov():
    net, T = _net((2, 3, 3), (1.5, 0.7), sigma_q=0.4, gauge_noise=0.3, aniso=True)
    eta = 0.05
    res = network_stationary_moments(net, T, eta=eta, b=1)
    dd = network_stationary_dense(net, T, eta=eta, b=1, discrete=True)
    assert _close(res.variance_discrete, dd["variance"]) and _close(res.mean_shift_discrete, dd["mean_shift"])
    assert not _close(res.variance_discrete, res.variance)          # the correction is not zero
    with pytest.raises(SymdlnInputError, match="stable"):
        network_stationary_moments(net, T, eta=50.0, b=1)

"""Saddle sampler: normal form, constraint energy, exact HVP, certification (issue 7).

Constructed cases with known answers; each check has a mutation (a deliberately wrong variant) that
the same check rejects.
"""
import json

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from symdln import SymdlnInputError, Teacher
from symdln.saddles import (NormalForm, Prior, certify, cheap_residuals, constraints, dense_hessian,
                            descent_probe, energy,
                            energy_and_grad, extreme_eigenvalues, global_min_loss, hvp, line_coefficients,
                            loss_and_grad, quench, sgld)
from symdln.saddles.hessian import flatten, loss, unflatten

SEEDS = st.integers(0, 2**32 - 1)


def _teacher(rng, d_out=5, d_in=4, n=3):
    s = np.sort(rng.uniform(0.5, 3.0, n))[::-1]
    return Teacher.from_singular_values(s, d_out, d_in, rng=rng)


def _random_nf(rng, L=None):
    d_out, d_in = int(rng.integers(2, 6)), int(rng.integers(2, 6))
    n = int(rng.integers(1, min(d_out, d_in) + 1))
    T = _teacher(rng, d_out, d_in, n)
    r = int(rng.integers(0, n + 1))
    S = sorted(rng.choice(n, size=r, replace=False).tolist())
    L = L or int(rng.integers(2, 5))
    widths = (d_in,) + tuple(int(rng.integers(r, r + 4)) for _ in range(L - 1)) + (d_out,)
    return T, NormalForm(T, S, widths)


def _grad_sq(layers, M):
    return sum(float(np.sum(g * g)) for g in loss_and_grad(layers, M)[1])


# -- normal form ------------------------------------------------------------------------------
@settings(max_examples=25, deadline=None)
@given(seed=SEEDS)
def test_normal_form_product_is_PS_M_plus_residual_path(seed):
    rng = np.random.default_rng(seed)
    T, nf = _random_nf(rng)
    Z = nf.random_residuals(1, rng)
    W = nf.assemble(Z).end_to_end()
    mu = constraints(Z, nf.sigma)[0][0]
    assert np.allclose(W, nf.target + nf.U_Q @ mu, atol=1e-12)
    Z[int(rng.integers(nf.depth))][:] = 0.0          # mu = 0: exactly on the stratum W = P_S M
    assert np.allclose(nf.assemble(Z).end_to_end(), nf.target, atol=1e-12)
    assert np.linalg.matrix_rank(nf.target, tol=1e-9) == nf.r
    assert np.allclose(nf.U_Q.T @ nf.U_S, 0, atol=1e-12) and nf.U_Q.shape[1] == T.d_out - nf.r


def test_normal_form_rejects_bad_input():
    T = _teacher(np.random.default_rng(0))
    with pytest.raises(SymdlnInputError, match="S must be distinct"):
        NormalForm(T, [0, 0], (4, 3, 5))
    with pytest.raises(SymdlnInputError, match="width"):
        NormalForm(T, [0, 1, 2], (4, 2, 5))
    with pytest.raises(SymdlnInputError, match="depth L >= 2"):
        NormalForm(T, [0], (4, 5))
    nf = NormalForm(T, [0], (4, 3, 3, 5))
    with pytest.raises(SymdlnInputError, match="Z_1 must have shape"):
        nf.assemble([np.zeros((2, 3)), np.zeros((2, 2)), np.zeros((4, 2))])


# -- energy -----------------------------------------------------------------------------------
@settings(max_examples=10, deadline=None)
@given(seed=SEEDS)
def test_energy_gradient_matches_finite_differences(seed):
    rng = np.random.default_rng(seed)
    _, nf = _random_nf(rng)
    Z = nf.random_residuals(2, rng)
    e, g = energy_and_grad(Z, nf.sigma)
    assert np.allclose(e, energy(Z, nf.sigma))
    h = 1e-6
    for l in range(nf.depth):
        if Z[l][0].size == 0:
            continue
        D = rng.standard_normal(Z[l].shape)
        Zp = [z.copy() for z in Z]; Zm = [z.copy() for z in Z]
        Zp[l] += h * D; Zm[l] -= h * D
        fd = (energy(Zp, nf.sigma) - energy(Zm, nf.sigma)) / (2 * h)
        an = np.sum(g[l] * D, axis=(1, 2))
        # central difference error O(h^2 E''') + rounding O(eps E / h): 1e-6 relative is > 100x both
        assert np.allclose(fd, an, rtol=1e-6, atol=1e-7), (l, fd, an)
        wrong = np.sum(0.5 * g[l] * D, axis=(1, 2))      # mutation: a factor-2 error is rejected
        assert not np.allclose(fd, wrong, rtol=1e-6, atol=1e-7) or np.allclose(an, 0, atol=1e-7)


@settings(max_examples=15, deadline=None)
@given(seed=SEEDS)
def test_zero_energy_implies_critical_and_fiber_identity(seed):
    """On the fiber (mu = 0): ||grad L||^2 = 2 E(Z) exactly with sigma = M^T U_Q; E = 0 => grad L = 0."""
    rng = np.random.default_rng(seed)
    T, nf = _random_nf(rng)
    Z = nf.random_residuals(1, rng)
    Z[int(rng.integers(nf.depth))][:] = 0.0          # one zero block: mu = 0, one cyclic constraint left
    layers = list(nf.assemble(Z).layers)
    E = float(energy(Z, nf.sigma)[0])
    assert _grad_sq(layers, T.M) == pytest.approx(2 * E, rel=1e-9, abs=1e-20)
    E_wrong = float(energy(Z, 2.0 * nf.sigma)[0])    # mutation: wrong sigma breaks the identity
    if E > 1e-12:                                     # (E can vanish when the unzeroed constraint is trivial)
        assert _grad_sq(layers, T.M) != pytest.approx(2 * E_wrong, rel=1e-6)
    Zc, _ = cheap_residuals(nf, 1, rng)               # two zero blocks: E = 0 exactly => critical
    assert energy(Zc, nf.sigma)[0] == 0.0   # exact by construction: a sum of squares of exactly-zero blocks
    assert _grad_sq(list(nf.assemble(Zc).layers), T.M) < 1e-24
    assert float(loss(list(nf.assemble(Zc).layers), T.M)) == pytest.approx(nf.expected_loss(), rel=1e-12)


def test_sgld_lowers_energy_and_quench_reaches_variety():
    rng = np.random.default_rng(3)
    T = _teacher(rng, 5, 5, 4)
    nf = NormalForm(T, [0], (5, 4, 4, 5))
    res = sgld(nf, 4, 300, beta=1e3, prior=Prior("norm-target"), rng=1)
    assert res.energy[-1].mean() < 0.05 * res.energy[0].mean()
    Zq, E = quench(nf, res.Z)
    assert E.max() < 1e-20
    n_zero_blocks = [sum(np.linalg.norm(z[c]) < 1e-6 for z in Zq) for c in range(4)]
    assert max(n_zero_blocks) <= 1      # SGLD finds points off the cheap (two-zero-block) construction
    with pytest.raises(SymdlnInputError, match="prior kind"):
        Prior("laplace")


# -- Hessian ----------------------------------------------------------------------------------
@settings(max_examples=10, deadline=None)
@given(seed=SEEDS, masked=st.booleans())
def test_hvp_matches_dense_hessian_and_finite_differences(seed, masked):
    rng = np.random.default_rng(seed)
    L = int(rng.integers(2, 5))
    d = rng.integers(1, 5, size=L + 1)
    layers = [rng.standard_normal((d[l + 1], d[l])) for l in range(L)]
    M = rng.standard_normal((d[-1], d[0]))
    mask = (rng.random(M.shape) < 0.6).astype(float) if masked else None
    shapes = [w.shape for w in layers]
    Hd = dense_hessian(layers, M, mask)
    v = rng.standard_normal(Hd.shape[0])
    hv = flatten(hvp(layers, unflatten(v, shapes), M, mask))
    scale = max(1.0, np.abs(Hd).max()) * np.linalg.norm(v)
    assert np.allclose(Hd, Hd.T, atol=1e-12 * scale)
    assert np.allclose(Hd @ v, hv, atol=1e-11 * scale)
    th, h = flatten(layers), 1e-5
    g = lambda x: flatten(loss_and_grad(unflatten(x, shapes), M, mask)[1])  # noqa: E731
    fd = (g(th + h * v) - g(th - h * v)) / (2 * h)
    assert np.allclose(fd, hv, atol=1e-6 * scale)     # O(h^2) truncation, far below 1e-6
    W = _chain(layers)                                # mutation: Gauss-Newton only (target = W, so D = 0)
    gn = flatten(hvp(layers, unflatten(v, shapes), W, mask))
    if np.linalg.norm(Hd @ v - gn) > 1e-4 * scale:     # (the D-terms are not accidentally ~0 here)
        assert not np.allclose(fd, gn, atol=1e-6 * scale)
    c = line_coefficients(layers, unflatten(v, shapes), M, mask)
    t = 0.37
    direct = loss(unflatten(th + t * v, shapes), M, mask) - loss(layers, M, mask)
    assert np.polyval(np.r_[c[::-1], 0.0], t) == pytest.approx(direct, rel=1e-9, abs=1e-9)
    assert c[1] == pytest.approx(0.5 * v @ Hd @ v, rel=1e-9, abs=1e-9)


def _chain(ls):
    out = ls[0]
    for w in ls[1:]:
        out = w @ out
    return out


def test_lanczos_matches_dense_eigenvalues():
    rng = np.random.default_rng(7)
    T = _teacher(rng, 4, 4, 3)
    nf = NormalForm(T, [1], (4, 3, 3, 4))
    Z, _ = cheap_residuals(nf, 1, rng, zero_blocks=[1, 3])
    layers = list(nf.assemble(Z).layers)
    lmin, lmax, v = extreme_eigenvalues(layers, T.M)
    ev = np.linalg.eigvalsh(dense_hessian(layers, T.M))
    assert lmin == pytest.approx(ev[0], abs=1e-8) and lmax == pytest.approx(ev[-1], abs=1e-8)
    assert lmin < -1e-3                                # S = {1} skips the larger mode 0: strict saddle


@pytest.mark.parametrize("L", [3, 4])
def test_origin_is_nonstrict_saddle_with_zero_hessian(L):
    rng = np.random.default_rng(L)
    T = _teacher(rng, 3, 3, 2)
    layers = [np.zeros((3, 3)) for _ in range(L)]
    assert np.all(dense_hessian(layers, T.M) == 0.0)   # exact: every entry is a product containing a zero layer
    cert = certify(layers, T.M, global_min=0.0)
    # exact: the eigenvalues of the all-zero Hessian above are computed from an exactly zero matrix
    assert cert.kind == "non-strict saddle" and cert.lambda_min == 0.0 and cert.lambda_max == 0.0
    assert cert.probe["certified"] and cert.probe["order"] == L   # descent first appears at order L
    assert cert.probe["coefficients"][L - 1] < 0


def test_depth2_rank_deficient_critical_point_has_negative_eigenvalue():
    rng = np.random.default_rng(11)
    T = _teacher(rng, 4, 4, 3)
    origin = [np.zeros((3, 4)), np.zeros((4, 3))]
    cert = certify(origin, T.M, global_min=global_min_loss(T, (4, 3, 4)))
    # at the depth-2 origin H = [[0, B], [B^T, 0]] with singular values of B = those of M: lambda_min = -s_1
    assert cert.kind == "strict saddle" and cert.lambda_min == pytest.approx(-T.s.max(), rel=1e-9)
    nf = NormalForm(T, [0], (4, 3, 4))                 # rank-1 saddle W = P_{0} M, random gauge residuals
    for c in range(3):
        Z, _ = cheap_residuals(nf, 1, rng)
        cert = certify(list(nf.assemble(Z).layers), T.M, global_min=global_min_loss(T, (4, 3, 4)))
        assert cert.kind == "strict saddle" and cert.grad_norm < 1e-12 and not cert.is_global_min
    full = NormalForm(T, [0, 1, 2], (4, 3, 4))         # the global-minimum stratum is a local minimum
    Z, _ = cheap_residuals(full, 1, rng)
    cert = certify(list(full.assemble(Z).layers), T.M, global_min=global_min_loss(T, (4, 3, 4)))
    assert cert.kind == "local minimum" and cert.is_global_min and cert.lambda_min > -cert.tol
    # the higher-order probe must not report descent at a global minimum (no false certificates)
    pr = descent_probe(list(full.assemble(Z).layers), T.M, radii=(0.1, 0.01), n_starts=1)
    assert not pr["found"] and not pr["certified"] and min(pr["drops"]) > -1e-12


def test_saddles_command_smoke(tmp_path, capsys):
    from argparse import Namespace

    from symdln.commands import saddles as cmd
    args = Namespace(fast=True, depths="2,3", n=1, out=str(tmp_path), quiet=True, seed=0)
    assert cmd.run(args) == 0
    data = json.loads((tmp_path / "saddles" / "saddles.json").read_text())
    assert data["summary"]["theory"]["all_points_pass_checks"]
    assert data["summary"]["theory"]["depth2_no_nonstrict_saddle"]
    assert data["summary"]["by_depth"]["3"]["non-strict certified"] >= 1
    assert (tmp_path / "saddles" / "saddles.png").stat().st_size > 0
    with pytest.raises(SymdlnInputError, match="--depths"):
        cmd.run(Namespace(fast=True, depths="1", n=1, out=str(tmp_path), quiet=True, seed=0))


@pytest.mark.slow
def test_saddles_command_default(tmp_path):
    from argparse import Namespace

    from symdln.commands import saddles as cmd
    assert cmd.run(Namespace(fast=False, depths="2,3,4", n=None, out=str(tmp_path), quiet=True, seed=0)) == 0
    data = json.loads((tmp_path / "saddles" / "saddles.json").read_text())
    th = data["summary"]["theory"]
    assert th["all_points_pass_checks"] and th["depth2_no_nonstrict_saddle"]
    assert th["deep_nonstrict_found"] and th["no_spurious_local_min"]
    for L in ("3", "4"):
        d = data["summary"]["by_depth"][L]
        assert d["non-strict certified"] == d["non-strict saddle"] > 0


def test_learning_out_of_order_makes_a_strict_saddle():
    """L = 3, all residual blocks zero.  On the stratum S = {i}, perturbing W_3's signal column by a u_b c^T and
    W_1's signal row by b c v_b^T (|c| = 1) gives the Hessian form a^2 s_i^2 + b^2 - 2 a b s_b, i.e. the 2 x 2
    block [[s_i^2, -s_b], [-s_b, 1]]: negative curvature iff an unlearned s_b exceeds the learned s_i.
    So S = {1} (s = 2 learned before s = 3) is strict; S = {0} is a non-strict saddle (descent of order 3)."""
    s = np.array([3.0, 2.0, 1.0])
    T = Teacher.from_singular_values(s, 4, 4, rng=5)
    widths = (4, 3, 3, 4)
    for S, strict in (((1,), True), ((0,), False)):
        nf = NormalForm(T, S, widths)
        Z, _ = cheap_residuals(nf, 1, 0, zero_blocks=[1, 2, 3])
        cert = certify(list(nf.assemble(Z).layers), T.M, global_min=global_min_loss(T, widths))
        si = s[S[0]]
        block_min = min(np.linalg.eigvalsh(np.array([[si ** 2, -sb], [-sb, 1.0]]))[0] for sb in np.delete(s, S[0]))
        if strict:
            assert cert.kind == "strict saddle" and block_min < 0
            assert cert.lambda_min <= block_min + 1e-9          # Rayleigh quotient bound from the 2 x 2 block
        else:
            assert block_min > 0 and cert.kind == "non-strict saddle"
            assert cert.probe["certified"] and cert.probe["order"] == 3

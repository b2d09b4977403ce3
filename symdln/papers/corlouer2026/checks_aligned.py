"""More network checks: App. B per-sample formulas, App. E aligned contractions, balance under gradient flow."""
from __future__ import annotations

import numpy as np

from ...network import vec
from ...verdict import Evidence
from ...checkkit import compare_arrays, shape_failure, try_build
from . import derived_forms
from ._base import PAPER
from ...checkkit import ALIGNED, SQUARE
from ...checkkit import mode_uv as _uv
from ...checkkit import sampled_settings as settings


def _aligned(seed, widths=ALIGNED, sigma=0.3, w=(0.5, 0.3)):
    from ...network import Teacher, aligned_balanced
    t = Teacher.from_singular_values([1.0, 0.6], widths[-1], widths[0], sigma_q=sigma, rng=seed)
    return aligned_balanced(t, list(w), widths=widths, rng=seed + 1), t


@PAPER.check("per_sample_grad")
def _(claim, spec, *, seed, fast, paper=None):
    from ...noise import per_sample_gradients, sample_data
    evs = []
    for label, net, t in settings(seed):
        X, Y = sample_data(t, 4, seed)
        g = per_sample_gradients(net, t, X, Y)
        for l in range(1, net.depth + 1):
            val, err = try_build(lambda: np.array([claim.expr(net, t, l, x, y) for x, y in zip(X, Y)]))
            ref = np.array([vec(G) for G in g[l - 1]])
            evs.append(shape_failure(label, err) if err else compare_arrays(f"{label}, l={l}", val, ref,
                                                                                      ref_name="per_sample_gradients"))
    return evs


@PAPER.check("appB_xi")
def _(claim, spec, *, seed, fast, paper=None):
    from ...noise import per_sample_gradients, population_gradient, sample_data
    evs = []
    for label, net, t in settings(seed):
        X, Y = sample_data(t, 3, seed)
        g, G = per_sample_gradients(net, t, X, Y), population_gradient(net, t)
        for l in range(1, net.depth + 1):
            val = np.array([claim.expr(net, t, l, x, y) for x, y in zip(X, Y)])
            ref = np.array([vec(G[l - 1]) - vec(gi) for gi in g[l - 1]])      # E[vec g_l] - vec g_l(x, y)
            evs.append(compare_arrays(f"{label}, l={l}", val, ref,
                                      ref_name="E[vec g_l] - vec g_l(x, y) (numeric core)"))
    return evs


@PAPER.check("norm_A")
def _(claim, spec, *, seed, fast, paper=None):
    from ...modes import mode_jacobian
    evs = []
    for widths in (ALIGNED, (2, 4, 3, 5, 2)):
        net, t = _aligned(seed, widths)
        u, v = _uv(t)
        L, w = net.depth, 0.5
        As = mode_jacobian(net, u, v)
        lhs = [float(np.sum(A * A)) for A in As]
        mid = [float(np.sum((net.below(l) @ v) ** 2) * np.sum((net.above(l).T @ u) ** 2)) for l in range(1, L + 1)]
        rhs = [w ** (2 * (L - 1) / L)] * L           # prod_{j != l} w_j^2 with w_j = w^(1/L)
        evs.append(compare_arrays(f"aligned {widths}: ||A_l||^2 = ||W_<l v||^2 ||W_>l^T u||^2", lhs, mid))
        evs.append(compare_arrays(f"aligned {widths}: = prod_(j!=l) w_j^2", lhs, rhs))
    return evs


@PAPER.check("grad_block_aligned")
def _(claim, spec, *, seed, fast, paper=None):
    from ...modes import mode_jacobian
    from ...noise import population_gradient
    net, t = _aligned(seed)
    u, v = _uv(t)
    G = population_gradient(net, t)
    As = mode_jacobian(net, u, v)
    W, M = net.end_to_end(), t.M
    w, s = float(u @ W @ v), float(t.s[0])
    evs = [compare_arrays("g_l = W_>l^T (W - M) W_<l^T", [net.above(l).T @ (W - M) @ net.below(l).T
                                                          for l in range(1, net.depth + 1)], G)]
    proj = [net.above(l).T @ ((w - s) * np.outer(u, v)) @ net.below(l).T for l in range(1, net.depth + 1)]
    evs.append(compare_arrays("g_l|_alpha = (w - s) A_l", proj, [(w - s) * A for A in As]))
    evs.append(compare_arrays("<A_l, g_l> = (w - s) ||A_l||^2 (aligned)", [float(np.sum(A * g)) for A, g in zip(As, G)],
                              [(w - s) * float(np.sum(A * A)) for A in As]))
    return evs


@PAPER.check("grad_aligned_numeric")
def _(claim, spec, *, seed, fast, paper=None):
    import sympy as sp
    from ...modes import gradient_drift
    from ...symbolic.symbols import L, s, w
    evs = []
    for widths, wv in ((ALIGNED, (0.5, 0.3)), ((2, 3, 2), (0.7, 0.2)), ((3, 4, 4, 4, 3), (0.2, 0.9))):
        net, t = _aligned(seed, widths, w=wv)
        val = float(sp.N(claim.expr.subs({L: net.depth, w: wv[0], s: 1.0})))
        evs.append(compare_arrays(f"aligned {widths}, w={wv[0]}: numeric core gradient_drift", val,
                                  gradient_drift(net, t, 0)))
    return evs


@PAPER.check("ito_offdiag")
def _(claim, spec, *, seed, fast, paper=None):
    from ...modes import ito_drift, mode_hessian_dense
    from ...noise import sigma_dense
    evs = []
    for label, net, t in settings(seed):
        eta_ = 0.1
        H, S = mode_hessian_dense(net, *_uv(t)), sigma_dense(net, t)
        offs = np.cumsum((0,) + tuple(net.widths[i] * net.widths[i + 1] for i in range(net.depth)))
        blk = lambda A, l, m: A[offs[l]:offs[l + 1], offs[m]:offs[m + 1]]  # noqa: E731
        tot = sum(float(np.sum(blk(S, l, m) * blk(H, l, m)))
                  for l in range(net.depth) for m in range(net.depth) if l != m)
        evs.append(compare_arrays(f"{label}: (eta/2) sum_(l!=m) <Sigma_lm, H_lm>", eta_ / 2 * tot,
                                  ito_drift(net, t, 0, eta=eta_), ref_name="ito_drift (numeric core)"))
    return evs


@PAPER.check("gamma")
def _(claim, spec, *, seed, fast, paper=None):
    evs = []
    for widths in (ALIGNED, (2, 2, 2, 2)):
        net, t = _aligned(seed, widths)
        u = t.U[:, 0]
        L = net.depth
        vals = []
        for l in range(1, L + 1):
            for m in range(1, L + 1):
                if l == m:
                    continue
                v, err = try_build(claim.expr, net, t, u, l, m)
                if err:
                    evs.append(shape_failure(f"aligned {widths}: Gamma_({l},{m})", err))
                    break
                vals.append(v)
            else:
                continue
            break
        else:
            sig2 = float(t.Sigma_q[0, 0])
            evs.append(compare_arrays(f"aligned {widths}: Gamma_lm = sigma_q^2", vals, [sig2] * len(vals)))
    # the label factor the derivation actually needs: u^T W_>l W_>l^T Sigma_q W_>m W_>m^T u / (norms)
    net, t = _aligned(seed)
    u = t.U[:, 0]
    vals, refs = [], []
    for l in range(1, net.depth + 1):
        for m in range(1, net.depth + 1):
            pl, pm = net.above(l) @ (net.above(l).T @ u), net.above(m) @ (net.above(m).T @ u)
            vals.append(float(pl @ t.Sigma_q @ pm) / float(np.linalg.norm(pl) * np.linalg.norm(pm)))
            refs.append(float(t.Sigma_q[0, 0]))
    evs.append(compare_arrays("label factor p_l^T Sigma_q p_m / (|p_l||p_m|) (derived form)", vals, refs, scope="info"))
    return evs, {"derived": derived_forms.gamma_label_factor()}


@PAPER.check("D_data_pair")
def _(claim, spec, *, seed, fast, paper=None):
    from ...modes import mode_jacobian
    from ...noise import sigma_block
    evs = []
    for widths in (ALIGNED, SQUARE):
        net, t = _aligned(seed, widths, sigma=0.0)
        u, v = _uv(t)
        a = [vec(A) for A in mode_jacobian(net, u, v)]
        L, w, s = net.depth, 0.5, 1.0
        vals = [float(a[l] @ sigma_block(net, t, l + 1, m + 1) @ a[m]) for l in range(L) for m in range(L)]
        ref = [2 * (s - w) ** 2 * w ** (4 * (L - 1) / L)] * (L * L)
        evs.append(compare_arrays(f"aligned {widths}, sigma_q=0: a_l^T Sigma_lm a_m (sigma_block)", vals, ref,
                                  ref_name="2(s-w)^2 w^(4(L-1)/L)"))
    return evs


@PAPER.check("balance_preserved")
def _(claim, spec, *, seed, fast, paper=None):
    from ...noise import population_gradient
    evs = []
    for label, net, t in settings(seed):
        G = population_gradient(net, t)
        for l in range(1, net.depth):
            Wl, Wn, Gl, Gn = net.layer(l), net.layer(l + 1), G[l - 1], G[l]
            # d/dt (W_{l+1}^T W_{l+1} - W_l W_l^T) with dW/dt = -G
            rate = -(Gn.T @ Wn + Wn.T @ Gn) + (Gl @ Wl.T + Wl @ Gl.T)
            scale = max(float(np.max(np.abs(Gn.T @ Wn))), 1e-300)
            err = float(np.max(np.abs(rate))) / scale
            evs.append(Evidence("consistency", err < 1e-12, f"{label}, l={l}: d/dt(W_(l+1)^T W_(l+1) - W_l W_l^T) = 0 "
                                f"under gradient flow (rel. {err:.1e})", {"rel": err}))
    return evs


@PAPER.check("balanced_layer")
def _(claim, spec, *, seed, fast, paper=None):
    """On an aligned + balanced network each layer acts on mode alpha as w_alpha^(1/L): the singular values of
    every layer restricted to the mode directions are w^(1/L), and the product of the layer gains is w."""
    evs = []
    for widths, wv in ((ALIGNED, (0.5, 0.3)), ((2, 4, 3, 5, 2), (0.8, 0.1))):
        net, t = _aligned(seed, widths, w=wv)
        x = t.V[:, 0]
        gains = []
        for W in net.layers:
            y = W @ x
            gains.append(float(np.linalg.norm(y)))
            x = y / np.linalg.norm(y)
        evs.append(compare_arrays(f"aligned {widths}: layer gains on mode 0 = w^(1/L)", gains,
                                  [wv[0] ** (1 / net.depth)] * net.depth))
        wa = float(t.U[:, 0] @ net.end_to_end() @ t.V[:, 0])
        evs.append(compare_arrays(f"aligned {widths}: u^T W v = w", wa, wv[0]))
    return evs

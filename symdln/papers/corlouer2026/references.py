"""Named quantities the engine's ``numeric_identity`` kind compares this paper's printed formulas with.

A reference is ``fn(claim, env) -> value`` (``env``: one sampled setting, see ``SETTINGS`` of
:mod:`symdln.verify.kinds_identity`) or a settings generator ``fn(claim, seed, params) -> [(label, env)]``; it
computes, it never decides (tolerances, shapes and evidence are the kind's).  Where a value is the printed
formula it is marked *printed*; the others come from the numeric core (:mod:`symdln.noise`, :mod:`symdln.modes`)
or from an independent construction (central differences, exact enumeration over every batch).
"""
from __future__ import annotations

import numpy as np

from ...checkkit import ALIGNED, mode_uv, sampled_settings
from ...network import vec
from ._base import PAPER

R = PAPER.reference


# ---- settings --------------------------------------------------------------------------------------------------
def aligned_network(seed, widths=ALIGNED, sigma=0.3, w=(0.5, 0.3)):
    """An aligned + balanced network with mode amplitudes ``w`` for a two-mode teacher (s = 1, 0.6)."""
    from ...network import Teacher, aligned_balanced
    t = Teacher.from_singular_values([1.0, 0.6], widths[-1], widths[0], sigma_q=sigma, rng=seed)
    return aligned_balanced(t, list(w), widths=widths, rng=seed + 1), t


@R("sampled_with_data")
def sampled_with_data(claim, seed, params):
    """The sampled networks, each with ``params["n_samples"]`` Gaussian samples (x, y) of its teacher."""
    from ...noise import sample_data
    out = []
    for label, net, t in sampled_settings(seed):
        X, Y = sample_data(t, params["n_samples"], seed)
        out.append((label, {"net": net, "t": t, "X": X, "Y": Y}))
    return out


@R("sampled_with_perturbation")
def sampled_with_perturbation(claim, seed, params):
    """The sampled networks, each with a Gaussian perturbation ``dW`` of every layer (a fresh stream per setting)."""
    rng = np.random.default_rng(seed)
    return [(label, {"net": net, "t": t, "dW": [rng.standard_normal(W.shape) for W in net.layers]})
            for label, net, t in sampled_settings(seed)]


@R("aligned_settings")
def aligned_settings(claim, seed, params):
    """Aligned + balanced networks: ``params["aligned"]`` lists ``[widths, [w_0, w_1], sigma_q]``."""
    out = []
    for widths, wv, sig in params["aligned"]:
        net, t = aligned_network(seed, tuple(widths), sigma=sig, w=tuple(wv))
        out.append((f"aligned {tuple(widths)}", {"net": net, "t": t, "w": wv[0]}))
    return out


# ---- App. A-B: noise definitions and per-sample formulas ---------------------------------------------------------
@R("printed_per_sample")
def printed_per_sample(claim, env):
    """*printed*: ``claim.expr(net, t, l, x, y)`` for every sample, per layer (rows)."""
    net, t = env["net"], env["t"]
    return [np.array([claim.expr(net, t, l, x, y) for x, y in zip(env["X"], env["Y"])])
            for l in range(1, net.depth + 1)]


@R("minus_per_sample_deviation")
def minus_per_sample_deviation(claim, env):
    """``E[vec g_l] - vec g_l(x, y)`` per sample (numeric core)."""
    from ...noise import per_sample_gradients, population_gradient
    g, G = per_sample_gradients(env["net"], env["t"], env["X"], env["Y"]), population_gradient(env["net"], env["t"])
    return [np.array([vec(G[l]) - vec(gi) for gi in g[l]]) for l in range(env["net"].depth)]


@R("design_average_gradient")
def design_average_gradient(claim, env):
    """The one-sample gradient averaged over a finite design with E[x x^T] = I and E[xi_q x^T] = 0 exactly
    (x = +-sqrt(d_0) e_i, xi_q = +-sqrt(d_L) R e_j, R R^T = Sigma_q): it equals the population mean exactly,
    because the gradient is a quadratic form in (x, xi_q) through x x^T and xi_q x^T only."""
    from ...noise import per_sample_gradients
    net, t = env["net"], env["t"]
    d0, dL = net.widths[0], net.widths[-1]
    Rq = np.linalg.cholesky(t.Sigma_q + 1e-300 * np.eye(dL)) if np.any(t.Sigma_q) else np.zeros((dL, dL))
    xs = [sgn * np.sqrt(d0) * e for e in np.eye(d0) for sgn in (1, -1)]
    qs = [sgn * np.sqrt(dL) * (Rq @ e) for e in np.eye(dL) for sgn in (1, -1)]
    X = np.array([x for x in xs for _ in qs])
    Y = np.array([t.M @ x + q for x in xs for q in qs])
    return [gl.mean(0) for gl in per_sample_gradients(net, t, X, Y)]


# ---- App. C-E: first and second order in the layers, aligned networks --------------------------------------------
@R("printed_first_order")
def printed_first_order(claim, env):
    """*printed*: sum_l u^T W_>l dW_l W_<l v."""
    net, (u, v), dW = env["net"], mode_uv(env["t"]), env["dW"]
    return sum(float(u @ net.above(l) @ dW[l - 1] @ net.below(l) @ v) for l in range(1, net.depth + 1))


@R("central_difference_first_order")
def central_difference_first_order(claim, env, eps=1e-6):
    """(f(eps) - f(-eps)) / (2 eps) for f(e) = u^T W(theta + e dW) v."""
    net, (u, v), dW = env["net"], mode_uv(env["t"]), env["dW"]
    f = lambda e: float(u @ net.with_layers([W + e * d for W, d in zip(net.layers, dW)]).end_to_end() @ v)  # noqa
    return (f(eps) - f(-eps)) / (2 * eps)


@R("frobenius_first_order")
def frobenius_first_order(claim, env):
    """sum_l <A_l, dW_l>_F with A_l from the numeric core (mode_jacobian)."""
    from ...modes import mode_jacobian
    return sum(float(np.sum(A * d)) for A, d in zip(mode_jacobian(env["net"], *mode_uv(env["t"])), env["dW"]))


def _bilinear_draws(env):
    if "H" not in env:
        rng = np.random.default_rng([env["seed"], len(env["label"])])
        net = env["net"]
        env["H"] = {(l, m): (rng.standard_normal(net.layer(l).shape), rng.standard_normal(net.layer(m).shape))
                    for l in range(2, net.depth + 1) for m in range(1, l)}
    return env["H"]


@R("printed_bilinear_hessian")
def printed_bilinear_hessian(claim, env):
    """*printed*: Eq. (25)'s bilinear form ``claim.expr(net, u, v, l, m, H_l, H_m)`` for every l > m."""
    net, (u, v) = env["net"], mode_uv(env["t"])
    return [claim.expr(net, u, v, l, m, Hl, Hm) for (l, m), (Hl, Hm) in _bilinear_draws(env).items()]


@R("mixed_second_difference")
def mixed_second_difference(claim, env):
    """f(+H_l +H_m) - f(+H_l) - f(+H_m) + f(0): the exact mixed derivative of the multilinear f = u^T W v (l != m)."""
    net, (u, v) = env["net"], mode_uv(env["t"])
    f = lambda ls: float(u @ net.with_layers(ls).end_to_end() @ v)  # noqa: E731
    out = []
    for (l, m), (Hl, Hm) in _bilinear_draws(env).items():
        def pert(dl=None, dm=None):
            ls = list(net.layers)
            if dl is not None:
                ls[l - 1] = ls[l - 1] + dl
            if dm is not None:
                ls[m - 1] = ls[m - 1] + dm
            return ls
        out.append(f(pert(Hl, Hm)) - f(pert(Hl)) - f(pert(None, Hm)) + f(list(net.layers)))
    return out


@R("balance_rate")
def balance_rate(claim, env):
    """d/dt (W_{l+1}^T W_{l+1} - W_l W_l^T) under gradient flow dW/dt = -G, relative to |G_{l+1}^T W_{l+1}|."""
    from ...noise import population_gradient
    net = env["net"]
    G = population_gradient(net, env["t"])
    out = []
    for l in range(1, net.depth):
        Wl, Wn, Gl, Gn = net.layer(l), net.layer(l + 1), G[l - 1], G[l]
        rate = -(Gn.T @ Wn + Wn.T @ Gn) + (Gl @ Wl.T + Wl @ Gl.T)
        out.append(rate / max(float(np.max(np.abs(Gn.T @ Wn))), 1e-300))
    return out


@R("zeros_like_balance_rate")
def zeros_like_balance_rate(claim, env):
    return [np.zeros((env["net"].widths[l], env["net"].widths[l])) for l in range(1, env["net"].depth)]


@R("ito_offdiag_sum")
def ito_offdiag_sum(claim, env, eta_=0.1):
    """*printed*: (eta/2) sum_{l != m} <Sigma_lm, H_lm> (dense Sigma and mode Hessian: small sizes only)."""
    from ...modes import mode_hessian_dense
    from ...noise import sigma_dense
    net = env["net"]
    H, S = mode_hessian_dense(net, *mode_uv(env["t"])), sigma_dense(net, env["t"])
    offs = np.cumsum((0,) + tuple(net.widths[i] * net.widths[i + 1] for i in range(net.depth)))
    blk = lambda A, l, m: A[offs[l]:offs[l + 1], offs[m]:offs[m + 1]]  # noqa: E731
    return eta_ / 2 * sum(float(np.sum(blk(S, l, m) * blk(H, l, m)))
                          for l in range(net.depth) for m in range(net.depth) if l != m)


@R("ito_drift")
def ito_drift_ref(claim, env, eta_=0.1):
    """The numeric core's Ito drift of mode 0 at eta = 0.1."""
    from ...modes import ito_drift
    return ito_drift(env["net"], env["t"], 0, eta=eta_)


@R("norm_A_sq")
def norm_a_sq(claim, env):
    """||A_l||_F^2 per layer (numeric core's mode_jacobian)."""
    from ...modes import mode_jacobian
    return [float(np.sum(A * A)) for A in mode_jacobian(env["net"], *mode_uv(env["t"]))]


@R("norm_A_factored")
def norm_a_factored(claim, env):
    """*printed*: ||W_<l v||^2 ||W_>l^T u||^2."""
    net, (u, v) = env["net"], mode_uv(env["t"])
    return [float(np.sum((net.below(l) @ v) ** 2) * np.sum((net.above(l).T @ u) ** 2)) for l in range(1, net.depth + 1)]


@R("balanced_prod_w")
def balanced_prod_w(claim, env):
    """*printed*: prod_{j != l} w_j^2 with w_j = w^(1/L) (balance), i.e. w^(2(L-1)/L)."""
    L = env["net"].depth
    return [env["w"] ** (2 * (L - 1) / L)] * L


@R("a_sigma_a")
def a_sigma_a(claim, env):
    """a_l^T Sigma_lm a_m for every (l, m) (numeric core: mode_jacobian, sigma_block)."""
    from ...modes import mode_jacobian
    from ...noise import sigma_block
    net, t = env["net"], env["t"]
    a = [vec(A) for A in mode_jacobian(net, *mode_uv(t))]
    L = net.depth
    return [float(a[l] @ sigma_block(net, t, l + 1, m + 1) @ a[m]) for l in range(L) for m in range(L)]


@R("D_data_pair_closed")
def d_data_pair_closed(claim, env):
    """*printed*: 2 (s - w)^2 w^(4(L-1)/L) for every (l, m) (s = 1)."""
    L, w = env["net"].depth, env["w"]
    return [2 * (1.0 - w) ** 2 * w ** (4 * (L - 1) / L)] * (L * L)


@R("layer_gains")
def layer_gains(claim, env):
    """The gain of each layer on mode 0 (|W_l x| along the propagated direction, from v_0)."""
    x, gains = env["t"].V[:, 0], []
    for W in env["net"].layers:
        y = W @ x
        gains.append(float(np.linalg.norm(y)))
        x = y / np.linalg.norm(y)
    return gains


@R("root_w")
def root_w(claim, env):
    """*printed*: w^(1/L) for every layer."""
    return [env["w"] ** (1 / env["net"].depth)] * env["net"].depth


@R("mode_amplitude")
def mode_amplitude(claim, env):
    return float(env["t"].U[:, 0] @ env["net"].end_to_end() @ env["t"].V[:, 0])


@R("w")
def w_value(claim, env):
    return env["w"]


@R("printed_gradient_W")
def printed_gradient_w(claim, env):
    """*printed*: g_l = W_>l^T (W - M) W_<l^T."""
    net, t = env["net"], env["t"]
    W = net.end_to_end()
    return [net.above(l).T @ (W - t.M) @ net.below(l).T for l in range(1, net.depth + 1)]


@R("gradient_mode_projection")
def gradient_mode_projection(claim, env):
    """*printed*: the gradient restricted to mode 0, W_>l^T ((w - s) u v^T) W_<l^T."""
    net, t = env["net"], env["t"]
    u, v = mode_uv(t)
    w, s = float(u @ net.end_to_end() @ v), float(t.s[0])
    return [net.above(l).T @ ((w - s) * np.outer(u, v)) @ net.below(l).T for l in range(1, net.depth + 1)]


@R("w_minus_s_times_A")
def w_minus_s_times_a(claim, env):
    """(w - s) A_l (numeric core's mode_jacobian)."""
    from ...modes import mode_jacobian
    net, t = env["net"], env["t"]
    u, v = mode_uv(t)
    w, s = float(u @ net.end_to_end() @ v), float(t.s[0])
    return [(w - s) * A for A in mode_jacobian(net, u, v)]


@R("inner_A_gradient")
def inner_a_gradient(claim, env):
    """<A_l, g_l> per layer (numeric core)."""
    from ...modes import mode_jacobian
    from ...noise import population_gradient
    net, t = env["net"], env["t"]
    return [float(np.sum(A * g)) for A, g in zip(mode_jacobian(net, *mode_uv(t)), population_gradient(net, t))]


@R("w_minus_s_norm_A_sq")
def w_minus_s_norm_a_sq(claim, env):
    """*printed*: (w - s) ||A_l||^2 (aligned)."""
    u, v = mode_uv(env["t"])
    w, s = float(u @ env["net"].end_to_end() @ v), float(env["t"].s[0])
    return [(w - s) * x for x in norm_a_sq(claim, env)]


@R("printed_scalar_at_w")
def printed_scalar_at_w(claim, env):
    """*printed*: the claim's SymPy expression at L = depth, w = the network's amplitude, s = 1."""
    import sympy as sp
    from ...symbolic.symbols import L, s, w
    return float(sp.N(claim.expr.subs({L: env["net"].depth, w: env["w"], s: 1.0})))


@R("gradient_drift")
def gradient_drift_ref(claim, env):
    from ...modes import gradient_drift
    return gradient_drift(env["net"], env["t"], 0)

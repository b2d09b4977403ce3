"""Named quantities for the matrix formulas of Props. 3.1-3.4 and Apps. B-E (``numeric_identity`` references).

Each printed formula (*printed*) is evaluated on the sampled networks -- square generic ``(3,3,3,3)``,
rectangular generic ``(3,5,2,4)`` (where a transposed factor becomes a shape error), aligned + balanced
``(3,5,4,2)`` -- against an exact construction (basis perturbations, central or second differences), the numeric
core (:mod:`symdln.noise`, :mod:`symdln.modes`) and the derivation's closed form
(``Derivation.extra["formula"]`` on the same matrices, information).
"""
from __future__ import annotations

import numpy as np

from ...checkkit import memo_by_setting, mode_uv, sampled_settings, symbolic_formula_value
from . import derived_forms
from ._base import PAPER
from .references import aligned_network

R = PAPER.reference


def _layers(net, fn):
    """Per-layer blocks (a list, so that a block of the wrong shape is reported as a shape error)."""
    return [np.asarray(fn(l)) for l in range(1, net.depth + 1)]


# ---- Prop. 3.1: Jacobians, gradient, GL invariance --------------------------------------------------------------
@R("sampled_with_input")
def sampled_with_input(claim, seed, params):
    """The sampled networks (all with d_0 = 3) and one Gaussian input x."""
    x = np.random.default_rng(seed).standard_normal(3)
    return [(label, {"net": net, "t": t, "x": x}) for label, net, t in sampled_settings(seed)]


@R("printed_jacobian_x")
def printed_jacobian_x(claim, env):
    """*printed*: J_l(x) per layer."""
    return _layers(env["net"], lambda l: claim.expr(env["net"], l, env["x"]))


@R("exact_jacobian_x")
def exact_jacobian_x(claim, env):
    """d(W x)/d vec W_l, column by column (W x is linear in W_l)."""
    net, x = env["net"], env["x"]

    def one(l):
        cols = []
        for j in range(net.widths[l - 1]):
            for i in range(net.widths[l]):
                E = np.zeros((net.widths[l], net.widths[l - 1]))
                E[i, j] = 1.0
                cols.append(net.above(l) @ E @ net.below(l) @ x)
        return np.array(cols).T
    return _layers(net, one)


R("jacobian_x_form")(derived_forms.jacobian_x)
R("gl_invariance_form")(derived_forms.gl_invariance)
R("gamma_label_factor_form")(derived_forms.gamma_label_factor)


@R("derivation_population_gradient")
@memo_by_setting
def derivation_population_gradient(claim, env):
    """The derivation's closed form of G_l at the network (SymPy matrices: independent of the numeric core)."""
    return _layers(env["net"], lambda l: symbolic_formula_value("population_gradient", env["net"], env["t"], l))


@R("central_difference_gradient")
def central_difference_gradient(claim, env, h=1e-6):
    """Central differences of the population loss 0.5 ||M - W||_F^2 + 0.5 tr Sigma_q in every weight."""
    from ...network import population_loss
    net, t = env["net"], env["t"]
    fd = []
    for l in range(1, net.depth + 1):
        Wl = net.layers[l - 1]
        G = np.empty_like(Wl)
        for idx in np.ndindex(*Wl.shape):
            E = np.zeros_like(Wl)
            E[idx] = h
            up = [W + E if k == l - 1 else W for k, W in enumerate(net.layers)]
            dn = [W - E if k == l - 1 else W for k, W in enumerate(net.layers)]
            G[idx] = (population_loss(net.with_layers(up), t) - population_loss(net.with_layers(dn), t)) / (2 * h)
        fd.append(G)
    return fd


@R("sampled_with_gl")
def sampled_with_gl(claim, seed, params):
    """The sampled networks with, for every l >= 2, a well-conditioned P in GL_{d_l} and Q in GL_{d_(l-1)}."""
    rng = np.random.default_rng(seed)
    out = []
    for label, net, t in sampled_settings(seed):
        PQ = {}
        for l in range(2, net.depth + 1):
            P = rng.standard_normal((net.widths[l], net.widths[l])) + 3 * np.eye(net.widths[l])
            Q = rng.standard_normal((net.widths[l - 1],) * 2) + 3 * np.eye(net.widths[l - 1])
            PQ[l] = (P, Q)
        out.append((label, {"net": net, "t": t, "PQ": PQ}))
    return out


@R("printed_gl_products")
def printed_gl_products(claim, env):
    """*printed*: W_l P^-1 P W_(l-1) with P in GL_{d_l} (as printed: P acts on the width d_l), for l >= 2."""
    return [claim.expr(env["net"], l, P) for l, (P, _) in env["PQ"].items()]


@R("layer_products")
def layer_products(claim, env):
    return [env["net"].layer(l) @ env["net"].layer(l - 1) for l in env["PQ"]]


@R("loss_after_gl")
def loss_after_gl(claim, env):
    """The population loss after W_l -> W_l Q^-1, W_(l-1) -> Q W_(l-1) with Q in GL_{d_(l-1)} (the reading)."""
    from ...network import population_loss
    net, out = env["net"], []
    for l, (_, Q) in env["PQ"].items():
        layers = list(net.layers)
        layers[l - 1], layers[l - 2] = layers[l - 1] @ np.linalg.inv(Q), Q @ layers[l - 2]
        out.append(population_loss(net.with_layers(layers), env["t"]))
    return out


@R("loss_unchanged")
def loss_unchanged(claim, env):
    from ...network import population_loss
    return [population_loss(env["net"], env["t"])] * len(env["PQ"])


# ---- Prop. 3.3 / Apps. C, E: the mode gradient a_alpha ----------------------------------------------------------
def _mode_layers(net, t, fn):
    u, v = mode_uv(t)
    return np.concatenate([np.ravel(fn(net, u, v, l)) for l in range(1, net.depth + 1)])


@R("printed_mode_gradient")
def printed_mode_gradient(claim, env):
    """*printed*: d w / d W_l, the claim's builder (or (W_>l^T u)(W_<l v)^T where the claim states it in words)."""
    from .sec2_3 import mode_gradient_printed
    fn = claim.expr if callable(claim.expr) else mode_gradient_printed
    return _mode_layers(env["net"], env["t"], fn)


@R("exact_mode_gradient")
def exact_mode_gradient(claim, env):
    """Read off from basis perturbations (w is linear in W_l, so this is exact)."""
    net, (u, v) = env["net"], mode_uv(env["t"])
    out = []
    for l in range(1, net.depth + 1):
        G = np.zeros((net.widths[l], net.widths[l - 1]))
        for i in range(G.shape[0]):
            for j in range(G.shape[1]):
                E = np.zeros_like(G)
                E[i, j] = 1.0
                G[i, j] = u @ net.above(l) @ E @ net.below(l) @ v
        out.append(np.ravel(G))
    return np.concatenate(out)


@R("mode_jacobian_flat")
def mode_jacobian_flat(claim, env):
    from ...modes import mode_jacobian
    return np.concatenate([np.ravel(A) for A in mode_jacobian(env["net"], *mode_uv(env["t"]))])


@R("printed_a_vec_kron")
def printed_a_vec_kron(claim, env):
    """*printed* (App. E): a_l = W_<l v kron W_>l^T u."""
    return _mode_layers(env["net"], env["t"], lambda n, u, v, l: np.kron(n.below(l) @ v, n.above(l).T @ u))


@R("mode_vector")
def mode_vector_ref(claim, env):
    from ...modes import mode_vector
    return mode_vector(env["net"], *mode_uv(env["t"]))


# ---- Prop. 3.3 / App. C: the modewise diffusion -----------------------------------------------------------------
_ETA = 0.02


@R("literal_diffusion")
def literal_diffusion(claim, env):
    """*printed*: eta a_i^T Sigma a_j for modes i, j in {0, 1} (dense Sigma: small sizes only)."""
    from ...modes import mode_vector
    from ...noise import sigma_dense
    net, t = env["net"], env["t"]
    a = [mode_vector(net, *mode_uv(t, k)) for k in (0, 1)]
    S = sigma_dense(net, t)
    return np.array([_ETA * a[i] @ S @ a[j] for i in (0, 1) for j in (0, 1)])


@R("structured_diffusion")
def structured_diffusion(claim, env):
    from ...modes import diffusion
    return np.array([diffusion(env["net"], env["t"], i, j, eta=_ETA) for i in (0, 1) for j in (0, 1)])


@R("derivation_diffusion")
@memo_by_setting
def derivation_diffusion(claim, env):
    t = env["t"]
    return np.array([symbolic_formula_value("diffusion_general", env["net"], t, t.U[:, i], t.V[:, i], t.U[:, j],
                                            t.V[:, j], scale=_ETA) for i in (0, 1) for j in (0, 1)])


def _no_label(t):
    return t.with_label_noise(np.zeros_like(t.Sigma_q))


@R("printed_ntk_diffusion")
def printed_ntk_diffusion(claim, env):
    """*printed*: D_01 through K_l = J_l J_l^T with J_l as printed, no label noise."""
    return claim.expr(env["net"], _no_label(env["t"]), *mode_uv(env["t"], 0), *mode_uv(env["t"], 1))


@R("ntk_diffusion_correct_J")
def ntk_diffusion_correct_j(claim, env):
    """The same with the correct Jacobian W_<l^T kron W_>l (the condition)."""
    from .sec2_3 import J_correct, ntk_diffusion_with
    return ntk_diffusion_with(J_correct)(env["net"], _no_label(env["t"]), *mode_uv(env["t"], 0),
                                         *mode_uv(env["t"], 1))


@R("diffusion_01_no_label")
def diffusion_01_no_label(claim, env):
    from ...modes import diffusion
    return diffusion(env["net"], _no_label(env["t"]), 0, 1)


@R("printed_langevin_diffusion")
def printed_langevin_diffusion(claim, env):
    """*printed*: eta sigma^2 (v_0 kron u_0)^T sum_l K_l (v_1 kron u_1) at eta = 0.3, sigma^2 = 2."""
    return claim.expr(env["net"], *mode_uv(env["t"], 0), *mode_uv(env["t"], 1), eta_=0.3, sigma2=2.0)


@R("langevin_diffusion_correct_J")
def langevin_diffusion_correct_j(claim, env):
    from .sec2_3 import J_correct, langevin_diffusion_with
    return langevin_diffusion_with(J_correct)(env["net"], *mode_uv(env["t"], 0), *mode_uv(env["t"], 1), eta_=0.3,
                                              sigma2=2.0)


@R("langevin_reference")
def langevin_reference(claim, env):
    """eta sigma^2 <a_0, a_1> (numeric core's mode_vector)."""
    from ...modes import mode_vector
    return 0.3 * 2.0 * mode_vector(env["net"], *mode_uv(env["t"], 0)) @ mode_vector(env["net"], *mode_uv(env["t"], 1))


# ---- Prop. 3.4 / App. D: the mode Hessian -----------------------------------------------------------------------
def _hess_blocks(net, t, fn):
    u, v = mode_uv(t)
    return np.concatenate([np.ravel(fn(net, u, v, l, m)) for l in range(2, net.depth + 1) for m in range(1, l)])


def _hess_exact(net, u, v, l, m):
    """Exact block: entry [(i,j),(k,q)] = u^T W_{>l} E_ij W_{l-1:m+1} E_kq W_{<m} v (column-major vec)."""
    a, c, Wb = net.above(l).T @ u, net.below(m) @ v, net.between(l, m)
    H = np.einsum("jikq->jiqk", np.einsum("i,jk,q->jikq", a, Wb, c))
    return H.reshape(net.widths[l - 1] * net.widths[l], net.widths[m - 1] * net.widths[m])


@R("printed_hessian_blocks")
def printed_hessian_blocks(claim, env):
    """*printed*: the off-diagonal blocks l > m (the claim's builder, or Prop. 3.4's block formula)."""
    from .sec2_3 import hessian_block_printed
    return _hess_blocks(env["net"], env["t"], claim.expr if callable(claim.expr) else hessian_block_printed)


@R("exact_hessian_blocks")
def exact_hessian_blocks(claim, env):
    return _hess_blocks(env["net"], env["t"], _hess_exact)


@R("derivation_hessian_blocks")
@memo_by_setting
def derivation_hessian_blocks(claim, env):
    return _hess_blocks(env["net"], env["t"], lambda n, u, v, l, m: symbolic_formula_value(
        "mode_hessian_block", n, env["t"], u, v, l, m))


@R("hessian_diagonal_blocks_by_differences")
def hessian_diagonal_blocks_by_differences(claim, env):
    """The diagonal blocks H_ll of the Hessian from second differences of u^T W v (not from the block formula),
    relative to max |H|."""
    from .text import hessian_by_differences
    net = env["net"]
    H = hessian_by_differences(net, *mode_uv(env["t"]))
    offs = np.cumsum((0,) + tuple(net.widths[i] * net.widths[i + 1] for i in range(net.depth)))
    scale = max(float(np.max(np.abs(H))), 1e-300)
    return [H[offs[i]:offs[i + 1], offs[i]:offs[i + 1]] / scale for i in range(net.depth)]


@R("zero_diagonal_blocks")
def zero_diagonal_blocks(claim, env):
    net = env["net"]
    return [np.zeros((net.widths[i] * net.widths[i + 1],) * 2) for i in range(net.depth)]


# ---- App. E: the label factor Gamma_lm ---------------------------------------------------------------------------
@R("aligned_gamma_settings")
def aligned_gamma_settings(claim, seed, params):
    return [(f"aligned {w}", dict(zip(("net", "t"), aligned_network(seed, w)))) for w in ((3, 5, 4, 2), (2, 2, 2, 2))]


@R("printed_gamma")
def printed_gamma(claim, env):
    """*printed*: Gamma_lm for every l != m."""
    net, t = env["net"], env["t"]
    u = t.U[:, 0]
    return [claim.expr(net, t, u, l, m) for l in range(1, net.depth + 1) for m in range(1, net.depth + 1) if l != m]


@R("sigma_q_sq_offdiag")
def sigma_q_sq_offdiag(claim, env):
    L = env["net"].depth
    return [float(env["t"].Sigma_q[0, 0])] * (L * (L - 1))


@R("label_factor")
def label_factor(claim, env):
    """The label factor the derivation needs: p_l^T Sigma_q p_m / (|p_l| |p_m|), p_l = W_>l W_>l^T u."""
    net, t = env["net"], env["t"]
    u = t.U[:, 0]
    p = [net.above(l) @ (net.above(l).T @ u) for l in range(1, net.depth + 1)]
    return [float(a @ t.Sigma_q @ c) / float(np.linalg.norm(a) * np.linalg.norm(c)) for a in p for c in p]


@R("sigma_q_sq_all")
def sigma_q_sq_all(claim, env):
    return [float(env["t"].Sigma_q[0, 0])] * env["net"].depth ** 2


# ---- Sec. 6 and the Remark after Prop. 3.4: Sigma(theta) at two points; the isotropic Ito term ------------------
@R("generic_and_perturbed")
def generic_and_perturbed(claim, seed, params):
    """A generic network (widths (3, 4, 2, 3)) and the same with every layer moved by 0.3 x a Gaussian."""
    from ...network import DLN
    from .text import _generic
    net, t, rng = _generic(seed)
    other = DLN([W + 0.3 * rng.standard_normal(W.shape) for W in net.layers])
    return [(f"widths {net.widths}", {"net": net, "t": t, "other": other})]


@R("sigma_at_theta")
def sigma_at_theta(claim, env):
    from ...noise import sigma_dense
    return sigma_dense(env["net"], env["t"])


@R("sigma_at_theta_prime")
def sigma_at_theta_prime(claim, env):
    from ...noise import sigma_dense
    return sigma_dense(env["other"], env["t"])


@R("hessian_by_differences_setting")
def hessian_by_differences_setting(claim, seed, params):
    """The mode Hessian H of a generic network from second differences of u^T W v (no block formula)."""
    from .text import _hessians
    net, _, H, _ = _hessians(seed)
    return [(f"widths {net.widths}", {"H": H})]


_SIG2 = 0.37     # sigma^2 of the isotropic noise (eta = 1)


@R("half_trace_isotropic_sigma_H")
def half_trace_isotropic_sigma_h(claim, env):
    """*printed* left side: (eta/2) tr(sigma^2 I H)."""
    H = env["H"]
    return 0.5 * float(np.sum(_SIG2 * np.eye(H.shape[0]) * H))


@R("half_sigma2_trace_H")
def half_sigma2_trace_h(claim, env):
    """*printed* right side: (eta sigma^2 / 2) tr(H)."""
    return 0.5 * _SIG2 * float(np.trace(env["H"]))


R("trace_H")(lambda claim, env: float(np.trace(env["H"])))
R("zero")(lambda claim, env: 0.0)

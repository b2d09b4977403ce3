"""Monte Carlo plans on generic (not aligned) networks, for the general claims of Props. 3.2-3.4 and the
unbiasedness of the one-sample gradient (Sec. 2.1).

The generic setting is depth 3 with square widths ``(3, 3, 3, 3)`` (so that the printed formulas that are
ill-formed for rectangular widths still produce a number that can be compared), Gaussian layers of scale
0.6, a rank-2 teacher and isotropic label noise of standard deviation 0.3.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from .montecarlo import SETTING, Comparison

__all__ = ["GENERIC_PLANS", "generic_setting", "symbolic_formula_value"]

GENERIC = {"widths": (3, 3, 3, 3), "scale": 0.6, "s": (1.0, 0.6), "sigma": 0.3, "eta": 0.02}


def generic_setting(seed: int = 0, widths=None):
    from ..network import DLN, Teacher
    rng = np.random.default_rng(seed)
    ws = widths or GENERIC["widths"]
    t = Teacher.from_singular_values(list(GENERIC["s"]), ws[-1], ws[0], sigma_q=GENERIC["sigma"], rng=rng)
    net = DLN([GENERIC["scale"] * rng.standard_normal((ws[i + 1], ws[i])) for i in range(len(ws) - 1)])
    return t, net


def symbolic_formula_value(quantity, net, teacher, *args, **kw):
    """Evaluate the derivation's closed-form builder (``Derivation.extra["formula"]``, SymPy matrices) at a
    numeric network: the derived reference, a code path independent of the numeric core."""
    from ..symbolic import derive
    f = derive(quantity).extra["formula"]
    layers = [sp.Matrix(W) for W in net.layers]
    names = f.__code__.co_varnames[: f.__code__.co_argcount]
    pos = [layers]
    if "M" in names:
        pos.append(sp.Matrix(teacher.M))
    if "Sq" in names:
        pos.append(sp.Matrix(teacher.Sigma_q))
    args = [sp.Matrix(np.asarray(a, dtype=float).reshape(-1, 1)) if isinstance(a, np.ndarray) else a for a in args]
    out = f(*pos, *args, **kw)
    return np.array(out.tolist(), dtype=float) if isinstance(out, sp.MatrixBase) else float(out)


def _vec_rows(g):
    return g.transpose(0, 2, 1).reshape(g.shape[0], -1)


def plan_sigma_block(claim, spec, variants, derived_mc, n, seed):
    """A random projection ``p^T Sigma_21 q`` of the off-diagonal block, estimated from per-sample gradients."""
    from ..noise import per_sample_gradients, sample_data
    from ..papers.corlouer2026 import sec2_3
    t, net = generic_setting(seed)
    rng = np.random.default_rng(seed + 1)
    l, m = 2, 1
    p = rng.standard_normal(net.widths[l] * net.widths[l - 1])
    q = rng.standard_normal(net.widths[m] * net.widths[m - 1])
    acc = []
    done = 0
    while done < n:
        k = min(50_000, n - done)
        X, Y = sample_data(t, k, rng)
        g = per_sample_gradients(net, t, X, Y)
        acc.append((_vec_rows(g[l - 1]) @ p, _vec_rows(g[m - 1]) @ q))
        done += k
    y1 = np.concatenate([a for a, _ in acc])
    y2 = np.concatenate([c for _, c in acc])
    prod = (y1 - y1.mean()) * (y2 - y2.mean())
    val, se = float(prod.mean() * n / (n - 1)), float(prod.std(ddof=1) / np.sqrt(n))
    printed = {}
    try:
        printed["printed"] = float(p @ claim.expr(net, t, l, m) @ q)
    except ValueError:
        printed["printed"] = None
    if spec.condition:
        printed["condition"] = float(p @ sec2_3.sigma_lm_with(sec2_3.J_correct)(net, t, l, m) @ q)
    derived = float(p @ symbolic_formula_value("noise_covariance_block", net, t, l, m) @ q)
    return [Comparison(f"{claim.id}: p^T Sigma_21 q (random p, q)", val, se, n, seed, printed, derived,
                       {"widths": GENERIC["widths"], "block": [l, m], "sigma_q_std": GENERIC["sigma"]})]


def plan_diffusion_generic(claim, spec, variants, derived_mc, n, seed):
    from ..modes import mode_vector
    from ..montecarlo import mc_diffusion
    from ..noise import sigma_dense
    t, net = generic_setting(seed)
    et = GENERIC["eta"]
    est = mc_diffusion(net, t, 0, 1, n=n, rng=seed, eta=et, b=1)
    a0, a1 = mode_vector(net, t.U[:, 0], t.V[:, 0]), mode_vector(net, t.U[:, 1], t.V[:, 1])
    printed = {"printed": float(et * a0 @ sigma_dense(net, t) @ a1)}      # eta a_alpha^T Sigma a_beta, literally
    derived = symbolic_formula_value("diffusion_general", net, t, t.U[:, 0], t.V[:, 0], t.U[:, 1], t.V[:, 1],
                                     scale=et)
    return [Comparison(f"{claim.id}: D_01 on a generic network", est.value, est.se, n, seed, printed, derived,
                       {"widths": GENERIC["widths"], "eta": et, "b": 1})]


def plan_drift_generic(claim, spec, variants, derived_mc, n, seed):
    """Total drift of w_0: gradient part from the mean per-sample directional gradient, Ito part from
    ``mc_ito_drift`` (independent samples)."""
    from ..modes import mode_jacobian
    from ..montecarlo import mc_ito_drift
    from ..noise import per_sample_gradients, sample_data
    t, net = generic_setting(seed)
    et = GENERIC["eta"]
    u, v = t.U[:, 0], t.V[:, 0]
    As = mode_jacobian(net, u, v)
    rng = np.random.default_rng(seed + 2)
    ys = []
    done = 0
    while done < n:
        k = min(50_000, n - done)
        X, Y = sample_data(t, k, rng)
        g = per_sample_gradients(net, t, X, Y)
        ys.append(-sum(np.einsum("nij,ij->n", gl, A) for gl, A in zip(g, As)))
        done += k
    y = np.concatenate(ys)
    ito = mc_ito_drift(net, t, 0, n=n, rng=seed + 3, eta=et, b=1)
    val, se = float(y.mean() + ito.value), float(np.hypot(y.std(ddof=1) / np.sqrt(n), ito.se))
    printed = {"printed": float(claim.expr(net, t, 0, eta_=et))}
    derived = (symbolic_formula_value("gradient_drift_general", net, t, u, v)
               + symbolic_formula_value("ito_drift_general", net, t, u, v, scale=et))
    return [Comparison(f"{claim.id}: drift of w_0 on a generic network", val, se, n, seed, printed, float(derived),
                       {"widths": GENERIC["widths"], "eta": et, "b": 1})]


def plan_unbiased(claim, spec, variants, derived_mc, n, seed):
    """Mean of a random projection of the one-sample gradient vs the population gradient (Sec. 2.1)."""
    from ..noise import per_sample_gradients, population_gradient, sample_data
    t, net = generic_setting(seed)
    rng = np.random.default_rng(seed + 5)
    ps = [rng.standard_normal(W.size) for W in net.layers]
    ys, done = [], 0
    while done < n:
        k = min(50_000, n - done)
        X, Y = sample_data(t, k, rng)
        ys.append(sum(_vec_rows(g) @ p for g, p in zip(per_sample_gradients(net, t, X, Y), ps)))
        done += k
    y = np.concatenate(ys)
    ref = float(sum(G.reshape(-1, order="F") @ p for G, p in zip(population_gradient(net, t), ps)))
    return [Comparison(f"{claim.id}: p^T E[g_x] vs p^T grad L", float(y.mean()), float(y.std(ddof=1) / np.sqrt(n)), n,
                       seed, {"printed": ref}, None, {"widths": GENERIC["widths"]})]


GENERIC_PLANS = {
    "sigma_block": plan_sigma_block, "diffusion_generic": plan_diffusion_generic, "drift_generic": plan_drift_generic,
    "unbiased": plan_unbiased,
}
_ = SETTING

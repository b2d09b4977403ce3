"""Monte Carlo plans on generic (not aligned) networks, for the general claims of Props. 3.2-3.4 and the
unbiasedness of the one-sample gradient (Sec. 2.1).

The generic setting is depth 3 with square widths ``(3, 3, 3, 3)`` (so that the printed formulas that are
ill-formed for rectangular widths still produce a number that can be compared), Gaussian layers of scale
0.6, a rank-2 teacher and isotropic label noise of standard deviation 0.3.
"""
from __future__ import annotations

import numpy as np

from ..checkkit import GENERIC, Comparison, generic_setting, symbolic_formula_value, vec_rows

__all__ = ["GENERIC_PLANS", "generic_setting", "symbolic_formula_value", "vec_rows"]

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
        ys.append(sum(vec_rows(g) @ p for g, p in zip(per_sample_gradients(net, t, X, Y), ps)))
        done += k
    y = np.concatenate(ys)
    ref = float(sum(G.reshape(-1, order="F") @ p for G, p in zip(population_gradient(net, t), ps)))
    return [Comparison(f"{claim.id}: p^T E[g_x] vs p^T grad L", float(y.mean()), float(y.std(ddof=1) / np.sqrt(n)), n,
                       seed, {"printed": ref}, None, {"widths": GENERIC["widths"]})]


GENERIC_PLANS = {
    "diffusion_generic": plan_diffusion_generic, "drift_generic": plan_drift_generic,
    "unbiased": plan_unbiased,
}

"""The paper's own Monte Carlo plan: the off-diagonal noise-covariance block of Prop. 3.2, where the condition
reading (the correct Jacobian ``J_l``) is built from this paper's transcription helpers."""
from __future__ import annotations

import numpy as np

from ...checkkit import GENERIC, Comparison, generic_setting, symbolic_formula_value, vec_rows
from ._base import PAPER
from .sec2_3 import J_correct, sigma_lm_with


@PAPER.mc_plan("sigma_block")
def plan_sigma_block(claim, spec, variants, derived_mc, n, seed):
    """A random projection ``p^T Sigma_21 q`` of the off-diagonal block, estimated from per-sample gradients."""
    from ...noise import per_sample_gradients, sample_data
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
        acc.append((vec_rows(g[l - 1]) @ p, vec_rows(g[m - 1]) @ q))
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
        printed["condition"] = float(p @ sigma_lm_with(J_correct)(net, t, l, m) @ q)
    derived = float(p @ symbolic_formula_value("noise_covariance_block", net, t, l, m) @ q)
    return [Comparison(f"{claim.id}: p^T Sigma_21 q (random p, q)", val, se, n, seed, printed, derived,
                       {"widths": GENERIC["widths"], "block": [l, m], "sigma_q_std": GENERIC["sigma"]})]

"""Monte Carlo evidence for claims about SGD quantities (Sigma_lm, D, drifts).

Each plan samples a network (aligned + balanced with rectangular widths ``(3, 5, 4, 2)``, two teacher modes,
or a generic Gaussian network), estimates the quantity with the numeric core's estimators
(:mod:`symdln.montecarlo`: ``mc_diffusion``, ``mc_ito_drift``; per-sample gradients from
:mod:`symdln.noise`), and records the estimate, its SE, and the value of the printed and of the derived form.
The engine turns them into z-scores under the two-stage rule of :mod:`symdln.verify.mc_evidence`: each claim's
comparisons are one Bonferroni family at the claim's share (:func:`claim_alpha`) of the 1 % family-wise level
(:data:`ALPHA_FAMILY`), and a failing claim is re-drawn (:func:`run_plan` with
:func:`~symdln.verify.mc_evidence.redraw_seed`) before a failure is reported.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from .._validation import to_sympy
from ..checkkit import Comparison
from .mc_evidence import ALPHA_FAMILY, z_threshold
from ..symbolic.symbols import L, b, beta, eta, s, s_beta, sigma_q, w, w_beta

__all__ = ["ALPHA_FAMILY", "Comparison", "z_threshold", "claim_alpha", "run_plan", "PLANS", "N_SAMPLES", "SETTING"]

#: samples per estimate (full / fast)
N_SAMPLES = {"full": 400_000, "fast": 60_000}
#: the aligned setting: depth 3, widths (3,5,4,2), s = (1.0, 0.6), w = (0.5, 0.3), sigma_q (std) = 0.3
SETTING = {"widths": (3, 5, 4, 2), "s": (1.0, 0.6), "w": (0.5, 0.3), "sigma": 0.3, "eta": 0.02, "b": 2}


def _teacher_net(w_vals, sigma, *, b_=None, seed=0):
    from ..network import Teacher, aligned_balanced
    S = SETTING
    t = Teacher.from_singular_values(list(S["s"]), S["widths"][-1], S["widths"][0], sigma_q=sigma, rng=seed)
    net = aligned_balanced(t, list(w_vals), widths=S["widths"], rng=seed + 1)
    return t, net


def _point(reading, *, w_b=None, b_=None):
    S = SETTING
    sig = S["sigma"] if reading == "std" else S["sigma"] ** 2
    return {L: len(S["widths"]) - 1, w: S["w"][0], s: S["s"][0], sigma_q: sig, eta: S["eta"],
            b: S["b"] if b_ is None else b_, beta: S["eta"] / (S["b"] if b_ is None else b_),
            w_beta: S["w"][1] if w_b is None else w_b, s_beta: S["s"][1]}


def _val(expr, pt):
    try:
        v = complex(sp.N(to_sympy("expr", expr).subs(pt), 20))
    except (TypeError, ValueError):
        return None
    return v.real if abs(v.imag) < 1e-12 * max(1.0, abs(v.real)) else None


def _scalar_plan(claim, spec, variants, derived_mc, *, n, seed, estimator, w_b=None, sigma=None, scale=1.0,
                 minus_zero_sigma=False, label=""):
    """Generic aligned-network plan: ``estimator(net, teacher, eta, b)`` -> Estimate."""
    b_ = int(spec.fixed.get(b, SETTING["b"]))
    wv = (SETTING["w"][0], SETTING["w"][1] if w_b is None else w_b)
    sig = SETTING["sigma"] if sigma is None else sigma
    t, net = _teacher_net(wv, sig, seed=seed)
    est = estimator(net, t, n, seed, b_)
    val, se = est.value * scale, est.se * scale
    if minus_zero_sigma:
        t0, net0 = _teacher_net(wv, 0.0, seed=seed)
        e0 = estimator(net0, t0, n, seed + 7919, b_)
        val, se = val - e0.value * scale, float(np.hypot(se, e0.se * scale))
    printed = {r: _val(claim.expr, _point(r, w_b=wv[1], b_=b_) if sigma is None else
                       {**_point(r, w_b=wv[1], b_=b_), sigma_q: (sig if r == "std" else sig ** 2)})
               for r, _, _ in variants}
    pt = {**_point("std", w_b=wv[1], b_=b_), sigma_q: sig}
    return [Comparison(label or claim.id, float(val), float(se), est.n, seed, printed, _val(derived_mc, pt),
                       {"widths": SETTING["widths"], "w": wv, "s": SETTING["s"], "sigma_q_std": sig,
                        "eta": SETTING["eta"], "b": b_, "L": len(SETTING["widths"]) - 1})]


def _diff_est(net, t, n, seed, b_):
    from ..montecarlo import mc_diffusion
    return mc_diffusion(net, t, 0, n=n, rng=seed, eta=SETTING["eta"], b=b_)


def _cross_diff_est(net, t, n, seed, b_):
    from ..montecarlo import mc_diffusion
    return mc_diffusion(net, t, 0, 1, n=n, rng=seed, eta=SETTING["eta"], b=b_)


def _ito_est(net, t, n, seed, b_):
    from ..montecarlo import mc_ito_drift
    return mc_ito_drift(net, t, 0, n=n, rng=seed, eta=SETTING["eta"], b=b_)


def plan_diffusion_aligned(claim, spec, variants, derived_mc, n, seed):
    return _scalar_plan(claim, spec, variants, derived_mc, n=n, seed=seed, estimator=_diff_est)


def plan_diffusion_data(claim, spec, variants, derived_mc, n, seed):
    return _scalar_plan(claim, spec, variants, derived_mc, n=n, seed=seed, estimator=_diff_est, sigma=0.0)


def plan_diffusion_label(claim, spec, variants, derived_mc, n, seed):
    return _scalar_plan(claim, spec, variants, derived_mc, n=n, seed=seed, estimator=_diff_est,
                        minus_zero_sigma=True)


def plan_cross_diffusion(claim, spec, variants, derived_mc, n, seed):
    return _scalar_plan(claim, spec, variants, derived_mc, n=n, seed=seed, estimator=_cross_diff_est)


def plan_ito_aligned(claim, spec, variants, derived_mc, n, seed):
    return _scalar_plan(claim, spec, variants, derived_mc, n=n, seed=seed, estimator=_ito_est)


def _contraction_scale(spec):
    b_ = int(spec.fixed.get(b, SETTING["b"]))
    return 2.0 * b_ / SETTING["eta"]


def plan_ito_data(claim, spec, variants, derived_mc, n, seed):
    """App. E (i): the data contraction ``2 mu_Ito / eta`` at sigma_q = 0 with the other mode unlearned."""
    return _scalar_plan(claim, spec, variants, derived_mc, n=n, seed=seed, estimator=_ito_est, w_b=0.0,
                        sigma=0.0, scale=_contraction_scale(spec))


def plan_ito_label(claim, spec, variants, derived_mc, n, seed):
    """App. E (ii): the label contraction (difference of the sigma_q > 0 and sigma_q = 0 estimates)."""
    return _scalar_plan(claim, spec, variants, derived_mc, n=n, seed=seed, estimator=_ito_est, w_b=0.0,
                        minus_zero_sigma=True, scale=_contraction_scale(spec))


def plan_ito_cross(claim, spec, variants, derived_mc, n, seed):
    """Decoupling: does the Ito drift of mode 0 change when only mode 1 changes (w_b = 0.3 vs 0)?
    Printed (decoupled) value of the change: 0; derived: the cross term."""
    from ..symbolic import derive
    from .symbolic import normalize
    cross = normalize(derive("ito_drift_aligned").extra["cross_term"])
    b_ = SETTING["b"]
    t1, n1 = _teacher_net(SETTING["w"], SETTING["sigma"], seed=seed)
    t0, n0 = _teacher_net((SETTING["w"][0], 0.0), SETTING["sigma"], seed=seed)
    e1, e0 = _ito_est(n1, t1, n, seed, b_), _ito_est(n0, t0, n, seed + 7919, b_)
    pt = _point("std")
    return [Comparison("Ito drift of mode 0: change when w_1 goes 0 -> 0.3", e1.value - e0.value,
                       float(np.hypot(e1.se, e0.se)), n, seed, {"std": 0.0}, _val(cross, pt),
                       {"widths": SETTING["widths"], "w_alpha": SETTING["w"][0], "w_beta": [0.0, SETTING["w"][1]],
                        "s": SETTING["s"], "eta": SETTING["eta"], "b": b_})]


PLANS = {
    "diffusion_aligned": plan_diffusion_aligned, "diffusion_data": plan_diffusion_data,
    "diffusion_label": plan_diffusion_label, "cross_diffusion_aligned": plan_cross_diffusion,
    "ito_aligned": plan_ito_aligned, "ito_data": plan_ito_data, "ito_label": plan_ito_label,
    "ito_cross": plan_ito_cross,
}


def claim_alpha(paper, alpha: float = ALPHA_FAMILY) -> float:
    """The false-alarm level of one claim's Monte Carlo family: ``alpha`` split evenly (Bonferroni) over the
    paper's claims that have a Monte Carlo plan, so a whole run keeps its family-wise rate at ``alpha`` while
    each claim's verdict depends on that claim's comparisons only (the same alone and in the full run)."""
    if paper is None:
        return alpha
    k = sum(1 for c in paper.claims() if paper.spec(c.id).mc)
    return alpha / max(k, 1)


def run_plan(name, claim, spec, variants, derived_mc, *, fast: bool, seed: int, paper=None,
             n: int | None = None) -> list[Comparison]:
    """Run the Monte Carlo plan ``name``: the paper's own plan of that name, else a generic one.  ``n`` (samples
    per estimate) defaults to :data:`N_SAMPLES`; tests pass a smaller one."""
    from .montecarlo_generic import GENERIC_PLANS
    own = getattr(paper, "mc_plans", {}) if paper is not None else {}
    fn = own.get(name) or PLANS.get(name) or GENERIC_PLANS.get(name)
    if fn is None:
        raise KeyError(f"unknown Monte Carlo plan {name!r}")
    return fn(claim, spec, variants, derived_mc, N_SAMPLES["fast" if fast else "full"] if n is None else int(n), seed)

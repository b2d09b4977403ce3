"""Matrix completion in the two regimes (the task of Fig. 3): what gradient descent converges to from a large and
from a small initialisation.

Protocol (the ``regimes`` experiment's, with the saddle sampler's trainer): a ``30 x 30`` rank-1 target
``M = a b^T / sqrt(30)`` (``a, b ~ N(0, I)``), 20% of its entries observed (a new ``M`` and mask per seed), depth
``L = 4`` with hidden width ``w``, every weight ``N(0, w^-gamma)``, full-batch GD with the curvature-adapted step of
:func:`symdln.saddles.training.gd` on ``1/2 ||P_Omega(M - W)||^2`` until the training loss is ``1e-5`` times the
zero predictor's.  Measured: the test error ``||P_{Omega^c}(M - W)||^2 / ||P_{Omega^c} M||^2`` (the zero predictor
scores 1) and the rank of ``W`` (singular values above 5% of the largest).
"""
from __future__ import annotations

import numpy as np

from ...saddles._threads import single_thread_blas
from ...saddles.training import gd, numerical_rank
from ...verdict import Evidence
from ._base import PAPER

D, FRAC, DEPTH = 30, 0.2, 4
RANK_TOL = 0.05
#: the regimes' initialisation scales: NTK (gamma < 1) and saddle-to-saddle (gamma > 1), as in `experiment regimes`
GAMMA_NTK, GAMMA_SADDLE = 0.5, 2.5
#: "roughly the same or worse than the zero predictor" (test error 1): at least 0.8; "almost full-rank": at least
#: half the dimension (the target has rank 1)
NTK_ERROR_MIN, NTK_RANK_MIN = 0.8, D // 2
#: "the test error approaches zero": below 1% of the zero predictor's, at the target's rank 1
SADDLE_ERROR_MAX = 0.01


def completion_problem(w: int, pairs, *, seed: int = 0, d: int = D, frac: float = FRAC):
    """``(layers, M, mask)`` batched over ``pairs`` ``(gamma, sd)``: the rank-1 ``d x d`` targets, their
    observed-entry masks (a fraction ``frac``) and the initial depth-4 networks of hidden width ``w`` with entries
    ``N(0, w^-gamma)``.  Streams: ``default_rng([seed, 7, sd])`` for the task (it depends on the seed only) and
    ``[seed, w, int(100 gamma), sd, 1]`` for the initialisation (the ``regimes`` experiment's)."""
    Ms, masks, nets = [], [], []
    widths = (d,) + (w,) * (DEPTH - 1) + (d,)
    for gamma, sd in pairs:
        rr = np.random.default_rng([seed, 7, sd])
        a, b = rr.standard_normal(d), rr.standard_normal(d)
        Ms.append(np.outer(a, b) / np.sqrt(d))
        m = np.zeros(d * d)
        m[rr.choice(d * d, size=int(round(frac * d * d)), replace=False)] = 1.0
        masks.append(m.reshape(d, d))
        ri = np.random.default_rng([seed, w, int(100 * gamma), sd, 1])
        nets.append([ri.standard_normal((widths[i + 1], widths[i])) * w ** (-gamma / 2) for i in range(DEPTH)])
    return [np.stack([n[i] for n in nets]) for i in range(DEPTH)], np.array(Ms), np.array(masks)


def test_error(M, mask, W):
    """``||P_{Omega^c}(M - W)||^2 / ||P_{Omega^c} M||^2`` per batch entry (the zero predictor scores 1)."""
    return np.sum(((1 - mask) * (M - W)) ** 2, axis=(-2, -1)) / np.sum(((1 - mask) * M) ** 2, axis=(-2, -1))


def completion_runs(w: int, gamma: float, seeds, *, seed: int = 0, max_steps: int = 12000):
    """``(test_error, rank, converged)`` arrays, one entry per seed, of GD on the matrix-completion task."""
    layers, Ms, masks = completion_problem(w, [(gamma, sd) for sd in seeds], seed=seed)
    stop = 1e-5 * 0.5 * np.sum((masks * Ms) ** 2, axis=(1, 2))
    with single_thread_blas():
        r = gd(layers, Ms, masks, max_steps=max_steps, floor_value=stop)
    return test_error(Ms, masks, r.W), numerical_rank(r.W, RANK_TOL), np.asarray(r.converged, bool)


#: per regime: the initialisation scale and what the caption's words are read as (each a bound on every seed)
REGIMES = {
    "ntk": {"gamma": GAMMA_NTK, "error": (NTK_ERROR_MIN, None), "rank": (NTK_RANK_MIN, None),
            "reading": f"test error >= {NTK_ERROR_MIN} (zero predictor: 1) and rank >= {NTK_RANK_MIN} of {D}"},
    "saddle": {"gamma": GAMMA_SADDLE, "error": (None, SADDLE_ERROR_MAX), "rank": (1, 1),
               "reading": f"test error <= {SADDLE_ERROR_MAX} (zero predictor: 1) at the target's rank 1"},
}


def _within(x, bounds) -> bool:
    lo, hi = bounds
    return bool((lo is None or np.all(x >= lo)) and (hi is None or np.all(x <= hi)))


@PAPER.check("completion")
def check_completion(claim, spec, *, seed=0, fast=False, paper=None, variant=None):
    """Fig. 3: in the regime ``spec.params["regime"]`` (``ntk``: gamma = 1/2; ``saddle``: gamma = 5/2) GD converges
    (training loss at the floor) and every seed's test error and rank are within the regime's reading
    (:data:`REGIMES`).  Width 100 and 6 seeds (fast: 60 and 3).  ``variant``: gamma to test instead."""
    reg = REGIMES[spec.params["regime"]]
    gam = reg["gamma"] if variant is None else float(variant)
    w, seeds = (60, range(3)) if fast else (100, range(6))
    err, rank, conv = completion_runs(w, gam, seeds, seed=seed)
    ok = bool(conv.all()) and _within(err, reg["error"]) and _within(rank, reg["rank"])
    return [Evidence("consistency", ok,
                     f"gamma = {gam:g}, w = {w}, {len(err)} seeds: converged {int(conv.sum())}/{len(err)}; test error "
                     f"{', '.join(f'{e:.3g}' for e in err)}; rank {', '.join(str(int(k)) for k in rank)} (needed: "
                     f"{reg['reading']})",
                     {"scope": "printed", "gamma": gam, "w": w, "test_error": err.tolist(), "rank": rank.tolist(),
                      "seed": seed})]

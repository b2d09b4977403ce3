"""Training dynamics from small and large initialisations (the protocol of the ``regimes`` experiment).

Depth ``L = 4``, widths ``(5, n, n, n, 5)``, every entry ``N(0, n^-gamma)``, full-batch GD with the curvature-
adapted step of :func:`symdln.saddles.training.gd` (clock = gradient-flow time), population loss
``1/2 ||M - W||^2``.  The saddle losses are derived, not fitted: on the rank-``k`` stratum ``W = P_S M`` with ``S``
the ``k`` strongest modes the loss is ``1/2 sum_{a > k} s_a^2`` (``symdln.saddles.NormalForm.expected_loss``).
"""
from __future__ import annotations

import numpy as np

from ...network import Teacher
from ...saddles import NormalForm, certify, refine
from ...saddles._threads import single_thread_blas
from ...saddles.training import count_plateaus, gd
from ...verdict import Evidence
from ._base import PAPER

S_SEQ = (3.0, 1.5, 0.7)          # well separated, so each plateau is resolved
BAND = 0.05                      # |loss / level - 1| < 5% counts as "at the level"


def _init(widths, gam, rng):
    n = max(widths[1:-1])
    return [rng.standard_normal((widths[i + 1], widths[i])) * n ** (-gam / 2) for i in range(len(widths) - 1)]


def _dwell(times, losses, level):
    dt = np.diff(times)
    return float(np.sum(dt * (np.abs(losses[:-1] / level - 1) < BAND)) / times[-1])


@PAPER.check("saddle_sequence")
def check_saddle_sequence(claim, spec, *, seed=0, fast=False, paper=None, variant=None):
    """Small initialisation (gamma = 3): the loss dwells at the derived saddle losses 1/2 sum_{a>k} s_a^2 (k = 0, 1, 2)
    and not between them; the GD state in each dwell refines to a critical point of rank k with that loss, which the
    saddle sampler's Hessian test certifies as a saddle.  ``variant``: the list of levels to test instead."""
    n = 10 if fast else 16
    T = Teacher.from_singular_values(S_SEQ, 5, 5, rng=[seed, 501])
    widths = (5, n, n, n, 5)
    levels = [NormalForm(T, tuple(range(k)), widths).expected_loss() for k in range(3)] if variant is None else variant
    layers = _init(widths, 3.0, np.random.default_rng([seed, 502]))
    stop = 1e-4 * 0.5 * float(np.sum(T.M ** 2))
    ev = []
    with single_thread_blas():
        r = gd([A[None] for A in layers], T.M, max_steps=40000, floor_value=stop)
        tt, ll = r.times[:, 0], r.losses[:, 0]
        n_pl = count_plateaus(tt, ll, floor_value=stop)
        ev.append(Evidence("consistency", n_pl == 3, f"plateaus detected (regimes detector): {n_pl}; expected 3 for a "
                           "rank-3 target (Fig. 1)", {"scope": "printed", "plateaus": n_pl}))
        for k, lev in enumerate(levels):
            nxt = levels[k + 1] if k + 1 < len(levels) else lev / 10
            between = float(np.sqrt(lev * nxt))
            d_at, d_mid = _dwell(tt, ll, lev), _dwell(tt, ll, between)
            ok = d_at >= 0.05 and d_at >= 5 * d_mid
            info = f"level {lev:.4g}: dwell {d_at:.3f} of the run vs {d_mid:.3f} at {between:.3g} (between levels)"
            if ok:
                near = np.nonzero(np.abs(ll / lev - 1) < BAND)[0]
                t_mid = float(tt[near[len(near) // 2]])
                r2 = gd([A[None] for A in layers], T.M, max_steps=40000, t_max=t_mid)
                crit, gn = refine([A[0] for A in r2.layers], T.M)
                c = certify(crit, T.M, probe=False, seed=seed)
                W = crit[-1]
                for A in reversed(crit[:-1]):
                    W = W @ A
                rank = int(np.sum(np.linalg.svd(W, compute_uv=False) > 0.1))   # teacher s >= 0.7: a gap at 0.1
                # refinement reaches |grad| ~1e-6-1e-9; the loss is then within ~1e-8 of the critical value
                ok = (c.kind != "local minimum" and gn <= 1e-5 and abs(c.loss - lev) <= 1e-6 * max(1.0, lev)
                      and rank == k)
                info += f"; refined at t = {t_mid:.3g}: {c.kind}, rank {rank}, loss {c.loss:.6g}, |grad| {gn:.1e}"
            ev.append(Evidence("consistency", ok, info, {"scope": "printed", "level": lev}))
        W_end = r.W[0]
        rank_end = int(np.sum(np.linalg.svd(W_end, compute_uv=False) > 0.1))
        ev.append(Evidence("consistency", bool(r.converged[0]) and rank_end == 3,
                           f"end: converged {bool(r.converged[0])}, rank {rank_end} (a global minimum)",
                           {"scope": "printed"}))
    return ev


def _first_plateau_time(n, gam, seed, sd, s=S_SEQ):
    T = Teacher.from_singular_values(s, 5, 5, rng=[seed, 503])
    widths = (5, n, n, n, 5)
    layers = _init(widths, gam, np.random.default_rng([seed, 504, n, sd]))
    lev0, lev1 = 0.5 * float(np.sum(np.square(s))), 0.5 * float(np.sum(np.square(s[1:])))
    r = gd([A[None] for A in layers], T.M, max_steps=40000, floor_value=lev1 + 0.5 * (lev0 - lev1))
    return float(r.times[-1, 0]), r


@PAPER.check("plateau_length")
def check_plateau_length(claim, spec, *, seed=0, fast=False, paper=None, variant=None):
    """Fig. 2(c): at gamma = 2 the time to leave the first plateau grows with the width.  ``variant``: widths."""
    from scipy.stats import norm
    ns = (10, 20, 40) if variant is None else variant
    seeds = range(4 if fast else 8)
    with single_thread_blas():
        t = {n: [np.log(_first_plateau_time(n, 2.0, seed, sd)[0]) for sd in seeds] for n in ns}
    zc = float(norm.ppf(1 - 0.01 / (2 * (len(ns) - 1))))
    ev = []
    for a, b in zip(ns, ns[1:]):
        ma, mb = np.mean(t[a]), np.mean(t[b])
        se = np.hypot(np.std(t[a], ddof=1) / np.sqrt(len(t[a])), np.std(t[b], ddof=1) / np.sqrt(len(t[b])))
        se = max(se, 1e-3)     # floor: identical runs would give se = 0 (never the case with distinct seeds)
        z = (mb - ma) / se
        ev.append(Evidence("monte-carlo", z > zc, f"log time to leave the first plateau: n = {a}: {ma:.3f}, n = {b}: "
                           f"{mb:.3f} (+- {se:.3f}); z = {z:.1f} (> {zc:.2f} = longer)",
                           {"scope": "printed", "z": z, "z_crit": zc, "n": len(list(seeds)), "seed": seed}))
    return ev


@PAPER.check("ntk_linear")
def check_ntk_linear(claim, spec, *, seed=0, fast=False, paper=None, variant=None):
    """Fig. 2(a): at gamma = 1/2 (NTK) and widths 100, 1000 the loss has no plateau and decays exponentially
    (log-loss linear in time: R^2 of a line fit).  Widths here: 64 (fast 32); ``variant``: gamma to test."""
    gam = 0.5 if variant is None else float(variant)
    n = 32 if fast else 64
    T = Teacher.from_singular_values(S_SEQ, 5, 5, rng=[seed, 505])
    layers = _init((5, n, n, n, 5), gam, np.random.default_rng([seed, 506]))
    stop = 1e-8 * 0.5 * float(np.sum(T.M ** 2))
    with single_thread_blas():
        r = gd([A[None] for A in layers], T.M, max_steps=40000, floor_value=stop)
    tt, ll = r.times[:, 0], r.losses[:, 0]
    n_pl = count_plateaus(tt, ll, floor_value=stop)
    grid = np.linspace(0, tt[-1], 200)
    y = np.interp(grid, tt, np.log(np.maximum(ll, 1e-300)))
    coef = np.polyfit(grid, y, 1)
    r2 = 1 - np.sum((y - np.polyval(coef, grid)) ** 2) / np.sum((y - y.mean()) ** 2)
    ok = bool(r.converged[0]) and n_pl == 0 and r2 >= 0.95
    return [Evidence("consistency", ok, f"gamma = {gam}, n = {n}: converged {bool(r.converged[0])}, plateaus {n_pl}, "
                     f"R^2 of log-loss vs time {r2:.3f} (>= 0.95 = linear convergence)",
                     {"scope": "printed", "plateaus": n_pl, "r2": float(r2)})]

"""Assumption diagnostics as experiments (paper App. I).

``symdln experiment NAME`` for NAME in ``balance``, ``decoupling``, ``rank-patterns``, ``sv-patterns``,
``gd-vs-sgd``, ``misalignment``.  Each writes ``NAME.png``/``NAME.pdf`` and returns the JSON summary.
Settings (stated in every JSON): ``d = 12``, depths 2 and 4, online SGD (``b = 1``, ``eta = 0.005``,
as in App. H), no label noise, small Gaussian initialisation ``gamma = 3`` (saddle-to-saddle),
the 4-mode teacher ``s = 4, 2, 1, 0.5``; ``full=True`` adds the intermediate / NTK regimes and the
full-rank / degenerate teachers.  ``fast=True`` is a seconds-long smoke setting.
"""
from __future__ import annotations

import numpy as np

from ..diagnostics import (balance_residuals, binomial_ci, cross_modes, decoupling_times, escape_events, escape_windows,
                           gd_sgd_distances, length_weights, log_sv_patterns, loss_aligned_indices,
                           pattern_distance, pattern_distance_band, plateau_midpoint_levels, rank_patterns,
                           select_checkpoints)
from ..diagnostics.figures import band, heatmap, plt, save_figure
from ..diagnostics.runs import REGIMES, TEACHERS, aligned_indices as _aligned_indices, \
    aligned_patterns as _aligned, ambiguous_fraction as _ambiguous_fraction
from . import register

__all__: list[str] = []

_CACHE: dict = {}


def _settings(fast: bool, full: bool):
    """(depths, n_sgd, configs [(regime, teacher)], max_steps, n_checkpoints, n_boot)."""
    if fast:
        return (2,), 3, [("saddle", "low-rank")], 2500, 40, 100
    configs = [("saddle", "low-rank")]
    if full:
        configs = [(r, t) for r in REGIMES for t in TEACHERS]
    return (2, 4), 8, configs, 60000, 150, 1000


def _panels(n_rows: int, n_cols: int, *, width: float, row_height: float = 3.0, **kw):
    """``(fig, axes)``: one figure ``width`` inches wide with ``n_rows`` rows of ``n_cols`` panels (``axes`` always 2-D)."""
    return plt().subplots(n_rows, n_cols, figsize=(width, row_height * n_rows), squeeze=False, **kw)


def _key(depth, regime, teacher, n_sgd, max_steps, n_ck, seed, init="standard"):
    """The GD + SGD run of one cell, as the keyword arguments of ``run_gd_sgd`` (the task's config)."""
    max_steps = max_steps * (depth // 2) ** 2     # deeper networks escape slower from small init
    return {"depth": depth, "regime": regime, "teacher": teacher, "init": init, "n_sgd": n_sgd,
            "max_steps": max_steps, "n_checkpoints": n_ck, "seed": seed}


def _cache_key(cfg):
    return tuple(sorted(cfg.items()))


def _prefetch(configs, progress=None):
    """Run every cell's GD + SGD run as an independent task (in-process, on local workers or on Dask, per
    ``symdln.tasks.current_runner()``; cached under the output folder) before the experiment reduces them."""
    from ..tasks import Task, run_tasks, task_ref
    from ._tasks import gd_sgd_task, run_from_payload
    todo = [c for c in configs if _cache_key(c) not in _CACHE]
    todo = list({_cache_key(c): c for c in todo}.values())
    tasks = [Task("gd-sgd-run", tuple(f"{k}={v}" for k, v in _cache_key(c)), task_ref(gd_sgd_task), c) for c in todo]
    failed = []
    for r in run_tasks(tasks, base_seed=0, progress=progress):
        if r.ok:
            _CACHE[_cache_key(r.task.config)] = run_from_payload(r.value)
        else:
            failed.append(f"{r.task.label()}: {r.error}")
    if failed:
        raise RuntimeError("tasks failed: " + "; ".join(failed))


def _run(depth, regime, teacher, n_sgd, max_steps, n_ck, seed, init="standard"):
    cfg = _key(depth, regime, teacher, n_sgd, max_steps, n_ck, seed, init)
    if _cache_key(cfg) not in _CACHE:
        _prefetch([cfg])
    return _CACHE[_cache_key(cfg)]


def _sem(x, axis=1):
    n = x.shape[axis]
    return x.std(axis=axis, ddof=1) / np.sqrt(n) if n > 1 else np.zeros(np.delete(x.shape, axis))


def _pos(t):
    """Mask of positive times (log-scale axes)."""
    return np.asarray(t) > 0

def _grid(depths, configs, S, max_steps, n_ck, seed, progress, runs: dict):
    """Every (depth, regime, teacher) cell of an experiment: its GD + SGD run, checkpoint times and the
    positive-time mask.  Yields ``(row, L, regime, teacher, run, t, m, res)``, where ``res`` (the cell's results,
    starting with its setting) is already stored as ``runs["depth{L}-{regime}-{teacher}"]``; reports progress
    after each cell."""
    total = len(depths) * len(configs)
    _prefetch([_key(L, r, te, S, max_steps, n_ck, seed) for L in depths for r, te in configs])
    row = 0
    for L in depths:
        for regime, teacher in configs:
            run = _run(L, regime, teacher, S, max_steps, n_ck, seed)
            res = runs[f"depth{L}-{regime}-{teacher}"] = {"setting": run.setting}
            yield row, L, regime, teacher, run, run.gd.times, _pos(run.gd.times), res
            row += 1
            progress.update(row, total, f"depth {L}")


# -- balance (App. I.2, Eq. 33) ---------------------------------------------------------------------
@register("balance")
def balance(out_dir, *, fast: bool, full: bool, seed: int, progress) -> dict:
    """Balance residual r_l (Eq. 33) over SGD training, standard vs balanced init (App. I.2)."""
    depths, S, _, max_steps, n_ck, _ = _settings(fast, full)
    fig, axes = _panels(len(depths), 2, width=9, row_height=3.2)
    out = {"setting": {"eps": "n/a", "n_sgd": S, "regime": "saddle", "teacher": "low-rank"}, "runs": {}}
    _prefetch([_key(L, "saddle", "low-rank", S, max_steps, n_ck, seed, init)
               for L in depths for init in ("standard", "balanced")])
    for i, L in enumerate(depths):
        for j, init in enumerate(("standard", "balanced")):
            run = _run(L, "saddle", "low-rank", S, max_steps, n_ck, seed, init)
            br = balance_residuals(run.sgd)
            bg = balance_residuals(run.gd)
            t, m = run.sgd.times, _pos(run.sgd.times)
            ax = axes[i, j]
            for l in range(L - 1):
                r = br.r[:, :, l]
                c = band(ax, t[m], r.mean(1)[m], (r.mean(1) - _sem(r))[m], (r.mean(1) + _sem(r))[m],
                         label=f"r_{l + 1} SGD").get_color()
                ax.plot(t[m], bg.r[m, 0, l], ":", color=c, label=f"r_{l + 1} GD")
                ax.plot(t[m], br.numerator[m, :, l].mean(1), "--", color=c, alpha=0.7,
                        label=f"||G_{l + 1}||_F (unnormalised)")
            ax.set_xscale("log"); ax.set_yscale("log")
            ax.set_title(f"{init} init, depth {L}: SGD vs GD balance")
            ax.set_xlabel(r"time $t = \eta k$ (log scale)")
            ax.set_ylabel(r"balance residual $r_l$ (log scale)")
            ax.legend()
            key = f"depth{L}-{init}"
            out["runs"][key] = {
                "setting": run.setting,
                "r_start": br.r[0].mean(0).tolist(),
                "r_end_mean": br.r[-1].mean(0).tolist(), "r_end_sem": _sem(br.r[-1], 0).tolist(),
                "r_min_over_t": br.r.mean(1).min(0).tolist(),
                "r_max_over_t": br.r.mean(1).max(0).tolist(),
                "numerator_start": br.numerator[0].mean(0).tolist(),
                "numerator_end": br.numerator[-1].mean(0).tolist(),
                "layer_norm_start": br.norms[0].mean(0).tolist(), "layer_norm_end": br.norms[-1].mean(0).tolist(),
                "r_end_gd": bg.r[-1, 0].tolist(),
            }
            progress.update(i * 2 + j + 1, 2 * len(depths), key)
    fig.suptitle("Balance residual r_l = ||W_l W_l^T - W_{l+1}^T W_{l+1}||_F / (...) (Eq. 33); mean +- s.e.m.",
                 fontsize=9)
    out["figures"] = save_figure(fig, out_dir, "balance")
    out["drift_prediction"] = _balance_prediction(depths, max_steps, seed, 1 if fast else 2, halve=not fast)
    return out


def _balance_prediction(depths, max_steps, seed, n_traj, eta=0.005, halve=True):
    """Realised imbalance of standard-init SGD runs vs the summed exact expectation (symdln.balance_gauge), at
    ``eta`` and ``eta/2``.  The Ito part of the drift is O(beta) per unit time t = eta k and learning takes an
    eta-independent time, so the accumulated ``D_l(end) - D_l(0)`` should halve when eta halves."""
    from ..balance_gauge import balance_compensator
    from ..diagnostics.runs import choose_steps, make_init, make_teacher
    res = {"method": "D_l(k) - D_l(0) minus the sum of the exact E[Delta D_l | theta_j] is a martingale; norms are "
                     "Frobenius norms at the end of the run", "runs": {}}
    for L in depths:
        rng = np.random.default_rng(seed)                  # the teacher and initialisation of the standard runs
        T = make_teacher("low-rank", 12, rng=rng)
        net0 = make_init([12] * (L + 1), regime="saddle", init="standard", rng=rng)
        by_eta = {}
        for e in ((eta, eta / 2) if halve else (eta,)):
            steps = choose_steps(net0, T, eta=e, max_steps=int(max_steps * (L // 2) ** 2 * round(eta / e)))
            rows = []
            for k in range(n_traj):
                r = balance_compensator(net0, T, eta=e, b=1, steps=steps, rng=seed * 1000 + k, n_checkpoints=2)
                nrm = lambda xs: [float(np.linalg.norm(x[-1])) for x in xs]
                rows.append({"r_end": balance_residuals(list(r["final"].layers)).r.tolist(),
                             "realised": nrm(r["realised"]), "predicted": nrm(r["predicted"]),
                             "ito": nrm(r["ito"]), "discretisation": nrm(r["discretisation"]),
                             "martingale": [float(np.linalg.norm(a[-1] - p[-1]))
                                            for a, p in zip(r["realised"], r["predicted"])]})
            mean = lambda key: np.mean([row[key] for row in rows], axis=0).tolist()
            by_eta[str(e)] = {"steps": steps, "t_end": e * steps, "runs": rows,
                              **{k: mean(k) for k in ("r_end", "realised", "predicted", "ito", "discretisation")}}
        if halve:
            a, h = by_eta[str(eta)], by_eta[str(eta / 2)]
            by_eta["realised_ratio_half_eta"] = (np.array(h["realised"]) / np.array(a["realised"])).tolist()
            by_eta["predicted_ratio_half_eta"] = (np.array(h["predicted"]) / np.array(a["predicted"])).tolist()
        res["runs"][f"depth{L}"] = by_eta
    return res


# -- mode decoupling (App. I.1) -------------------------------------------------------------------------
@register("decoupling")
def decoupling(out_dir, *, fast: bool, full: bool, seed: int, progress) -> dict:
    """Cross modes w_ab, E_cross/E_tot, t_cross vs t_diag (App. I.1)."""
    depths, S, configs, max_steps, n_ck, _ = _settings(fast, full)
    n_init = 1 if fast else 3
    fig, axes = _panels(len(depths), len(configs), width=4.5 * len(configs), row_height=3.2)
    out = {"setting": {"eps_rel": 0.05, "c": 0.5, "n_sgd": S, "n_init": n_init,
                       "t_cross_rules": {"settle": "time after which max_{b!=a}|w_ab| stays <= eps_rel s_a",
                                         "first": "first time: inf{t: max_{b!=a}|w_ab| <= eps_rel s_a}"}},
           "runs": {}}
    _prefetch([_key(L, r, te, S, max_steps, n_ck, seed + k) for L in depths for r, te in configs
               for k in range(n_init)])
    done = 0
    for i, L in enumerate(depths):
        for j, (regime, teacher) in enumerate(configs):
            counts = {"settle": [0, 0], "first": [0, 0]}
            peaks = []
            for k in range(n_init):
                run = _run(L, regime, teacher, S, max_steps, n_ck, seed + k)
                for rule in counts:
                    dt = decoupling_times(run.sgd, rule=rule)
                    counts[rule][0] += dt.n_before
                    counts[rule][1] += dt.n_valid
                cm = cross_modes(run.sgd)
                peaks.append(cm.ratio.max(0))
                if k == 0:
                    t, m = run.sgd.times, _pos(run.sgd.times)
                    s = run.teacher.s
                    ax = axes[i, j]
                    for a in range(min(4, s.size)):
                        c = ax.plot(t[m], (np.abs(cm.diag[:, :, a]) / s[a]).mean(1)[m], lw=1.2,
                                    label=f"|w_{a}{a}|/s_{a}")[0].get_color()
                        ax.plot(t[m], (cm.max_cross[:, :, a] / s[a]).mean(1)[m], "--", color=c,
                                label=f"max_b |w_{a}b|/s_{a}")
                    rt = cm.ratio
                    band(ax, t[m], rt.mean(1)[m], (rt.mean(1) - _sem(rt))[m], (rt.mean(1) + _sem(rt))[m],
                         color="k", label="E_cross/E_tot")
                    ax.set_xscale("log"); ax.set_title(f"depth {L}, {regime}, {teacher}: diagonal vs cross modes")
                    ax.set_xlabel(r"time $t = \eta k$ (log scale)")
                    ax.set_ylabel(r"amplitude / $s_a$, energy ratio (linear)")
                    ax.legend(ncol=2, fontsize=8)
                    ex = run.sgd
            res = {}
            for rule, (nb, nv) in counts.items():
                res[rule] = {"n_before": nb, "n_valid": nv, "fraction": nb / nv if nv else None,
                             "ci95": binomial_ci(nb, nv)}
            pk = np.concatenate(peaks)
            cm0 = cross_modes(ex)
            out["runs"][f"depth{L}-{regime}-{teacher}"] = {
                "t_cross_before_t_diag": res,
                "peak_Ecross_over_Etot_mean": float(pk.mean()), "peak_Ecross_over_Etot_max": float(pk.max()),
                "Ecross_over_Etot_end_mean": float(cm0.ratio[-1].mean()),
                "max_cross_over_s_peak_per_mode": (cm0.max_cross.max(0).mean(0) / np.where(
                    ex.teacher.s > 0, ex.teacher.s, np.nan)).tolist(),
            }
            done += 1
            progress.update(done, len(depths) * len(configs), f"depth {L}")
    out["figures"] = save_figure(fig, out_dir, "decoupling")
    return out


# -- rank patterns of partial products --------------------------------------------------------------
@register("rank-patterns")
def rank_patterns_exp(out_dir, *, fast: bool, full: bool, seed: int, progress) -> dict:
    """Rank / multiplicity patterns of the partial products W_j...W_i during training, GD vs mean SGD."""
    depths, S, configs, max_steps, n_ck, n_boot = _settings(fast, full)
    eps_list = (1e-5, 1e-2)
    fig, axes = _panels(len(depths) * len(configs), 5, width=19, row_height=3.6,
                        gridspec_kw={"width_ratios": [2, 1, 1, 1, 1]}, layout="constrained")
    out = {"setting": {"eps": eps_list, "eps_default": 1e-5, "noise_floor": "max width * eps_mach * prod ||W_l||_2",
                       "escape_windows": "|log t - log t_esc| <= 0.25, t_esc = GD crossing of each drop's midpoint loss",
                       "bootstrap": f"percentile, {n_boot} resamples of SGD runs, 95%"}, "runs": {}}
    for row, L, regime, teacher, run, t, m, res in _grid(depths, configs, S, max_steps, n_ck, seed, progress,
                                                            out["runs"]):
        _, t_esc = loss_aligned_indices(t, run.gd.population_loss()[:, 0], plateau_midpoint_levels(run.teacher))
        t_esc = t_esc[np.isfinite(t_esc)]
        inside = escape_windows(t, t_esc, 0.25).any(axis=0) if t_esc.size else np.zeros(t.size, bool)
        res["gd_escape_times"] = t_esc.tolist()
        ax = axes[row, 0]
        for eps in eps_list:
            rg, rs = rank_patterns(run.gd, eps), rank_patterns(run.sgd, eps)
            b = pattern_distance_band(rg.rank[:, 0], rs.rank, n_boot=n_boot, rng=seed)
            dm = pattern_distance(rg.multiplicity[:, 0], rs.multiplicity)
            band(ax, t[m], b.estimate[m], b.lo[m], b.hi[m], label=f"d_r, eps={eps:g}")
            ax.plot(t[m], dm[m], "--", label=f"d_m, eps={eps:g}")
            lev, ag, asg, _ = _aligned(run, rg.rank, rs.rank)
            ambiguous = _ambiguous_fraction(rs.gap, L)
            res[f"eps={eps:g}"] = {
                "d_r_max": float(b.estimate.max()), "d_r_mean": float(b.estimate.mean()),
                "d_r_end": float(b.estimate[-1]), "d_r_end_ci95": [float(b.lo[-1]), float(b.hi[-1])],
                "d_m_max": float(dm.max()),
                "rank_gd_start": rg.rank[0, 0].tolist(), "rank_gd_end": rg.rank[-1, 0].tolist(),
                "rank_sgd_mean_end": rs.rank[-1].mean(0).tolist(),
                "loss_aligned_levels": lev.tolist(),
                "d_r_loss_aligned": pattern_distance(ag, asg).tolist(),
                "rank_gd_loss_aligned": ag.tolist(),
                "fraction_ambiguous_gap_lt_10": float(ambiguous),
                "d_r_in_escape_windows_mean": float(b.estimate[inside].mean()) if inside.any() else None,
                "d_r_outside_escape_windows_mean": float(b.estimate[~inside & m].mean()) if (~inside & m).any()
                else None,
            }
            if eps == 1e-5:
                rs5 = rs
            else:
                rg2, rs2 = rg, rs
        iu = np.triu_indices(L)
        g5 = rs5.gap[..., iu[0], iu[1]]
        with np.errstate(invalid="ignore"):
            amb = np.nanmean(np.where(np.isnan(g5), np.nan, g5 < 10), axis=(1, 2))
        ax2 = ax.twinx()
        ax2.plot(t[m], amb[m], "k:", lw=0.8)
        ax2.set_ylim(-0.02, 1.02)
        ax2.set_ylabel("fraction of gaps < 10 (dotted)")
        ax.set_xscale("log"); ax.set_xlabel(r"time $t = \eta k$ (log scale)")
        ax.set_ylabel("pattern distance (linear)")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2, fontsize=8)
        ax.set_title(f"depth {L}, {regime}, {teacher}: GD vs mean SGD\nrank (d_r) and multiplicity (d_m) distance")
        k_mid = int(np.argmin(np.abs(run.gd.population_loss()[:, 0] - plateau_midpoint_levels(run.teacher)[0])))
        for c, k in enumerate((k_mid, t.size - 1)):
            heatmap(axes[row, 1 + 2 * c], rg2.rank[k, 0], title=f"GD r_ij (eps=1e-2), t={t[k]:.3g}", fmt="{:.0f}",
                    vmin=0, vmax=run.setting["d"])
            heatmap(axes[row, 2 + 2 * c], rs2.rank[k].mean(0), title=f"mean SGD r_ij (eps=1e-2), t={t[k]:.3g}",
                    vmin=0, vmax=run.setting["d"])
    out["figures"] = save_figure(fig, out_dir, "rank-patterns")
    return out


# -- singular-value patterns of partial products ------------------------------------------------------
@register("sv-patterns")
def sv_patterns_exp(out_dir, *, fast: bool, full: bool, seed: int, progress) -> dict:
    """Top-K log-singular-value patterns of the partial products W_j...W_i during training, GD vs mean SGD."""
    depths, S, configs, max_steps, n_ck, n_boot = _settings(fast, full)
    K, delta, half = 5, 1e-30, 0.25
    fig, axes = _panels(len(depths) * len(configs), 5, width=17)
    out = {"setting": {"K": K, "delta": delta, "weights": "w_ij = j - i + 1 for d_sigma_w",
                       "escape_time": "first time the loss is below the midpoint of each drop (plateau_midpoint_levels)",
                       "escape_detector": "upward crossing of kappa=1 by -dlog(excess loss)/dlog t, re-armed below 0.5",
                       "escape_window_half_width_log_t": half,
                       "bootstrap": f"percentile, {n_boot} resamples of SGD runs, 95%"}, "runs": {}}
    for row, L, regime, teacher, run, t, m, res in _grid(depths, configs, S, max_steps, n_ck, seed, progress,
                                                            out["runs"]):
        pg, ps = log_sv_patterns(run.gd, K, delta), log_sv_patterns(run.sgd, K, delta)
        ax = axes[row, 0]
        for name, (a, b_, w) in {"d_sigma": (pg.s, ps.s, None), "d_shape": (pg.shape, ps.shape, None),
                                 "d_sigma_w": (pg.s, ps.s, length_weights(L))}.items():
            bd = pattern_distance_band(a[:, 0], b_, weights=w, n_boot=n_boot, rng=seed)
            band(ax, t[m], bd.estimate[m], bd.lo[m], bd.hi[m], label=name)
            res[name] = {"max": float(bd.estimate.max()), "mean": float(bd.estimate.mean()),
                         "end": float(bd.estimate[-1]), "end_ci95": [float(bd.lo[-1]), float(bd.hi[-1])],
                         "start": float(bd.estimate[0])}
            if name == "d_sigma":
                dsig = bd.estimate
        floor = 0.5 * float(np.trace(run.teacher.Sigma_q))
        _, t_esc = loss_aligned_indices(t, run.gd.population_loss()[:, 0], plateau_midpoint_levels(run.teacher))
        t_esc = t_esc[np.isfinite(t_esc)]
        t_det = escape_events(t, run.gd.population_loss()[:, 0], floor=floor)
        for te in t_esc:
            ax.axvline(te, color="grey", lw=0.6, ls=":")
        win = escape_windows(t, t_esc, half) if len(t_esc) else np.zeros((0, t.size), bool)
        inside = win.any(axis=0)
        lev, ag, asg, _ = _aligned(run, pg.s, ps.s)
        res.update({
            "gd_escape_times": np.asarray(t_esc).tolist(),
            "sgd_escape_times": loss_aligned_indices(t, run.sgd.population_loss(),
                                                     plateau_midpoint_levels(run.teacher))[1].T.tolist(),
            "gd_detector_events": np.asarray(t_det).tolist(),
            "d_sigma_in_escape_windows_mean": float(dsig[inside].mean()) if inside.any() else None,
            "d_sigma_outside_windows_mean": float(dsig[~inside & m].mean()) if (~inside & m).any() else None,
            "d_sigma_loss_aligned": pattern_distance(ag, asg).tolist(), "loss_aligned_levels": lev.tolist(),
        })
        ax.set_xscale("log"); ax.set_yscale("log"); ax.set_xlabel(r"time $t = \eta k$ (log scale)")
        ax.set_ylabel("log-sv pattern distance GD vs SGD (log scale)")
        ax.legend()
        ax.set_title(f"depth {L}, {regime}, {teacher}:\nGD vs SGD patterns (dotted: GD escapes)")
        te0 = t_esc[0] if len(t_esc) else t[t.size // 2]
        picks = [int(np.argmin(np.abs(np.log(t[m]) - np.log(te0) - d))) + int(np.argmax(m))
                 for d in (-2 * half, 0.0, 2 * half)]
        for c, k in enumerate(picks):
            heatmap(axes[row, 1 + c], pg.s[k, 0, :, :, 0], title=f"GD log sigma_1(P_ij), t={t[k]:.3g}")
        heatmap(axes[row, 4], ps.s[picks[1], :, :, :, 0].mean(0),
                title=f"mean SGD log sigma_1, t={t[picks[1]]:.3g}")
    out["figures"] = save_figure(fig, out_dir, "sv-patterns")
    return out


# -- distances between GD and SGD in parameter and function space -----------------------------------------
@register("gd-vs-sgd")
def gd_vs_sgd(out_dir, *, fast: bool, full: bool, seed: int, progress) -> dict:
    """GD vs SGD distances in parameter space (norm, ratio, cosine, layerwise) and function space."""
    depths, S, configs, max_steps, n_ck, _ = _settings(fast, full)
    fig, axes = _panels(len(depths) * len(configs), 3, width=13)
    out = {"setting": {"same_init": True, "batch_orders": S, "alignment": "time-matched (same step) and loss-aligned"},
           "runs": {}}
    for row, L, regime, teacher, run, t, m, res in _grid(depths, configs, S, max_steps, n_ck, seed, progress,
                                                            out["runs"]):
        dd = gd_sgd_distances(run.gd, run.sgd)
        a0, a1, a2 = axes[row]
        band(a0, t[m], dd.dist[m], (dd.dist - dd.dist_se)[m], (dd.dist + dd.dist_se)[m], label="E||th_GD - th_SGD||")
        a0.plot(t[m], dd.norm_gd[m], "k--", label="||th_GD||")
        band(a1, t[m], dd.ratio[m], label="param ratio")
        band(a1, t[m], dd.function[m], (dd.function - dd.function_se)[m], (dd.function + dd.function_se)[m],
             label="function ||W_GD - W_SGD||_F/||W_GD||_F")
        band(a1, t[m], dd.layer_mean[m], label="d = mean_l d_l", ls="--")
        for l in range(L):
            a1.plot(t[m], dd.layerwise[m, l], ":", lw=0.8, label=f"d_{l + 1}")
        band(a2, t[m], dd.cosine[m], (dd.cosine - dd.cosine_se)[m], (dd.cosine + dd.cosine_se)[m], label="E cos")
        for a in (a0, a1, a2):
            a.set_xscale("log"); a.set_xlabel(r"time $t = \eta k$ (log scale)"); a.legend(fontsize=8)
        a0.set_yscale("log"); a1.set_yscale("log")
        a0.set_ylabel(r"parameter distance $\|\theta_{GD}-\theta_{SGD}\|$ (log)")
        a1.set_ylabel("relative distance (log scale)")
        a2.set_ylabel("cosine GD vs SGD (linear)")
        a0.set_title(f"depth {L}, {regime}, {teacher}: GD vs SGD distance")
        a1.set_title("relative: parameters, function, layers")
        a2.set_title("direction: cosine similarity")
        lev, ig, isg = _aligned_indices(run)
        al = gd_sgd_distances([W[ig, 0] for W in run.gd.layers], select_checkpoints(run.sgd, isg)) \
            if len(lev) else None
        res.update({
            "ratio_max": float(np.nanmax(dd.ratio)), "t_ratio_max": float(t[np.nanargmax(dd.ratio)]),
            "ratio_end": float(dd.ratio[-1]), "norm_gd_end": float(dd.norm_gd[-1]),
            "cosine_min": float(np.nanmin(dd.cosine)), "cosine_end": float(dd.cosine[-1]),
            "function_max": float(np.nanmax(dd.function)), "function_end": float(dd.function[-1]),
            "function_end_se": float(dd.function_se[-1]),
            "layer_mean_end": float(dd.layer_mean[-1]), "layerwise_end": dd.layerwise[-1].tolist(),
            "loss_aligned_levels": lev.tolist(),
            "loss_aligned_ratio": None if al is None else al.ratio.tolist(),
            "loss_aligned_function": None if al is None else al.function.tolist(),
            "loss_aligned_cosine": None if al is None else al.cosine.tolist(),
        })
    out["figures"] = save_figure(fig, out_dir, "gd-vs-sgd")
    return out


# -- misalignment: how far from aligned and balanced the paper's predictions still hold ------------------
@register("misalignment")
def misalignment(out_dir, *, fast: bool, full: bool, seed: int, progress) -> dict:
    """Diffusion peak vs learning time from rotated or unbalanced initialisations: how much misalignment the
    aligned/balanced predictions tolerate.

    The initialisation is rotated away from the teacher's singular vectors, unbalanced between layers, or a mix
    of both; each run compares the measured peak of the modewise diffusion and the learning time with the
    aligned, balanced theory of Secs. 3-4."""
    from ..diagnostics import empirical_diffusion, misaligned_init, peak_timing
    from ..diagnostics.misalignment import pool_peak_timings, w_star_with_check
    from ..diagnostics.runs import choose_steps, make_teacher
    from ..simulate import log_checkpoints, sgd
    d, eta, b, learn_frac = 12, 0.005, 1, 0.9
    if fast:
        depths, w0s, thetas, lams, mixes, n_init, S, n_ck = (2,), (2e-3,), (0.0, 0.8), (), (), 1, 2, 60
    else:
        depths, w0s, thetas, lams, mixes, n_init, S, n_ck = ((2, 4) if full else (2,)), (2e-3, 0.1), \
            (0.0, 0.1, 0.2, 0.4, 0.8, 1.2), (2.0, 4.0), (0.5, 1.0), 2, 4, 400
    configs = [("rotation", w0, th, 1.0, 0.0) for w0 in w0s for th in thetas] + \
        [("unbalance", w0s[0], 0.0, lam, 0.0) for lam in lams] + [("mix", w0s[-1], 0.0, 1.0, mx) for mx in mixes]
    fig, axes = _panels(len(depths), 3, width=14, row_height=3.6)
    out = {"setting": {"d": d, "eta": eta, "b": b, "w0": w0s, "learn_frac": learn_frac, "n_init": n_init, "n_sgd": S,
                       "n_checkpoints": f"{n_ck} linear + {n_ck // 4} log-spaced", "teacher": "low-rank",
                       "where": ["input", "output", "hidden"],
                       "mix": "W_l -> (1 - mix) W_l + mix ||W_l||_F G/||G||_F (Gaussian G)",
                       "unbalance": "W_1 -> lam W_1, W_L -> W_L / lam",
                       "t_learn": f"first t with w_a >= {learn_frac} s_a",
                       "t_pred": "first t with w_a >= w*_a (w*_a = argmax of D_a on the aligned balanced manifold)",
                       "own_peak": "argmax of D_a over checkpoints with w_a >= w_a(0) + 0.1 (s_a - w_a(0))",
                       "ci": "Clopper-Pearson 95%"}, "runs": {}}
    total, done = len(depths) * len(configs) * n_init, 0
    for i, L in enumerate(depths):
        teacher = make_teacher("low-rank", d, rng=np.random.default_rng(seed))
        widths = [d] * (L + 1)
        wst, check = w_star_with_check(teacher, L, eta=eta, b=b, registry=not fast)
        out["runs"][f"depth{L}"] = {"w_star": wst.tolist(), "w_star_over_s": (wst / teacher.s).tolist(),
                                    "registry_check": check, "configs": []}
        base = {w0: choose_steps(misaligned_init(teacher, w0, widths, rng=0), teacher, eta=eta,
                                 max_steps=(20000 if fast else 200000) * (L // 2) ** 2) for w0 in w0s}
        curves = {w0: ([], [], [], [], []) for w0 in w0s}
        for kind, w0, th, lam, mx in configs:
            pts, spacing = [], []
            for k in range(n_init):
                net0 = misaligned_init(teacher, w0, widths, theta=th, unbalance=lam, mix=mx, rng=seed * 1000 + k)
                # run length from GD on this initialisation (misalignment slows learning), at most 4x the aligned one;
                # checkpoints dense and linear (peak and learning times are a few % apart at depth 4) + log-spaced
                steps = choose_steps(net0, teacher, eta=eta, max_steps=4 * base[w0])
                ck = np.unique(np.concatenate([log_checkpoints(steps, n_ck // 4),
                                               np.linspace(0, steps, n_ck).round().astype(np.int64)]))
                tr = sgd(net0, teacher, eta=eta, b=b, steps=steps, n_traj=S, seed=seed * 1000 + 17 + k, checkpoints=ck)
                D = empirical_diffusion(tr, eta=eta, b=b)
                pts.append(peak_timing(tr.times, D, tr.mode_amplitudes(), teacher.s, w_star=wst,
                                       learn_frac=learn_frac))
                tl = pts[-1].t_learn[np.isfinite(pts[-1].t_learn)]
                j = np.clip(np.searchsorted(tr.times, tl), 1, tr.times.size - 1)
                spacing.extend((tr.times[j] - tr.times[j - 1]) / tl)
                done += 1
                progress.update(done, total, f"depth {L} {kind} w0={w0:g} {th:g} {lam:g} {mx:g}")
            rec, arr = pool_peak_timings(pts, wst)
            rec = {"kind": kind, "w0": w0, "theta": th, "unbalance": lam, "mix": mx, **rec,
                   "median_rel_checkpoint_spacing_at_t_learn": float(np.median(spacing)) if spacing else None}
            out["runs"][f"depth{L}"]["configs"].append(rec)
            nb, nv, ci = rec["n_precede"], rec["n_valid"], rec["ci95"]
            f = nb / nv if nv else np.nan
            if kind == "rotation":
                for lst, v in zip(curves[w0], (th, f, ci[0], ci[1], rec["fraction_precede_own_peak"] or np.nan)):
                    lst.append(v)
                ok = arr["ok_own"]
                axes[i, 1].scatter(arr["t_pred"][ok], arr["t_peak_own"][ok], s=8, marker="o" if w0 == w0s[0] else "x",
                                   label=f"w0={w0:g}, theta={th:g}")
            elif kind == "unbalance":
                axes[i, 0].errorbar([-0.1 * lam], [f], yerr=[[f - ci[0]], [ci[1] - f]] if nv else None, fmt="s",
                                    label=f"unbalance lam={lam:g}, w0={w0:g} (x = -lam/10)")
            else:
                axes[i, 0].errorbar([1.3 + 0.2 * mx], [f], yerr=[[f - ci[0]], [ci[1] - f]] if nv else None, fmt="D",
                                    label=f"mix={mx:g}, w0={w0:g} (x = 1.3 + mix/5)")
            rel = arr["rel_shift_own"]
            axes[i, 2].scatter(np.full(rel.size, th + 0.02 * np.log2(lam)), rel.ravel(), s=6, alpha=0.5,
                               color={"unbalance": "C3", "mix": "C1"}.get(kind, "C0" if w0 == w0s[0] else "C2"))
        for w0, (xs, fr, lo, hi, fo) in curves.items():
            fr, lo, hi = np.array(fr), np.array(lo), np.array(hi)
            axes[i, 0].errorbar(xs, fr, yerr=[fr - lo, hi - fr], fmt="o-", label=f"rotation, w0={w0:g} (global peak)")
            axes[i, 0].plot(xs, fo, "^--", label=f"rotation, w0={w0:g} (own peak)")
        axes[i, 0].set_xlabel("theta (rad)"); axes[i, 0].set_ylabel("fraction t_peak < t_learn")
        axes[i, 0].set_ylim(-0.05, 1.05); axes[i, 0].legend(fontsize=8)
        axes[i, 0].set_title(f"depth {L}: does the $D_a$ peak precede learning?\n(95% Clopper-Pearson)")
        ax = axes[i, 1]
        ax.set_xscale("log"); ax.set_yscale("log")
        lim = [min(ax.get_xlim()[0], ax.get_ylim()[0]), max(ax.get_xlim()[1], ax.get_ylim()[1])]
        ax.plot(lim, lim, "k:", lw=0.8)
        ax.set_xlabel("predicted peak time (w_a crosses w*)"); ax.set_ylabel("observed own peak time of D_a")
        ax.legend(fontsize=8, ncol=2)
        axes[i, 2].axhline(0, color="k", lw=0.6)
        axes[i, 2].set_xlabel("theta (rad; blue/green: small/larger w0);\nunbalance (red), mix (orange)")
        axes[i, 2].set_ylabel("own peak: (t_learn - t_peak) / t_learn")
    out["figures"] = save_figure(fig, out_dir, "misalignment")
    return out

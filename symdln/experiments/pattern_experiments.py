"""GD vs SGD from the same initialisation, as experiments (paper App. I): ``rank-patterns`` and ``sv-patterns``
(the rank and singular-value patterns of the partial products ``W_j...W_i`` along training) and ``gd-vs-sgd``
(distances between the two runs in parameter and function space).

Each writes ``NAME.png``/``NAME.pdf`` and returns the JSON summary; the runs and settings are those of
:mod:`symdln.experiments._diagnostic_runs`.
"""
from __future__ import annotations

import numpy as np

from ..diagnostics import (escape_events, escape_windows, gd_sgd_distances, length_weights, log_sv_patterns,
                           loss_aligned_indices, pattern_distance, pattern_distance_band, plateau_midpoint_levels,
                           rank_patterns, select_checkpoints)
from ..diagnostics.figures import band, heatmap, save_figure
from ..diagnostics.runs import aligned_indices as _aligned_indices, aligned_patterns as _aligned, \
    ambiguous_fraction as _ambiguous_fraction
from . import register
from ._diagnostic_runs import grid, panels, settings

__all__: list[str] = []


# -- rank patterns of partial products --------------------------------------------------------------
@register("rank-patterns")
def rank_patterns_exp(out_dir, *, fast: bool, full: bool, seed: int, progress) -> dict:
    """Rank / multiplicity patterns of the partial products W_j...W_i during training, GD vs mean SGD."""
    depths, S, configs, max_steps, n_ck, n_boot = settings(fast, full)
    eps_list = (1e-5, 1e-2)
    fig, axes = panels(len(depths) * len(configs), 5, width=19, row_height=3.6,
                        gridspec_kw={"width_ratios": [2, 1, 1, 1, 1]}, layout="constrained")
    out = {"setting": {"eps": eps_list, "eps_default": 1e-5, "noise_floor": "max width * eps_mach * prod ||W_l||_2",
                       "escape_windows": "|log t - log t_esc| <= 0.25, t_esc = GD crossing of each drop's midpoint loss",
                       "bootstrap": f"percentile, {n_boot} resamples of SGD runs, 95%"}, "runs": {}}
    for row, L, regime, teacher, run, t, m, res in grid(depths, configs, S, max_steps, n_ck, seed, progress,
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
    depths, S, configs, max_steps, n_ck, n_boot = settings(fast, full)
    K, delta, half = 5, 1e-30, 0.25
    fig, axes = panels(len(depths) * len(configs), 5, width=17)
    out = {"setting": {"K": K, "delta": delta, "weights": "w_ij = j - i + 1 for d_sigma_w",
                       "escape_time": "first time the loss is below the midpoint of each drop (plateau_midpoint_levels)",
                       "escape_detector": "upward crossing of kappa=1 by -dlog(excess loss)/dlog t, re-armed below 0.5",
                       "escape_window_half_width_log_t": half,
                       "bootstrap": f"percentile, {n_boot} resamples of SGD runs, 95%"}, "runs": {}}
    for row, L, regime, teacher, run, t, m, res in grid(depths, configs, S, max_steps, n_ck, seed, progress,
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
    depths, S, configs, max_steps, n_ck, _ = settings(fast, full)
    fig, axes = panels(len(depths) * len(configs), 3, width=13)
    out = {"setting": {"same_init": True, "batch_orders": S, "alignment": "time-matched (same step) and loss-aligned"},
           "runs": {}}
    for row, L, regime, teacher, run, t, m, res in grid(depths, configs, S, max_steps, n_ck, seed, progress,
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

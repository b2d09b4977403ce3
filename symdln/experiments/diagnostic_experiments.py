"""Assumption diagnostics as experiments (paper App. I): ``balance`` (A1, Eq. 33), ``decoupling`` (modes learned
independently) and ``misalignment`` (how far from aligned and balanced the paper's predictions still hold).

Each writes ``NAME.png``/``NAME.pdf`` and returns the JSON summary; the runs and settings they share are in
:mod:`symdln.experiments._diagnostic_runs`, the GD-vs-SGD comparisons in :mod:`symdln.experiments.pattern_experiments`.
"""
from __future__ import annotations

import numpy as np

from ..diagnostics import balance_residuals, binomial_ci, cross_modes, decoupling_times
from ..diagnostics.figures import band, save_figure
from . import register
from ._diagnostic_runs import cell_config, cell_run, panels, positive, prefetch, sem, settings

__all__: list[str] = []


# -- balance (App. I.2, Eq. 33) ---------------------------------------------------------------------
@register("balance")
def balance(out_dir, *, fast: bool, full: bool, seed: int, progress) -> dict:
    """Balance residual r_l (Eq. 33) over SGD training, standard vs balanced init (App. I.2)."""
    depths, S, _, max_steps, n_ck, _ = settings(fast, full)
    fig, axes = panels(len(depths), 2, width=9, row_height=3.2)
    out = {"setting": {"eps": "n/a", "n_sgd": S, "regime": "saddle", "teacher": "low-rank"}, "runs": {}}
    prefetch([cell_config(L, "saddle", "low-rank", S, max_steps, n_ck, seed, init)
               for L in depths for init in ("standard", "balanced")])
    for i, L in enumerate(depths):
        for j, init in enumerate(("standard", "balanced")):
            run = cell_run(L, "saddle", "low-rank", S, max_steps, n_ck, seed, init)
            br = balance_residuals(run.sgd)
            bg = balance_residuals(run.gd)
            t, m = run.sgd.times, positive(run.sgd.times)
            ax = axes[i, j]
            for l in range(L - 1):
                r = br.r[:, :, l]
                c = band(ax, t[m], r.mean(1)[m], (r.mean(1) - sem(r))[m], (r.mean(1) + sem(r))[m],
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
                "r_end_mean": br.r[-1].mean(0).tolist(), "r_end_sem": sem(br.r[-1], 0).tolist(),
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
    depths, S, configs, max_steps, n_ck, _ = settings(fast, full)
    n_init = 1 if fast else 3
    fig, axes = panels(len(depths), len(configs), width=4.5 * len(configs), row_height=3.2)
    out = {"setting": {"eps_rel": 0.05, "c": 0.5, "n_sgd": S, "n_init": n_init,
                       "t_cross_rules": {"settle": "time after which max_{b!=a}|w_ab| stays <= eps_rel s_a",
                                         "first": "first time: inf{t: max_{b!=a}|w_ab| <= eps_rel s_a}"}},
           "runs": {}}
    prefetch([cell_config(L, r, te, S, max_steps, n_ck, seed + k) for L in depths for r, te in configs
               for k in range(n_init)])
    done = 0
    for i, L in enumerate(depths):
        for j, (regime, teacher) in enumerate(configs):
            counts = {"settle": [0, 0], "first": [0, 0]}
            peaks = []
            for k in range(n_init):
                run = cell_run(L, regime, teacher, S, max_steps, n_ck, seed + k)
                for rule in counts:
                    dt = decoupling_times(run.sgd, rule=rule)
                    counts[rule][0] += dt.n_before
                    counts[rule][1] += dt.n_valid
                cm = cross_modes(run.sgd)
                peaks.append(cm.ratio.max(0))
                if k == 0:
                    t, m = run.sgd.times, positive(run.sgd.times)
                    s = run.teacher.s
                    ax = axes[i, j]
                    for a in range(min(4, s.size)):
                        c = ax.plot(t[m], (np.abs(cm.diag[:, :, a]) / s[a]).mean(1)[m], lw=1.2,
                                    label=f"|w_{a}{a}|/s_{a}")[0].get_color()
                        ax.plot(t[m], (cm.max_cross[:, :, a] / s[a]).mean(1)[m], "--", color=c,
                                label=f"max_b |w_{a}b|/s_{a}")
                    rt = cm.ratio
                    band(ax, t[m], rt.mean(1)[m], (rt.mean(1) - sem(rt))[m], (rt.mean(1) + sem(rt))[m],
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
    fig, axes = panels(len(depths), 3, width=14, row_height=3.6)
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

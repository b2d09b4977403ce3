"""Initialisation-scale regimes of deep linear networks (Jacot, Ged, Simsek, Hongler, Gabriel 2021, arXiv 2106.15933).

Depth ``L = 4``, hidden widths ``w`` (10, 100; 1000 with ``full``), every weight i.i.d. ``N(0, w^-gamma)``
(Jacot's scaling, also for the first and last layer).  Full-batch GD with a curvature-adapted step
(:func:`symdln.saddles.training.gd`; clock = gradient-flow time) on two quadratic losses in ``W``:

* **population** ``1/2 ||M - W||^2``, teacher ``5 x 5`` with ``s = (2, 1.4, 1)``: number of loss plateaus
  (detector in ``symdln.saddles.training``), rank of ``W`` at the end (``sigma_i > 0.05 sigma_1``), whether the
  modes are learned in the order of their singular values (``t_a`` = first time ``u_a^T W v_a >= s_a / 2``;
  "follows" = ``t_a`` increasing as ``s_a`` decreases), and two distances from the initialisation:
  ``d_saddle = ||theta_0||`` -- the exact distance to the origin, a saddle for ``L >= 3``, hence an *upper bound*
  on the distance to the nearest saddle -- and ``d_min = ||theta_GD - theta_0||`` -- the distance to the global
  minimum GD converges to, an *upper bound* on the distance to the nearest global minimum.  Jacot et al.'s
  picture: ``d_min / d_saddle -> 0`` for ``gamma < 1`` (NTK: next to a minimum), ``-> infinity`` for ``gamma > 1``.
* **matrix completion** ``1/2 ||P_Omega(M - W)||^2``, ``M`` a ``30 x 30`` rank-1 matrix (``a b^T / sqrt(30)``,
  ``a, b ~ N(0, I)``) with 20% of the entries observed (a new ``M`` and ``Omega`` per seed): rank at the end
  and test error ``||P_{Omega^c}(M - W)||^2 / ||P_{Omega^c} M||^2`` (the zero predictor scores 1) vs ``gamma``
  (Jacot et al., Fig. 3).

A run stops when its loss is ``1e-4`` (population) / ``1e-5`` (completion) times the zero predictor's loss
(``1/2 ||M||^2``, ``1/2 ||P_Omega M||^2``; not the initial loss, which is huge for small ``gamma``), or at the
step budget (default 90 000 population / 12 000 completion steps; fast 1 500); unconverged runs are reported
as such.  The completion error is summarised by its median and interquartile range (a few narrow-width runs
flow to large rank-1 or rank-2 interpolants and dominate the mean; mean and sd are in the JSON too).
"""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from .._io import atomic_write_bytes
from ..network import Teacher
from ..saddles.training import count_plateaus, gd, numerical_rank
from ..tasks import task_function
from . import register

RANK_TOL = 0.05
POP_FLOOR, MC_FLOOR = 1e-4, 1e-5


def _init(widths, gamma, rng):
    w = max(widths[1:-1])
    return [rng.standard_normal((widths[i + 1], widths[i])) * w ** (-gamma / 2) for i in range(len(widths) - 1)]


def _batch(nets):
    return [np.stack([n[l] for n in nets]) for l in range(len(nets[0]))]


def _theta_norms(layers0, layers1):
    d0 = np.sqrt(sum(np.sum(a ** 2, axis=(1, 2)) for a in layers0))
    d1 = np.sqrt(sum(np.sum((b - a) ** 2, axis=(1, 2)) for a, b in zip(layers0, layers1)))
    return d0, d1


@task_function
def population_task(config: dict, seed_seq) -> dict:
    """One width of the population experiment: batched GD over every (gamma, seed) pair of ``config``.

    The random streams are ``default_rng([seed, w, 100 gamma, sd])`` (a pure function of the config), so
    the task gives the same numbers in any runner; the task's own ``seed_seq`` is not used.
    """
    w, gammas, seeds, max_steps, seed = (int(config["w"]), list(config["gammas"]), list(config["seeds"]),
                                         int(config["max_steps"]), int(config["seed"]))
    T = Teacher.from_singular_values([2.0, 1.4, 1.0], 5, 5, rng=seed)
    s = T.s
    out, curves = [], {}
    widths = (5, w, w, w, 5)
    combos = [(g, sd) for g in gammas for sd in seeds]
    nets = [_init(widths, g, np.random.default_rng([seed, w, int(100 * g), sd])) for g, sd in combos]
    L0 = _batch(nets)
    stop = POP_FLOOR * 0.5 * float(np.sum(T.M ** 2))     # relative to the zero predictor's loss
    r = gd(L0, T.M, max_steps=max_steps, floor_value=stop,
           record=lambda W: np.einsum("ia,bij,ja->ba", T.U, W, T.V))
    d_sad, d_min = _theta_norms(L0, r.layers)
    ranks = numerical_rank(r.W, RANK_TOL)
    for i, (g, sd) in enumerate(combos):
        amps = r.records[:, i]
        t_learn = []
        for a in range(len(s)):
            hit = np.nonzero(amps[:, a] >= s[a] / 2)[0]
            t_learn.append(float(r.times[hit[0], i]) if hit.size else None)
        follows = None if None in t_learn else bool(np.all(np.diff(t_learn) > 0))
        out.append({"w": w, "gamma": g, "seed": sd, "converged": bool(r.converged[i]), "steps": int(r.steps[i]),
                    "gf_time": float(r.times[-1, i]),
                    "plateaus": count_plateaus(r.times[:, i], r.losses[:, i], floor_value=stop),
                    "rank": int(ranks[i]), "d_saddle": float(d_sad[i]), "d_min": float(d_min[i]),
                    "t_learn": t_learn, "order_follows_s": follows})
        if sd == seeds[0]:
            tg = np.linspace(0.0, r.times[-1, i], 400)          # uniform in gradient-flow time
            lg = 10 ** np.interp(tg, r.times[:, i], np.log10(np.maximum(r.losses[:, i], 1e-300)))
            curves[f"w={w},gamma={g}"] = {"t": tg.tolist(), "loss": lg.tolist()}
    return {"rows": out, "curves": curves}


@task_function
def completion_task(config: dict, seed_seq) -> dict:
    """One width of the matrix-completion experiment (30 x 30 rank 1, 20% observed; the task and the
    initialisations of :func:`symdln.papers.jacot2021.checks_completion.completion_problem`): batched GD over every
    (gamma, seed) pair."""
    w, gammas, seeds, max_steps, seed = (int(config["w"]), list(config["gammas"]), list(config["seeds"]),
                                         int(config["max_steps"]), int(config["seed"]))
    d, frac = int(config.get("d", 30)), float(config.get("frac", 0.2))
    from ..papers.jacot2021.checks_completion import completion_problem, test_error
    out = []
    combos = [(g, sd) for g in gammas for sd in seeds]
    layers, Ms, masks = completion_problem(w, combos, seed=seed, d=d, frac=frac)
    stop = MC_FLOOR * 0.5 * np.sum((masks * Ms) ** 2, axis=(1, 2))
    r = gd(layers, Ms, masks, max_steps=max_steps, floor_value=stop)
    err = test_error(Ms, masks, r.W)
    ranks = numerical_rank(r.W, RANK_TOL)
    for i, (g, sd) in enumerate(combos):
        out.append({"w": w, "gamma": g, "seed": sd, "converged": bool(r.converged[i]), "steps": int(r.steps[i]),
                    "test_error": float(err[i]), "rank": int(ranks[i]),
                    "train_loss_rel": float(r.losses[-1, i] / (0.5 * np.sum((masks[i] * Ms[i]) ** 2)))})
    return {"rows": out}


#: Widths above this run one task per (gamma, seed) network instead of one batched task per width: at
#: w = 1000 a network's two w x w layers (16 MB) stay in the 32 MB L3 cache of this machine's cores, a
#: batch of 30 does not, and the tasks can share the workers (docs/scaling.md).  Smaller widths keep the
#: batched task (and its power-iteration start vectors), so the default run's numbers do not move.
SPLIT_WIDTH = 256


def _run_widths(widths_list, gammas, pop_seeds, mc_seeds, steps, mc_steps, seed, progress):
    """Both experiments as independent tasks run by the current runner: one per (width, kind), or, for
    widths above :data:`SPLIT_WIDTH`, one per (width, kind, gamma, seed).  The cost hint (scheduling only)
    orders the split tasks by width and gamma: the saddle plateaus, hence the step counts, grow with gamma."""
    from ..tasks import Task, run_tasks, task_ref
    tasks = []
    for w in widths_list:
        for kind, fn, sds, ms in (("population", population_task, pop_seeds, steps),
                                  ("completion", completion_task, mc_seeds, mc_steps)):
            if w <= SPLIT_WIDTH:
                cfg = {"w": w, "gammas": list(gammas), "seeds": list(sds), "max_steps": ms, "seed": seed}
                tasks.append(Task(f"regimes-{kind}", (f"w={w}", f"seed={seed}", f"steps={ms}", f"gammas={gammas}",
                                                       f"seeds={list(sds)}"), task_ref(fn), cfg,
                                  cost=float(w) ** 2 * len(gammas) * len(sds)))
                continue
            for g in gammas:
                for sd in sds:
                    cfg = {"w": w, "gammas": [g], "seeds": [sd], "max_steps": ms, "seed": seed}
                    tasks.append(Task(f"regimes-{kind}", (f"w={w}", f"seed={seed}", f"steps={ms}", f"gamma={g}",
                                                           f"sd={sd}"), task_ref(fn), cfg,
                                      cost=float(w) ** 2 * 10.0 ** g * (3.0 if kind == "population" else 1.0)))
    res = run_tasks(tasks, base_seed=seed, progress=progress)
    bad = [f"{r.task.label()}: {r.error}" for r in res if not r.ok]
    if bad:
        raise RuntimeError("tasks failed: " + "; ".join(bad))
    pop, curves, mc = [], {}, []
    for r in res:
        if r.task.experiment == "regimes-population":
            pop += r.value["rows"]
            curves.update(r.value["curves"])
        else:
            mc += r.value["rows"]
    return pop, curves, mc


def _agg(rows, key, w, g):
    v = np.array([r[key] for r in rows if r["w"] == w and r["gamma"] == g], float)
    return float(v.mean()), float(v.std(ddof=1)) if v.size > 1 else 0.0, int(v.size)


@register("regimes")
def regimes(out_dir: Path, *, fast: bool, full: bool, seed: int, progress) -> dict:
    """Init-scale regimes (Jacot et al. 2021): plateaus, rank, distances, matrix completion vs gamma."""
    if fast:
        ws, gammas, pop_seeds, mc_seeds, steps, mc_steps = [10], [0.5, 2.5], [0], [0], 1500, 1500
    else:
        ws = [10, 100, 1000] if full else [10, 100]
        gammas = [0.5, 1.0, 1.5, 2.0, 2.5, 3.0]
        pop_seeds = list(range(5 if full else 2))
        mc_seeds = list(range(7 if full else 3))
        steps, mc_steps = (300000, 40000) if full else (90000, 12000)
    pop, curves, mc = _run_widths(ws, gammas, pop_seeds, mc_seeds, steps, mc_steps, seed, progress)
    table = []
    for w in ws:
        for g in gammas:
            P = [r for r in pop if r["w"] == w and r["gamma"] == g]
            C = [r for r in mc if r["w"] == w and r["gamma"] == g]
            fol = [r["order_follows_s"] for r in P if r["order_follows_s"] is not None]
            table.append({
                "w": w, "gamma": g,
                "plateaus_mean": _agg(pop, "plateaus", w, g)[0],
                "pop_gf_time_mean": _agg(pop, "gf_time", w, g)[0],
                "pop_rank_mean": _agg(pop, "rank", w, g)[0],
                "d_min_over_d_saddle": float(np.mean([r["d_min"] / r["d_saddle"] for r in P])),
                "order_follows_s_frac": float(np.mean(fol)) if fol else None,
                "pop_converged": sum(r["converged"] for r in P), "pop_runs": len(P),
                "mc_test_error_mean": _agg(mc, "test_error", w, g)[0], "mc_test_error_sd": _agg(mc, "test_error", w, g)[1],
                "mc_test_error_median": float(np.median([r["test_error"] for r in C])),
                "mc_test_error_iqr": [float(np.percentile([r["test_error"] for r in C], q)) for q in (25, 75)],
                "mc_rank_mean": _agg(mc, "rank", w, g)[0], "mc_rank_sd": _agg(mc, "rank", w, g)[1],
                "mc_converged": sum(r["converged"] for r in C), "mc_runs": len(C),
            })
    _figure(out_dir, ws, gammas, table, curves)
    return {"settings": {"depth": 4, "widths": ws, "gammas": gammas, "pop_seeds": len(pop_seeds),
                         "mc_seeds": len(mc_seeds), "max_steps": {"population": steps, "completion": mc_steps}, "rank_rel_tol": RANK_TOL,
                         "pop_floor": POP_FLOOR, "mc_floor": MC_FLOOR, "teacher_s": [2.0, 1.4, 1.0],
                         "init": "N(0, w^-gamma) every entry", "mc": "30x30 rank-1, 20% observed"},
            "table": table, "population_runs": pop, "completion_runs": mc}


def _figure(out_dir, ws, gammas, table, curves):
    from ..diagnostics.figures import plt as _plt
    plt = _plt()
    fig, ax = plt.subplots(2, 3, figsize=(14, 7.5))
    wc = ws[-1]
    cmap = plt.get_cmap("viridis")
    for j, g in enumerate(gammas):
        c = curves.get(f"w={wc},gamma={g}")
        if c:
            t = np.array(c["t"])
            ax[0, 0].semilogy(t / max(t[-1], 1e-300), c["loss"], color=cmap(j / max(1, len(gammas) - 1)), label=f"$\\gamma$={g}")
    ax[0, 0].set(xlabel="gradient-flow time / run length (linear)", ylabel="population loss (log scale)",
                 title=f"(a) loss curves by init scale, w={wc}")
    ax[0, 0].legend()
    ylabels = {"plateaus_mean": "number of loss plateaus (mean)",
               "d_min_over_d_saddle": r"$d_{\min}/d_{\rm saddle}$ (log scale)",
               "order_follows_s_frac": "fraction of runs (linear)",
               "mc_test_error_median": "test error (log scale)", "mc_rank_mean": "numerical rank (mean $\\pm$ sd)"}
    for key, a, lab in (("plateaus_mean", ax[0, 1], "(b) loss plateaus vs init scale"),
                        ("d_min_over_d_saddle", ax[0, 2], r"(c) $d_{\min}/d_{\rm saddle}$ (upper bounds)"),
                        ("order_follows_s_frac", ax[1, 2], "(f) learning order follows $s_\\alpha$"),
                        ("mc_test_error_median", ax[1, 0], "(d) completion test error (median, IQR)"),
                        ("mc_rank_mean", ax[1, 1], "(e) completion rank at the end")):
        for w in ws:
            rows = [r for r in table if r["w"] == w]
            y = [np.nan if r[key] is None else r[key] for r in rows]
            err = None
            if key == "mc_rank_mean":
                err = [r["mc_rank_sd"] for r in rows]
            if key == "mc_test_error_median":
                q = [r["mc_test_error_iqr"] for r in rows]
                err = [[max(m - a, 0) for m, (a, _) in zip(y, q)], [max(b - m, 0) for m, (_, b) in zip(y, q)]]
            a.errorbar(gammas, y, yerr=err, marker="o", capsize=3, label=f"w={w}")
        a.set(xlabel=r"$\gamma$ (init variance $w^{-\gamma}$)", ylabel=ylabels[key], title=lab)
        a.legend()
    ax[0, 2].set_yscale("log")
    ax[0, 2].axhline(1, color="k", lw=0.5)
    ax[1, 0].axhline(1, color="k", lw=0.5, ls="--")
    ax[1, 0].set_yscale("log")
    fig.tight_layout()
    for ext in ("png", "pdf"):
        buf = io.BytesIO()
        fig.savefig(buf, format=ext, dpi=130, metadata={"CreationDate": None} if ext == "pdf" else None)
        atomic_write_bytes(Path(out_dir) / f"regimes.{ext}", buf.getvalue())
    plt.close(fig)

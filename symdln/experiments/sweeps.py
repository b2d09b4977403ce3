"""Sweepable experiments: one task per (grid point, seed index), reduced to a tidy table and a figure.

``symdln sweep EXPERIMENT --grid eta=0.01,0.02 b=1,4,16 --seeds 20`` runs, for every combination of
the grid and every seed index ``k < seeds``, one task of :data:`SWEEPS` ``[EXPERIMENT]``.  Each task's
random stream is ``SeedSequence(base_seed, spawn_key=hash(experiment, grid point, k))``
(:func:`symdln.tasks.task_seed`), so the table is the same whoever runs the tasks and in whatever
order.  The teacher is shared by all tasks of a sweep (drawn from the base seed alone), so grid points
differ only by what the grid changes.

Each :class:`Sweep` declares its parameters (name, type, default, allowed range: parsed as numbers,
never evaluated) and the metrics its task returns (one row of the table per task).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..tasks import task_function

__all__ = ["Param", "Sweep", "SWEEPS", "get_sweep"]


@dataclass(frozen=True)
class Param:
    name: str
    kind: type              # int or float
    default: float
    lo: float
    hi: float
    help: str

    def parse(self, text: str):
        """A number from the command line (``int``/``float`` literals only; nothing is evaluated)."""
        from .._validation import SymdlnInputError
        try:
            v = self.kind(text) if self.kind is int else float(text)
        except (TypeError, ValueError):
            raise SymdlnInputError(f"--grid {self.name}: expected {self.kind.__name__} values like "
                                   f"{self.name}={self.default!r}; got {text!r}") from None
        if not np.isfinite(v) or not self.lo <= v <= self.hi:
            raise SymdlnInputError(f"--grid {self.name}: values must lie in [{self.lo:g}, {self.hi:g}]; got {text!r}")
        return v


@dataclass(frozen=True)
class Sweep:
    name: str
    help: str
    params: tuple[Param, ...]
    metrics: tuple[str, ...]
    fn: object
    figure_metric: str
    extra_config: dict = field(default_factory=dict)

    def param(self, name: str) -> Param:
        from .._validation import SymdlnInputError
        for p in self.params:
            if p.name == name:
                return p
        raise SymdlnInputError(f"--grid: {self.name} has no parameter {name!r}; its parameters are "
                               f"{', '.join(p.name for p in self.params)}")

    def defaults(self) -> dict:
        return {p.name: p.kind(p.default) for p in self.params}


_S = (1.0, 0.7, 0.4)


def _teacher(d, seed_base):
    from ..network import Teacher
    return Teacher.from_singular_values(_S, d, d, rng=np.random.default_rng([int(seed_base), 0]))


def _sgd_run(config: dict, seed, n_checkpoints: int):
    """One online-SGD trajectory from a small Gaussian init: the two streams are spawned from the task's own
    ``seed`` (initialisation, batches); the teacher is shared by the sweep.  -> (teacher, Trajectory, L)."""
    from ..network import small_gaussian_init
    from ..simulate import sgd
    d, L, eta, b, gamma, t_end = (int(config["d"]), int(config["L"]), float(config["eta"]), int(config["b"]),
                                  float(config["gamma"]), float(config["t_end"]))
    teacher = _teacher(d, config["teacher_seed"])
    ss = seed.spawn(2)
    net0 = small_gaussian_init([d] * (L + 1), gamma, rng=np.random.default_rng(ss[0]))
    steps = int(round(t_end / eta))
    ck = np.unique(np.round(np.linspace(0, steps, n_checkpoints)).astype(np.int64))
    tr = sgd(net0, teacher, eta=eta, b=b, steps=steps, n_traj=1,
             seed=int(np.random.default_rng(ss[1]).integers(2 ** 63)), checkpoints=ck)
    return teacher, tr, L


@task_function
def peak_task(config: dict, seed) -> dict:
    """One online-SGD trajectory from a small Gaussian init: per mode, the time of the peak of the exact
    modewise diffusion ``D_a = eta a^T Sigma_b a``, its height, the time ``w_a`` first reaches ``0.9 s_a``,
    and the margin ``lead = t_learned - t_peak`` (Sec. 4: the peak comes before the mode is learned)."""
    from ..simulate import analysis as an
    teacher, tr, _ = _sgd_run(config, seed, 401)
    w = tr.mode_amplitudes()
    D = an.diffusion_along(tr, eta=float(config["eta"]), b=int(config["b"]))
    pk = an.peak_vs_learning(tr.times, D, w, teacher.s)
    out = {}
    for a in range(len(_S)):
        out[f"t_peak_{a}"] = float(pk["t_peak"][0, a])
        out[f"D_peak_{a}"] = float(pk["D_peak"][0, a])
        out[f"t_learned_{a}"] = float(pk["t_reach_0.9"][0, a])
        out[f"lead_{a}"] = float(pk["lag_0.9"][0, a])
    return out


@task_function
def balance_task(config: dict, seed) -> dict:
    """One online-SGD trajectory from a small Gaussian init: the balance residual ``r_l`` (Eq. 33) of every
    adjacent layer pair at the end of the run, and its mean over the last 10% of checkpoints."""
    from ..diagnostics import balance_residuals
    _, tr, L = _sgd_run(config, seed, 101)
    r = balance_residuals(tr).r[:, 0, :]            # (T, L-1)
    tail = r[-max(1, r.shape[0] // 10):]
    out = {f"r_end_{l + 1}": float(r[-1, l]) for l in range(L - 1)}
    out.update({f"r_tail_{l + 1}": float(tail[:, l].mean()) for l in range(L - 1)})
    out["r_end_max"] = float(r[-1].max()) if L > 1 else 0.0
    return out


_COMMON = (
    Param("d", int, 12, 3, 64, "width of every layer (square teacher d x d)"),
    Param("L", int, 2, 1, 8, "depth"),
    Param("eta", float, 0.01, 1e-6, 1.0, "learning rate"),
    Param("b", int, 1, 1, 4096, "batch size"),
    Param("gamma", float, 2.0, 0.0, 6.0, "init variance min(d_in, d_out)^-gamma"),
)

SWEEPS: dict[str, Sweep] = {
    "diffusion-peak": Sweep(
        "diffusion-peak", "peak of the exact modewise diffusion vs the time each mode is learned (Sec. 4)",
        _COMMON + (Param("t_end", float, 40.0, 0.1, 1e4, "simulated time t = eta k"),),
        tuple(f"{m}_{a}" for m in ("t_peak", "D_peak", "t_learned", "lead") for a in range(3)),
        peak_task, "lead_0"),
    "balance": Sweep(
        "balance", "balance residual r_l (Eq. 33) at the end of online SGD from a small init (App. I.2)",
        _COMMON + (Param("t_end", float, 15.0, 0.1, 1e4, "simulated time t = eta k"),),
        ("r_end_max",), balance_task, "r_end_max"),
}


def get_sweep(name: str) -> Sweep:
    from .._validation import SymdlnInputError
    if name not in SWEEPS:
        raise SymdlnInputError(f"EXPERIMENT must be one of {', '.join(SWEEPS)} for `symdln sweep`; got {name!r}")
    return SWEEPS[name]


def grid_points(sweep: Sweep, grid: dict, fixed: dict | None = None) -> list[dict]:
    """Every combination of the grid (in the order given), each completed by ``fixed`` and the defaults."""
    import itertools
    base = {**sweep.defaults(), **(fixed or {})}
    names = list(grid)
    return [{**base, **dict(zip(names, combo))} for combo in itertools.product(*(grid[n] for n in names))]


def sweep_tasks(sweep: Sweep, grid: dict, seeds: int, *, base_seed: int, fixed: dict | None = None):
    """One task per (grid point, seed index); the key names the point and the index."""
    from ..tasks import Task, task_ref
    tasks = []
    for pt in grid_points(sweep, grid, fixed):
        cfg = {**pt, "teacher_seed": int(base_seed)}
        for k in range(seeds):
            key = tuple(f"{n}={pt[n]}" for n in sorted(pt)) + (f"seed={k}",)
            tasks.append(Task(f"sweep-{sweep.name}", key, task_ref(sweep.fn), cfg))
    return tasks


def run_sweep(name: str, grid: dict, *, seeds: int = 4, base_seed: int = 0, fixed: dict | None = None,
              runner=None, cache_dir=None, progress=None) -> dict:
    """Run a sweep and reduce it: ``{"rows": [...], "summary": [...], "failed": [...], "setting": {...}}``.

    ``rows`` is the tidy table (one dict per task: parameters, ``seed_index``, metrics); ``summary`` has
    per grid point the mean, standard error and count of every metric over seed indices (NaN dropped: a
    mode never learned within ``t_end`` has NaN times).
    """
    from ..tasks import TaskCache, run_tasks
    sweep = get_sweep(name)
    tasks = sweep_tasks(sweep, grid, seeds, base_seed=base_seed, fixed=fixed)
    cache = TaskCache(cache_dir, base_seed) if cache_dir is not None else None
    results = run_tasks(tasks, base_seed=base_seed, runner=runner, cache=cache, progress=progress)
    rows, failed = [], []
    names = [p.name for p in sweep.params]
    for r in results:
        if not r.ok:
            failed.append({"key": list(r.task.key), "error": r.error})
            continue
        k = int(r.task.key[-1].split("=")[1])
        rows.append({**{n: r.task.config[n] for n in names}, "seed_index": k, **r.value})
    summary = []
    for pt in grid_points(sweep, grid, fixed):
        sel = [row for row in rows if all(row[n] == pt[n] for n in names)]
        metrics = sorted({m for row in sel for m in row if m not in names and m != "seed_index"})
        stats = {}
        for m in metrics:
            x = np.array([row[m] for row in sel], float)
            x = x[np.isfinite(x)]
            stats[m] = {"mean": float(x.mean()) if x.size else None,
                        "se": float(x.std(ddof=1) / np.sqrt(x.size)) if x.size > 1 else None, "n": int(x.size)}
        summary.append({**{n: pt[n] for n in names}, "n_tasks": len(sel), "metrics": stats})
    return {"setting": {"experiment": name, "grid": {k: list(v) for k, v in grid.items()}, "fixed": dict(fixed or {}),
                        "seeds": seeds, "base_seed": base_seed, "n_tasks": len(tasks),
                        "seed_rule": "task stream = SeedSequence(base_seed, spawn_key=sha256(experiment, key)); "
                                     "teacher from base_seed"},
            "rows": rows, "summary": summary, "failed": failed}


_METRIC_TEXT = {"t_peak": "time of the diffusion peak of mode {a}", "D_peak": "peak modewise diffusion D of mode {a}",
                "t_learned": "time mode {a} reaches 0.9 s", "lead": "t(w >= 0.9 s) - t_peak, mode {a}",
                "r_end": "balance residual r_{a} at the end", "r_tail": "balance residual r_{a}, last 10% mean",
                "r_end_max": "largest balance residual r_l at the end"}


def metric_text(metric: str) -> str:
    """Axis text of a metric: ``lead_0`` -> ``t(w >= 0.9 s) - t_peak, mode 0``."""
    if metric in _METRIC_TEXT:
        return _METRIC_TEXT[metric]
    head, _, idx = metric.rpartition("_")
    return _METRIC_TEXT[head].format(a=idx) if head in _METRIC_TEXT and idx.isdigit() else metric


def sweep_figure(result: dict, metric: str | None = None):
    """Mean +- SE of ``metric`` against the first grid parameter, one line per value of the others."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    sweep = get_sweep(result["setting"]["experiment"])
    metric = metric or sweep.figure_metric
    grid = result["setting"]["grid"]
    names = list(grid)
    x_name, others = names[0], names[1:]
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    groups: dict = {}
    for s in result["summary"]:
        groups.setdefault(tuple(s[n] for n in others), []).append(s)
    for g, pts in groups.items():
        pts = sorted(pts, key=lambda s: s[x_name])
        xs = [s[x_name] for s in pts]
        st = [s["metrics"].get(metric, {}) for s in pts]
        ys = np.array([v.get("mean") if v.get("mean") is not None else np.nan for v in st], float)
        es = np.array([v.get("se") if v.get("se") is not None else 0.0 for v in st], float)
        label = ", ".join(f"{n}={v}" for n, v in zip(others, g)) or "all"
        ax.errorbar(xs, ys, yerr=es, marker="o", capsize=3, label=label)
    if len(grid[x_name]) > 1 and min(grid[x_name]) > 0 and max(grid[x_name]) / min(grid[x_name]) >= 10:
        ax.set_xscale("log")
    ax.set_xlabel(f"{x_name} ({next(p.help for p in sweep.params if p.name == x_name)})")
    unit = "" if metric.startswith(("r_", "D_")) else " (time t = eta k)"
    ax.set_ylabel(f"{metric_text(metric)}{unit}\nmean ± s.e. over {result['setting']['seeds']} seeds")
    ax.set_title(f"sweep {sweep.name}: {metric} vs {x_name}", fontsize=11)
    ax.legend(fontsize=10, title=", ".join(others) if others else None)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig

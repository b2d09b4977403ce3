"""``symdln saddles``: sample DLN critical points on rank strata, refine, certify, check against theory."""
from __future__ import annotations

import io
import time
from pathlib import Path

from .._validation import SymdlnInputError
from . import _args

MAX_N = 10_000  #: points per (stratum, method): a bound on run time (each point is refined and certified)

HELP = "sample saddle points of deep linear networks (normal form + SGLD), certify them by Hessian-vector Lanczos"


def add_arguments(p):
    p.add_argument("--out", type=_args.out_folder, default="results",
                   help="output folder (default: results/; files go to OUT/saddles/)")
    p.add_argument("--depths", default="2,3,4", help="comma-separated depths L >= 2 (default 2,3,4)")
    p.add_argument("--n", type=_args.count(1, MAX_N), default=None,
                   help=f"points per (stratum, method), 1..{MAX_N} (default 8; 2 with --fast)")
    p.add_argument("--fast", action="store_true", help="small setting (CI smoke test)")
    p.add_argument("--seed", type=_args.seed, default=0, help="random seed (default 0)")
    p.add_argument("--quiet", action="store_true", help="no progress output")


def _plan(depths, fast):
    """(depth, S, method, n_zero) settings: strata of rank 0..2 plus the global-minimum stratum."""
    strata = [(), (0,), (1,), (0, 1)] if not fast else [(0,)]
    priors = ("gaussian", "weight-decay", "norm-target")
    out = []
    for L in depths:
        for i, S in enumerate(strata):
            out.append((L, S, "cheap", 2, None))
            if L >= 3:
                out.append((L, S, "cheap", 3, None))
            out.append((L, S, "sgld", 0, priors[i % len(priors)]))
        out.append((L, (0, 1, 2, 3), "cheap", 2, None))  # r = hidden width: the global minimum stratum
    return out


def run(args) -> int:
    try:
        depths = sorted({int(x) for x in str(args.depths).split(",") if x.strip()})
    except ValueError as exc:
        raise SymdlnInputError(f"--depths must be comma-separated integers in [2, 12]; got {args.depths!r:.40}") from exc
    if not depths or min(depths) < 2 or max(depths) > 12:
        raise SymdlnInputError(f"--depths must be comma-separated integers in [2, 12]; got {args.depths!r:.40}")
    n = args.n if args.n is not None else (2 if args.fast else 8)
    from .._output import OutputDir
    with OutputDir(Path(args.out) / "saddles", option="--out") as od:   # refused before any work
        return _run(args, depths, n, od)


def _run(args, depths, n, od) -> int:
    import numpy as np

    from .._io import atomic_write_json, provenance
    from .._output import split_timings
    from ..network import Teacher
    from ..progress import Progress
    from ..saddles import NormalForm, Prior
    from ..saddles.pipeline import CHECK_TOL, sample_stratum, summarize
    out_dir = od.build
    rng = np.random.default_rng(args.seed)
    teacher = Teacher.from_singular_values([3.0, 2.0, 1.5, 1.0], 5, 5, rng=rng)
    hidden = 4
    plan = _plan(depths, args.fast)
    prog = Progress("saddles", quiet=args.quiet)
    timings: dict = {}
    counts = {"cheap": 0, "sgld": 0}
    stage_time = {"cheap": 0.0, "sgld": 0.0}
    points = []
    t0 = time.perf_counter()
    for i, (L, S, method, nz, prior) in enumerate(plan):
        nf = NormalForm(teacher, S, (5,) + (hidden,) * (L - 1) + (5,))
        before = timings.get("sample", 0.0)
        pts = sample_stratum(nf, n if len(S) < hidden else 1, method=method, n_zero=max(nz, 2), rng=rng,
                             sgld_steps=300 if args.fast else 2000, timings=timings,
                             prior=Prior(prior) if prior else None)
        stage_time[method] += timings["sample"] - before
        counts[method] += len(pts)
        points += pts
        prog.update(i + 1, len(plan), f"L={L} S={S} {method}")
    prog.close()
    total = time.perf_counter() - t0
    summary = summarize(points)
    n_pts = len(points)
    rates = {
        "cheap_samples_per_s": counts["cheap"] / max(stage_time["cheap"], 1e-12),
        "sgld_quenched_samples_per_s": counts["sgld"] / max(stage_time["sgld"], 1e-12),
        "refine_per_s": n_pts / max(timings.get("refine", 0.0), 1e-12),
        "certify_per_s": n_pts / max(timings.get("certify", 0.0), 1e-12),
        "end_to_end_certified_per_s": n_pts / total,
        "seconds": {k: round(v, 3) for k, v in timings.items()} | {"total": round(total, 3)},
    }
    result = {
        "teacher": {"s": teacher.s.tolist(), "d_out": 5, "d_in": 5}, "hidden_width": hidden,
        "check_tolerances": CHECK_TOL, "summary": summary, "rates": rates,
        "points": [p.to_json() for p in points],
        "provenance": provenance(seed=args.seed, command="saddles", fast=args.fast, depths=depths, n=n),
    }
    _figure(points, out_dir)
    content, timing = split_timings(result)
    timing = {**(timing or {}), "rates": content.pop("rates")}   # throughput: machine-dependent, not a result
    atomic_write_json(out_dir / "saddles.json", content)
    atomic_write_json(out_dir / "saddles.timings.json", timing)
    od.commit()
    out_dir = od.path
    bd = summary["by_depth"]
    for L in sorted(bd, key=int):
        d = bd[L]
        print(f"L={L}: {d['n']} points: {d['strict saddle']} strict, {d['non-strict saddle']} non-strict "
              f"({d['non-strict certified']} certified), {d['local minimum']} local min "
              f"({d['global minimum']} global); checks pass {d['all_checks_pass']}/{d['n']}")
    print(f"rates: cheap {rates['cheap_samples_per_s']:.0f}/s, sgld+quench {rates['sgld_quenched_samples_per_s']:.1f}/s, "
          f"certify {rates['certify_per_s']:.1f}/s; theory: {summary['theory']}")
    print(f"wrote {out_dir}/ ({total:.1f} s)")
    return 0


def _figure(points, out_dir: Path) -> None:
    import matplotlib
    import numpy as np

    from .._io import atomic_write_bytes
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    colors = {"strict saddle": "tab:red", "non-strict saddle": "tab:orange", "local minimum": "tab:green"}
    markers = {"cheap(n_zero=2)": "o", "cheap(n_zero=3)": "s"}
    fig, ax = plt.subplots(1, 2, figsize=(10, 3.8))
    rng = np.random.default_rng(0)
    for p in points:
        ax[0].scatter(p.depth + 0.25 * rng.uniform(-1, 1), p.lambda_min, c=colors[p.kind],
                      marker=markers.get(p.method, "^"), s=18, alpha=0.8)
    ax[0].set_yscale("symlog", linthresh=1e-6)
    ax[0].axhline(0, color="k", lw=0.5)
    ax[0].set_xlabel("depth L")
    ax[0].set_ylabel(r"$\lambda_{\min}$ of the Hessian")
    ax[0].set_title(r"(a) $\lambda_{\min}$ (o: 2 zero blocks, s: 3, $\triangle$: SGLD)")
    depths = sorted({p.depth for p in points})
    bottom = np.zeros(len(depths))
    for kind, col in colors.items():
        h = np.array([sum(1 for p in points if p.depth == L and p.kind == kind) for L in depths])
        ax[1].bar([str(L) for L in depths], h, bottom=bottom, color=col, label=kind)
        bottom += h
    ax[1].set_xlabel("depth L")
    ax[1].set_ylabel("sampled critical points")
    ax[1].set_title("(b) Hessian classes")
    ax[1].legend(fontsize=8)
    fig.tight_layout()
    for ext in ("png", "pdf"):
        buf = io.BytesIO()
        fig.savefig(buf, format=ext, dpi=150)
        atomic_write_bytes(out_dir / f"saddles.{ext}", buf.getvalue())
    plt.close(fig)


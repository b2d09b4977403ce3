"""``symdln report``: derivations + claim verdicts + Monte Carlo checks -> report.tex/.pdf/.md/.html/results.json."""
from __future__ import annotations

import sys
import time
from pathlib import Path

from . import _args

HELP = ("run every derivation, verdict and Monte Carlo check; write the report as PDF (page 1: the paper and its "
        "errata), Markdown, HTML (math rendered offline) and JSON")


def add_arguments(p):
    p.add_argument("--out", type=_args.out_folder, default="report", help="output folder (default: report/)")
    p.add_argument("--fast", action="store_true", help="fast setting (CI smoke test, under a minute)")
    p.add_argument("--seed", type=_args.seed, default=0, help="base random seed (default 0)")
    p.add_argument("--no-pdf", action="store_true", help="do not run pdflatex")
    p.add_argument("--results", default="results",
                   help="folder of `symdln experiment` outputs whose figures to include (default: results/)")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.add_argument("--no-cache", action="store_true",
                   help="recompute every derivation instead of reading the on-disk cache")
    p.add_argument("--paper", default=None, metavar="NAME",
                   help="the paper whose claims are verified (default: corlouer2026; `symdln verify --list-papers`)")
    _args.add_runner_arguments(p)         # the Monte Carlo of the verdicts and of the check run as tasks there


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (pdflatex): the run time without contention."""
    import resource
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def run(args) -> int:
    from .._output import OutputDir
    if args.no_cache:
        from ..symbolic.result import disable_disk_cache
        disable_disk_cache()
    t0, c0 = time.perf_counter(), cpu_seconds()
    with OutputDir(args.out, option="--out") as od:     # a bad --out is refused before any work
        from ..export.report import summary_table, write_report
        command = "symdln report" + (" --fast" if args.fast else "") + f" --seed {args.seed}" + \
            (" --no-pdf" if args.no_pdf else "") + (f" --paper {args.paper}" if args.paper else "")
        from ..tasks import using_runner
        with using_runner(_args.runner_from_args(args)):
            outcome = write_report(Path(args.out), fast=args.fast, seed=args.seed, pdf=not args.no_pdf,
                                   quiet=args.quiet, results_dir=Path(args.results), command=command,
                                   paper=args.paper, output=od)
    print(summary_table(outcome.data))
    if outcome.latex is not None:  # a failed build is loud: its errors go to stderr
        print(outcome.latex.summary(), file=sys.stdout if outcome.latex.ok else sys.stderr)
    if outcome.message:
        print(outcome.message, file=sys.stderr if outcome.exit_code else sys.stdout)
    took = f"wall {time.perf_counter() - t0:.1f} s, cpu {cpu_seconds() - c0:.1f} s"
    if outcome.out_dir is not None:
        print(f"wrote {outcome.out_dir}/ ({took})")
    else:
        print(f"nothing written ({took})", file=sys.stderr)
    return outcome.exit_code

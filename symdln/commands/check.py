"""``symdln check``: compare every closed form of the numeric core against Monte Carlo (see symdln.verify.core_checks)."""
from __future__ import annotations

import json
import sys

from . import _args

HELP = "Monte Carlo cross-check of the numeric core's closed forms (gradient, Sigma_lm, D_alpha, Ito drift)"


def add_arguments(p):
    p.add_argument("--fast", action="store_true", help="smaller Monte Carlo samples (under ~20 s)")
    p.add_argument("--seed", type=_args.seed, default=0, help="base random seed (default 0)")
    p.add_argument("--json", action="store_true", help="print the report as JSON instead of a table")
    p.add_argument("--record", action="store_true",
                   help="write the evidence to checks/check.json (atomically, with provenance)")
    p.add_argument("--out", type=_args.out_folder, default="checks", help="folder for --record (default: checks/)")
    p.add_argument("--false-alarm", type=_args.count(1, 10_000), default=None, metavar="K",
                   help="instead: run the (fast) check for K >= 1 seeds and measure the family-wise false-alarm "
                        "rate (with --record: checks/false_alarm.json)")
    p.add_argument("--power", type=_args.count(1, 10_000), default=None, metavar="K",
                   help="instead: run the (fast) check for K >= 1 seeds and measure how often each wrong closed "
                        "form (symdln.verify.core_mutants) is rejected (with --record: checks/power.json)")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    from .experiment import add_runner_arguments
    add_runner_arguments(p)


def _record(od, name: str, data: dict) -> None:
    """``name.json`` (deterministic content) and ``name.timings.json`` (run times) into the owned folder."""
    from .._io import atomic_write_json
    from .._output import split_timings
    content, timings = split_timings(data)
    atomic_write_json(od.build / f"{name}.json", content)
    atomic_write_json(od.build / f"{name}.timings.json", timings or {})
    od.commit()


def run(args) -> int:
    from ..tasks import using_runner
    from .experiment import runner_from_args
    with using_runner(runner_from_args(args)):     # each Monte Carlo row is a task (--workers / --scheduler)
        return _run(args)


def _run(args) -> int:
    from .._io import provenance
    from .._output import OutputDir
    from ..progress import Progress
    from ..verify.core_checks import false_alarm_study, run_checks
    od = OutputDir(args.out, option="--out", prune=False).open() if args.record else None  # refuse before work
    try:
        if args.power is not None or args.false_alarm is not None:
            if args.power is not None:
                from ..verify.core_checks import power_study
                from ..verify.core_mutants import MUTANTS
                name, option, study = "power", "--power", \
                    lambda prog: power_study(MUTANTS, args.power, fast=True, first_seed=args.seed, progress=prog)
            else:
                name, option, study = "false_alarm", "--false-alarm", \
                    lambda prog: false_alarm_study(args.false_alarm, fast=True, first_seed=args.seed, progress=prog)
            prog = Progress(f"{name.replace('_', '-')} study", quiet=args.quiet)
            res = study(prog)
            prog.close()
            res["provenance"] = provenance(seed=args.seed, command=f"symdln check {option}")
            if od is not None:
                _record(od, name, res)
            print(json.dumps(res, indent=2, sort_keys=True))
            return 0
        prog = Progress("check", quiet=args.quiet)
        report = run_checks(fast=args.fast, seed=args.seed, progress=prog)
        prog.close()
        data = report.to_json()
        data["provenance"] = provenance(seed=args.seed, command="symdln check", fast=args.fast)
        if od is not None:
            _record(od, "check", data)
            sys.stderr.write(f"wrote {od.path / 'check.json'}\n")
        if args.json:
            print(json.dumps(data, indent=2, sort_keys=True, default=float))
        else:
            print(report.table())
            print("PASSED" if report.passed else "FAILED: a closed form disagrees with Monte Carlo beyond the "
                  "Bonferroni threshold")
        return 0 if report.passed else 1
    finally:
        if od is not None:
            od.close()

"""``symdln check``: compare every closed form of the numeric core against Monte Carlo (see symdln.verify.core_checks)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from .._io import atomic_write_json, provenance
from .._validation import SymdlnInputError
from ..verify.core_checks import false_alarm_study, run_checks
from ..progress import Progress

HELP = "Monte Carlo cross-check of the numeric core's closed forms (gradient, Sigma_lm, D_alpha, Ito drift)"


def add_arguments(p):
    p.add_argument("--fast", action="store_true", help="smaller Monte Carlo samples (under ~20 s)")
    p.add_argument("--seed", type=int, default=0, help="base random seed (default 0)")
    p.add_argument("--json", action="store_true", help="print the report as JSON instead of a table")
    p.add_argument("--record", action="store_true",
                   help="write the evidence to checks/check.json (atomically, with provenance)")
    p.add_argument("--out", default="checks", help="folder for --record (default: checks/)")
    p.add_argument("--false-alarm", type=int, default=0, metavar="K",
                   help="instead: run the (fast) check for K seeds and measure the family-wise false-alarm rate "
                        "(with --record: checks/false_alarm.json)")
    p.add_argument("--power", type=int, default=0, metavar="K",
                   help="instead: run the (fast) check for K seeds and measure how often each wrong closed form "
                        "(symdln.verify.core_mutants) is rejected (with --record: checks/power.json)")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    from .experiment import add_runner_arguments
    add_runner_arguments(p)


def run(args) -> int:
    from ..tasks import using_runner
    from .experiment import runner_from_args
    with using_runner(runner_from_args(args)):     # each Monte Carlo row is a task (--workers / --scheduler)
        return _run(args)


def _run(args) -> int:
    if args.seed < 0:
        raise SymdlnInputError(f"--seed must be a non-negative integer; got {args.seed}")
    if args.false_alarm < 0:
        raise SymdlnInputError(f"--false-alarm must be a non-negative integer; got {args.false_alarm}")
    if args.power < 0:
        raise SymdlnInputError(f"--power must be a non-negative integer; got {args.power}")
    if args.power:
        from ..verify.core_checks import power_study
        from ..verify.core_mutants import MUTANTS
        prog = Progress("power study", quiet=args.quiet)
        res = power_study(MUTANTS, args.power, fast=True, first_seed=args.seed, progress=prog)
        prog.close()
        res["provenance"] = provenance(seed=args.seed, command="symdln check --power")
        if args.record:
            atomic_write_json(Path(args.out) / "power.json", res)
        print(json.dumps(res, indent=2, sort_keys=True))
        return 0
    if args.false_alarm:
        prog = Progress("false-alarm study", quiet=args.quiet)
        res = false_alarm_study(args.false_alarm, fast=True, first_seed=args.seed, progress=prog)
        prog.close()
        res["provenance"] = provenance(seed=args.seed, command="symdln check --false-alarm")
        if args.record:
            atomic_write_json(Path(args.out) / "false_alarm.json", res)
        print(json.dumps(res, indent=2, sort_keys=True))
        return 0
    prog = Progress("check", quiet=args.quiet)
    report = run_checks(fast=args.fast, seed=args.seed, progress=prog)
    prog.close()
    data = report.to_json()
    data["provenance"] = provenance(seed=args.seed, command="symdln check", fast=args.fast)
    if args.record:
        path = atomic_write_json(Path(args.out) / "check.json", data)
        sys.stderr.write(f"wrote {path}\n")
    if args.json:
        print(json.dumps(data, indent=2, sort_keys=True, default=float))
    else:
        print(report.table())
        print("PASSED" if report.passed else "FAILED: a closed form disagrees with Monte Carlo beyond the "
              "Bonferroni threshold")
    return 0 if report.passed else 1

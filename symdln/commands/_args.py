"""Argument types shared by the subcommands: each refuses bad user data at parse time with one line naming
the option (``symdln: error: argument --seed: ...``) and exit status 2, before any computation."""
from __future__ import annotations

import argparse

__all__ = ["seed", "count", "out_folder", "claim_id", "MAX_SEED"]

MAX_SEED = 2**32 - 1


def _int(text: str, what: str) -> int:
    try:
        return int(text, 10)
    except (TypeError, ValueError):
        raise argparse.ArgumentTypeError(f"must be {what}; got {text!r:.40}") from None


def seed(text: str) -> int:
    """A seed: an integer in [0, 2**32 - 1]."""
    v = _int(text, f"an integer in [0, {MAX_SEED}]")
    if not 0 <= v <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"must be an integer in [0, {MAX_SEED}]; got {text!r:.40}")
    return v


def count(lo: int, hi: int):
    """An integer option in [lo, hi] (sample sizes, numbers of seeds)."""
    def parse(text: str) -> int:
        v = _int(text, f"an integer in [{lo}, {hi}]")
        if not lo <= v <= hi:
            raise argparse.ArgumentTypeError(f"must be an integer in [{lo}, {hi}]; got {text!r:.40}")
        return v
    parse.__name__ = "integer"
    return parse


def out_folder(text: str) -> str:
    """A folder name (not empty).  Ownership and writability are checked by symdln._output.OutputDir."""
    if not text.strip():
        raise argparse.ArgumentTypeError("must name a folder; got ''")
    if "\0" in text:
        raise argparse.ArgumentTypeError("must be a folder path without NUL characters")
    return text


def claim_id(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("must be a claim id like eq.7 (omit it for every claim); got ''")
    return text


def add_runner_arguments(p):
    """``--workers N`` (local processes) and ``--scheduler ADDRESS`` (a dask.distributed scheduler)."""
    g = p.add_mutually_exclusive_group()
    g.add_argument("--workers", type=count(1, 1024), default=None, metavar="N",
                   help="run the independent tasks (experiment runs, Monte Carlo plans) on N local processes "
                        "(same numbers as in-process)")
    g.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help='run the tasks on an existing dask.distributed scheduler, e.g. tcp://127.0.0.1:8786 '
                        '(pip install "symdln[dask]")')


def runner_from_args(args):
    """The :class:`symdln.tasks.Runner` named by ``--workers`` / ``--scheduler`` (in-process without them)."""
    from ..tasks import Runner
    return Runner(workers=args.workers, scheduler=args.scheduler)

"""The ``symdln`` command.

Each subcommand lives in ``symdln/commands/<name>.py`` and defines ``HELP`` (one line),
``add_arguments(parser)`` and ``run(args) -> int``.  Bad input (a :class:`SymdlnInputError` or any
``ValueError`` raised while checking arguments) prints one line on stderr and exits 2, with no
traceback; outputs are written atomically into folders symdln owns (``symdln._output``) so nothing
partial is left behind.  Subcommand modules import their heavy dependencies inside ``run``, so
``symdln --help`` and ``--version`` load neither SymPy nor SciPy nor matplotlib.  A closed output pipe
(``symdln verify --json | head -1``) ends the command quietly.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys

from ._validation import SymdlnInputError

#: subcommand name -> module under symdln.commands (order = order in --help)
COMMANDS = {
    "verify": "verify",
    "check": "check",
    "derive": "derive",
    "latex": "latex",
    "report": "report",
    "experiment": "experiment",
    "sweep": "sweep",
    "saddles": "saddles",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2 (argparse's default prints usage too)
        sys.stderr.write(f"symdln: error: {message}\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    from ._version import __version__
    parser = _Parser(prog="symdln", description="Verify the theory of SGD on deep linear networks.")
    parser.add_argument("--version", action="version", version=f"symdln {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, modname in COMMANDS.items():
        try:
            mod = importlib.import_module(f"symdln.commands.{modname}")
        except ModuleNotFoundError as exc:
            if exc.name == f"symdln.commands.{modname}":
                continue  # command not built yet
            raise
        p = sub.add_parser(name, help=mod.HELP, description=mod.HELP)
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


def main(argv=None) -> int:
    try:
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:   # --help, --version, or a bad argument (one line already printed): a return code
            return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
        if not getattr(args, "_run", None):
            parser.print_help()
            return 2
        try:
            return int(args._run(args) or 0)
        except SymdlnInputError as exc:
            sys.stderr.write(f"symdln {args.command}: error: {exc}\n")
            return 2
    except KeyboardInterrupt:
        sys.stderr.write("symdln: interrupted\n")
        return 130
    except BrokenPipeError:
        _quiet_stdout()
        return 141  # 128 + SIGPIPE, as other Unix tools exit on a closed pipe


def _quiet_stdout() -> None:
    """The reader closed our stdout (``| head``): point it at /dev/null so the final flush cannot fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

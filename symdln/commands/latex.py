"""``symdln latex ID``: a paste-ready LaTeX snippet of a derived quantity or of a claim's derived form."""
from __future__ import annotations

import sys

from .._validation import SymdlnInputError
from . import _args

HELP = "print a LaTeX snippet of a derived quantity or of a claim's derived (corrected) form"


EPILOG = """\
what exists:
  symdln latex --list            every quantity id and claim id (with its location)
  derivations/INDEX.md           the derived quantities, one file each (written by `symdln derive`)
  symdln verify                  the verdict of every claim

examples:
  symdln latex diffusion_aligned        the derived modewise diffusion (Prop. 3.5), display math
  symdln latex eq.7 --inline            the corrected form of the paper's Eq. (7), with its verdict
  symdln latex --macros > macros.tex    the preamble the snippets rely on (\\vecop, \\trop)
"""


def add_arguments(p):
    import argparse
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.epilog = EPILOG
    p.add_argument("id", nargs="?", help="quantity id or claim id (e.g. eq.7); `--list` shows them all")
    p.add_argument("--list", action="store_true", help="list every quantity and claim id, then exit")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--display", dest="display", action="store_true", default=True,
                   help="display math: equation* / align* (default)")
    g.add_argument("--inline", dest="display", action="store_false", help="inline math: $...$")
    p.add_argument("--macros", action="store_true",
                   help="print the \\usepackage/\\providecommand preamble the snippets rely on")
    p.add_argument("--seed", type=_args.seed, default=0, help="seed for the claim's verdict (default 0)")


def run(args) -> int:
    from ..export.notation import macro_preamble
    from ..export.snippets import snippet
    if args.list:
        from ..export.snippets import id_listing
        sys.stdout.write(id_listing())
        return 0
    if args.id is None and not args.macros:
        raise SymdlnInputError("give a quantity or claim id (`symdln latex --list` shows them), or --macros")
    out = []
    if args.macros:
        out.append(macro_preamble())
    if args.id is not None:
        out.append(snippet(args.id, display=args.display, seed=args.seed))
    sys.stdout.write("\n".join(out))
    return 0

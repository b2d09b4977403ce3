"""``symdln latex ID``: a paste-ready LaTeX snippet of a derived quantity or of a claim's derived form."""
from __future__ import annotations

import sys

from .._validation import SymdlnInputError
from . import _args

HELP = "print a LaTeX snippet of a derived quantity or of a claim's derived (corrected) form"


def add_arguments(p):
    p.add_argument("id", nargs="?", help="quantity id (see `symdln derive --list`) or claim id (e.g. eq.7)")
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
    if args.id is None and not args.macros:
        raise SymdlnInputError("give a quantity or claim id, or --macros")
    out = []
    if args.macros:
        out.append(macro_preamble())
    if args.id is not None:
        out.append(snippet(args.id, display=args.display, seed=args.seed))
    sys.stdout.write("\n".join(out))
    return 0

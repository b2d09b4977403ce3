"""``symdln verify [ID]``: every claim of a paper with its verdict and evidence, or one claim in full.

``--paper NAME`` picks the paper (``symdln verify --list-papers`` lists them), ``--list`` lists claim ids and
locations without deciding anything (no SymPy import), ``--only VERDICT`` and ``--severity SEVERITY``
filter; the text output groups non-confirmed verdicts by severity, substantive first.

Exit status: 0 when the engine ran on every claim (refuted claims are the product working), 1 when the
engine itself failed on a claim, 2 on bad input (an unknown id: one line on stderr).
"""
from __future__ import annotations

import json
import math
import sys
from collections import Counter

from . import _args

HELP = "check a paper's claims: verdict + evidence per claim (or one claim in full)"
VERDICTS = ("confirmed", "refuted", "conditional", "undecided")
SEVERITIES = ("substantive", "step", "notation")


def add_arguments(p):
    p.add_argument("id", nargs="?", type=_args.claim_id, help="a claim id (e.g. eq.7 or corlouer2026:eq.7); omit for every claim")
    p.add_argument("--paper", default=None, metavar="NAME",
                   help="the paper to verify (default: corlouer2026; --list-papers lists them)")
    p.add_argument("--list", action="store_true", help="list the paper's claim ids and locations (no verdicts)")
    p.add_argument("--list-papers", action="store_true", help="list the registered papers with their citations")
    p.add_argument("--only", choices=VERDICTS, default=None, help="show only verdicts of this kind")
    p.add_argument("--severity", choices=SEVERITIES, default=None,
                   help="show only non-confirmed verdicts of this severity")
    p.add_argument("--json", action="store_true",
                   help="a JSON list of verdicts (id, verdict, evidence, derived_latex, ...)")
    p.add_argument("--no-mc", action="store_true", help="skip the Monte Carlo evidence")
    p.add_argument("--fast", action="store_true", help="quick run: no Monte Carlo")
    p.add_argument("--seed", type=_args.seed, default=0, help="seed for sampled points and networks (default 0)")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.add_argument("--no-cache", action="store_true",
                   help="recompute every derivation instead of reading the on-disk cache")
    _args.add_runner_arguments(p)         # --workers N / --scheduler ADDRESS: the Monte Carlo plans run as tasks there


def _finite(x):
    """Strict JSON: non-finite floats (an infinite z when a standard error is 0) become strings."""
    if isinstance(x, float) and not math.isfinite(x):
        return str(x)
    if isinstance(x, dict):
        return {k: _finite(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_finite(v) for v in x]
    return x


def _evidence_line(v) -> str:
    ok = sum(e.passed for e in v.evidence if e.data.get("scope", "printed") != "info")
    n = sum(1 for e in v.evidence if e.data.get("scope", "printed") != "info")
    kinds = ",".join(sorted({e.kind for e in v.evidence}))
    return f"[{ok}/{n} passed: {kinds}]"


def _one_line(v) -> str:
    cond = f" [{v.condition}]" if v.condition else ""
    return f"{v.claim_id:26s} {v.verdict:11s} {v.reason}{cond} {_evidence_line(v)}"


def _grouped(verdicts) -> list[str]:
    """Confirmed verdicts first (paper order), then the others grouped by severity, substantive first."""
    lines = [_one_line(v) for v in verdicts if v.verdict == "confirmed"]
    others = [v for v in verdicts if v.verdict != "confirmed"]
    for sev in SEVERITIES + (None,):
        group = [v for v in others if v.severity == sev]
        if not group:
            continue
        lines.append(f"\n-- {sev or 'severity not recorded'} ({len(group)}) --")
        lines += [_one_line(v) for v in group]
    return lines


def list_papers() -> str:
    """One line per registered paper: its name and citation (imports each paper)."""
    from ..papers import available, load
    out = []
    for name in available():
        p = load(name)
        c = p.citation
        arx = f", arXiv {c.arxiv}" if c.arxiv else ""
        out.append(f"{name:16s} {c.short}: {c.title}{arx} [{len(p.claim_ids())} claims]")
    return "\n".join(out)


def list_claims(paper) -> str:
    """One line per claim: local id, kind and location (nothing is decided)."""
    return "\n".join(f"{c.id:28s} {c.kind:9s} {c.location}" for c in paper.claims())


def _full(v) -> str:
    out = [f"{v.claim_id}  ({v.location})", f"verdict:  {v.verdict}", f"reason:   {v.reason}"]
    if v.condition:
        out.append(f"condition: {v.condition}")
    out.append(f"printed:  {v.printed_latex}")
    if v.derived_latex:
        out.append(f"derived:  {v.derived_latex}")
    if v.counterexample:
        out.append(f"counterexample: {json.dumps(v.to_json()['counterexample'], sort_keys=True)}")
    out.append("evidence:")
    for e in v.evidence:
        scope = e.data.get("scope", "printed")
        reading = e.data.get("reading")
        tag = f"{e.kind}/{scope}" + (f"/{reading}" if reading else "")
        out.append(f"  [{'pass' if e.passed else 'FAIL'}] {tag:28s} {e.summary}")
    return "\n".join(out)


def _paper_for(args):
    """The paper named by ``--paper``, or by the prefix of a qualified claim id, or the default."""
    from ..paperkit import split_id
    from ..papers import load
    prefix = split_id(args.id)[0] if args.id else None
    if prefix and args.paper and prefix != args.paper:
        from .._validation import SymdlnInputError
        raise SymdlnInputError(f"id {args.id!r} names paper {prefix!r} but --paper is {args.paper!r}")
    return load(args.paper or prefix)


def run(args) -> int:
    from ..tasks import using_runner
    with using_runner(_args.runner_from_args(args)):     # each claim's Monte Carlo plan is a task
        return _run(args)


def _run(args) -> int:
    if args.no_cache:
        from ..symbolic.result import disable_disk_cache
        disable_disk_cache()
    if args.list_papers:
        print(list_papers())
        return 0
    paper = _paper_for(args)
    if args.list:
        print(list_claims(paper))
        return 0
    from ..progress import Progress
    from ..verify import verify_all, verify_claim
    mc = not (args.no_mc or args.fast)
    if args.id is not None:
        paper.get(args.id)                # unknown id -> SymdlnInputError -> one line, exit 2
        verdicts = [verify_claim(args.id, paper=paper, mc=mc, seed=args.seed, fast=args.fast)]
    else:
        prog = Progress("verify", quiet=args.quiet or args.json)
        verdicts = verify_all(paper=paper, fast=args.fast, seed=args.seed, progress=prog, mc=mc)
        prog.close()
    if args.only:
        verdicts = [v for v in verdicts if v.verdict == args.only]
    if args.severity:
        verdicts = [v for v in verdicts if v.verdict != "confirmed" and v.severity == args.severity]
    failed = [v for v in verdicts if v.reason.startswith("engine error")]
    if args.json:
        json.dump(_finite([v.to_json() for v in verdicts]), sys.stdout, indent=2, sort_keys=True, allow_nan=False)
        sys.stdout.write("\n")
    elif args.id is not None:
        print(_full(verdicts[0]))
    else:
        for line in _grouped(verdicts):
            print(line)
        counts = Counter(v.verdict for v in verdicts)
        print(f"\n{len(verdicts)} claims: " + ", ".join(f"{counts.get(k, 0)} {k}" for k in
                                                     ("confirmed", "refuted", "conditional", "undecided")))
        if failed:
            print(f"engine failed on {len(failed)} claim(s): {', '.join(v.claim_id for v in failed)}")
    return 1 if failed else 0

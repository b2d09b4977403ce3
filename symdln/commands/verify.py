"""``symdln verify [ID]``: every claim of a paper with its verdict and evidence, or one claim in full.

``--paper NAME`` picks the paper (``symdln verify --list-papers`` lists them), ``--list`` lists claim ids and
locations without deciding anything, ``--only VERDICT`` and ``--severity SEVERITY`` filter; the text output
groups non-confirmed verdicts by severity, substantive first.

Verdicts and claim lists are cached on disk (:mod:`symdln.commands.verify_cache`, keyed by a hash of every
source that can change a verdict, the numeric libraries' versions and the options): an unchanged question is
answered from the cache without importing the paper or SymPy; ``--no-cache`` recomputes everything.

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
                   help="recompute every derivation and verdict instead of reading the on-disk cache")
    p.add_argument("--recompute", action="store_true",
                   help="recompute every verdict (derivations still come from their on-disk cache); "
                        "the new verdicts replace the cached ones")
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


def _claim_line(cid: str, kind: str, location) -> str:
    return f"{cid:28s} {kind:9s} {location}"


def list_claims(paper) -> str:
    """One line per claim: local id, kind and location (nothing is decided)."""
    return "\n".join(_claim_line(c.id, c.kind, c.location) for c in paper.claims())


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


def _paper_name(args) -> str:
    """The registry name of the paper named by ``--paper``, or by the prefix of a qualified id, or the default
    (checked against the registry without importing any paper)."""
    from .._validation import SymdlnInputError
    from ..paperkit import split_id
    from ..papers import DEFAULT, available
    prefix = split_id(args.id)[0] if args.id else None
    if prefix and args.paper and prefix != args.paper:
        raise SymdlnInputError(f"id {args.id!r} names paper {prefix!r} but --paper is {args.paper!r}")
    name = args.paper or prefix or DEFAULT
    if name not in available():
        raise SymdlnInputError(f"paper must be one of {', '.join(available())}; got {name!r}")
    return name


def _cached_one(name, claim, opts):
    """The cached verdict of one claim (local or qualified id), or ``None``: needs no paper import."""
    from ..paperkit import split_id
    from . import verify_cache
    index = verify_cache.load_index(name)
    local = split_id(claim)[1]
    if index is None or local not in {r["id"] for r in index}:
        return None
    return verify_cache.load_verdict(name, local, **opts)


def _verdicts(args, name, mc) -> list:
    """Verdicts of the claims asked for: cached ones read (:mod:`symdln.commands.verify_cache`), the others
    computed by the engine and stored."""
    from . import verify_cache
    opts = dict(mc=mc, fast=args.fast, seed=args.seed)
    if args.id is not None:
        hit = _cached_one(name, args.id, opts)
        if hit is not None:
            return [hit]
    index = verify_cache.load_index(name) if args.id is None else None
    ids = [r["id"] for r in index] if index else None
    have = {i: verify_cache.load_verdict(name, i, **opts) for i in ids} if ids else {}
    if ids and all(v is not None for v in have.values()):
        return [have[i] for i in ids]                  # every verdict cached: the paper is not even imported
    from ..papers import load
    from ..verify import verify_all, verify_claim
    paper = load(name)
    verify_cache.store_index(paper)
    if args.id is not None:
        paper.get(args.id)                # unknown id -> SymdlnInputError -> one line, exit 2
        v = verify_claim(args.id, paper=paper, mc=mc, seed=args.seed, fast=args.fast)
        verify_cache.store_verdict(v, **opts)
        return [v]
    ids = paper.claim_ids()
    todo = [i for i in ids if have.get(i) is None]
    from ..progress import Progress
    prog = Progress("verify", quiet=args.quiet or args.json)
    new = verify_all(paper=paper, fast=args.fast, seed=args.seed, progress=prog, mc=mc, only=todo) if todo else []
    prog.close()
    for v in new:
        verify_cache.store_verdict(v, **opts)
    if len(todo) == len(ids):
        return new
    have.update((v.claim_id, v) for v in new)
    return [have[i] for i in ids]


def run(args) -> int:
    from ..tasks import using_runner
    from . import verify_cache
    verify_cache.set_reading(not args.recompute)
    try:
        with using_runner(_args.runner_from_args(args)):     # each claim's Monte Carlo plan is a task
            return _run(args)
    finally:
        verify_cache.set_reading(True)


def _run(args) -> int:
    if args.no_cache:
        from .._diskcache import set_enabled
        set_enabled(False)                # derivations and verdicts alike
    if args.list_papers:
        print(list_papers())
        return 0
    name = _paper_name(args)
    if args.list:
        from . import verify_cache
        index = verify_cache.load_index(name)
        if index is None:
            from ..papers import load
            paper = load(name)
            verify_cache.store_index(paper)
            print(list_claims(paper))
        else:
            print("\n".join(_claim_line(r["id"], r["kind"], r["location"]) for r in index))
        return 0
    mc = not (args.no_mc or args.fast)
    verdicts = _verdicts(args, name, mc)
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

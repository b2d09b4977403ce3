"""Shared helpers of the paper plug-in tests: run a claim's own check and read its evidence."""
from __future__ import annotations


def run(paper, cid, *, fast=True, seed=0, **kw):
    """The evidence list of claim ``cid`` from its check: the paper's bespoke check (``kw`` e.g. ``variant=``, a wrong
    formula), or the generic kind named by its spec (a ``variant`` then replaces the claim's printed ``expr``)."""
    import dataclasses
    from symdln.verify.checks import run_check
    c = paper.get(cid)
    spec = paper.spec(cid)
    if spec.check in paper.checks:
        out = paper.checks[spec.check](c, spec, seed=seed, fast=fast, paper=paper, **kw)
        return list(out[0]) if isinstance(out, tuple) else list(out)
    if "variant" in kw:
        c = dataclasses.replace(c, expr=kw.pop("variant"))
    assert not kw, f"a generic kind takes no {sorted(kw)}"
    return run_check(spec.check, c, spec, paper=paper, seed=seed, fast=fast)[0]


def decisive(evs, scope="printed"):
    return [e for e in evs if e.data.get("scope", "printed") == scope]


def outcome(evs):
    """The verdict the documented rule (symdln.verify.decide, rule 4) gives this evidence."""
    printed, cond = decisive(evs), decisive(evs, "condition")
    if not printed and not cond:
        return "undecided"
    if printed and all(e.passed for e in printed):
        return "confirmed"
    if cond and all(e.passed for e in cond):
        return "conditional"
    return "refuted"


def cli_json(args, capsys):
    """``symdln <args> --json --quiet``: exit status and the parsed JSON list of verdicts."""
    import json
    from symdln.cli import main
    rc = main([*args, "--json", "--quiet"])
    return rc, json.loads(capsys.readouterr().out)


def check_cli(paper, capsys, cid=None):
    """``symdln verify [cid] --paper KEY --fast``: exit 0 and the paper's expected verdicts (one claim, or all)."""
    rc, out = cli_json(["verify", *([cid] if cid else []), "--paper", paper.key, "--fast"], capsys)
    assert rc == 0 and all(v["paper"] == paper.key and v["level"] for v in out)
    want = paper.expected if cid is None else {cid: paper.expected[cid]}
    assert {v["id"]: v["verdict"] for v in out} == want
    for v in out:
        assert v["severity"] == (paper.severity[v["id"]][0] if v["id"] in paper.severity else None)

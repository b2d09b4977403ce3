"""Paste-ready LaTeX snippets for a derived quantity or a claim (``symdln latex ID``).

A quantity snippet is the derived formula (:func:`symdln.symbolic.derive`) in the paper's notation,
preceded by comment lines giving its title, paper location and assumptions.  A claim snippet is
the *derived* (corrected) form of the quantity the claim states, with the claim's verdict, reason
and the formula as printed in comments.  Both rely only on :func:`symdln.export.notation.macro_preamble`.
"""
from __future__ import annotations


from .._validation import SymdlnInputError
from .latex import comment, math_display
from .notation import to_latex, typesettable

__all__ = ["snippet", "quantity_snippet", "claim_snippet", "known_ids", "id_listing"]


def _formula(expr, display: bool) -> str:
    if display:
        if isinstance(expr, dict):
            return "\\begin{align*}\n  %s\n\\end{align*}" % " \\\\\n  ".join(
                r"&\text{%s:}\quad %s" % (k.replace("_", r"\_"), to_latex(v)) for k, v in expr.items())
        return math_display(expr)
    return "$%s$" % to_latex(expr)


def quantity_snippet(quantity: str, *, display: bool = True) -> str:
    from ..symbolic import derive
    d = derive(quantity)
    if not typesettable(d.expr):
        raise SymdlnInputError(f"quantity {quantity!r} has no formula to typeset (its result is prose)")
    head = [f"symdln: {d.title} [{d.quantity}]"]
    if d.source:
        head.append(f"paper: {d.source}")
    if d.statement:
        head.append(" ".join(d.statement.split()))
    head.append("assumptions: " + ("; ".join(d.assumptions) if d.assumptions else "none stated"))
    return comment("\n".join(head)) + "\n" + _formula(d.expr, display) + "\n"


def claim_snippet(claim_id: str, *, display: bool = True, seed: int = 0, with_verdict: bool = True) -> str:
    """The derived form of the quantity claim ``claim_id`` states; its verdict (``symdln.verify``,
    fast setting) goes in a comment unless ``with_verdict=False``."""
    from ..paperkit import split_id
    from ..papers import load
    from .figures import _derived_for
    from .report import optional_module
    paper = load(split_id(claim_id)[0])
    c = paper.get(claim_id)
    verify = optional_module("verify", "verify_claim")
    v = verify.verify_claim(claim_id, paper=paper, fast=True, seed=seed) if verify is not None and with_verdict \
        else None
    head = [f"symdln: claim {c.id} ({c.location})"]
    if v is None and with_verdict:
        head.append("verdict: not available (symdln.verify is not built)")
    elif v is not None:
        head.append(f"verdict (symdln verify, fast setting): {v.verdict} -- {' '.join(v.reason.split())}")
        if v.condition:
            head.append(f"holds if: {v.condition}")
    head.append("as printed: " + " ".join(c.printed.split()))
    if c.assumptions:
        head.append("assumptions: " + "; ".join(c.assumptions))
    expr = _derived_for(c) if c.kind == "scalar" else None
    if expr is not None:
        head.append(f"derived form below (quantity {c.quantity})")
        return comment("\n".join(head)) + "\n" + _formula(expr, display) + "\n"
    if v is not None and v.derived_latex:
        head.append("derived form below (from the verifier)")
        body = v.derived_latex.strip()
        return comment("\n".join(head)) + "\n" + (
            "\\begin{equation*}\n  %s\n\\end{equation*}" % body if display else f"${body}$") + "\n"
    if c.quantity:
        from ..symbolic import derive, quantity_ids
        if c.quantity in quantity_ids() and typesettable(derive(c.quantity).expr):
            head.append(f"derived result of quantity {c.quantity} below")
            return comment("\n".join(head)) + "\n" + _formula(derive(c.quantity).expr, display) + "\n"
    head.append("no derived formula: the verdict rests on the evidence")
    return comment("\n".join(head)) + "\n"


def known_ids() -> tuple[list[str], list[str]]:
    """(quantity ids, claim ids of the default paper, :func:`symdln.papers.load`)."""
    from ..papers import load
    from ..symbolic import quantity_ids
    return quantity_ids(), [c.id for c in load().claims()]


def id_listing() -> str:
    """Every id ``symdln latex`` accepts: quantities (titles are in derivations/INDEX.md; listing them
    would run every derivation) and claims (with locations)."""
    from ..papers import load
    from ..symbolic import quantity_ids
    paper = load()
    qs = quantity_ids()
    width = max([len(q) for q in qs] + [len(c.id) for c in paper.claims()] + [8])
    lines = [f"derived quantities ({len(qs)}; titles in derivations/INDEX.md):"]
    lines += [f"  {q}" for q in qs]
    lines.append(f"claims of {paper.citation.short} ({len(paper.claims())}):")
    lines += [f"  {c.id:<{width}}  {c.location}" for c in paper.claims()]
    return "\n".join(lines) + "\n"


def snippet(ident: str, *, display: bool = True, seed: int = 0, with_verdict: bool = True) -> str:
    """The snippet for a quantity id or a claim id; unknown ids raise :class:`SymdlnInputError`."""
    quantities, claims = known_ids()
    if ident in quantities:
        return quantity_snippet(ident, display=display)
    if ident in claims:
        return claim_snippet(ident, display=display, seed=seed, with_verdict=with_verdict)
    import difflib
    close = difflib.get_close_matches(str(ident), list(quantities) + list(claims), n=5, cutoff=0.5)
    hint = f"close: {', '.join(close)}" if close else "none close"
    raise SymdlnInputError(f"unknown quantity or claim {ident!r} ({hint}); `symdln latex --list` lists every id")

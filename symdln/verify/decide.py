"""From evidence to a verdict (the rules are stated here, in one place).

Evidence scopes (``Evidence.data["scope"]``): ``printed`` (default; decisive for the claim as printed),
``condition`` (the claim re-checked under the stated extra condition), ``derived`` (Monte Carlo of the
derived form: if it fails, the derivation itself is in doubt and the verdict is *undecided*), ``info`` and
``inconclusive`` (reported, never decisive).  Scalar claims carry one status per reading of ``sigma_q``.

1. The engine failed -> undecided (and ``symdln verify`` exits 1).
2. A Monte Carlo check of the derived form fails -> undecided ("simulation contradicts the derivation").
3. Scalar claims: per reading, a decisive symbolic/point/dimension status; Monte Carlo on the printed form
   (per reading) refutes it when it fails.  Readings agree -> that verdict; confirmed under one reading only ->
   conditional ("only for the sigma_q-as-... reading").
4. Other claims: all printed-scope evidence passes -> confirmed; some fails and every condition-scope item
   passes (and there is one) -> conditional; otherwise refuted.  No decisive evidence -> undecided.
"""
from __future__ import annotations

from ..verdict import Verdict

__all__ = ["decide", "READING_TEXT", "SIGMA_READINGS"]

#: the two readings of the label-noise scale ``sigma_q`` of the library's symbols (a paper may describe them
#: in its own words in ``Paper.readings["sigma_q"]``)
READING_TEXT = {
    "std": "sigma_q read as a standard deviation (Sigma_q = sigma_q^2 I)",
    "variance": "sigma_q read as a variance (xi_q ~ N(0, sigma_q I))",
}
SIGMA_READINGS = (("sigma_q", "std"), ("sigma_q", "variance"))


def _scope(e):
    return e.data.get("scope", "printed")


def _first_fail(evs):
    """The most telling failure: a shape error, then an exact/symbolic one, then any other."""
    fails = [e for e in evs if not e.passed and _scope(e) == "printed"]
    for kind in ("shape", "exact", "symbolic", "enumeration", "consistency", "mpmath", "monte-carlo", "dimension"):
        for e in fails:
            if e.kind == kind:
                return e
    return fails[0] if fails else None


def _reading_text(part, reading):
    """The paper's description of a reading of sigma_q, else the library's."""
    own = getattr(part.paper, "readings", {}).get("sigma_q", {}) if part.paper is not None else {}
    return own.get(reading) or READING_TEXT[reading]


def decide(part) -> Verdict:
    c = part.claim
    spec = part.spec
    ev = tuple(part.evidence)
    common = dict(claim_id=c.id, evidence=ev, printed_latex=c.printed, derived_latex=part.derived_latex,
                  location=c.location, counterexample=part.counterexample)
    if part.error:
        return Verdict(verdict="undecided", reason=f"engine error: {part.error}", condition=None, **common)
    bad_derived = [e for e in ev if _scope(e) == "derived" and not e.passed]
    if bad_derived:
        return Verdict(verdict="undecided", reason="Monte Carlo contradicts the derivation: " + bad_derived[0].summary,
                       **common)
    if part.per_reading:
        status = {}
        for r, (st, _ce) in part.per_reading.items():
            mc_fail = [e for e in ev if e.kind in ("monte-carlo", "mpmath") and _scope(e) == "printed"
                       and e.data.get("reading") == r and not e.passed]
            if mc_fail and st in ("confirmed", "undecided"):
                st = "refuted"
            status[r] = st
        vals = set(status.values())
        if len(vals) == 1:
            v = vals.pop()
            if v == "undecided-dimension":
                return Verdict(verdict="undecided", reason="printed = derived, but the derived form fails the "
                               "dimension check (derivation in doubt)", **common)
            reason = _scalar_reason(v, ev, c)
            return Verdict(verdict=v if v in ("confirmed", "refuted") else "undecided", reason=reason, **common)
        ok = [r for r, v in status.items() if v == "confirmed"]
        if ok:
            r = ok[0]
            others = ", ".join(f"{k}: {v}" for k, v in status.items() if k != r)
            return Verdict(verdict="conditional", condition=f"only under the reading {_reading_text(part, r)}",
                           reason=f"holds for the {r} reading; fails otherwise ({others})", **common)
        return Verdict(verdict="refuted", reason=_scalar_reason("refuted", ev, c), **common)
    printed = [e for e in ev if _scope(e) == "printed"]
    cond = [e for e in ev if _scope(e) == "condition"]
    if not printed and not cond:
        why = next((e.summary for e in ev), "no decisive evidence")
        return Verdict(verdict="undecided", reason=f"no decisive evidence ({why})", **common)
    fail = _first_fail(ev)
    if fail is None and printed:
        return Verdict(verdict="confirmed", reason=f"{len(printed)} checks passed: " + printed[0].summary, **common)
    if fail is not None and cond and all(e.passed for e in cond):
        return Verdict(verdict="conditional", condition=spec.condition or cond[0].data.get("condition"),
                       reason=f"as printed: {fail.summary}; holds {spec.condition or cond[0].data.get('condition')}",
                       **common)
    if fail is None:   # only condition-scope evidence
        return Verdict(verdict="conditional", condition=spec.condition, reason=cond[0].summary, **common)
    if common["counterexample"] is None:
        common["counterexample"] = _counterexample_from(fail)
    return Verdict(verdict="refuted", reason=fail.summary, **common)


def _counterexample_from(e):
    """A numeric counterexample from a failed check (setting, the printed and the reference numbers)."""
    keep = ("widths", "entry", "printed_value", "reference_value", "printed_shape", "reference_shape", "max_rel_diff",
            "counterexample", "values", "L", "z", "estimate", "reference", "printed", "enumerated")
    ce = {k: e.data[k] for k in keep if k in e.data}
    return {"check": e.summary, **ce}


def _scalar_reason(v, ev, c):
    if v == "confirmed":
        kinds = sorted({e.kind for e in ev if e.passed and e.data.get("scope", "printed") == "printed"})
        return "printed = derived (" + ", ".join(kinds) + ")"
    fails = [e for e in ev if not e.passed and e.data.get("scope", "printed") == "printed"]
    if not fails:
        return "no decisive evidence"
    parts = []
    for kind in ("exact", "dimension", "monte-carlo"):
        f = next((e for e in fails if e.kind == kind), None)
        if f is not None:
            parts.append(f.summary)
    return "; ".join(parts) or fails[0].summary

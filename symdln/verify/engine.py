"""The verdict engine: a paper's claim -> evidence -> verdict.

The engine is handed the paper (``paper=``, a :class:`symdln.paperkit.Paper`) and never imports one: the
claim, its :class:`~symdln.paperkit.Spec`, the paper's bespoke checks (``paper.checks``) and Monte Carlo plans
(``paper.mc_plans``), its readings, levels and severity table all come from that object.

For a scalar claim: (1) symbolic comparison with the derivation (symbolic L, then L = 1..6); (2) if
inconclusive, exact rational points and mpmath at dps 15/30/50; (4) dimensional homogeneity; (5) Monte
Carlo when the claim is about an SGD quantity.  Matrix, identity and statement claims run a named check
(:mod:`symdln.verify.checks`: shapes with rectangular widths, numeric comparison with the numeric core and
with the derivation's closed form, enumerations) plus Monte Carlo where it applies.  Verdicts:

* confirmed   -- every decisive check passed;
* refuted     -- a decisive check failed (with a counterexample and the derived form);
* conditional -- the printed form fails, but passes under a stated extra condition (another reading of
  ``sigma_q``, the correct ``J_l``, a strict inequality, ...);
* undecided   -- no decisive evidence, or the simulation contradicts the derivation (reported, never hidden).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from .._validation import to_sympy
from ..paperkit import Spec
from ..symbolic._simp import simplify
from ..symbolic.notation import to_latex
from ..symbolic.symbols import L, b, beta, eta
from ..verdict import Claim, Evidence, Verdict
from . import montecarlo as mcmod
from .decide import READING_TEXT, SIGMA_READINGS, decide
from .mc_evidence import RULE, confirmed, redraw_seed
from .dimension import check_dimension
from .points import compare_points
from .symbolic import L_VALUES, compare, derived_expr, normalize, reading_variants

__all__ = ["verify_claim", "verify_all", "evaluate", "finish", "READING_TEXT", "SIGMA_READINGS"]



@dataclass
class Partial:
    """A claim's evidence before the Monte Carlo threshold (which depends on the whole run) is applied."""
    claim: Claim
    spec: Spec = field(default_factory=Spec)
    paper: object = None                                # the symdln.paperkit.Paper, None for user formulas
    evidence: list = field(default_factory=list)
    per_reading: dict = field(default_factory=dict)     # reading -> (status, counterexample)
    comparisons: list = field(default_factory=list)     # montecarlo.Comparison (stage 1)
    redraws: list | None = None                         # the same plan from an independent seed (stage 2)
    derived_latex: str = ""
    counterexample: dict | None = None
    error: str | None = None


def _latex(e, use_beta: bool = False) -> str:
    """The derived form in the paper's notation, by the one printer (:mod:`symdln.symbolic.notation`)."""
    if e is None:
        return ""
    if use_beta and isinstance(e, sp.Basic):
        e = simplify(e.subs(eta, beta * b)) if e.has(eta) else e
    return to_latex(e)


def _derivation_latex(claim, spec) -> str:
    """For a claim whose check reports no derived form: the registered derivation of its quantity
    (``Spec.select`` applied), typeset; empty when the quantity is not a registered SymPy result."""
    from ..symbolic import derive, quantity_ids
    if not claim.quantity or claim.quantity not in quantity_ids():
        return ""
    d = derive(claim.quantity)
    e = d.expr
    if spec.select:
        e = e.get(spec.select) if isinstance(e, dict) else d.extra.get(spec.select)
    if not isinstance(e, (sp.Basic, sp.MatrixBase)) or (isinstance(e, sp.Symbol) and not e.free_symbols - {e}
                                                       and e.name.startswith("_")):
        return ""
    return to_latex(normalize(e) if isinstance(e, sp.Expr) else e)


def _Ls(expr, spec):
    if L in spec.fixed:
        return (int(spec.fixed[L]),)
    return L_VALUES if (isinstance(expr, sp.Basic) and L in expr.free_symbols) else (None,)


def _scalar(claim, spec, part: Partial, *, seed):
    derived = derived_expr(claim, spec)
    if derived is None:
        part.error = None
        part.evidence.append(Evidence("symbolic", False, f"derivation {claim.quantity!r} is not registered",
                                      {"scope": "inconclusive"}))
        return None
    from ..symbolic import quantity_ids
    if claim.quantity not in quantity_ids():
        part.evidence.append(Evidence("symbolic", True, f"{claim.quantity!r} is not registered: compared with its "
                                      "leading-order form computed here from drift_aligned and diffusion_aligned "
                                      "(-mu(s)/mu'(s), D(s)/(-2 mu'(s)))", {"scope": "info"}))
    printed = normalize(to_sympy("claim.expr", claim.expr)).subs(spec.fixed)   # the one gate: text is refused
    uses_beta = isinstance(claim.expr, sp.Basic) and claim.expr.has(beta)
    part.derived_latex = _latex(derived, uses_beta)
    for reading, d, sw in reading_variants(claim, derived):
        status, ev = compare(printed, d, equation=spec.equation)
        evs, ce = [ev], None
        if status != "equal" and spec.equation:
            status, pev, ce = _equation_points(printed, d, seed)
            evs.append(pev)
        elif status != "equal":
            symbols = (printed.free_symbols | d.free_symbols) - set(spec.fixed)
            status, pevs, ce = compare_points(printed, d, symbols | {L}, _Ls(printed - d, spec), seed=seed)
            evs += pevs
        if claim.dimension:
            evs.append(check_dimension(printed, claim.dimension, sigma_weight=sw, Ls=_Ls(printed, spec) if
                                       L in spec.fixed else (1, 2, 3, 4, 5), seed=seed))
        for e in evs:
            e.data.setdefault("reading", reading)
        part.evidence += evs
        dim_ok = all(e.passed for e in evs if e.kind == "dimension")
        if status == "equal" and not dim_ok:
            status = "undecided-dimension"
        elif status == "equal":
            status = "confirmed"
        elif status == "differ" or not dim_ok:
            status = "refuted"
        else:
            status = "undecided"
        part.per_reading[reading] = (status, ce)
        if ce is not None and part.counterexample is None:
            part.counterexample = {**ce, "reading": reading}
    _restatements(claim, spec, printed, part)
    return derived


def _equation_points(printed, derived, seed):
    """Equations ``printed = 0`` and ``derived = 0`` are equivalent only if their ratio is constant in ``w``:
    evaluate it exactly at two values of ``w`` (other symbols at a rational point, ``L = 2..4``)."""
    from .points import exact_points
    from ..symbolic.symbols import w as w_
    syms = (printed.free_symbols | derived.free_symbols | {L}) - {w_}
    for pt in exact_points(syms, (2, 3, 4), n_per_L=1, seed=seed):
        r = [sp.simplify((printed / derived).subs({**pt, w_: sp.Rational(k, 7)})) for k in (2, 5)]
        if all(x.is_number and x.is_finite for x in r) and sp.simplify(r[0] - r[1]) != 0:
            ce = {"point": {**{str(k): str(v) for k, v in pt.items()}, "w": "2/7 and 5/7"},
                  "printed_value": float(printed.subs({**pt, w_: sp.Rational(2, 7)})),
                  "derived_value": float(derived.subs({**pt, w_: sp.Rational(2, 7)}))}
            return "differ", Evidence("exact", False, f"not equivalent equations: printed/derived = {r[0]} at w=2/7 "
                                      f"but {r[1]} at w=5/7 ({', '.join(f'{k}={v}' for k, v in pt.items())})",
                                      {"counterexample": ce}), ce
    return "unknown", Evidence("exact", False, "no decisive exact point", {"scope": "inconclusive"}), None


def _restatements(claim, spec, printed, part):
    """Consistency with the claims this one restates (information; it never changes the verdict)."""
    if part.paper is None:
        return
    get, get_spec = part.paper.get, part.paper.spec
    for rid in claim.restates:
        try:
            other = get(rid)
        except Exception:
            continue
        if other.kind != "scalar" or not isinstance(other.expr, sp.Basic) or other.quantity != claim.quantity:
            continue
        o = normalize(other.expr).subs(get_spec(rid).fixed).subs(spec.fixed)
        p = printed.subs(get_spec(rid).fixed)
        st, _ = compare(p, o)
        if st != "equal":
            st, _, ce = compare_points(p, o, p.free_symbols | o.free_symbols | {L}, _Ls(p - o, spec), seed=1)
        ok = st == "equal"
        part.evidence.append(Evidence("consistency", ok,
                                      f"{'agrees' if ok else 'DISAGREES'} with its restatement {rid}",
                                      {"scope": "info", "other": rid}))


def evaluate(claim: Claim, *, paper=None, spec: Spec | None = None, mc: bool = True, fast: bool = False,
             seed: int = 0) -> Partial:
    """All evidence except the Monte Carlo decision (see :func:`finish`).  ``spec`` defaults to
    ``paper.spec(claim.id)``; a claim of no paper (a user formula) passes its own ``spec``."""
    from .checks import run_check
    if spec is None:
        spec = paper.spec(claim.id)
    part = Partial(claim, spec=spec, paper=paper)
    try:
        derived = None
        if claim.kind == "scalar" and claim.expr is not None:
            derived = _scalar(claim, spec, part, seed=seed)
        if spec.check:
            evs, extra = run_check(spec.check, claim, spec, paper=paper, seed=seed, fast=fast)
            part.evidence += [_plain_bool(e) for e in evs]
            if extra.get("derived") is not None and not part.derived_latex:
                part.derived_latex = _latex(extra["derived"])
            elif extra.get("derived_latex") and not part.derived_latex:   # older checks: prefer "derived"
                part.derived_latex = extra["derived_latex"]
            if extra.get("counterexample") and part.counterexample is None:
                part.counterexample = extra["counterexample"]
        if not part.derived_latex:
            part.derived_latex = _derivation_latex(claim, spec)
        if mc and spec.mc and not fast:
            variants = reading_variants(claim, derived) if derived is not None else [("std", None, 1)]
            dmc = _derived_mc(claim, spec, derived)
            part.comparisons = mcmod.run_plan(spec.mc, claim, spec, variants, dmc, fast=fast, seed=seed, paper=paper)
            zc = mcmod.z_threshold(n_comparisons(part), mcmod.claim_alpha(paper))
            if any(abs(z) > zc for z in _all_z(part.comparisons)):      # stage 2: confirm on an independent draw
                part.redraws = mcmod.run_plan(spec.mc, claim, spec, variants, dmc, fast=fast,
                                              seed=redraw_seed(seed, 1), paper=paper)
    except Exception as exc:  # the engine failed on this claim: reported, exit status 1
        part.error = f"{type(exc).__name__}: {exc}"
    return part


def _plain_bool(e: Evidence) -> Evidence:
    """A check may compute ``passed`` as a SymPy or NumPy truth value (``p > 1`` on SymPy numbers is a
    ``BooleanTrue``); the verdict records a Python ``bool`` (summing SymPy booleans raises ``TypeError``)."""
    if isinstance(e.passed, bool):
        return e
    return Evidence(e.kind, bool(e.passed), e.summary, e.data)


def _derived_mc(claim, spec, derived):
    """For the Ito drift on a two-mode network the derived value includes the cross-mode term."""
    if claim.quantity == "ito_drift_aligned":
        from ..symbolic import derive
        e = normalize(derive("ito_drift_aligned").extra["full_two_mode"])
        e = spec.transform(e) if spec.transform else e
        return e.subs(spec.fixed)
    return derived


def n_comparisons(part: Partial) -> int:
    """The number of z-tests a claim's Monte Carlo comparisons make (printed forms per reading + derived)."""
    n = 0
    for c in part.comparisons:
        n += sum(v is not None for v in c.printed.values()) + (c.derived is not None)
    return n


def stage1_fails(part: Partial) -> bool:
    """Stage 1 of the Monte Carlo rule fails somewhere: a comparison beyond the claim's Bonferroni threshold
    (the claim is then re-drawn, stage 2)."""
    zc = mcmod.z_threshold(n_comparisons(part), mcmod.claim_alpha(part.paper))
    return any(abs(z) > zc for z in _all_z(part.comparisons))


def _all_z(comparisons):
    for c in comparisons:
        if c.derived is not None:
            yield c.z(c.derived)
        for ref in c.printed.values():
            if ref is not None:
                yield c.z(ref)


def _mc_one(c, r, key, ref, zcrit, base):
    """Evidence for one form of one comparison ``c`` (``r``: its stage-2 re-draw or None)."""
    z = c.z(ref)
    z2 = None
    if r is not None and abs(z) > zcrit:
        ref2 = r.derived if key is None else r.printed.get(key)
        z2 = r.z(ref2) if ref2 is not None else None
    ok = not confirmed(z, z2, zcrit)
    redraw = "" if z2 is None else f"; re-drawn (seed {r.seed}): z = {z2:.2f}" + \
        (" -- not confirmed" if ok else " -- confirmed")
    extra = {} if z2 is None else {"z_redraw": z2, "seed_redraw": r.seed, "estimate_redraw": r.value,
                                   "se_redraw": r.se}
    return ok, z, redraw, extra


def _mc_evidence(part: Partial, zcrit: float, m: int, alpha: float) -> list[Evidence]:
    out = []
    redraws = part.redraws if part.redraws is not None else [None] * len(part.comparisons)
    for c, r in zip(part.comparisons, redraws):
        base = {"estimate": c.value, "se": c.se, "n": c.n, "seed": c.seed, "z_crit": zcrit, "m_comparisons": m,
                "alpha_claim": alpha, "alpha_family": mcmod.ALPHA_FAMILY, "rule": RULE, "setting": c.setting}
        if c.derived is not None:
            ok, z, note, extra = _mc_one(c, r, None, c.derived, zcrit, base)
            out.append(Evidence("monte-carlo", ok,
                                f"derived {c.derived:.6g} vs MC {c.value:.6g} +- {c.se:.2g}: z = {z:.2f} "
                                f"(|z| <= {zcrit:.2f}){note}", {**base, **extra, "form": "derived",
                                                                 "reference": c.derived, "z": z, "scope": "derived"}))
        for key, ref in c.printed.items():
            if ref is None:
                continue
            ok, z, note, extra = _mc_one(c, r, key, ref, zcrit, base)
            scope = "condition" if key == "condition" else "printed"
            reading = key if key in ("std", "variance") else None
            tag = "printed" + (f" ({key} reading)" if reading else "" if key == "printed" else " (condition)")
            out.append(Evidence("monte-carlo", ok,
                                f"{tag} {ref:.6g} vs MC {c.value:.6g} +- {c.se:.2g}: z = {z:.2f} (|z| <= {zcrit:.2f})"
                                f"{note}", {**base, **extra, "form": tag, "reference": ref, "z": z, "scope": scope,
                                            **({"reading": reading} if reading else {})}))
    return out


def finish(part: Partial) -> Verdict:
    """Apply the Monte Carlo rule to the claim's own comparisons (its own Bonferroni family at the per-claim
    level :func:`symdln.verify.montecarlo.claim_alpha`, so a claim's verdict is the same alone and in the full
    run) and decide; fill the paper's level and severity."""
    m = n_comparisons(part)
    alpha = mcmod.claim_alpha(part.paper)
    part.evidence += _mc_evidence(part, mcmod.z_threshold(m, alpha), m, alpha)
    return _annotate(decide(part), part)


def _annotate(v: Verdict, part: Partial) -> Verdict:
    """The paper's key, the claim's level and, for a non-confirmed verdict, its recorded severity."""
    import dataclasses
    paper = part.paper
    if paper is None:
        return v
    sev, why = paper.severity_of(part.claim.id) if v.verdict != "confirmed" else (None, "")
    return dataclasses.replace(v, paper=paper.key, level=paper.level(part.claim.id), severity=sev,
                               severity_reason=why)


def _require_paper(paper):
    from .._validation import SymdlnInputError
    from ..paperkit import Paper
    if not isinstance(paper, Paper):
        raise SymdlnInputError("paper must be a symdln.paperkit.Paper (e.g. symdln.papers.load('corlouer2026')); "
                               f"got {type(paper).__name__}")
    return paper


def verify_claim(id: str, *, paper, mc: bool = True, seed: int = 0, fast: bool = False) -> Verdict:
    """Verdict for one claim of ``paper`` (local id ``"eq.7"`` or qualified ``"corlouer2026:eq.7"``)."""
    paper = _require_paper(paper)
    part = evaluate(paper.get(id), paper=paper, mc=False, fast=fast, seed=seed)
    if mc and not fast:                 # the Monte Carlo plan runs as a task (symdln.verify.montecarlo_tasks)
        from .montecarlo_tasks import run_claims_mc
        run_claims_mc([part], stage1_fails, seed=seed, fast=fast)
    return finish(part)


def verify_all(*, paper, fast: bool = False, seed: int = 0, progress=None, mc: bool = True,
               only=None) -> list[Verdict]:
    """Verdicts for every claim of ``paper`` (or the local ids in ``only``), in paper order.  ``fast`` skips
    Monte Carlo and uses fewer points.  Each claim is decided exactly as :func:`verify_claim` decides it; the
    Monte Carlo plans run afterwards as independent tasks on the current runner (``symdln.tasks.using_runner``:
    in-process, local workers or Dask; :mod:`symdln.verify.montecarlo_tasks`), with the same numbers."""
    paper = _require_paper(paper)
    cs = paper.claims() if only is None else [paper.get(i) for i in only]
    n_mc = sum(1 for c in cs if paper.spec(c.id).mc) if mc and not fast else 0
    parts = []
    for i, c in enumerate(cs):
        parts.append(evaluate(c, paper=paper, mc=False, fast=fast, seed=seed))
        if progress is not None:
            progress.update(i + 1, len(cs) + n_mc, c.id)
    if n_mc:
        from .montecarlo_tasks import run_claims_mc
        run_claims_mc(parts, stage1_fails, seed=seed, fast=fast, progress=progress, offset=len(cs))
    return [finish(p) for p in parts]

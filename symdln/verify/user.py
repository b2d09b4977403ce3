"""``symdln.verify(candidate, quantity)``: check a researcher's own SymPy formula against a derived quantity.

The candidate goes through the one gate to SymPy (:func:`symdln._validation.to_sympy`: no text at any
depth), its symbols are matched *by name* onto the declared symbols of :mod:`symdln.symbolic.symbols`
(so ``sp.symbols('L beta s w sigma_q')`` means the same as the library's symbols, with the library's
assumptions), and an ``sympy.Eq`` is decided as an equation: both sides must equal the quantity.
"""
from __future__ import annotations

import dataclasses
import difflib

__all__ = ["verify", "map_symbols"]

#: the dimension of each derived quantity a user formula may be checked against
_DIMENSIONS = {"grad_drift_aligned": "drift", "ito_drift_aligned": "drift", "drift_aligned": "drift",
               "diffusion_aligned": "diffusion", "cross_diffusion_aligned": "diffusion", "diffusion_peak": "location",
               "drift_zero_expansion": "location", "stationary_variance_expansion": "variance",
               "stationary_mean_expansion": "location", "stationary_mode_expansion": "location",
               "gf_mode_ode": "drift", "gf_logistic": "location"}


def _library_symbols() -> dict:
    from ..symbolic.symbols import SYMBOLS
    return {name: info.symbol for name, info in SYMBOLS.items()}


def map_symbols(name: str, exprs, expected) -> dict:
    """Substitution user symbol -> library symbol (matched by name) for every symbol in ``exprs``.

    ``expected`` names the symbols the quantity is written in (listed in the error message).  Symbols with a
    declared name become the library's symbol (with its assumptions) whatever assumptions they carry, unless
    these contradict the library's (e.g. a negative ``s``: ambiguous); an undeclared name raises
    :class:`SymdlnInputError`."""
    import sympy as sp
    from sympy.core.function import AppliedUndef

    from .._validation import SymdlnInputError
    lib = _library_symbols()
    listing = ", ".join(sorted(expected)) + " (declared: " + ", ".join(sorted(lib)) + ")"
    sub: dict = {}
    for e in exprs:
        if not isinstance(e, sp.Basic):
            continue
        undef = e.atoms(AppliedUndef)
        if undef:
            raise SymdlnInputError(f"{name} uses undefined functions {sorted(map(str, undef))}; write the formula "
                                   f"in the declared symbols: {listing}")
        for x in e.free_symbols:
            if isinstance(x, sp.Dummy) or x.name not in lib:
                close = difflib.get_close_matches(x.name, list(lib), n=3)
                hint = f" (did you mean {' or '.join(close)}?)" if close else ""
                raise SymdlnInputError(f"{name} uses the unknown symbol {x.name!r}{hint}; expected symbols: {listing}")
            y = lib[x.name]
            if x == y:
                continue
            given = getattr(x, "_assumptions_orig", x.assumptions0)
            clash = sorted(k for k, v in given.items() if v is not None and getattr(y, f"is_{k}", None) not in (None, v))
            if clash:
                raise SymdlnInputError(f"{name}: the symbol {x.name!r} is declared with assumptions that contradict "
                                       f"the library's ({', '.join(f'{k}={given[k]}' for k in clash)}): ambiguous; "
                                       f"use sp.Symbol({x.name!r}) or symdln.symbolic.symbols.{x.name}")
            sub[x] = y
    return sub


def verify(candidate, quantity: str, assumptions=(), *, reading: str = "std", mc: bool = False, seed: int = 0):
    """Check a user-supplied SymPy expression (or ``sympy.Eq``) against a derived quantity.

    ``candidate``: a SymPy expression in symbols named as in :mod:`symdln.symbolic.symbols` (the user's own
    ``sp.Symbol('s')`` is mapped to the library's ``s``; unknown names are refused), or ``sympy.Eq(lhs, rhs)``,
    decided as an equation: confirmed only if both sides equal the quantity, refuted if either side differs.
    ``quantity`` (required): a derivation id from ``symdln.symbolic.quantity_ids()``.  ``assumptions``: a
    tuple of labels (recorded, never parsed) or a dict of substitutions applied to both sides, e.g. ``{L: 2}``.
    ``reading="variance"`` also checks the variance reading of ``sigma_q``.
    """
    import sympy as sp

    from .._validation import SymdlnInputError, check_seed, to_sympy
    from ..symbolic import quantity_ids
    if not isinstance(quantity, str) or quantity not in quantity_ids():
        raise SymdlnInputError(f"quantity must be a derived quantity id; got {quantity!r:.60}; valid: "
                               f"{', '.join(quantity_ids())}")
    if isinstance(candidate, (str, bytes)):
        to_sympy("candidate", candidate)          # raises: symdln never parses strings
    if not isinstance(candidate, sp.Basic):
        raise SymdlnInputError(f"candidate must be a SymPy expression built from symdln.symbolic.symbols; "
                               f"got {type(candidate).__name__}")
    candidate = to_sympy("candidate", candidate)
    if isinstance(candidate, sp.logic.boolalg.BooleanAtom):
        raise SymdlnInputError(f"candidate evaluated to {candidate} before verify() saw it (SymPy decided the "
                               "equation itself); pass the expression, or Eq(lhs, rhs, evaluate=False)")
    if isinstance(candidate, sp.Rel) and not isinstance(candidate, sp.Equality):
        raise SymdlnInputError(f"candidate must be an expression or an equation Eq(lhs, rhs); got the relation "
                               f"{type(candidate).__name__}")
    if not isinstance(candidate, sp.Expr) and not isinstance(candidate, sp.Equality):
        raise SymdlnInputError(f"candidate must be a scalar SymPy expression or Eq(lhs, rhs); got "
                               f"{type(candidate).__name__}")
    if not isinstance(reading, str) or reading not in ("std", "variance"):
        raise SymdlnInputError(f"reading must be 'std' or 'variance'; got {reading!r:.40}")
    if not isinstance(mc, bool):
        raise SymdlnInputError(f"mc must be True or False; got {mc!r:.40}")
    seed = check_seed("seed", seed)
    if isinstance(assumptions, dict):
        fixed = to_sympy("assumptions", assumptions)
        if not all(isinstance(k, sp.Symbol) for k in fixed):
            raise SymdlnInputError("assumptions keys must be symbols (e.g. {L: 2})")
    elif isinstance(assumptions, (tuple, list)) and all(isinstance(a, str) for a in assumptions):
        fixed = None                                      # labels: recorded as text, never parsed
    else:
        raise SymdlnInputError("assumptions must be a tuple of text labels or a dict {symbol: value}")
    from ..symbolic import derive
    dexpr = derive(quantity).expr
    expected = sorted(x.name for x in dexpr.free_symbols) if isinstance(dexpr, sp.Basic) else []
    parts = [candidate] + (list(fixed) + list(fixed.values()) if fixed else [])
    sub = map_symbols("candidate", parts, expected)
    if sub:
        candidate = candidate.xreplace(sub)
        if fixed:
            fixed = {k.xreplace(sub): v.xreplace(sub) for k, v in fixed.items()}
    assumptions = fixed if fixed is not None else tuple(assumptions)
    if isinstance(candidate, sp.Equality):
        sides = [("left", candidate.lhs), ("right", candidate.rhs)]
        verdicts = [(side, _one(e, quantity, assumptions, reading, mc, seed)) for side, e in sides]
        return _combine(candidate, verdicts)
    return _one(candidate, quantity, assumptions, reading, mc, seed)


def _one(candidate, quantity, assumptions, reading, mc, seed):
    """The engine's verdict for one scalar expression (symbols already mapped, input already gated)."""
    import sympy as sp

    from .._validation import SymdlnInputError
    from ..paperkit import Spec
    from ..symbolic import derive
    from ..symbolic.symbols import SYMBOLS, latex_names
    from ..verdict import Claim
    from . import engine
    dexpr = derive(quantity).expr
    if isinstance(dexpr, dict) or getattr(dexpr, "is_Matrix", False) or isinstance(dexpr, sp.MatrixExpr) or \
            (isinstance(dexpr, sp.Symbol) and dexpr.name not in SYMBOLS):
        raise SymdlnInputError(f"quantity {quantity!r} is a matrix-valued (or placeholder) result; verify() compares "
                               "scalar SymPy expressions -- use symdln.verify.verify_claim for the paper's matrix claims")
    fixed = dict(assumptions) if isinstance(assumptions, dict) else {}
    labels = tuple(str(a) for a in assumptions) if not isinstance(assumptions, dict) else \
        tuple(f"{k} = {v}" for k, v in fixed.items())
    cid = f"user:{quantity}"
    claim = Claim(id=cid, location="user-supplied", printed=sp.latex(candidate, symbol_names=latex_names()),
                  quantity=quantity, expr=candidate, assumptions=labels, dimension=_DIMENSIONS.get(quantity),
                  readings=(('sigma_q', 'std'), ('sigma_q', 'variance')) if reading == "variance" else ())
    return engine.finish(engine.evaluate(claim, spec=Spec(fixed=fixed), mc=mc, seed=seed))


_RANK = {"refuted": 0, "undecided": 1, "conditional": 2, "confirmed": 3}


def _combine(eq, verdicts):
    """An equation's verdict: the weakest side decides (refuted < undecided < conditional < confirmed)."""
    import sympy as sp

    from ..symbolic.symbols import latex_names
    side, worst = min(verdicts, key=lambda sv: _RANK.get(sv[1].verdict, 1))
    evidence = tuple(dataclasses.replace(e, summary=f"{s}-hand side: {e.summary}", data={**e.data, "side": s})
                     for s, v in verdicts for e in v.evidence)
    if worst.verdict == "confirmed":
        reason = "equation holds: both sides equal the derived quantity (" + worst.reason + ")"
    else:
        reason = f"the {side}-hand side of the equation is {worst.verdict}: {worst.reason}"
    return dataclasses.replace(worst, reason=reason, evidence=evidence,
                               printed_latex=sp.latex(eq, symbol_names=latex_names()))

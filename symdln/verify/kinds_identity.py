"""Generic identity kinds: a printed formula against a *named reference*, configured by ``Spec.params``.

A reference is a quantity, not a decision: a paper registers it with ``@PAPER.reference(name)`` (table
``Paper.references``) or it is one of the numeric core's (:data:`CORE`).  The kind owns the comparison (shapes,
tolerance, exact points, the evidence and its scope), so a paper adds a claim of these families with data only.

* ``numeric_identity`` -- on each sampled setting (``settings``: a key of :data:`SETTINGS` or a paper reference
  ``fn(claim, seed, params) -> [(label, env)]``), for each entry of ``compare`` (``{"lhs", "rhs", "label", "scope",
  "rtol", "exact", "ref_name"}``) evaluate ``lhs(claim, env)`` (the printed side: an ill-formed formula becomes a
  failed ``shape`` evidence; ``"printed"`` is the claim's own builder called by ``layout``, a key of
  :data:`symdln.verify.kinds.LAYOUTS`) and ``rhs(claim, env)`` and compare them (relative tolerance, or exact
  equality for rational arithmetic).  Optional ``derived``: a reference ``fn()`` giving the SymPy form shown as
  the derived side.
* ``symbolic_identity`` -- the claim's SymPy ``expr`` against the derived form ``derived`` (a reference ``fn()``):
  simplification to zero, and (``points``: a reference ``fn()`` returning rational points) agreement at 30 digits;
  ``numeric``: references ``fn(point) -> number`` (a quadrature, an ODE solve) compared at the same points.
* ``symbolic_zero`` -- an identity proved symbolically: each entry of ``residuals`` (``{"ref", "label", "scope",
  "data", "sign"}``) names a reference ``fn(claim)`` returning a SymPy residual (or a list of ``(label, residual)``:
  one per depth, dimension, ...) that must simplify to zero -- or, with ``sign`` (``"positive"``/``"negative"``), be
  of that sign by SymPy's assumptions on its symbols (a sign that is not proved fails); ``derived``: a reference
  ``fn()`` for the derived form shown.
* ``asymptotic_ratio`` -- an asymptotic form: ``lim derived/printed`` as ``var -> to`` (``"0+"`` or ``"oo"``)
  must be 1 (``want="one"``) or a finite positive constant (``want="order"``, a Theta statement).

Kinds are ``fn(claim, spec, *, seed, fast, paper)`` returning evidence (see :mod:`symdln.verify.checks`).
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from ..checkkit import compare_arrays, points_equal, sampled_settings, shape_failure, sym_equal, try_build
from ..verdict import Evidence
from .checks import kind

__all__ = ["SETTINGS", "CORE", "resolve"]


def _sampled(claim, seed, params=None, aligned=True):
    return [(label, {"net": net, "t": t}) for label, net, t in sampled_settings(seed, aligned)]


#: name -> fn(claim, seed, params) -> [(label, env)]: where a numeric identity is evaluated
SETTINGS = {
    "sampled": _sampled,                                              # square, rectangular, aligned + balanced
    "sampled_generic": lambda claim, seed, params: _sampled(claim, seed, aligned=False),
    "once": lambda claim, seed, params: [("", {})],                   # one evaluation (the env holds the seed)
}


def _per_layer(fn):
    return lambda claim, env: [np.asarray(fn(env["net"], env["t"], l)) for l in range(1, env["net"].depth + 1)]


def _core_population_gradient(claim, env):
    from ..noise import population_gradient
    return list(population_gradient(env["net"], env["t"]))


def _core_vec_per_sample_gradients(claim, env):
    """``vec g_l(x_i, y_i)`` for ``env["X"], env["Y"]`` (rows), per layer: the numeric core's per-sample gradients."""
    from ..network import vec
    from ..noise import per_sample_gradients
    g = per_sample_gradients(env["net"], env["t"], env["X"], env["Y"])
    return [np.array([vec(G) for G in gl]) for gl in g]


def _core_mode_jacobian(claim, env):
    from ..checkkit import mode_uv
    from ..modes import mode_jacobian
    return list(mode_jacobian(env["net"], *mode_uv(env["t"])))


#: references of the numeric core, ``fn(claim, env)``
CORE = {
    "population_gradient": _core_population_gradient,
    "vec_per_sample_gradients": _core_vec_per_sample_gradients,
    "mode_jacobian": _core_mode_jacobian,
}


def resolve(paper, name, table=None):
    """The reference ``name``: the paper's own (``Paper.references``) first, then ``table`` (default :data:`CORE`)."""
    from .._validation import SymdlnInputError
    own = getattr(paper, "references", {}) if paper is not None else {}
    table = CORE if table is None else table
    if name in own:
        return own[name]
    if name in table:
        return table[name]
    raise SymdlnInputError(f"unknown reference {name!r}: neither a reference of the paper "
                           f"({', '.join(sorted(own)) or 'none'}) nor one of {', '.join(sorted(table))}")


def _settings(claim, spec, paper, seed):
    name = spec.params.get("settings", "sampled")
    fn = SETTINGS[name] if name in SETTINGS else resolve(paper, name, {})
    return [(label, {"seed": seed, "label": label, **env}) for label, env in fn(claim, seed, spec.params)]


def _printed_side(claim, spec, entry, paper):
    if entry["lhs"] == "printed":
        from .kinds import LAYOUTS
        layout = LAYOUTS[entry.get("layout", spec.params.get("layout"))]
        return lambda claim_, env: layout(claim_.expr, env["net"], env["t"])
    return resolve(paper, entry["lhs"])


def _exact(label, a, b, scope):
    if isinstance(a, (sp.Basic, sp.MatrixBase)) or isinstance(b, (sp.Basic, sp.MatrixBase)):
        ok = _is_zero(sp.Matrix(a) - sp.Matrix(b) if isinstance(a, sp.MatrixBase) else a - b)
    else:
        ok = np.shape(a) == np.shape(b) and bool(np.all(np.asarray(a, dtype=object) == np.asarray(b, dtype=object)))
    scalar = np.ndim(a) == 0 and np.ndim(b) == 0 and not isinstance(a, sp.MatrixBase)
    values = f": {a} vs {b}" if scalar else ""
    return Evidence("enumeration", ok, f"{label}: {'exact match' if ok else 'differs'}{values} (rational arithmetic)",
                    {"scope": scope, **({"printed_value": str(a), "reference_value": str(b)} if scalar else {})})


def _derived_extra(spec, paper):
    name = spec.params.get("derived")
    return {"derived": resolve(paper, name, {})()} if name else {}


@kind("numeric_identity")
def numeric_identity(claim, spec, *, seed, fast, paper=None):
    evs = []
    entries = spec.params["compare"]
    sides = [(_printed_side(claim, spec, e, paper), resolve(paper, e["rhs"])) for e in entries]
    for label, env in _settings(claim, spec, paper, seed):
        for entry, (lhs, rhs) in zip(entries, sides):
            text = entry.get("label", "{label}").format(label=label).strip(": ") or claim.id
            scope = entry.get("scope", "printed")
            val, err = try_build(lhs, claim, env)
            if err is not None:
                evs.append(shape_failure(text, err, scope=scope))
                continue
            ref = rhs(claim, env)
            if entry.get("exact"):
                evs.append(_exact(text, val, ref, scope))
            else:
                # rtol: RTOL (1e-9, exact formulas in float64) unless the entry states a looser one with its reason
                evs.append(compare_arrays(text, val, ref, scope=scope, ref_name=entry.get("ref_name", entry["rhs"]),
                                          rtol=entry.get("rtol", 1e-9)))
    return evs, _derived_extra(spec, paper)


@kind("symbolic_identity")
def symbolic_identity(claim, spec, *, seed, fast, paper=None):
    derived = resolve(paper, spec.params["derived"], {})()
    printed = claim.expr
    label = spec.params.get("label", claim.id)
    evs = [sym_equal(label, printed, derived)]
    if spec.params.get("points"):
        pts = resolve(paper, spec.params["points"], {})()
        evs.append(points_equal(label, printed, derived, pts))
        for entry in spec.params.get("numeric", ()):
            evs.append(_numeric_points(entry, printed, pts, paper))
    return evs, {"derived": derived}


def _numeric_points(entry, printed, pts, paper):
    """The printed form at each point against an independent numeric value ``ref(point)`` (mpmath, 30 digits)."""
    import mpmath as mp
    ref = resolve(paper, entry["ref"], {})
    rtol = entry.get("rtol", 1e-20)   # 30-digit quadrature of a smooth integrand: 1e-20 leaves eight digits
    worst = 0.0
    with mp.workdps(30):
        for pt in pts:
            q = ref(pt)
            worst = max(worst, float(abs(q - mp.mpf(sp.N(printed.subs(pt), 30))) / abs(q)))
    return Evidence("mpmath", worst <= rtol, f"printed vs {entry.get('label', entry['ref'])}: max rel. diff {worst:.1e}",
                    {"scope": "printed", "max_rel_diff": worst})


@kind("asymptotic_ratio")
def asymptotic_ratio(claim, spec, *, seed, fast, paper=None):
    derived = resolve(paper, spec.params["derived"], {})()
    printed = claim.expr
    var = next((x for x in (derived.free_symbols | printed.free_symbols) if x.name == spec.params["var"]), None)
    if var is None:
        from .._validation import SymdlnInputError
        raise SymdlnInputError(f"Spec.params['var'] = {spec.params['var']!r} is not a symbol of the claim")
    to = spec.params.get("to", "oo")
    lim = sp.limit(sp.simplify(derived / printed), var, sp.oo if to == "oo" else 0, "+" if to == "0+" else "-")
    want = spec.params.get("want", "one")
    ok = lim == 1 if want == "one" else bool(lim.is_finite and lim.is_positive)
    scope = spec.params.get("scope", "printed")
    arrow = "oo" if to == "oo" else "0+"
    data = {"scope": scope, "limit": sp.sstr(lim)}
    if spec.condition and scope == "condition":
        data["condition"] = spec.condition
    evs = [Evidence("symbolic", ok, f"lim_({var}->{arrow}) derived/printed = {lim} "
                    f"({'must be 1' if want == 'one' else 'must be finite and positive'})", data)]
    for pt in (resolve(paper, spec.params["samples"], {})() if spec.params.get("samples") else ()):
        r = float(sp.N((derived / printed).subs(pt)))
        evs.append(Evidence("mpmath", True, f"derived/printed at {', '.join(f'{k}={v}' for k, v in pt.items())}: "
                            f"{r:.4g} (how fast the limit is approached)", {"scope": "info", "ratio": r}))
    return evs, {"derived": derived}


def _is_zero(e) -> bool:
    """``e`` (a SymPy expression or matrix) simplifies to exactly zero.

    Cheapest proofs first: ``expand`` or ``cancel`` reaching 0 (equivalence transformations: a proof of zero);
    a value nonzero at an exact point of the symbols' domain (:func:`symdln.verify.symbolic._certainly_nonzero`:
    a proof that no simplification reaches 0); only then ``simplify`` (memoised per process)."""
    from ..symbolic._simp import simplify, simplifies_to_zero
    from .symbolic import _certainly_nonzero
    if isinstance(e, sp.MatrixBase):
        return all(_is_zero(x) for x in e)
    if e == 0 or sp.expand(e) == 0:
        return True
    if not isinstance(e, sp.Expr):
        return simplify(e) == 0
    if _certainly_nonzero(e):
        return False
    return simplifies_to_zero(e)


@kind("symbolic_zero")
def symbolic_zero(claim, spec, *, seed, fast, paper=None):
    evs = []
    for entry in spec.params["residuals"]:
        out = resolve(paper, entry["ref"], {})(claim)
        items = out if isinstance(out, list) else [("", out)]
        for sub, res in items:
            label = ", ".join(x for x in (sub, entry.get("label", entry["ref"])) if x)
            sign = entry.get("sign")
            if sign not in (None, "positive", "negative", "nonnegative", "nonpositive"):
                from .._validation import SymdlnInputError
                raise SymdlnInputError(f"a residual's 'sign' must be positive, negative, nonnegative or nonpositive; "
                                       f"got {sign!r}")
            if sign is None:
                ok = _is_zero(res)
                said = "simplifies to 0" if ok else "does not vanish"
            else:
                from ..symbolic._simp import simplify
                ok = bool(getattr(simplify(res), f"is_{sign}"))
                said = f"{sp.sstr(simplify(res))[:120]} is {'' if ok else 'not proved '}{sign}"
            evs.append(Evidence("symbolic", ok, f"{label}: {said}",
                                {"scope": entry.get("scope", "printed"), **entry.get("data", {}),
                                 **({} if ok or sign else {"residual": sp.sstr(res)[:200]})}))
    return evs, _derived_extra(spec, paper)

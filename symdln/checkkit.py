"""What a paper's own checks are written with: array comparison, shape failures, the claim -> derived
expression path, and the closed-form evaluator of a derivation at a numeric network.

This module sits at the level of :mod:`symdln.paperkit` (below the papers and below the engine): a paper's
bespoke checks (``@PAPER.check(name)``) and the engine's generic check kinds both build their evidence from
these helpers, so a paper never imports :mod:`symdln.verify`.

* :func:`compare_arrays` -- printed vs reference arrays: shapes first, then values at relative tolerance
  :data:`RTOL`; :func:`try_build` / :func:`shape_failure` -- a printed NumPy builder that cannot be evaluated
  (non-conforming factors at rectangular widths) becomes a failed ``shape`` evidence;
* :func:`normalize`, :func:`derived_expr`, :func:`reading_variants` -- the one path from a claim to the
  derived expression it is compared with;
* :func:`symbolic_formula_value`, :func:`generic_setting` -- the derivation's closed form evaluated on a
  sampled network (an independent code path from the numeric core).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from .symbolic.symbols import beta, b, eta, sigma_q, w
from .symbolic.symbols import s as s_
from .verdict import Evidence

__all__ = ["RTOL", "compare_arrays", "try_build", "shape_failure", "RECTANGULAR_WIDTHS", "normalize",
           "derived_expr", "reading_variants", "symbolic_formula_value", "generic_setting", "GENERIC", "Comparison", "vec_rows", "SQUARE", "RECT", "ALIGNED",
           "sampled_settings", "mode_uv", "jacobian_reference", "matrix_claim", "sym_equal", "points_equal",
           "analytic_at_zero", "taylor", "limit_at_zero", "setting_key", "memo_by_setting", "bounded_memo"]

#: relative tolerance for float64 comparisons of exact formulas: the inputs are O(1) and the formulas are
#: a few dozen products, so round-off is ~1e-15; 1e-9 leaves six orders of headroom
RTOL = 1e-9
#: rectangular widths where a transposed factor cannot multiply (square widths would hide it)
RECTANGULAR_WIDTHS = ((3, 5, 2, 4), (3, 5, 4, 2))
#: the generic (not aligned) sampled network: square widths, Gaussian layers of scale 0.6, rank-2 teacher,
#: isotropic label noise of standard deviation 0.3
GENERIC = {"widths": (3, 3, 3, 3), "scale": 0.6, "s": (1.0, 0.6), "sigma": 0.3, "eta": 0.02}


def compare_arrays(label, printed, reference, *, scope="printed", ref_name="reference", extra=None,
                   rtol=RTOL) -> Evidence:
    """Evidence that ``printed`` equals ``reference`` (shapes first, then values, relative to max |reference|)."""
    extra = dict(extra or {})
    if isinstance(printed, list) and isinstance(reference, list) and len(printed) == len(reference):
        for k, (a, c) in enumerate(zip(printed, reference)):
            if np.shape(a) != np.shape(c):
                return Evidence("shape", False, f"{label}: block {k + 1} has shape {np.shape(a)} but {ref_name} has "
                                f"{np.shape(c)}", {"scope": scope, "printed_shape": list(np.shape(a)),
                                                   "reference_shape": list(np.shape(c)), **extra})
    p, r = _flat(printed), _flat(reference)
    if p.shape != r.shape:
        return Evidence("shape", False, f"{label}: shape {p.shape} but {ref_name} has {r.shape}",
                        {"scope": scope, "printed_shape": list(p.shape), "reference_shape": list(r.shape), **extra})
    # relative to the larger magnitude, with a floor of 1e-6: the inputs are O(1) and quantities that vanish
    # exactly (e.g. a_0 . a_1 on an aligned network) come out as ~1e-17 cancellations of O(1) terms, so the
    # effective absolute tolerance is rtol * 1e-6 = 1e-15
    scale = max(float(np.max(np.abs(r))) if r.size else 0.0, float(np.max(np.abs(p))) if p.size else 0.0, 1e-6)
    err = float(np.max(np.abs(p - r))) / scale if r.size else 0.0
    ok = err <= rtol
    if r.size and not ok:
        i = int(np.argmax(np.abs(p - r).ravel()))
        extra.update(entry=i, printed_value=float(p.ravel()[i]), reference_value=float(r.ravel()[i]))
    return Evidence("consistency", ok, f"{label}: {'matches' if ok else 'differs from'} {ref_name} "
                    f"(max rel. diff {err:.2e}, tol {rtol:g})", {"scope": scope, "max_rel_diff": err, **extra})


def _flat(x):
    if isinstance(x, (list, tuple)) and any(np.ndim(e) > 0 for e in x):
        return np.concatenate([np.ravel(np.asarray(e, dtype=float)) for e in x])
    return np.asarray(x, dtype=float)




def try_build(fn, *args, **kw):
    """``(value, None)`` or ``(None, message)`` when the printed formula is ill-formed (shape mismatch)."""
    try:
        return fn(*args, **kw), None
    except (ValueError, IndexError) as exc:
        return None, _clean(str(exc).split("\n")[0])


def _clean(msg: str) -> str:
    """NumPy's matmul message, shortened to the two sizes that do not conform."""
    m = re.search(r"size (\d+) is different from (\d+)", msg)
    if m:
        return f"matrix product of non-conforming factors: inner sizes {m.group(2)} and {m.group(1)}"
    return msg


def shape_failure(label, msg, *, scope="printed", extra=None) -> Evidence:
    return Evidence("shape", False, f"{label}: ill-formed as printed ({msg})", {"scope": scope, **(extra or {})})


def normalize(e):
    """``beta -> eta/b``; drop ``O(.)`` terms; an ``Eq`` becomes its right-hand side."""
    if isinstance(e, sp.Equality):
        e = e.rhs
    if isinstance(e, sp.Basic):
        if e.has(sp.Order):
            e = e.removeO()
        e = e.subs(beta, eta / b)
    return e


def _leading(e):
    """Coefficient form of the O(eta) term: expand in eta/b = eps to first order."""
    eps = sp.Dummy("epsilon", positive=True)
    return sp.simplify(sp.series(e.subs(eta, eps * b), eps, 0, 2).removeO().subs(eps, eta / b))


def _fallback(quantity):
    """Leading-order stationary quantities computed from the registered drift and diffusion, used only
    when the stationary-law module has not registered them: the zero of mu by one Newton step from s
    (``-mu(s)/mu'(s)``) and the Ornstein-Uhlenbeck variance ``D(s)/(-2 mu'(s))``."""
    from .symbolic import derive, quantity_ids
    if not {"drift_aligned", "diffusion_aligned"} <= set(quantity_ids()):
        return None
    mu, D = normalize(derive("drift_aligned").expr), normalize(derive("diffusion_aligned").expr)
    m0, m1 = mu.subs(w, s_), sp.diff(mu, w).subs(w, s_)
    if quantity == "drift_zero_expansion":
        return _leading(-m0 / m1)
    if quantity == "stationary_variance_expansion":
        return _leading(D.subs(w, s_) / (-2 * m1))
    return None


def derived_expr(claim, spec):
    """The derived expression a scalar claim is compared with (``None`` if the quantity is not registered)."""
    from .symbolic import derive, quantity_ids
    if claim.quantity is None:
        return None
    if claim.quantity not in quantity_ids():
        e = _fallback(claim.quantity)
        if e is None:
            return None
        e = spec.transform(e) if spec.transform is not None else e
        return e.subs(spec.fixed) if spec.fixed else e
    d = derive(claim.quantity)
    e = d.expr
    if spec.select:
        e = e[spec.select] if isinstance(e, dict) and spec.select in e else d.extra[spec.select]
    if isinstance(e, dict):
        raise TypeError(f"derivation {claim.quantity!r} returns a dict; the claim needs Spec.select")
    if spec.equation and isinstance(e, sp.Equality):
        e = e.lhs - e.rhs
    e = normalize(e)
    if spec.transform is not None:
        e = spec.transform(e)
    if spec.fixed:
        e = e.subs(spec.fixed)
    return e


def reading_variants(claim, derived):
    """``[(reading, derived_under_reading, sigma_q weight)]``: the std reading always; the variance reading
    (``Sigma_q = sigma_q I``, Sec. 2.3) when the claim lists it and the derived form involves ``sigma_q``."""
    out = [("std", derived, 1)]
    if ("sigma_q", "variance") in claim.readings and derived is not None and derived.has(sigma_q):
        out.append(("variance", sp.expand(derived.subs(sigma_q, sp.sqrt(sigma_q))), 2))
    return out


def generic_setting(seed: int = 0, widths=None):
    """``(teacher, network)``: the generic sampled setting :data:`GENERIC` (or other ``widths``) for ``seed``."""
    from .network import DLN, Teacher
    rng = np.random.default_rng(seed)
    ws = widths or GENERIC["widths"]
    t = Teacher.from_singular_values(list(GENERIC["s"]), ws[-1], ws[0], sigma_q=GENERIC["sigma"], rng=rng)
    net = DLN([GENERIC["scale"] * rng.standard_normal((ws[i + 1], ws[i])) for i in range(len(ws) - 1)])
    return t, net


def symbolic_formula_value(quantity, net, teacher, *args, **kw):
    """Evaluate the derivation's closed-form builder (``Derivation.extra["formula"]``, SymPy matrices) at a
    numeric network: the derived reference, a code path independent of the numeric core."""
    from .symbolic import derive
    f = derive(quantity).extra["formula"]
    layers = [sp.Matrix(W) for W in net.layers]
    names = f.__code__.co_varnames[: f.__code__.co_argcount]
    pos = [layers]
    if "M" in names:
        pos.append(sp.Matrix(teacher.M))
    if "Sq" in names:
        pos.append(sp.Matrix(teacher.Sigma_q))
    args = [sp.Matrix(np.asarray(a, dtype=float).reshape(-1, 1)) if isinstance(a, np.ndarray) else a for a in args]
    out = f(*pos, *args, **kw)
    return np.array(out.tolist(), dtype=float) if isinstance(out, sp.MatrixBase) else float(out)


def setting_key(net, teacher) -> tuple:
    """Every number a closed-form evaluation reads from ``(net, teacher)``: the layers and the teacher's arrays."""
    arrs = list(net.layers) + [teacher.U, teacher.s, teacher.V, teacher.Sigma_q]
    return tuple((a.shape, a.dtype.str, np.ascontiguousarray(a).tobytes()) for a in arrs)


_SETTING_MEMO: dict = {}


def memo_by_setting(fn):
    """``fn(claim, env)`` -- a reference that reads only ``env["net"]`` and ``env["t"]`` (never the claim) --
    computed once per process for each distinct setting: several claims (a formula and its restatements) compare
    with the same derivation on the same sampled networks, and the closed form in SymPy matrices costs ~0.1 s per
    setting.  Deterministic in the numbers it reads, so the stored value is the one a recomputation gives."""
    import functools

    @functools.wraps(fn)
    def g(claim, env):
        key = (fn.__module__, fn.__qualname__, setting_key(env["net"], env["t"]))
        return bounded_memo(_SETTING_MEMO, key, lambda: fn(claim, env), 512)
    return g


def bounded_memo(store: dict, key, compute, limit: int):
    """``store[key]``, computed by ``compute()`` when missing; the store is emptied when it holds ``limit`` entries
    (a process-wide memo of per-setting values that cannot grow without bound)."""
    if key not in store:
        if len(store) >= limit:
            store.clear()
        store[key] = compute()
    return store[key]


@dataclass
class Comparison:
    """One Monte Carlo estimate (value, standard error, sample size, seed) against the printed form (one
    value per reading; ``None`` where the printed form is ill-formed) and the derived form.  A Monte Carlo
    plan returns a list of these; the engine turns them into z-scores under its multiple-testing rule."""
    label: str
    value: float
    se: float
    n: int
    seed: int
    printed: dict = field(default_factory=dict)     # reading -> value of the printed form (None: ill-formed)
    derived: float | None = None
    setting: dict = field(default_factory=dict)

    def z(self, ref):
        return None if ref is None else (self.value - ref) / self.se if self.se > 0 else float("inf")


def vec_rows(g):
    """Per-sample gradients ``(n, d_l, d_{l-1})`` as rows of column-major ``vec`` (``(n, d_l d_{l-1})``)."""
    return g.transpose(0, 2, 1).reshape(g.shape[0], -1)


#: the sampled widths: square generic, rectangular generic, aligned + balanced rectangular
SQUARE, RECT, ALIGNED = (3, 3, 3, 3), (3, 5, 2, 4), (3, 5, 4, 2)


def sampled_settings(seed, aligned=True):
    """``[(label, network, teacher)]``: a square generic network, a rectangular generic one (where a transposed
    factor becomes a shape error) and, with ``aligned``, an aligned + balanced rectangular one."""
    from .network import Teacher, aligned_balanced
    out = [(f"generic {SQUARE}",) + generic_setting(seed, SQUARE)[::-1],
           (f"generic {RECT}",) + generic_setting(seed + 1, RECT)[::-1]]
    if aligned:
        t = Teacher.from_singular_values([1.0, 0.6], ALIGNED[-1], ALIGNED[0], sigma_q=0.3, rng=seed)
        out.append((f"aligned+balanced {ALIGNED}", aligned_balanced(t, [0.5, 0.3], widths=ALIGNED, rng=seed + 1), t))
    return out


def mode_uv(t, a=0):
    """The singular vectors ``(u_a, v_a)`` of the teacher's mode ``a``."""
    return t.U[:, a], t.V[:, a]


def jacobian_reference(net, l):
    """Exact Jacobian of vec W in vec W_l, column by column (W is linear in W_l)."""
    from .network import vec
    dl, dk = net.widths[l], net.widths[l - 1]
    cols = []
    for j in range(dk):
        for i in range(dl):
            E = np.zeros((dl, dk))
            E[i, j] = 1.0
            cols.append(vec(net.above(l) @ E @ net.below(l)))
    return np.array(cols).T


def matrix_claim(claim, spec, seed, build, reference, *, cond_build=None, ref_name="numeric core",
                  derived_ref=None, aligned=True):
    """Evaluate ``build(net, t)`` (printed) and optionally ``cond_build`` (the condition reading) against
    ``reference(net, t)`` and ``derived_ref(net, t)`` on every setting."""
    evs = []
    for label, net, t in sampled_settings(seed, aligned):
        val, err = try_build(build, net, t)
        ref = reference(net, t)
        if err is not None:
            evs.append(shape_failure(f"{label}", err, extra={"widths": list(net.widths)}))
        else:
            evs.append(compare_arrays(label, val, ref, ref_name=ref_name, extra={"widths": list(net.widths)}))  # noqa
        if derived_ref is not None:
            evs.append(compare_arrays(f"{label}: numeric core vs derivation", ref, derived_ref(net, t),
                                      scope="info", ref_name="derivation closed form"))
        if cond_build is not None:
            cv, cerr = try_build(cond_build, net, t)
            evs.append(shape_failure(label, cerr, scope="condition") if cerr else
                       compare_arrays(f"{label} (condition: {spec.condition})", cv, ref, scope="condition",
                                      ref_name=ref_name))
    return evs


def sym_equal(label: str, printed, derived, *, scope: str = "printed", extra: dict | None = None) -> Evidence:
    """``simplify(printed - derived) == 0`` (both SymPy expressions built in code, never parsed)."""
    diff = sp.simplify(sp.powsimp(sp.expand_log(sp.expand(printed - derived), force=True), force=True))
    ok = diff == 0
    return Evidence("symbolic", ok, f"{label}: printed {'=' if ok else '!='} derived"
                    + ("" if ok else f" (difference {sp.sstr(diff)[:120]})"),
                    {"scope": scope, "printed": sp.sstr(printed), "derived": sp.sstr(derived),
                     "difference": sp.sstr(diff), **(extra or {})})


def points_equal(label: str, printed, derived, points: list[dict], *, scope: str = "printed",
                 dps: int = 30, rtol: float = 1e-20) -> Evidence:
    """Printed and derived evaluated with mpmath at exact rational points; ``rtol`` relative (30-digit
    arithmetic leaves ~1e-28 of round-off, so 1e-20 separates equality from any genuine difference)."""
    worst, at = 0.0, None
    import mpmath as mp
    with mp.workdps(dps):
        for p in points:
            a = complex(sp.N(printed.subs(p), dps))
            b = complex(sp.N(derived.subs(p), dps))
            rel = abs(a - b) / max(abs(b), 1e-300)
            if rel > worst:
                worst, at = rel, {str(k): str(v) for k, v in p.items()}
    ok = worst <= rtol
    return Evidence("exact", ok, f"{label}: max relative difference {worst:.1e} at {len(points)} rational points "
                    f"({dps} digits; tolerance {rtol:g})", {"scope": scope, "max_rel_diff": worst, "worst_point": at})


# ---- Taylor coefficients and limits without SymPy's series machinery ---------------------------------------------
def _nonzero_at_zero(e, x, *, positive: bool) -> bool:
    """``e`` at ``x = 0`` is provably positive (``positive``) or provably nonzero, by SymPy's assumptions."""
    v = e.subs(x, 0)
    return bool(v.is_positive) if positive else v.is_zero is False and v.is_finite is True


def analytic_at_zero(f, x) -> bool:
    """``True`` when ``f`` is proved analytic in ``x`` at ``x = 0`` from its structure: sums and products of
    analytic factors, nonnegative integer powers, negative integer powers of a base nonzero at 0, other powers
    (and ``log``) of a base positive at 0, ``exp`` of an analytic argument.  ``False`` means "not proved"
    (any other node, a base whose value at 0 SymPy cannot sign): callers then use ``series`` / ``limit``."""
    if not isinstance(f, sp.Basic) or x not in f.free_symbols or f == x:
        return True
    if isinstance(f, (sp.Add, sp.Mul)):
        return all(analytic_at_zero(a, x) for a in f.args)
    if isinstance(f, sp.Pow):
        base, ex = f.args
        if not analytic_at_zero(base, x):
            return False
        if x in ex.free_symbols:
            return analytic_at_zero(ex, x) and _nonzero_at_zero(base, x, positive=True)
        if ex.is_Integer and ex >= 0:
            return True
        if ex.is_Integer:
            return _nonzero_at_zero(base, x, positive=False)
        return _nonzero_at_zero(base, x, positive=True)
    if isinstance(f, sp.exp):
        return analytic_at_zero(f.args[0], x)
    if isinstance(f, sp.log):
        return analytic_at_zero(f.args[0], x) and _nonzero_at_zero(f.args[0], x, positive=True)
    return False


def taylor(f, x, n: int = 2):
    """``series(f, x, 0, n).removeO()``: for ``f`` proved analytic at 0 (:func:`analytic_at_zero`) as
    ``sum_k f^(k)(0) x^k / k!`` by differentiation (the same polynomial, often 10x cheaper: ``series`` expands
    fractional powers term by term), otherwise by ``sp.series``."""
    if not analytic_at_zero(f, x):
        return sp.series(f, x, 0, n).removeO()
    out, g = [], f
    for k in range(n):
        out.append(g.subs(x, 0) * x ** k / sp.factorial(k))
        if k + 1 < n:
            g = sp.diff(g, x)
    return sp.Add(*out)


def limit_at_zero(g, x):
    """``limit(g, x, 0)``: ``g(0)`` when ``g`` is proved analytic (hence continuous) at 0, else ``sp.limit``."""
    return g.subs(x, 0) if analytic_at_zero(g, x) else sp.limit(g, x, 0)

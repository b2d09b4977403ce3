"""Aligned + balanced reduction of the modewise SDE for symbolic depth L (Prop. 3.5, App. E).

On the aligned balanced manifold ``W_l = O_l diag(x) O_{l-1}^T`` with orthonormal frames ``O_0 = V``,
``O_L = U`` and per-layer scalars ``x_b = w_b^(1/L)``; every product in the trace formulas of
:mod:`symdln.symbolic.mode_sde` then collapses (``O_l^T O_l = I``) to diagonal matrices in mode
coordinates whose entries are powers of ``x_b``, and ``Sigma_q`` enters only through ``U^T Sigma_q U``.
The sums over layers and ordered layer pairs become SymPy ``Sum`` objects evaluated with ``.doit()`` for
symbolic ``L``. Every term is kept, in particular the cross-mode term of the Itô drift through
``tr(N Delta)``. The results are checked exactly against explicit rational matrices for L = 2..5
(:mod:`symdln.symbolic._aligned_check`).
"""
from __future__ import annotations

import functools
from typing import Sequence

import sympy as sp

from ._aligned_check import aligned_net, exact_rational, explicit_values
from ._simp import simplifies_to_zero, simplify
from .result import Derivation, Step, register
from .symbols import L, beta, s, s_beta, sigma_q, w, w_beta

__all__ = ["reduce_aligned", "x_a", "x_b", "Gamma_aa", "Gamma_ab", "Gamma_bb", "to_amplitudes"]

x_a = sp.Symbol("x_alpha", positive=True)     # per-layer scalar of mode alpha, x_a^L = w_alpha
x_b = sp.Symbol("x_beta", positive=True)      # per-layer scalar of another mode beta
Gamma_aa = sp.Symbol("Gamma_aa", nonnegative=True)   # u_a^T Sigma_q u_a (general Sigma_q)
Gamma_ab = sp.Symbol("Gamma_ab", real=True)          # u_a^T Sigma_q u_b
Gamma_bb = sp.Symbol("Gamma_bb", nonnegative=True)
_l = sp.Symbol("l", integer=True, positive=True)
_m = sp.Symbol("m", integer=True, positive=True)
_k = sp.Symbol("k", integer=True, positive=True)
_rho = sp.Symbol("rho", positive=True)        # x_b^2 / x_a^2


def _diag(f):
    return sp.diag(f(x_a), f(x_b))


def _above(l):      # W_{>l} in mode coordinates: (L - l) layers
    return _diag(lambda x: x**(L - l))


def _below(l):      # W_{<l}: (l - 1) layers
    return _diag(lambda x: x**(l - 1))


def _between(l, m):  # W_{l-1:m+1}: (l - 1 - m) layers
    return _diag(lambda x: x**(l - 1 - m))


_E = [sp.Matrix([1, 0]), sp.Matrix([0, 1])]   # u_a = v_a = e_1, u_b = v_b = e_2 in mode coordinates


def to_amplitudes(expr):
    """Substitute ``x_a = w^(1/L)``, ``x_b = w_beta^(1/L)`` and combine powers."""
    e = expr.subs({x_a: w**(1 / L), x_b: w_beta**(1 / L)})
    return sp.powsimp(sp.powdenest(e, force=True), force=True)


def _psum(e, *limits):
    """Sum a power-product summand: combine powers first so that SymPy sees geometric/constant sums."""
    e = sp.expand(sp.powsimp(sp.expand(e), force=True))
    return sp.Sum(e, *limits).doit()


def _tidy(e):
    """Combine powers of the same base (display only; the value is unchanged)."""
    f = lambda x: sp.powsimp(x, force=True)  # noqa: E731
    return e.applyfunc(f) if isinstance(e, sp.MatrixBase) else f(e)


def _generic(e):
    """Generic branch (x_a != x_b) of the Piecewise results of geometric sums."""
    return e.replace(lambda x: isinstance(x, sp.Piecewise), lambda x: x.args[-1][0])


@functools.lru_cache(maxsize=None)
def reduce_aligned():
    """All aligned-balanced results in mode coordinates (x_a, x_b); see the module docstring."""
    Delta = sp.diag(s - x_a**L, s_beta - x_b**L)
    Sq_iso = sigma_q**2 * sp.eye(2)
    Sq_gen = sp.Matrix([[Gamma_aa, Gamma_ab], [Gamma_ab, Gamma_bb]])
    out = {"Delta": Delta}
    # K_c = sum_l W_>l W_>l^T u_c v_c^T W_<l^T W_<l
    K = []
    for c in range(2):
        summand = _above(_l) * _above(_l).T * _E[c] * _E[c].T * _below(_l).T * _below(_l)
        K.append(summand.applyfunc(lambda e: _psum(e, (_l, 1, L))))
    out["K_summand"] = _tidy(_above(_l) * _above(_l).T * _E[0] * _E[0].T * _below(_l).T * _below(_l))
    out["K_a"], out["K_b"] = (_tidy(k) for k in K)
    out["grad"] = sp.factor((K[0].T * Delta).trace())

    def diff_form(Ka, Kb, Sq):
        A, B = Delta.T * Ka, Delta.T * Kb
        return beta * ((A.T * B).trace() + (A * B).trace() + (Ka.T * Sq * Kb).trace())

    out["D_a"] = sp.factor(diff_form(K[0], K[0], Sq_iso))
    out["D_a_general"] = sp.factor(diff_form(K[0], K[0], Sq_gen))
    out["D_ab"] = sp.factor(diff_form(K[0], K[1], Sq_iso))
    out["D_ab_general"] = sp.factor(diff_form(K[0], K[1], Sq_gen))
    # Ito: beta sum_{l>m} p_l^T (Delta Delta^T N^T + tr(N Delta) Delta + Sigma_q N^T) q_m
    p = _above(_l) * _above(_l).T * _E[0]
    q = _below(_m).T * _below(_m) * _E[0]
    N = _below(_l).T * _between(_l, _m) * _above(_m).T
    parts = {"data_self": (p.T * Delta * Delta.T * N.T * q)[0, 0],
             "trace": (N * Delta).trace() * (p.T * Delta * q)[0, 0],
             "label": (p.T * Sq_iso * N.T * q)[0, 0],
             "label_general": (p.T * Sq_gen * N.T * q)[0, 0]}
    out["ito_summands"] = {k: _tidy(v) for k, v in parts.items()}
    # split tr(N Delta) into the mode-a (self) and mode-b (cross) contributions
    NDa = N[0, 0] * Delta[0, 0]
    NDb = N[1, 1] * Delta[1, 1]
    pDq = (p.T * Delta * q)[0, 0]
    self_summand = parts["data_self"] + NDa * pDq + parts["label"]
    cross_summand = NDb * pDq
    dbl = lambda e: _psum(_psum(e, (_m, 1, _l - 1)), (_l, 2, L))  # noqa: E731
    out["ito_self"] = sp.factor(beta * dbl(self_summand))
    out["ito_self_general"] = sp.factor(beta * dbl(parts["data_self"] + NDa * pDq + parts["label_general"]))
    # cross part: the summand depends on (l, m) only through rho^(l - m), rho = x_b^2 / x_a^2
    base = cross_summand.subs({_l: 1, _m: 0})
    ratio = sp.powsimp(sp.expand_power_base(cross_summand / base, force=True), force=True)
    if simplify(sp.powsimp(ratio / (x_b**2 / x_a**2)**(_l - _m - 1), force=True)) != 1:
        raise AssertionError(f"cross summand is not geometric in l - m: {ratio}")
    # together / cancel+powsimp: what simplify returned on these sums (derive --check)
    inner = sp.expand(sp.together(_generic(sp.Sum(_rho**(_l - _m - 1), (_m, 1, _l - 1)).doit())))
    outer = sp.factor(sp.powsimp(sp.cancel(_generic(sp.Sum(inner, (_l, 2, L)).doit())), force=True))
    out["ito_cross_rho_sum"] = outer
    cross_raw = beta * base * outer.subs(_rho, x_b**2 / x_a**2)
    out["ito_cross_raw"] = cross_raw
    out["ito_cross"] = sp.factor(sp.powsimp(sp.expand(sp.cancel(cross_raw)), force=True))
    # the same sum re-indexed by k = l - m (L - k ordered pairs per k), kept unevaluated as a finite sum
    ksum = sp.powsimp(sp.expand(cross_summand.subs(_l, _m + _k)), force=True)
    out["ito_cross_ksum"] = beta * sp.Sum((L - _k) * ksum, (_k, 1, L - 1))
    out["ito_cross_equal"] = sp.factor(beta * dbl(sp.expand(cross_summand.subs(x_b, x_a))))
    out["tr_ND_cross_factor"] = sp.factor(NDb)
    return out


# ---- presentation: rewrite the derived forms in the amplitudes, as polynomials in the gap s - w --------
_y = sp.Symbol("y_gap", real=True)


def _in_gap(e_x):
    """Factor a derived x-form as (s-free prefactor) * (polynomial in y = s - x_a^L), in the amplitudes."""
    pre, poly = [], []
    for f in sp.Mul.make_args(sp.factor(e_x)):
        (poly if f.has(s) else pre).append(f)
    P = sp.expand(sp.Mul(*poly).subs(s, _y + x_a**L))
    out = to_amplitudes(sp.Mul(*pre)) * to_amplitudes(sp.collect(P, _y)).subs(_y, s - w)
    if not simplifies_to_zero(sp.expand(sp.powsimp(to_amplitudes(e_x) - out, force=True))):
        raise AssertionError("presentation form differs from the derived form")
    return out


@functools.lru_cache(maxsize=None)
def aligned_results() -> dict:
    r = reduce_aligned()
    out = {"grad": _in_gap(r["grad"]), "D_a": _in_gap(r["D_a"]), "D_a_general": _in_gap(r["D_a_general"]),
           "D_ab": to_amplitudes(r["D_ab"]), "D_ab_general": to_amplitudes(r["D_ab_general"]),
           "ito_self": _in_gap(r["ito_self"]), "ito_self_general": _in_gap(r["ito_self_general"])}
    cross = r["ito_cross"]
    base = beta * (s - x_a**L) * (s_beta - x_b**L) * x_b**L / (x_b**2 - x_a**2)**2
    bracket = sp.expand(sp.powsimp(sp.expand(sp.cancel(cross / base)), force=True))
    if bracket.has(s) or bracket.has(s_beta) or bracket.has(beta):
        raise AssertionError(f"cross-term bracket not a polynomial in x only: {bracket}")
    cross_w = (beta * (s - w) * (s_beta - w_beta) * w_beta * to_amplitudes(bracket)
               / (w_beta**(2 / L) - w**(2 / L))**2)
    out["ito_cross"] = cross_w
    out["ito_cross_equal"] = to_amplitudes(r["ito_cross_equal"])
    out["ito_cross_ksum"] = to_amplitudes(r["ito_cross_ksum"])
    out["ito_full_two_mode"] = out["ito_self"] + cross_w
    out["drift"] = out["grad"] + out["ito_self"]
    return out


def closed_form_values(L_val: int, r: Sequence, s_vals: Sequence, sigma, beta_val, a: int = 0,
                       Gamma: sp.Matrix | None = None, results: dict | None = None) -> dict:
    """Evaluate the symbolic-L closed forms at depth ``L_val``, amplitudes ``w_b = r_b^L_val`` (exact).

    ``results`` lets a test substitute mutated formulas. ``Gamma`` = U^T Sigma_q U for a general Sigma_q."""
    res = results or aligned_results()
    wv = [exact_rational(x) ** L_val for x in r]
    sub = {L: L_val, w: wv[a], s: exact_rational(s_vals[a]), sigma_q: exact_rational(sigma),
           beta: exact_rational(beta_val)}
    if Gamma is not None:
        sub[Gamma_aa] = Gamma[a, a]
        key_D, key_I = "D_a_general", "ito_self_general"
    else:
        key_D, key_I = "D_a", "ito_self"
    def ev(e, extra={}):
        v = e.subs({**sub, **extra})
        return v if v.is_Rational else simplify(v)
    ito = ev(res[key_I])
    for b_ in range(len(r)):
        if b_ == a:
            continue
        extra = {w_beta: wv[b_], s_beta: exact_rational(s_vals[b_])}
        term = res["ito_cross_equal"] if wv[b_] == wv[a] else res["ito_cross"]
        ito += ev(term.subs(w_beta, w) if wv[b_] == wv[a] else term, extra)
    return {"grad": ev(res["grad"]), "D_a": ev(res[key_D]), "D_ab": ev(res["D_ab"]), "ito": simplify(ito)}



#: explicit settings checked in the derivations: (L, widths, r (layer scalars), s, sigma_q, beta, seed)
EXPLICIT_CASES = (
    (2, (3, 2, 4), ("1/2", "2/3"), ("2", "3/2"), "1/3", "1/10", 1),
    (3, (3, 2, 4, 2), ("1/2", "2/3"), ("2", "3/2"), "1/3", "1/10", 2),
    (4, (2, 3, 2, 4, 3), ("3/4", "1/2"), ("3/2", "1/3"), "1/2", "1/7", 3),
    (5, (3, 2, 3, 2, 3, 2), ("1/2", "3/4"), ("1", "2"), "1/4", "1/5", 4),
    (3, (3, 4, 3, 5), ("1/2", "3/4", "2/3"), ("1", "2", "1/5"), "1/3", "1/3", 5),   # three modes
    (3, (3, 2, 4, 2), ("1/2", "1"), ("2", "1"), "1/3", "1/10", 6),                 # other mode learned
)


@functools.lru_cache(maxsize=None)
def explicit_checks() -> tuple:
    rows = []
    for L_val, widths, r, s_vals, sig, bet, seed in EXPLICIT_CASES:
        net = aligned_net(widths, r, s_vals, sigma_q=sp.Rational(sig), seed=seed)
        ex = explicit_values(net, sp.Rational(bet), dense=True)
        cf = closed_form_values(L_val, r, s_vals, sig, bet)
        diffs = {k: ex[k] - cf[k] for k in cf}
        rows.append({"L": L_val, "widths": widths, "r": r, "s": s_vals, "sigma_q": sig, "beta": bet,
                     "explicit": ex, "closed": cf, "diff": diffs})
        if any(v != 0 for v in diffs.values()):
            raise AssertionError(f"aligned closed form disagrees with explicit matrices: {rows[-1]}")
    # a general (non-isotropic) Sigma_q: the label terms use Gamma_aa = u_a^T Sigma_q u_a
    L_val, widths, r, s_vals = 3, (3, 2, 4, 3), ("1/2", "2/3"), ("2", "3/2")
    R = sp.Matrix([[1, 2, 0], [sp.Rational(1, 2), -1, 1], [0, 1, 3]]) / 4
    net = aligned_net(widths, r, s_vals, Sq=R * R.T, seed=7)
    ex = explicit_values(net, sp.Rational(1, 10), dense=True)
    cf = closed_form_values(L_val, r, s_vals, 0, "1/10", Gamma=net.U.T * net.Sq * net.U)
    diffs = {k: ex[k] - cf[k] for k in cf}
    if any(v != 0 for v in diffs.values()):
        raise AssertionError(f"general-Sigma_q closed form disagrees: {diffs}")
    rows.append({"L": L_val, "widths": widths, "r": r, "s": s_vals, "sigma_q": "general", "beta": "1/10",
                 "explicit": ex, "closed": cf, "diff": diffs})
    return tuple(rows)


def _check_steps(key: str) -> list[Step]:
    steps = []
    for row in explicit_checks():
        steps.append(Step(
            f"Exact check, L = {row['L']}, widths {row['widths']}, layer scalars {row['r']} (w_b = r_b^L), "
            f"s = {row['s']}, sigma_q = {row['sigma_q']}, beta = {row['beta']}: explicit matrices give "
            f"{row['explicit'][key]}, the closed form gives {row['closed'][key]}",
            sp.Eq(row["explicit"][key], row["closed"][key], evaluate=False), "difference == 0 exactly"))
    return steps


_ALIGN = ("aligned: cross-mode amplitudes zero, W = U diag(w) V^T", "balanced: W_{l+1}^T W_{l+1} = W_l W_l^T",
          "each layer acts on mode b as w_b^(1/L) (hidden frames arbitrary orthonormal)",
          "Sigma_q = sigma_q^2 I (sigma_q a standard deviation) unless stated", "beta = eta / b")
_REDUCE = Step("On the aligned balanced manifold W_l = O_l diag(x) O_{l-1}^T (O_0 = V, O_L = U, orthonormal "
               "columns), so W_>l, W_<l, W_{l-1:m+1} act on mode b as x_b^(L-l), x_b^(l-1), x_b^(l-1-m) and "
               "Delta as s_b - x_b^L; Sigma_q enters only as U^T Sigma_q U")



def _ksum_matches_closed_form() -> list[int]:
    """Depths at which the k-reindexed finite sum equals the closed-form cross term identically in w, w_beta."""
    res = aligned_results()
    ok = []
    for L_val in range(2, 7):
        a = res["ito_cross_ksum"].subs(L, L_val).doit()
        b_ = res["ito_cross"].subs(L, L_val)
        if simplifies_to_zero(sp.powsimp(a - b_, force=True)):
            ok.append(L_val)
    return ok


_VARS_D = ("w", "s", "sigma_q", "L", "beta")


@register("grad_drift_aligned")
def _grad_aligned() -> Derivation:
    r, res = reduce_aligned(), aligned_results()
    steps = [_REDUCE,
             Step("K_a summand W_>l W_>l^T u_a v_a^T W_<l^T W_<l in mode coordinates", r["K_summand"]),
             Step("Sum over l = 1..L (SymPy Sum(...).doit() for symbolic L): every term is x_a^(2L-2)", r["K_a"]),
             Step("mu_grad = <K_a, Delta> (gradient_drift_general), in mode coordinates", r["grad"]),
             Step("With x_a = w^(1/L)", res["grad"])] + _check_steps("grad")
    return Derivation(
        quantity="grad_drift_aligned", title="Gradient drift on the aligned balanced manifold",
        statement="mu_grad(w) = L w^(2(L-1)/L) (s - w) for every depth L.",
        expr=res["grad"], assumptions=_ALIGN, source="Prop. 3.5, Eq. (5); App. E step 1", steps=tuple(steps),
        variables=("w", "s", "L"), notes=("Agrees with Eq. (5).",), extra={"x_form": r["grad"]})


@register("diffusion_aligned")
def _diffusion_aligned() -> Derivation:
    r, res = reduce_aligned(), aligned_results()
    steps = [_REDUCE, Step("K_a = Sum_l (...).doit()", r["K_a"]),
             Step("D_a = beta[|Delta^T K_a|_F^2 + tr((Delta^T K_a)^2) + tr(K_a^T Sigma_q K_a)] (diffusion_general), "
                  "with Sigma_q = sigma_q^2 I, in mode coordinates", r["D_a"]),
             Step("With x_a = w^(1/L), as a polynomial in s - w", res["D_a"]),
             Step("General Sigma_q: the label term is Gamma_aa = u_a^T Sigma_q u_a", res["D_a_general"])]
    steps += _check_steps("D_a")
    return Derivation(
        quantity="diffusion_aligned", title="Modewise diffusion on the aligned balanced manifold",
        statement="D_a(w) = beta L^2 w^(4(L-1)/L) (2 (s - w)^2 + sigma_q^2), "
                  "sigma_q the label-noise standard deviation.",
        expr=res["D_a"], assumptions=_ALIGN, source="Prop. 3.5, Eq. (7); App. E step 3", steps=tuple(steps),
        variables=_VARS_D,
        notes=("Agrees with Eq. (7) when sigma_q is read as a standard deviation (Sigma_q = sigma_q^2 I, as in "
               "App. E); with the Sec. 2.3 reading N(0, sigma_q I) the label term is sigma_q, not sigma_q^2.",),
        extra={"general_sigma_q": res["D_a_general"], "Gamma_aa": Gamma_aa,
               "general_sigma_q_note": "label term Gamma_aa = u_a^T Sigma_q u_a", "x_form": r["D_a"]})


@register("cross_diffusion_aligned")
def _cross_diffusion() -> Derivation:
    r, res = reduce_aligned(), aligned_results()
    steps = [_REDUCE, Step("K_b for another mode b", r["K_b"]),
             Step("Delta^T K_a is proportional to v_a v_a^T and Delta^T K_b to v_b v_b^T, so both data terms vanish; "
                  "tr(K_a^T Sigma_q K_b) is proportional to v_a^T v_b = 0 for any Sigma_q", r["D_ab_general"])]
    steps += _check_steps("D_ab")
    return Derivation(
        quantity="cross_diffusion_aligned", title="Cross-mode diffusion on the aligned balanced manifold",
        statement="D_ab = 0 for a != b on the aligned balanced manifold, for isotropic and for general Sigma_q.",
        expr=res["D_ab"], assumptions=_ALIGN, source="Prop. 3.5; App. E step 3 (D_ab = 0)", steps=tuple(steps),
        variables=(), notes=("The noise driving different modes is uncorrelated; the coupling between modes is in "
                             "the Itô drift (ito_drift_aligned), not in the diffusion.",),
        extra={"general_sigma_q": res["D_ab_general"]})


@register("ito_drift_aligned")
def _ito_aligned() -> Derivation:
    r, res = reduce_aligned(), aligned_results()
    parts = r["ito_summands"]
    ks_ok = _ksum_matches_closed_form()
    vanish_learned = simplifies_to_zero(res["ito_cross"].subs(w_beta, s_beta))
    vanish_zero = sp.limit(res["ito_cross"].subs(L, 3), w_beta, 0) == 0 and res["ito_cross"].has(w_beta)
    steps = [_REDUCE,
             Step("Summand p_l^T Delta Delta^T N_lm^T q_m (mode a only)", parts["data_self"]),
             Step("Summand tr(N_lm Delta) p_l^T Delta q_m: tr(N Delta) runs over ALL modes, so it has a mode-a part "
                  "and a mode-b part", parts["trace"]),
             Step("Summand p_l^T Sigma_q N_lm^T q_m", parts["label"]),
             Step("Self part: Sum over m = 1..l-1, l = 2..L (.doit()); the exponent does not depend on l, m, so the "
                  "sum counts L(L-1)/2 ordered pairs", res["ito_self"]),
             Step("Cross part: the double Sum is geometric in x_b^2/x_a^2; .doit() gives a Piecewise whose generic "
                  "branch (w_beta != w) is", res["ito_cross"]),
             Step("Equal amplitudes w_beta = w (the other branch)", res["ito_cross_equal"]),
             Step("Re-indexed by k = l - m (L - k pairs each): the finite sum", res["ito_cross_ksum"],
                  f"equals the closed form identically in w, w_beta at L = {ks_ok}"),
             Step("The cross term vanishes when the other mode is learned (w_beta = s_beta) or unlearned "
                  "(w_beta = 0); otherwise it couples mode a to mode b", None,
                  f"subs(w_beta = s_beta) == 0: {vanish_learned}; limit w_beta -> 0 is 0 (L=3): {vanish_zero}"),
             Step("General Sigma_q: self part with Gamma_aa = u_a^T Sigma_q u_a", res["ito_self_general"])]
    steps += _check_steps("ito")
    if ks_ok != list(range(2, 7)) or not vanish_learned or not vanish_zero:
        raise AssertionError("cross-term consistency checks failed")
    return Derivation(
        quantity="ito_drift_aligned", title="Itô drift on the aligned balanced manifold",
        statement="mu_Ito = beta L(L-1)/2 w^((3L-4)/L) (2(s-w)^2 + sigma_q^2) + sum_{b != a} (cross term of mode b), "
                  "the cross term vanishing exactly when w_b = 0 or w_b = s_b.",
        expr=res["ito_self"], assumptions=_ALIGN, source="Prop. 3.5, Eq. (6); App. E step 2 (Eq. 14 in the appendix)",
        steps=tuple(steps), variables=_VARS_D,
        notes=("The Itô drift does not decouple across modes: tr(N_lm Delta) sums over every mode, giving a "
               "cross term beta (s-w)(s_b-w_b) sum_{k=1}^{L-1} (L-k) w^((2L-2k-2)/L) w_b^((L+2k-2)/L).",
               "The self part differs from Eq. (6): exponent (3L-4)/L instead of 2(L-2)/L, factor L(L-1)/2, and "
               "2(s-w)^2 + sigma_q^2 instead of (s-w) + sigma_q; Eq. (6) is not homogeneous under the rescaling "
               "symmetry, the derived form is."),
        extra={"cross_term": res["ito_cross"], "cross_term_equal_amplitudes": res["ito_cross_equal"],
               "cross_term_piecewise": sp.Piecewise((res["ito_cross_equal"], sp.Eq(w_beta, w)),
                                                    (res["ito_cross"], True)),
               "cross_term_note": "cross_term has a removable 0/0 at w_beta = w; use cross_term_piecewise there",
               "cross_term_sum": res["ito_cross_ksum"], "full_two_mode": res["ito_full_two_mode"],
               "general_sigma_q": res["ito_self_general"], "Gamma_aa": Gamma_aa,
               "general_sigma_q_note": "label term Gamma_aa = u_a^T Sigma_q u_a; the cross term has no label part",
               "x_form": r["ito_self"], "cross_x_form": r["ito_cross"]})


@register("drift_aligned")
def _drift_aligned() -> Derivation:
    res = aligned_results()
    steps = [Step("mu_grad (grad_drift_aligned)", res["grad"]), Step("Itô self part (ito_drift_aligned)",
                                                                      res["ito_self"]),
             Step("Sum", res["drift"]),
             Step("Valid as the full drift exactly when every cross term vanishes: each other mode b at w_b = 0 "
                  "or w_b = s_b; otherwise add extra['cross_term'] of ito_drift_aligned for each such b")]
    return Derivation(
        quantity="drift_aligned", title="Total modewise drift (aligned, balanced)",
        statement="When every other mode is unlearned (w_b = 0) or learned (w_b = s_b), "
                  "mu = L w^(2(L-1)/L)(s-w) + beta L(L-1)/2 w^((3L-4)/L)(2(s-w)^2 + sigma_q^2).",
        expr=res["drift"], assumptions=_ALIGN + ("every other mode at w_b = 0 or w_b = s_b",),
        source="Prop. 3.5, Eqs. (4)-(6)", steps=tuple(steps), variables=_VARS_D,
        notes=("With other modes in transit the drift gains the cross terms of ito_drift_aligned.",),
        extra={"full_two_mode": res["grad"] + res["ito_full_two_mode"],
               "general_sigma_q": res["grad"] + res["ito_self_general"]})

"""Initialisation scale and width: distances from a Gaussian initialisation to critical sets of a DLN.

Network ``W = W_L ... W_1`` with input/output widths ``d_in, d_out`` and hidden width ``n`` (Jacot et al.'s
``w``; called ``n`` here because ``w`` is a mode amplitude in symdln), every entry i.i.d. ``N(0, n^-gamma)``.
Derived from first principles (Gaussian second moments and the gradient of ``1/2 ||M - W||^2``):

* for ``L >= 3`` the set ``C = {W_1 = 0, W_L = 0}`` (middle layers arbitrary) consists of critical points:
  each partial gradient ``-W_{>l}^T (M - W) W_{<l}^T`` contains ``W_1`` or ``W_L`` as a factor (checked with a
  symbolic network); its points are saddles when ``M != 0`` (the loss ``||M||^2/2`` exceeds the minimum);
* the squared distance from ``theta_0`` to ``C`` is ``||W_1||^2 + ||W_L||^2``, of mean ``(d_in + d_out) n^(1-gamma)``:
  exponent ``(1 - gamma)/2`` in ``n``, zero at ``gamma = 1``;
* the squared distance to the origin (also a saddle) has mean ``((L-2) n^2 + (d_in + d_out) n) n^-gamma``:
  exponent ``(2 - gamma)/2``, zero at ``gamma = 2`` -- the origin is *not* the nearest saddle;
* ``E ||W(theta_0)||_F^2 = d_in d_out n^(L-1) n^(-gamma L)`` (recursion ``E||A X||_F^2 = rows(A) sigma^2 E||X||_F^2``):
  exponent ``(L - 1 - gamma L)/2``, zero at ``gamma = 1 - 1/L``;
* each layer's gradient scale: ``||W_{>l}|| ||W_{<l}||`` is a product of ``L - 1`` matrices of operator norm
  ``~ n^((1-gamma)/2)``, so the linearised distance to the set ``{W = M}`` scales as ``n^(-(L-1)(1-gamma)/2)``.
"""
from __future__ import annotations

import functools

import sympy as sp

from ._simp import simplify
from .result import Derivation, Step, register
from .symbols import L

__all__ = ["init_scale_results", "n_width", "gamma", "d_in", "d_out", "exponent_in_width"]

n_width = sp.Symbol("n_width", positive=True)       # hidden width (Jacot et al.'s w)
gamma = sp.Symbol("gamma_init", real=True)         # variance exponent: sigma^2 = n^-gamma
d_in = sp.Symbol("d_in", integer=True, positive=True)
d_out = sp.Symbol("d_out", integer=True, positive=True)


def exponent_in_width(expr):
    """``lim_{n -> oo} d log(expr) / d log(n)``: the power of the width a positive expression grows with."""
    e = simplify(n_width * sp.diff(sp.log(expr), n_width))
    return sp.together(sp.limit(e, n_width, sp.oo))    # what simplify returned on every input here


def _critical_set_check(widths=(2, 3, 3, 2)):
    """Symbolic network: at W_1 = 0, W_L = 0 every partial gradient of 1/2||M - W||^2 vanishes identically."""
    Ld = len(widths) - 1
    Ws = [sp.Matrix(widths[i + 1], widths[i], lambda r, c, i=i: sp.Symbol(f"x{i}_{r}{c}")) for i in range(Ld)]
    M = sp.Matrix(widths[-1], widths[0], lambda r, c: sp.Symbol(f"m{r}{c}"))
    W = Ws[-1]
    for A in reversed(Ws[:-1]):
        W = W * A
    loss = sum((M - W).applyfunc(lambda e: e ** 2)) / 2
    zero = {x: 0 for x in list(Ws[0]) + list(Ws[-1])}
    # the loss is a polynomial with integer coefficients: its partial derivatives, evaluated on the set, in a sparse
    # polynomial ring (exact; the same derivatives as sympy.diff, without building the unexpanded expressions)
    from sympy.polys.domains import QQ
    from sympy.polys.rings import ring
    syms = sorted(loss.free_symbols, key=str)
    R, *gens = ring(syms, QQ)
    p, gen_of = R(loss), dict(zip(syms, gens))
    at = [(gen_of[x], 0) for x in zero]
    grads_vanish = all(p.diff(gen_of[x]).subs(at) == 0 for A in Ws for x in A)
    return grads_vanish, simplify(loss.subs(zero))


@functools.lru_cache(maxsize=None)
def init_scale_results() -> dict:
    sig2 = n_width ** (-gamma)
    out: dict = {}
    crit, loss_at = _critical_set_check()
    out["critical_set_is_critical"], out["loss_on_set"] = crit, loss_at
    # second moments of the Gaussian layers: E||A||_F^2 = rows * cols * sigma^2
    E1, EL, Emid = d_in * n_width * sig2, d_out * n_width * sig2, n_width ** 2 * sig2
    # factor / together+powsimp: what simplify returned on these inputs (derive --check)
    out["d_saddle_sq"] = sp.factor(E1 + EL)
    out["d_origin_sq"] = sp.powsimp(sp.together(E1 + EL + (L - 2) * Emid), force=True)
    # E||W_l ... W_1||_F^2 by the recursion E||A X||_F^2 = rows(A) sigma^2 E||X||_F^2 (A independent of X)
    k = sp.Symbol("k", integer=True, positive=True)
    EW = d_in * n_width * sig2                                          # ||W_1||^2 (W_1 X with X = I_{d_in})
    EW = EW * sp.Product(n_width * sig2, (k, 2, L - 1)).doit()           # hidden layers
    EW = sp.factor(sp.expand(EW * d_out * sig2))                      # last layer has d_out rows (= simplify here)
    out["EW_sq"] = sp.powsimp(EW, force=True)
    out["op_norm_layer"] = sp.sqrt(n_width * sig2)                       # sqrt(n) sigma: the scale of ||W_l||_op
    out["jac_scale"] = out["op_norm_layer"] ** (L - 1)
    out["d_min_linear"] = 1 / out["jac_scale"]                           # ||M|| / ||J|| up to O(1) factors
    m = sp.Symbol("m_extra", positive=True)                              # L = 2 + m >= 3 hidden layers exist
    ex = {key: exponent_in_width(out[key].subs(L, 2 + m)).subs(m, L - 2) for key in ("d_saddle_sq", "d_origin_sq", "EW_sq")}
    out["exp_d_saddle"] = simplify(ex["d_saddle_sq"] / 2)
    out["exp_d_origin"] = simplify(ex["d_origin_sq"] / 2)
    out["exp_W0"] = simplify(ex["EW_sq"] / 2)
    out["exp_d_min_linear"] = sp.factor(sp.expand_log(sp.log(out["d_min_linear"]), force=True) / sp.log(n_width))
    out["exp_ratio"] = simplify(out["exp_d_min_linear"] - out["exp_d_saddle"])
    out["gamma_c_saddle"] = sp.solve(sp.Eq(out["exp_d_saddle"], 0), gamma)
    out["gamma_c_origin"] = sp.solve(sp.Eq(out["exp_d_origin"], 0), gamma)
    out["gamma_c_W0"] = sp.solve(sp.Eq(out["exp_W0"], 0), gamma)
    out["gamma_c_ratio"] = sp.solve(sp.Eq(out["exp_ratio"], 0), gamma)
    return out


@register("init_scale_distances")
def _distances() -> Derivation:
    r = init_scale_results()
    if not r["critical_set_is_critical"]:
        raise AssertionError("{W_1 = 0, W_L = 0} is not critical")
    steps = [Step("Symbolic network (widths 2,3,3,2): at W_1 = 0, W_3 = 0 every partial gradient of 1/2||M - W||^2 is "
                  "identically zero; the loss there is", r["loss_on_set"]),
             Step("E dist(theta_0, {W_1 = 0, W_L = 0})^2 = E||W_1||^2 + E||W_L||^2", r["d_saddle_sq"]),
             Step("Its exponent in the width (of the distance)", r["exp_d_saddle"], f"zero at gamma = {r['gamma_c_saddle']}"),
             Step("E||theta_0||^2 (distance to the origin)", r["d_origin_sq"]),
             Step("Its exponent (L >= 3)", r["exp_d_origin"], f"zero at gamma = {r['gamma_c_origin']}"),
             Step("E||W(theta_0)||_F^2 (recursion over layers)", r["EW_sq"]),
             Step("Its exponent", r["exp_W0"], f"zero at gamma = {r['gamma_c_W0']}"),
             Step("Linearised distance to {W = M}: 1/(sqrt(n) sigma)^(L-1), exponent", r["exp_d_min_linear"]),
             Step("Exponent of d_min / d_saddle", r["exp_ratio"], f"zero at gamma = {r['gamma_c_ratio']}")]
    return Derivation(
        quantity="init_scale_distances", title="Distances from a Gaussian initialisation to saddles and minima vs width",
        statement="With entries N(0, n^-gamma): dist(theta_0, {W_1 = W_L = 0}) ~ sqrt(d_in + d_out) n^((1-gamma)/2) "
                  "(a set of saddles); ||theta_0|| ~ n^((2-gamma)/2); ||W(theta_0)|| ~ n^((L-1-gamma L)/2); linearised "
                  "distance to the global minima ~ n^(-(L-1)(1-gamma)/2); d_min/d_saddle ~ n^(-L(1-gamma)/2), "
                  "changing behaviour at gamma = 1.",
        expr=r["exp_ratio"], assumptions=("i.i.d. N(0, n^-gamma) entries", "hidden width n -> oo, d_in, d_out, L fixed",
                                          "L >= 3"),
        source="Jacot et al. (2021), Abstract; Theorem 1 (conclusion not sourced)", steps=tuple(steps),
        variables=("L",),
        notes=("The nearest saddle is not the origin: the transition of ||theta_0|| is at gamma = 2.",),
        extra={k: r[k] for k in ("d_saddle_sq", "d_origin_sq", "EW_sq", "exp_d_saddle", "exp_d_origin", "exp_W0",
                                 "exp_d_min_linear", "gamma_c_saddle", "gamma_c_origin", "gamma_c_W0", "gamma_c_ratio")})

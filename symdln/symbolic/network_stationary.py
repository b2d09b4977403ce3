"""Closed forms of SGD's first-order stationary moments on the full network near ``W = M`` (isotropic label noise).

Theory (see :mod:`symdln.network_stationary` for the numeric version): with ``T = beta sigma_q^2 / 2`` the
fluctuation in function space is ``vec(Z)``-driven, ``dtheta = J^T vec(Z)``, ``Cov(vec Z) = T K^+`` (``K = J J^T``);
the mean of ``w_a`` follows from ``E[g] = 0`` at second order: ``E[w_a] - s_a = -e_a^T K^+ J E[J'[dtheta]^T J dtheta]``
with ``e_a = v_a kron u_a``.

On an aligned network (``W_l = Q_l diag(x_l) Q_{l-1}^T``, any per-mode gauge ``x_{l, g}`` with
``prod_l x_{l, g} = s_g``) ``K`` is diagonal in the basis ``u_g v_b^T`` (``g`` over the ``d_L`` output directions,
``b`` over the ``d_0`` input directions; directions outside the teacher's span carry amplitude 0), so the
expectation is a sum of independent pair contributions.  :func:`mode_model` runs the exact algorithm on the
*mode-coordinate model* (``r`` modes plus one extra input and one extra output direction, symbolic amplitudes),
reads off the contribution of each pair and assembles the closed form for general widths: a pair's term depends
only on its own amplitudes, and every extra (non-teacher) direction contributes the same.
:func:`exact_network_moments` is the same algorithm on explicit rational matrices (no structure assumed), the
exact counterpart of :func:`symdln.network_stationary_moments` used to check the closed forms.
"""
from __future__ import annotations

import sympy as sp

from ._linalg import kron
from ._simp import simplifies_to_zero, simplify
from .result import Derivation, Step, register
from .symbols import L, beta, s, sigma_q

__all__ = ["pair_terms", "mode_model", "depth2_closed_form", "depthL_balanced_closed_form",
           "exact_network_moments"]

d0, dL, r = sp.symbols("d_0 d_L r", integer=True, positive=True)
s_g = sp.Symbol("s_gamma", positive=True)
rho = sp.Symbol("rho", positive=True)          # depth-2 gauge of mode a: W_1 acts as sqrt(s rho), W_2 as sqrt(s/rho)
rho_g = sp.Symbol("rho_gamma", positive=True)
m_ = sp.Symbol("m", integer=True, positive=True)
T_ = beta * sigma_q ** 2 / 2


# -- the exact algorithm on explicit matrices ------------------------------------------------------------------
def _partials(layers):
    L_ = len(layers)
    d_in, d_out = layers[0].cols, layers[-1].rows
    below = [sp.eye(d_in)]
    for w in layers[:-1]:
        below.append(w * below[-1])
    above = [sp.eye(d_out)]
    for w in reversed(layers[1:]):
        above.append(above[-1] * w)
    above.reverse()
    return above[:L_], below[:L_]


def _bilinear(layers, above, below, Z1, Z2):
    """``(J'[J^T z1]^T K z2`` per layer, ``q(J^T z1, J^T z2)/2``): bilinear in ``(Z1, Z2)``."""
    L_ = len(layers)
    dW = [above[l].T * Z1 * below[l].T for l in range(L_)]
    dW2 = [above[l].T * Z2 * below[l].T for l in range(L_)]
    R2 = sum((above[l] * dW2[l] * below[l] for l in range(L_)), sp.zeros(*Z1.shape))
    dA = [None] * L_
    dA[L_ - 1] = sp.zeros(*above[L_ - 1].shape)
    for l in range(L_ - 2, -1, -1):
        dA[l] = dA[l + 1] * layers[l + 1] + above[l + 1] * dW[l + 1]
    dB = [sp.zeros(*below[0].shape)]
    for l in range(1, L_):
        dB.append(dW[l - 1] * below[l - 1] + layers[l - 1] * dB[l - 1])
    c = [dA[l].T * R2 * below[l].T + above[l].T * R2 * dB[l].T for l in range(L_)]
    hq = sum((above[l] * dW2[l] * dB[l] for l in range(1, L_)), sp.zeros(*Z1.shape))
    return c, hq


def _unvec(v, rows, cols):
    return sp.Matrix(rows, cols, lambda i, j: v[i + rows * j])


def _vec(A):
    return sp.Matrix([A[i, j] for j in range(A.cols) for i in range(A.rows)])


def exact_network_moments(layers, U, V, *, temperature) -> dict:
    """Exact first-order ``E[w_a] - s_a`` and ``Var(w_a)`` for ``Sigma_q = sigma_q^2 I`` on explicit SymPy
    matrices (``temperature = beta sigma_q^2 / 2``); ``U``, ``V``: the teacher's singular vectors (columns).

    ``K^+ = (K + N)^{-1} - N`` with ``N`` the projector onto ``null(K)`` (exact); ``Cov(vec Z) = T K^+``;
    ``E[B(z, z)] = sum_j B(A e_j, e_j)`` for the bilinear responses; ``E[r] = -K^+ J E[c] + (I - P) E[q]/2``.
    """
    above, below = _partials(layers)
    rows, cols = layers[-1].rows, layers[0].cols
    n = rows * cols
    K = sp.zeros(n, n)
    for A, B in zip(above, below):
        K += kron(B.T * B, A * A.T)
    null = K.nullspace()
    if null:
        X = sp.Matrix.hstack(*null)
        N = X * (X.T * X).inv() * X.T
    else:
        N = sp.zeros(n, n)
    Kp = (K + N).inv() - N
    Amat = temperature * Kp
    Ec = [sp.zeros(*w.shape) for w in layers]
    Ehq = sp.zeros(rows, cols)
    for j in range(n):
        col = Amat[:, j]
        if all(x == 0 for x in col):
            continue
        ej = sp.zeros(n, 1)
        ej[j] = 1
        c, hq = _bilinear(layers, above, below, _unvec(col, rows, cols), _unvec(ej, rows, cols))
        Ec = [a + b for a, b in zip(Ec, c)]
        Ehq += hq
    Jc = _vec(sum((above[l] * Ec[l] * below[l] for l in range(len(layers))), sp.zeros(rows, cols)))
    Er = -Kp * Jc + N * _vec(Ehq)
    cov = K * Amat * K
    shifts, variances = [], []
    for a in range(U.cols):
        e = kron(V[:, a], U[:, a])
        shifts.append(simplify((e.T * Er)[0, 0]))
        variances.append(simplify((e.T * cov * e)[0, 0]))
    return {"mean_shift": shifts, "variance": variances}


# -- the mode-coordinate model -----------------------------------------------------------------------------------
def mode_model(amps):
    """Aligned network in mode coordinates: ``amps[l][g]`` is layer ``l``'s scalar on mode ``g`` (``r`` modes);
    one extra input and one extra output direction (amplitude 0).  Returns the exact per-pair contributions to the
    mean shift of mode 0 (``E[w_0] - s_0`` in units of ``T = beta sigma_q^2/2``) and its variance / ``T``."""
    L_ = len(amps)
    k = len(amps[0])
    dims = [k + 1] + [k] * (L_ - 1) + [k + 1]
    layers = []
    for l in range(L_):
        W = sp.zeros(dims[l + 1], dims[l])
        for g in range(k):
            W[g, g] = amps[l][g]
        layers.append(W)
    above, below = _partials(layers)
    rows, cols = dims[-1], dims[0]
    n = rows * cols
    K = sp.zeros(n, n)
    for A, B in zip(above, below):
        K += kron(B.T * B, A * A.T)
    if any(K[i, j] != 0 for i in range(n) for j in range(n) if i != j):
        raise AssertionError("K is not diagonal in the mode basis")
    kap0 = K[0, 0]
    terms = {}
    for j in range(n):
        if K[j, j] == 0:
            continue
        g, b = j % rows, j // rows
        Z = sp.zeros(rows, cols)
        Z[g, b] = 1
        c, hq = _bilinear(layers, above, below, Z, Z)
        Jc = sum((above[l] * c[l] * below[l] for l in range(L_)), sp.zeros(rows, cols))
        # a ratio of polynomials in the amplitudes: factor is canonical on it (simplify first changed nothing)
        terms[(g, b)] = sp.factor(-Jc[0, 0] / (kap0 * K[j, j]))
    return {"terms": terms, "variance": sp.factor(kap0), "rows": rows, "cols": cols, "k": k}


def pair_terms(amps) -> dict:
    """Group :func:`mode_model` terms: ``self`` (pair (0,0)), ``out[g]`` (pair (g,0)), ``in[b]`` (pair (0,b)),
    ``out_extra`` / ``in_extra`` (the extra directions), ``other`` (every pair outside row/column 0)."""
    mm = mode_model(amps)
    k, t = mm["k"], mm["terms"]
    other = simplify(sum((v for (g, b), v in t.items() if g != 0 and b != 0), sp.Integer(0)))
    return {"self": t[(0, 0)], "out": {g: t.get((g, 0), 0) for g in range(1, k)},
            "in": {b: t.get((0, b), 0) for b in range(1, k)}, "out_extra": t.get((k, 0), 0),
            "in_extra": t.get((0, k), 0), "other": other, "variance": mm["variance"]}


def depth2_closed_form():
    """Depth 2, any per-mode gauge ``W_1 -> sqrt(s rho)``, ``W_2 -> sqrt(s/rho)`` on each mode."""
    sa = s
    pt = pair_terms([[sp.sqrt(sa * rho), sp.sqrt(s_g * rho_g)], [sp.sqrt(sa / rho), sp.sqrt(s_g / rho_g)]])
    if pt["other"] != 0:
        raise AssertionError(f"pairs outside row/column alpha contribute {pt['other']}")
    cross = simplify(pt["out"][1] + pt["in"][1])
    shift = T_ * (pt["self"] + (r - 1) * cross + (dL - r) * pt["out_extra"] + (d0 - r) * pt["in_extra"])
    return {"pairs": pt, "cross": cross, "shift": simplify(shift), "variance": simplify(T_ * pt["variance"])}


def _general_L_shift():
    """Symbolic-L balanced shift: ``-T/(L x^(2L-2)) [2 sum_g sum_{m=2}^L (m-1) x^(L+2m-4) y_g^(2(L-m))
    + (L-1)(d_0 + d_L - 2r) x^(3L-4)]`` with ``x = s^(1/L)``; the ``sum_g`` over the ``r`` teacher modes."""
    x, y = s ** (1 / L), s_g ** (1 / L)
    kap = L * x ** (2 * L - 2)
    pair = 2 * sp.Sum((m_ - 1) * x ** (L + 2 * m_ - 4) * y ** (2 * (L - m_)), (m_, 2, L))   # one mode g
    self_ = 2 * sp.Sum((m_ - 1) * x ** (L + 2 * m_ - 4) * x ** (2 * (L - m_)), (m_, 2, L))
    extra = (L - 1) * x ** (3 * L - 4)
    return {"kappa": kap, "pair": pair, "self": self_, "extra": extra}


def depthL_balanced_closed_form():
    """Depth L, balanced aligned: per-pair terms from the mode model at L = 2..5 against the symbolic-L sums."""
    g = _general_L_shift()
    checks = []
    for LL in range(2, 6):
        xa, yg = sp.Symbol("x", positive=True), sp.Symbol("y", positive=True)
        pt = pair_terms([[xa, yg]] * LL)
        sub = {L: LL, s: xa ** LL, s_g: yg ** LL}
        want_self = simplify((-g["self"] / g["kappa"]).subs(sub).doit())
        want_pair = simplify((-g["pair"] / g["kappa"]).subs(sub).doit())
        want_extra = simplify((-g["extra"] / g["kappa"]).subs(sub))
        ok = (simplifies_to_zero(pt["self"] - want_self) and simplifies_to_zero(pt["out"][1] + pt["in"][1] - want_pair)
              and simplifies_to_zero(pt["out_extra"] - want_extra) and simplifies_to_zero(pt["in_extra"] - want_extra)
              and pt["other"] == 0 and simplifies_to_zero(pt["variance"] - LL * xa ** (2 * LL - 2)))
        if not ok:
            raise AssertionError(f"symbolic-L pair terms disagree with the mode model at L = {LL}: {pt}")
        checks.append(LL)
    self_closed = simplify((-g["self"] / g["kappa"]).doit())
    return {"self": self_closed, "pair": -g["pair"] / g["kappa"], "extra": sp.powsimp(-g["extra"] / g["kappa"]),
            "checked_L": checks}


def balanced_shift(LL, s_vals, alpha, widths, temperature):
    """Evaluate the depth-L balanced closed form at explicit values (exact when inputs are rational powers)."""
    g = _general_L_shift()
    sub = {L: LL, s: s_vals[alpha]}
    kap = g["kappa"].subs(sub)
    tot = g["self"].subs(sub).doit()
    for j, sv in enumerate(s_vals):
        if j != alpha:
            tot += g["pair"].subs({**sub, s_g: sv}).doit()
    nr = len(s_vals)
    tot += (widths[0] + widths[-1] - 2 * nr) * g["extra"].subs(sub)
    return simplify(-temperature * tot / kap)


_ASSUME = ("W = M (on the minimum manifold)", "Sigma_q = sigma_q^2 I", "beta -> 0 (first order)",
           "aligned network (W_l diagonal in the teacher's mode frames)")


@register("network_stationary_depth2")
def _d2() -> Derivation:
    f = depth2_closed_form()
    pt = f["pairs"]
    steps = (
        Step("Function space: Cov(vec Z) = T K^+ with T = beta sigma_q^2/2 (K A + A K = beta sigma_q^2 P); "
             "K is diagonal in the mode basis u_g v_b^T, eigenvalue (out-amplitude of g)^2 + (in-amplitude of b)^2."),
        Step("Mean: E[w_a] - s_a = -e_a^T K^+ J E[J'[dtheta]^T J dtheta]; per-pair terms (units of T) for the "
             "self pair, a cross pair with mode gamma, an extra output and an extra input direction.",
             sp.Matrix([pt["self"], f["cross"], pt["out_extra"], pt["in_extra"]])),
        Step("Pairs outside row/column alpha contribute nothing.", pt["other"], check="exact == 0"),
        Step("Assemble over r modes, d_L - r extra outputs and d_0 - r extra inputs.", f["shift"]),
        Step("Variance: e_a^T (T K) e_a.", f["variance"]))
    return Derivation(
        quantity="network_stationary_depth2", title="Depth 2, full network: stationary mean shift and variance",
        statement=f"E[w_a] - s_a = {f['shift']}, Var(w_a) = {f['variance']} + O(beta^2).",
        expr=sp.Matrix([f["shift"], f["variance"]]), assumptions=_ASSUME + ("depth 2; gauge rho per mode",),
        source="Prop. 5.2 (ii) at the network level", steps=steps,
        variables=("s", "sigma_q", "beta"),
        notes=("rho = 1 is the balanced gauge; then the shift is -(d_0 + d_L) beta sigma_q^2 / 4, independent of s and "
               "of the hidden width, (d_0 + d_L)/2 times the 1-D law's -beta sigma_q^2/2.",
               "Var(w_a) = T s (rho + 1/rho) >= 2 T s: any unbalanced gauge widens the peak."),
        extra={"shift": f["shift"], "variance": f["variance"], "order": "O(beta^2)"})


@register("network_stationary_depthL")
def _dL() -> Derivation:
    f = depthL_balanced_closed_form()
    g = _general_L_shift()
    gam = sp.Symbol("gamma", integer=True, positive=True)
    s_idx = sp.IndexedBase("s")                          # s[gamma]: the teacher's singular values, gamma = 1..r
    shift_ex = -T_ / g["kappa"] * (sp.Sum(g["pair"].subs(s_g, s_idx[gam]), (gam, 1, r))
                                   + (d0 + dL - 2 * r) * g["extra"])
    steps = (
        Step("Per-pair terms for balanced aligned depth L (x = s^(1/L), y = s_gamma^(1/L)): self, each other mode "
             "gamma (a finite sum), each extra input/output direction.", sp.Matrix([f["self"], f["pair"], f["extra"]]),
             check=f"equal to the exact mode-coordinate algorithm at L = {f['checked_L']}"),
        Step("With every other teacher mode removed (r = 1 or cross pairs dropped) the self term is the 1-D law.",
             f["self"]),
        Step("Variance: T K_aa = T L s^(2(L-1)/L) (the 1-D law, Eq. 18 with Sigma_q = sigma_q^2 I).",
             T_ * L * s ** (2 * (L - 1) / L)))
    return Derivation(
        quantity="network_stationary_depthL", title="Depth L, balanced, full network: stationary mean shift and variance",
        statement=(f"E[w_a] - s_a = T [{f['self']} + sum_(gamma != a) P(s_a, s_gamma) + (d_0 + d_L - 2r) {f['extra']}], "
                   f"T = beta sigma_q^2/2, P the cross-mode sum; Var(w_a) = L T s^(2(L-1)/L). In the expression, "
                   "s is s_a and the sum over gamma = 1..r runs over every teacher mode including a."),
        expr=sp.Matrix([shift_ex, T_ * L * s ** (2 * (L - 1) / L)]), assumptions=_ASSUME + ("balanced",),
        source="Prop. 5.2 (ii) at the network level", steps=steps, variables=("s", "sigma_q", "beta", "L"),
        notes=(f"Every input or output direction outside the teacher's span adds {f['extra']} T (1/L of the 1-D "
               "law each); each other teacher mode gamma adds T P(s_a, s_gamma); hidden widths do not enter at "
               "first order (the fluctuation never excites hidden directions outside the teacher's modes).",
               "A zero singular value in the teacher counts as one extra input and one extra output direction."),
        extra={"self": f["self"], "pair": f["pair"], "extra": f["extra"], "order": "O(beta^2)"})


# -- depth L, any aligned gauge (per-layer, per-mode amplitudes) ---------------------------------------------------
_xa, _yg = sp.IndexedBase("x"), sp.IndexedBase("y")       # x[l]: layer l's amplitude on mode a; y[l]: on mode gamma
_l, _k = sp.Symbol("l", integer=True, positive=True), sp.Symbol("k", integer=True, positive=True)


def _prod(base, lo, hi):
    return sp.Product(base[_k], (_k, lo, hi))


def aligned_general_terms():
    """Symbolic-L per-pair terms (units of ``T``, before dividing by ``-kappa_a``) for an aligned network with layer
    amplitudes ``x[l]`` on mode ``a`` and ``y[l]`` on mode ``gamma``; ``kappa_a = sum_l P_{>l}(x)^2 P_{<l}(x)^2``.

    ``out(gamma)``: output-side pair ``(gamma, a)``,
    ``sum_l sum_{m>l} P_<l(x)^2 P_>l(x) prod_{l<k<m} x_k P_<m(x) P_>m(y)^2``;
    ``in(gamma)``: input-side pair ``(a, gamma)``,
    ``sum_l sum_{m<l} P_>l(x)^2 P_<l(x) prod_{m<k<l} x_k P_>m(x) P_<m(y)^2``;
    an extra output direction is ``out`` with ``P_>m(y) = [m = L]``, an extra input ``in`` with ``P_<m(y) = [m = 1]``.
    """
    m = m_
    Pgt = lambda base, j: _prod(base, j + 1, L)     # noqa: E731
    Plt = lambda base, j: _prod(base, 1, j - 1)     # noqa: E731
    out_core = lambda tail: sp.Sum(sp.Sum(Plt(_xa, _l) ** 2 * Pgt(_xa, _l) * _prod(_xa, _l + 1, m - 1)   # noqa: E731
                                          * Plt(_xa, m) * tail, (m, _l + 1, L)), (_l, 1, L))
    in_core = lambda tail: sp.Sum(sp.Sum(Pgt(_xa, _l) ** 2 * Plt(_xa, _l) * _prod(_xa, m + 1, _l - 1)    # noqa: E731
                                         * Pgt(_xa, m) * tail, (m, 1, _l - 1)), (_l, 1, L))
    kappa = sp.Sum(Pgt(_xa, _l) ** 2 * Plt(_xa, _l) ** 2, (_l, 1, L))
    return {"kappa": kappa, "out": out_core(Pgt(_yg, m) ** 2), "in": in_core(Plt(_yg, m) ** 2),
            "out_extra": out_core(sp.KroneckerDelta(m, L)), "in_extra": in_core(sp.KroneckerDelta(m, 1))}


def _unroll(e):
    """Expand every Sum / Product whose limits are integers after substitution, outermost first."""
    if isinstance(e, (sp.Sum, sp.Product)):
        (var, lo, hi) = e.limits[-1]                     # SymPy merges nested sums; the last limit is outermost
        body = e.func(e.function, *e.limits[:-1]) if len(e.limits) > 1 else e.function
        if lo.is_Integer and hi.is_Integer:
            terms = [_unroll(body.subs(var, i)) for i in range(int(lo), int(hi) + 1)]
            if isinstance(e, sp.Sum):
                return sp.Add(*terms)
            return sp.Mul(*terms) if hi >= lo - 1 else sp.Integer(1) / sp.Mul(*[_unroll(body.subs(var, i))
                                                                            for i in range(int(hi) + 1, int(lo))])
        return e
    if not e.args:
        return e
    return e.func(*[_unroll(a) for a in e.args])


def _eval_general(expr, LL, xs, ys):
    e = _unroll(expr.subs(L, LL))
    sub = {_xa[i + 1]: xs[i] for i in range(LL)}
    sub.update({_yg[i + 1]: ys[i] for i in range(LL)})
    # a rational function of the amplitudes: factor (canonical) is what simplify returned here, 5x cheaper
    return sp.factor(e.subs(sub))


def aligned_general_check(depths=(2, 3, 4)):
    """The symbolic-L general-gauge terms against the exact mode-coordinate algorithm at explicit depths."""
    g = aligned_general_terms()
    done = []
    for LL in depths:
        xs = sp.symbols(f"a1:{LL + 1}", positive=True)
        ys = sp.symbols(f"c1:{LL + 1}", positive=True)
        pt = pair_terms([[xs[i], ys[i]] for i in range(LL)])
        kap = _eval_general(g["kappa"], LL, xs, ys)
        want = {"self": -(_eval_general(g["out"], LL, xs, xs) + _eval_general(g["in"], LL, xs, xs)) / kap,
                "cross": -(_eval_general(g["out"], LL, xs, ys) + _eval_general(g["in"], LL, xs, ys)) / kap,
                "out_extra": -_eval_general(g["out_extra"], LL, xs, ys) / kap,
                "in_extra": -_eval_general(g["in_extra"], LL, xs, ys) / kap}
        got = {"self": pt["self"], "cross": pt["out"][1] + pt["in"][1], "out_extra": pt["out_extra"],
               "in_extra": pt["in_extra"]}
        bad = [k for k in want if not simplifies_to_zero(want[k] - got[k])]
        if bad or pt["other"] != 0 or not simplifies_to_zero(pt["variance"] - kap):
            raise AssertionError(f"general-gauge terms disagree with the mode model at L = {LL}: {bad}")
        done.append(LL)
    return g, done


@register("network_stationary_aligned")
def _aligned() -> Derivation:
    g, done = aligned_general_check()
    gam = sp.Symbol("gamma", integer=True, positive=True)
    shift = -T_ / g["kappa"] * (g["out"] + g["in"] + (dL - r) * g["out_extra"] + (d0 - r) * g["in_extra"])
    steps = (
        Step("Per-pair terms for an aligned network with layer amplitudes x_l on mode a and y_l on mode gamma "
             "(P_>l, P_<l products of amplitudes above / below layer l).",
             sp.Matrix([g["out"], g["in"], g["out_extra"], g["in_extra"]]),
             check=f"equal to the exact mode-coordinate algorithm with symbolic amplitudes at L = {done}"),
        Step("kappa_a = sum_l P_>l(x)^2 P_<l(x)^2 (the NTK eigenvalue of mode a); Var(w_a) = T kappa_a.",
             g["kappa"]))
    return Derivation(
        quantity="network_stationary_aligned",
        title="Depth L, any aligned gauge, full network: stationary mean shift and variance",
        statement=("E[w_a] - s_a = -(T/kappa_a) [sum_gamma (out(gamma) + in(gamma)) + (d_L - r) out_extra + "
                   "(d_0 - r) in_extra], Var(w_a) = T kappa_a, T = beta sigma_q^2/2; the sum runs over every "
                   "teacher mode gamma (y = x for gamma = a); the expression shows one mode gamma."),
        expr=sp.Matrix([shift, T_ * g["kappa"]]),
        assumptions=_ASSUME[:3] + ("aligned network with any per-layer, per-mode amplitudes (any diagonal gauge)",),
        source="Prop. 5.2 (ii) at the network level", steps=steps, variables=("L", "sigma_q", "beta"),
        notes=("With x_l = s_a^(1/L) for every l (balanced) it reduces to network_stationary_depthL; at L = 2 to "
               "network_stationary_depth2.", f"gamma is a symbol for the mode index: {gam}"),
        extra={"terms": g, "order": "O(beta^2)"})


def aligned_moments(amps, widths, alpha, temperature):
    """Evaluate the general-gauge closed form: ``amps[l][g]`` layer ``l``'s amplitude on teacher mode ``g``;
    returns ``(E[w_alpha] - s_alpha, Var(w_alpha))`` (exact for exact inputs)."""
    g = aligned_general_terms()
    LL = len(amps)
    xs = [amps[l][alpha] for l in range(LL)]
    kap = _eval_general(g["kappa"], LL, xs, xs)
    tot = sp.Integer(0)
    for gam in range(len(amps[0])):
        ys = [amps[l][gam] for l in range(LL)]
        tot += _eval_general(g["out"], LL, xs, ys) + _eval_general(g["in"], LL, xs, ys)
    k = len(amps[0])
    tot += (widths[-1] - k) * _eval_general(g["out_extra"], LL, xs, xs)
    tot += (widths[0] - k) * _eval_general(g["in_extra"], LL, xs, xs)
    return simplify(-temperature * tot / kap), simplify(temperature * kap)

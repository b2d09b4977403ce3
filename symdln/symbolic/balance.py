"""Balance under SGD, derived: the one-step change of ``D_l = W_{l+1}^T W_{l+1} - W_l W_l^T``, its expectation,
its per-mode form on the aligned balanced manifold (symbolic depth ``L``) and the gauge SGD selects at a minimum.

Registered quantities: ``balance_step_identity``, ``balance_noise_moments``, ``balance_drift_aligned``,
``balance_gauge_depth2``, ``balance_gauge_rank1``.  The numeric counterpart for any network is
:mod:`symdln.balance_drift` (the tests evaluate these expressions against it at explicit sizes).
"""
from __future__ import annotations

import sympy as sp

from ._linalg import above, below, expand_polynomial, is_zero, sym_matrix, sym_symmetric, symbolic_layers
from .gaussian import _xvec, expect_matrix
from ._simp import simplifies_to_zero, simplify, simplify_zero_first
from .result import Derivation, Step, register
from .symbols import L, beta, eta, s, sigma_q, w

__all__ = ["step_change_symbolic", "noise_moments", "aligned_balance_rate", "ALIGNED_CASES"]

_SRC = "Sec. 2 (A1 balance 'preserved' under SGD); issue: balance under SGD"
l_ = sp.Symbol("l", integer=True, positive=True)          # the pair (l, l+1)
d0, dL = sp.symbols("d_0 d_L", integer=True, positive=True)
r_ = sp.Symbol("r", integer=True, positive=True)          # number of teacher modes
_b = sp.Symbol("b", integer=True, positive=True)
wb, sb = sp.IndexedBase("w_mode", positive=True), sp.IndexedBase("s_mode", positive=True)   # other modes b
T_, N_ = sp.symbols("T N", nonnegative=True)              # tr(P_{l+1} Omega), ||W_{<l}||_F^2


def step_change_symbolic(layers, E, eta_):
    """``(direct, identity, first_order)`` lists over pairs: the change of ``D_l`` computed from the updated
    layers, ``eta^2 (G_{l+1}^T G_{l+1} - G_l G_l^T)``, and ``W_{l+1}^T G_{l+1} - G_l W_l^T``."""
    Ls = len(layers)
    G = [above(layers, k).T * E * below(layers, k).T for k in range(1, Ls + 1)]
    new = [W + eta_ * g for W, g in zip(layers, G)]
    D = lambda Ws, k: Ws[k].T * Ws[k] - Ws[k - 1] * Ws[k - 1].T
    direct = [D(new, k) - D(layers, k) for k in range(1, Ls)]          # compared by is_zero, which expands itself
    ident = [expand_polynomial(eta_ ** 2 * (G[k].T * G[k] - G[k - 1] * G[k - 1].T)) for k in range(1, Ls)]
    first = [expand_polynomial(layers[k].T * G[k] - G[k - 1] * layers[k - 1].T) for k in range(1, Ls)]
    return direct, ident, first


@register("balance_step_identity")
def _step_identity() -> Derivation:
    steps, checked = [], []
    et = sp.Symbol("eta", positive=True)
    for widths in ((2, 3, 2), (2, 2, 3, 2)):
        layers = symbolic_layers(widths)
        E = sym_matrix("E", widths[-1], widths[0])
        direct, ident, first = step_change_symbolic(layers, E, et)
        if not all(is_zero(f) for f in first):
            raise AssertionError(f"first-order terms do not cancel at widths {widths}")
        if not all(is_zero(a - c) for a, c in zip(direct, ident)):
            raise AssertionError(f"one-step change is not eta^2 (G^T G - G G^T) at widths {widths}")
        checked.append(widths)
        steps.append(Step(f"widths {widths}, every entry of every W_l and of E an independent symbol: "
                          "W_{l+1}^T G_{l+1} - G_l W_l^T with G_l = W_{>l}^T E W_{<l}^T expands to 0",
                          first[0], "is_zero for every pair"))
        steps.append(Step("so (W_{l+1} + eta G_{l+1})^T (W_{l+1} + eta G_{l+1}) - (W_l + eta G_l)(W_l + eta G_l)^T "
                          "- D_l expands to eta^2 (G_{l+1}^T G_{l+1} - G_l G_l^T)", ident[0],
                          "is_zero(direct - identity) for every pair"))
    expr = sp.Symbol("eta") ** 2 * (sp.Symbol("G_{l+1}^T G_{l+1}", commutative=False)
                                    - sp.Symbol("G_l G_l^T", commutative=False))
    return Derivation(
        quantity="balance_step_identity", title="One SGD step changes D_l only at second order",
        statement="For any error matrix E and step W_l <- W_l + eta W_{>l}^T E W_{<l}^T, "
                  "W_{l+1}^T G_{l+1} = G_l W_l^T, so D_l changes by exactly eta^2 (G_{l+1}^T G_{l+1} - G_l G_l^T).",
        expr=expr, assumptions=("E any d_L x d_0 matrix (population or per-sample or batch error)",),
        source=_SRC, steps=tuple(steps), variables=("eta",),
        notes=("Structural: W_{l+1}^T W_{>l+1}^T = W_{>l}^T and W_{<l+1}^T = W_{<l}^T W_l^T, whatever E is; the "
               f"symbolic check is at widths {checked}.",),
        extra={"widths_checked": checked})


def noise_moments(dL_: int, d0_: int):
    """``(E[S^T P S], E[S Q S^T], Delta, P, Q, Sigma_q)`` by the Gaussian expectation operator."""
    x, xi = _xvec(d0_), _xvec(dL_, "q")
    Dl = sym_matrix("Delta", dL_, d0_)
    P, Q, Sq = sym_symmetric("P", dL_), sym_symmetric("Q", d0_), sym_symmetric("Sigma", dL_)
    S = Dl * (x * x.T - sp.eye(d0_)) + xi * x.T
    ESPS = expect_matrix(sp.ImmutableMatrix(S.T * P * S), list(x), list(xi), Sq)   # expect expands each entry
    ESQS = expect_matrix(sp.ImmutableMatrix(S * Q * S.T), list(x), list(xi), Sq)
    return ESPS, ESQS, Dl, P, Q, Sq


@register("balance_noise_moments")
def _noise_moments() -> Derivation:
    steps = []
    for dL_, d0_ in ((2, 2), (2, 3), (3, 2)):
        A, B, Dl, P, Q, Sq = noise_moments(dL_, d0_)
        Om = Dl * Dl.T + Sq
        tA = Dl.T * P * Dl + (P * Om).trace() * sp.eye(d0_)
        tB = Dl * Q * Dl.T + Q.trace() * Om
        if not (is_zero(A - tA) and is_zero(B - tB)):
            raise AssertionError(f"noise contractions failed at (d_L, d_0) = {(dL_, d0_)}")
        steps.append(Step(f"(d_L, d_0) = {(dL_, d0_)}: S = Delta(XX^T - I) + xi X^T, P, Q, Sigma_q symmetric "
                          "symbols; the expectation operator gives E[S^T P S] = Delta^T P Delta + tr(P Omega) I and "
                          "E[S Q S^T] = Delta Q Delta^T + tr(Q) Omega, Omega = Delta Delta^T + Sigma_q", A,
                          "is_zero for both"))
    return Derivation(
        quantity="balance_noise_moments", title="Gaussian contractions of the one-sample noise matrix",
        statement="E[S^T P S] = Delta^T P Delta + tr(P Omega) I and E[S Q S^T] = Delta Q Delta^T + tr(Q) Omega, "
                  "Omega = Delta Delta^T + Sigma_q, for symmetric P, Q.",
        expr=sp.Matrix([[sp.Symbol("Delta^T P Delta + tr(P Omega) I")], [sp.Symbol("Delta Q Delta^T + tr(Q) Omega")]]),
        assumptions=("X ~ N(0, I_{d_0})", "xi_q independent, mean 0, covariance Sigma_q", "P, Q symmetric"),
        source="App. B noise matrix S; used for E[Delta D_l]", steps=tuple(steps),
        notes=("Hence E[xi_{l+1}^T xi_{l+1}] = W_{<=l}(Delta^T P_{l+1} Delta + tr(P_{l+1} Omega) I)W_{<=l}^T and "
               "E[xi_l xi_l^T] = W_{>l}^T (Delta Q_l Delta^T + tr(Q_l) Omega) W_{>l}, P_{l+1} = W_{>l+1} W_{>l+1}^T, "
               "Q_l = W_{<l}^T W_{<l}; the Delta-parts are Gbar_{l+1}^T Gbar_{l+1} and Gbar_l Gbar_l^T.",))


# -- per mode on the aligned balanced manifold ------------------------------------------------------
#: which boundary factor is an identity matrix: pair l = 1 sees W_{<1} = I_{d_0}; pair l = L-1 sees W_{>L} = I_{d_L}
ALIGNED_CASES = ("interior", "first", "last", "depth2")


def _traces(case):
    """``(T, N)``: tr(P_{l+1} Omega) and ||W_{<l}||_F^2 per mode on the aligned balanced manifold
    (``Omega_b = (s_b - w_b)^2 + sigma_q^2`` on mode b; ``sigma_q^2 (d_L - r)`` off the modes when P = I)."""
    Om_b = (sb[_b] - wb[_b]) ** 2 + sigma_q ** 2
    T_int = sp.Sum(wb[_b] ** (2 * (L - l_ - 1) / L) * Om_b, (_b, 1, r_))
    T_last = sp.Sum(Om_b, (_b, 1, r_)) + (dL - r_) * sigma_q ** 2
    N_int = sp.Sum(wb[_b] ** (2 * (l_ - 1) / L), (_b, 1, r_))
    return {"interior": (T_int, N_int), "first": (T_int, d0), "last": (T_last, N_int),
            "depth2": (T_last, d0)}[case]


def aligned_balance_rate(case: str, *, split: bool = False):
    """Ito rate ``dD_{l,alpha}/dt / beta`` of mode ``alpha`` (amplitude ``w``, target ``s``) for pair ``l`` on the
    aligned balanced manifold: each factor acts on mode b as a power of ``w_b^(1/L)``.  With ``split`` returns
    ``(data part, trace part, discretisation part / eta)`` before cancellation."""
    T, N = _traces(case)
    Lc = {"depth2": 2}.get(case, L)
    lc = {"first": 1, "last": Lc - 1, "depth2": 1}.get(case, l_)
    f = lambda k: w ** (sp.Integer(2) * k / Lc)           # squared action of a product of k layers
    e2 = (s - w) ** 2
    gg_up = e2 * f(Lc - lc - 1) * f(lc)                    # Gbar_{l+1}^T Gbar_{l+1} on the mode
    gg_lo = e2 * f(Lc - lc) * f(lc - 1)                    # Gbar_l Gbar_l^T on the mode
    data = gg_up - gg_lo
    trace = T.subs({L: Lc, l_: lc}) * f(lc) - N.subs({L: Lc, l_: lc}) * (e2 + sigma_q ** 2) * f(Lc - lc)
    if split:
        return data, trace, data
    return sp.powsimp(sp.expand(data + trace), force=True)


@register("balance_drift_aligned")
def _aligned() -> Derivation:
    out, steps, notes = {}, [], []
    for case in ALIGNED_CASES:
        data, trace, disc = aligned_balance_rate(case, split=True)
        if not simplifies_to_zero(sp.powsimp(sp.expand(data), force=True)):
            raise AssertionError(f"{case}: the Delta-parts should cancel on the balanced manifold")
        out[case] = trace
        steps.append(Step(f"{case}: Gbar_{{l+1}}^T Gbar_{{l+1}} - Gbar_l Gbar_l^T = (s-w)^2 (w^(2(L-1)/L) - "
                          "w^(2(L-1)/L)) = 0 on the mode (so the O(eta) discretisation part and the Delta-part of "
                          "the noise vanish under A1+A2); what remains is beta times", out[case]))
    one = {c: simplify_zero_first(out[c].subs(r_, 1).doit().subs({wb[1]: w, sb[1]: s})) for c in ALIGNED_CASES}
    at_min = {c: sp.factor(simplify_zero_first(one[c].subs(w, s))) for c in ALIGNED_CASES}
    if not simplifies_to_zero(at_min["interior"]):
        raise AssertionError("interior pairs should be noise-stationary at a single-mode minimum")
    notes.append("Single mode (r = 1), at the minimum w = s, Ito rate / beta: " +
                 "; ".join(f"{c}: {at_min[c]}" for c in ALIGNED_CASES) + ".  Interior pairs stay balanced; the "
                 "first pair is pushed towards W_1 W_1^T > W_2^T W_2 (factor d_0 - 1), the last towards "
                 "W_L^T W_L > W_{L-1} W_{L-1}^T (factor d_L - 1): balance (A1) is not a fixed point of SGD unless "
                 "d_0 = d_L = 1 (depth >= 3) or d_0 = d_2 (depth 2).")
    notes.append("Off the minimum with no label noise (sigma_q = 0) the rate is not 0 either: e.g. first pair, "
                 f"one mode: {sp.factor(one['first'].subs(sigma_q, 0))}.")
    steps.append(Step("One mode (r = 1), sums evaluated; then w = s (a minimum).", sp.Matrix([at_min[c] for c in
                                                                                               ALIGNED_CASES])))
    return Derivation(
        quantity="balance_drift_aligned", title="Ito drift of the balance matrices, per mode, aligned and balanced",
        statement="On the aligned balanced manifold dD_{l,a}/dt = beta [T_{l+1} w_a^(2l/L) - N_l ((s_a-w_a)^2 + "
                  "sigma_q^2) w_a^(2(L-l)/L)] (+ 0 discretisation part), T_{l+1} = tr(P_{l+1} Omega), "
                  "N_l = ||W_{<l}||_F^2 (d_0 for l = 1; P_L = I_{d_L}).",
        expr=out["interior"], assumptions=("aligned (A2), balanced (A1) at the current time",
                                           "Sigma_q = sigma_q^2 I", "beta = eta / b", "t = eta k"),
        source=_SRC, steps=tuple(steps), variables=("w", "s", "sigma_q", "L", "beta"), notes=tuple(notes),
        extra={"by_case": out, "single_mode": one, "single_mode_at_minimum": at_min, "pair": l_,
               "symbols": {"d_0": d0, "d_L": dL, "r": r_}})


# -- the gauge SGD selects at a minimum -------------------------------------------------------------
@register("balance_gauge_depth2")
def _gauge2() -> Derivation:
    q1, q2, Dv, lam = sp.symbols("q_1 q_2 D lambda", positive=True)
    Tq, k = sp.symbols("T k", positive=True)               # T = tr Sigma_q, k = d_0 u_a^T Sigma_q u_a
    rate = Tq * q1 - k * q2                                # beta^-1 d(q2 - q1)/dt on mode a at the minimum
    root = sp.sqrt(Dv ** 2 + 4 * s ** 2)
    on_fibre = {q1: (-Dv + root) / 2, q2: (Dv + root) / 2}  # q1 q2 = s^2, q2 - q1 = D
    g = simplify(rate.subs(on_fibre))
    pts = ({Tq: 3, k: 1, s: 2}, {Tq: 1, k: 5, s: sp.Rational(1, 3)})     # drop roots introduced by squaring
    Dstar = [c for c in sp.solve(sp.Eq(g, 0), Dv) if all(abs(sp.N(g.subs(Dv, c).subs(p))) < 1e-12 for p in pts)]
    if len(Dstar) != 1:
        raise AssertionError(f"expected one fixed point, got {Dstar}")
    Dstar = simplify(Dstar[0])
    # together: what simplify returned here (derive --check); then sqrt((T + k)^2) -> T + k (T, k > 0)
    lam_expr = sp.together(-sp.diff(g, Dv).subs(Dv, Dstar)).replace(
        lambda e: isinstance(e, sp.Pow) and e.exp == sp.S.Half, lambda e: sp.sqrt(sp.factor(e.base)))
    lam_expr = sp.factor(simplify(lam_expr))
    target = 2 * Tq * k / (Tq + k)
    if not simplifies_to_zero(lam_expr - target):
        raise AssertionError(f"relaxation rate {lam_expr} != 2Tk/(T+k)")
    iso = {Tq: dL * sigma_q ** 2, k: d0 * sigma_q ** 2}
    steps = (Step("Depth 2, one mode at a point of the minimum: q1 = |W_1 v|^2, q2 = |W_2^T u|^2, q1 q2 = s^2; "
                  "balance_drift_aligned (depth2 case at w = s) gives beta^-1 dD/dt = T q1 - k q2", rate),
             Step("On the fibre q1 q2 = s^2 parametrised by D = q2 - q1; the unique zero", Dstar),
             Step("Linearise: dD/dt = -beta lambda (D - D*) with lambda", lam_expr, "simplify(lambda - 2Tk/(T+k)) == 0"))
    return Derivation(
        quantity="balance_gauge_depth2", title="Gauge selected by label noise at depth 2, and how fast",
        statement="At a minimum, mode a relaxes to q2/q1 = T/k (T = tr Sigma_q, k = d_0 u_a^T Sigma_q u_a; isotropic: "
                  "|W_2^T u|^2 / |W_1 v|^2 = d_2/d_0) at rate beta * 2Tk/(T+k) (isotropic 2 beta sigma_q^2 d_0 d_2/(d_0+d_2)).",
        expr=sp.Matrix([Dstar, lam_expr]), assumptions=("depth 2, global minimum W = M", "aligned mode",
                                                        "first order in beta", "t = eta k"),
        source=_SRC, steps=steps, variables=("s", "sigma_q", "beta"),
        notes=(f"Isotropic label noise: D* = {sp.together(Dstar.subs(iso))}, rate/beta = "
               f"{sp.together(lam_expr.subs(iso))}; balanced (D* = 0) iff d_0 = d_2.  Time scale 1/(beta lambda) in "
               "t = eta k, i.e. 1/(eta beta lambda) SGD steps.",),
        extra={"D_star": Dstar, "rate_over_beta": lam_expr, "isotropic": {kk: simplify(v.subs(iso)) for kk, v in
                                                                         (("D_star", Dstar), ("rate", lam_expr))}})


@register("balance_gauge_rank1")
def _gauge_rank1() -> Derivation:
    steps, sols = [], {}
    for Lv in (3, 4, 5):
        q = sp.symbols(f"q_1:{Lv + 1}", positive=True)
        prod = lambda ks: sp.Mul(*[q[k - 1] for k in ks])
        eqs = []
        for lv in range(1, Lv):
            T = dL if lv == Lv - 1 else prod(range(lv + 2, Lv + 1))           # sigma_q^2 factored out
            N = d0 if lv == 1 else prod(range(1, lv))
            eqs.append(sp.expand(T * prod(range(1, lv + 1)) - N * prod(range(lv + 1, Lv + 1))))
        cand = {q[0]: d0 * q[1], **{q[k]: q[1] for k in range(2, Lv - 1)}, q[Lv - 1]: dL * q[Lv - 2]}
        cand = {kk: v.subs(cand).subs(cand) for kk, v in cand.items()}
        if not all(simplifies_to_zero(e.subs(cand)) for e in eqs):
            raise AssertionError(f"candidate fixed point fails at L={Lv}")
        sols[Lv] = cand
        steps.append(Step(f"L = {Lv}: the zeros of beta sigma_q^2 [T_(l+1) q_1..q_l - N_l q_(l+1)..q_L], l = 1..L-1 "
                          "(one mode at a minimum, q_k = squared action of layer k)", sp.Matrix(eqs),
                          "q_1 = d_0 q_2, q_2 = ... = q_(L-1), q_L = d_L q_(L-1) solves all"))
    return Derivation(
        quantity="balance_gauge_rank1", title="Gauge selected by isotropic label noise, one mode, depth L >= 3",
        statement="At a one-mode minimum with Sigma_q = sigma_q^2 I the noise-stationary gauge has squared layer "
                  "actions q_1 : q_2 : ... : q_(L-1) : q_L = d_0 : 1 : ... : 1 : d_L (the q_k multiply to s^2).",
        expr=sp.Matrix([d0, 1, dL]), assumptions=("one teacher mode", "Sigma_q = sigma_q^2 I", "global minimum",
                                                  "first order in beta"),
        source=_SRC, steps=tuple(steps), variables=("s", "sigma_q"),
        notes=("Balanced (all q_k equal) only when d_0 = d_L = 1.  The fixed point's uniqueness and the relaxation "
               "rates at depth L are computed numerically by symdln.balance_gauge.",),
        extra={"solutions": sols})

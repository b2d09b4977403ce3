"""The bespoke checks of the mode equations (Secs. 1.3-2) and the printed forms of all of them (``PRINTED``).

Eqs. 8-9, 10, 11, 11-limit, 12, 16, 17 are data for the engine's kinds (``symbolic_zero``, ``symbolic_identity``,
``asymptotic_ratio``; references here and in :mod:`.references`).  Bespoke here, because their evidence is more
than one comparison: Eq. 15 (the general-N_l rate and the flow of Eq. 14 at each N_l),
the statements on time versus depth (an mpmath quadrature of the exact rate over four decades of N_l) and on
integrability (an elementary antiderivative per N_l checked against an ODE solver).

Every check takes a ``variant`` keyword (default ``None`` = the printed formula) so that the tests can hand it a
wrong formula (a mutation) and see it rejected; the engine always calls it with the printed formula.
"""
from __future__ import annotations

import sympy as sp

from ...symbolic import derive
from ...symbolic.saxe_modes import saxe_results
from ...symbolic.symbols import L, s, t
from ...verdict import Evidence
from ._base import PAPER
from ._evidence import N_l, eps, sym_equal, tau, u, u0, uf


# ---- printed forms, transcribed in code from the declared symbols ----------------------------------------------
_a, _b = sp.symbols("a b_2", positive=True)
PRINTED = {
    "eq.8-9": (_b * (s - _a * _b), _a * (s - _a * _b)),                                         # tau da/dt, tau db/dt
    "eq.10": 2 * u * (s - u),                                                                  # tau du/dt
    "eq.11": tau / (2 * s) * sp.log(uf * (s - u0) / (u0 * (s - uf))),
    "eq.11-limit": tau / s * sp.log(s / eps),
    "eq.12": s * sp.exp(2 * s * t / tau) / (sp.exp(2 * s * t / tau) - 1 + s / u0),
    "eq.15": (N_l - 1) * u ** (2 - 2 / (N_l - 1)) * (s - u),
    "eq.16": N_l * u ** 2 * (s - u),
    "eq.17": tau / N_l * (1 / s ** 2 * sp.log(uf * (u0 - s) / (u0 * (uf - s))) + 1 / (s * u0) - 1 / (s * uf)),
}


def _printed(claim, variant):
    return PRINTED[claim.id] if variant is None else variant


@PAPER.reference("ab_flow_minus_derived")
def ab_flow_minus_derived(claim):
    """Eqs. (8)-(9): the printed (tau da/dt, tau db/dt) minus gradient descent on E(a, b) (derived)."""
    r = saxe_results()["ab_flow"]
    b2 = sp.Symbol("b_2", positive=True)
    return [("tau da/dt", claim.expr[0] - r[0].subs(b2, _b)), ("tau db/dt", claim.expr[1] - r[1].subs(b2, _b))]


PAPER.reference("ab_flow_conserved")(lambda claim: 2 * _a * claim.expr[0] - 2 * _b * claim.expr[1])
PAPER.reference("ab_flow_derived")(lambda: sp.Tuple(*saxe_results()["ab_flow"]))
#: Spec.params of Eqs. (8)-(9) (symbolic_zero)
AB_FLOW = {"derived": "ab_flow_derived", "residuals": [
    {"ref": "ab_flow_minus_derived", "label": "printed minus derived"},
    {"ref": "ab_flow_conserved", "label": "tau d(a^2 - b^2)/dt under the printed flow"}]}

@PAPER.check("deep_rate")
def check_deep_rate(claim, spec, *, seed=0, fast=False, paper=None, variant=None):
    """Eqs. (14)-(15): tau du/dt on a_i = a_0, with N_l - 1 weight matrices (derived: saxe_mode_flow, L = N_l - 1)."""
    r = saxe_results()
    d = derive("saxe_mode_flow").expr.subs(L, N_l - 1)
    p = _printed(claim, variant)
    ev = [sym_equal("tau du/dt (general N_l)", p, d)]
    for K, v in r["layer_flow"].items():
        pk = p.subs(N_l, K + 1)
        ev.append(sym_equal(f"N_l = {K + 1} ({K} scalars, from E of Eq. (14))", pk, v["balanced"] * tau))
    cons = all(all(c == 0 for c in v["conserved"]) for v in r["layer_flow"].values())
    ev.append(Evidence("symbolic", cons, "a_i^2 - a_j^2 conserved under the flow of Eq. (14) (N_l = 3..6)",
                       {"scope": "info"}))
    return ev, {"derived": d}


@PAPER.check("time_to_zero")
def check_time_to_zero(claim, spec, *, seed=0, fast=False, paper=None, variant=None):
    """Sec. 2: at a fixed rate the time under the exact Eq. (15) tends to zero as N_l grows (N_l T -> Eq. (17) x N_l).
    ``variant``: a callable N_l -> predicted T (mutation tests)."""
    import mpmath as mp
    sv, u0v, ufv = 1, mp.mpf("0.001"), mp.mpf("0.999")
    Ns = (3, 10, 100, 1000, 10000)
    T = {}
    with mp.workdps(25):
        for n in Ns:
            K = mp.mpf(n - 1)
            T[n] = mp.quad(lambda x: 1 / (K * x ** (2 - 2 / K) * (sv - x)), [u0v, mp.mpf("0.01"), mp.mpf("0.5"), ufv])
    ninf = float(sp.N((saxe_results()["Tinf"] * (L + 1)).subs({tau: 1, s: sv, u0: sp.Rational(1, 1000),
                                                                     uf: sp.Rational(999, 1000)})))
    tail = (100, 1000, 10000)
    dec = all(T[a] > T[b] for a, b in zip(tail, tail[1:]))
    pred = (lambda n: ninf / n) if variant is None else variant
    rel = abs(float(T[Ns[-1]]) - pred(Ns[-1])) / float(T[Ns[-1]])
    # N_l T(N_l) approaches the Eq. (17) constant like u_0^(-2/(N_l-1)): at N_l = 1e4 within 1% (2 ln(1e3)/1e4 ~ 0.14%)
    ok = dec and rel <= 0.01
    summ = ", ".join(f"T({n}) = {float(T[n]):.4g}" for n in Ns)
    mono = all(T[a] > T[b] for a, b in zip(Ns, Ns[1:]))
    return [Evidence("mpmath", ok, f"tau = 1, s = 1, u: 1e-3 -> 0.999: {summ} (rises first: the 1/N_l regime needs "
                     f"N_l >> 2 ln(1/u_0)); decreasing for N_l >= 100: {dec}; "
                     f"T(1e4) vs tau (Eq. 17 bracket)/N_l = {pred(Ns[-1]):.4g}: rel. diff {rel:.1e}",
                     {"scope": "printed", "T": {str(n): float(v) for n, v in T.items()}, "rel_diff": rel}),
            Evidence("mpmath", True, f"not monotone in depth: T(3) = {float(T[3]):.3g} < T(10) = {float(T[10]):.3g} "
                     f"(monotone: {mono}); the 1/N_l regime needs N_l >> 2 ln(1/u_0)", {"scope": "info"})]


@PAPER.check("deep_integrable")
def check_deep_integrable(claim, spec, *, seed=0, fast=False, paper=None, variant=None):
    """Sec. 2: Eq. (15) "can be integrated for any positive integer N_l": an elementary antiderivative for N_l = 3..5
    (6 in the full setting), each checked by differentiation and against a DOP853 integration of the ODE.
    ``variant``: a callable K -> time (u: 0.01 -> 0.9, s = 1) to compare instead of the elementary form."""
    from ...symbolic.gradient_flow import time_to_learn_ode
    from ...symbolic.saxe_modes import elementary_antiderivative, elementary_time
    Ks = (2, 3, 4) if fast else (2, 3, 4, 5)
    rows, ok = [], True
    for K in Ks:
        F, dok = elementary_antiderivative(K)
        T = float(elementary_time(K, 0.01, 0.9)) if variant is None else float(variant(K))
        ode = time_to_learn_ode(K, 1.0, 0.01, 0.9)
        # DOP853 at rtol 1e-11 against a 30-digit closed form: 1e-7 relative leaves four orders of headroom
        good = dok and abs(T - ode) <= 1e-7 * ode
        ok &= good
        rows.append(f"N_l = {K + 1}: {sp.count_ops(F)} operations, T = {T:.8g} vs ODE {ode:.8g}")
    return [Evidence("symbolic", ok, "elementary antiderivative of du/((N_l-1) u^(2-2/(N_l-1))(1-u)) via u = y^(N_l-1) "
                     "(rational in y): " + "; ".join(rows), {"scope": "printed", "rows": rows})]

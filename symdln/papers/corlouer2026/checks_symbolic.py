"""The bespoke checks of Secs. 2-5 and Apps. A-F that no generic kind fits (each says why).

* ``undefined_b`` (App. F): a symbol the paper never defines -- the evidence is the derivation of what it would
  have to be, and it fails by construction of the finding;
* ``qv`` (Eq. 23) and ``martingale_cov`` (App. A.2): a realised quadratic variation / a simulated martingale
  variance next to the symbolic comparison (Monte Carlo with a stated band), not a pure residual.

Everything else of these sections is data for the engine's kinds (:mod:`.identities`).
"""
from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp

from ...symbolic.symbols import L, b, beta, eta, s, sigma_q, w, z
from ...verdict import Evidence
from . import derived_forms
from ._base import PAPER
from ...checkkit import normalize


def _d(q, key=None):
    from ...symbolic import derive
    d = derive(q)
    return normalize(d.extra[key] if key else d.expr)


def _zero(e):
    return sp.simplify(e) == 0


def density_reference(claim, spec, *, seed, fast, paper=None):
    """Evidence for Eq. (16) as printed (used by the ``density_lower_limit`` check): it integrates 2 mu/D from 0: near 0 the integrand behaves like z^(-2(L-1)/L) and z^(-1)."""
    get = PAPER.get
    mu = get("eq.13").expr + get("eq.14").expr
    D = get("eq.15").expr
    mu_d, D_d = _d("drift_aligned"), _d("diffusion_aligned")
    evs = []
    for label, m_, D_ in (("printed mu, D (Eqs. 13-15)", mu, D), ("derived mu, D", mu_d, D_d)):
        for Lk in (2, 3):
            sub = {L: Lk, s: 1, sigma_q: sp.Rational(3, 10), beta: sp.Rational(1, 100), eta: sp.Rational(1, 100), b: 1}
            f = sp.lambdify(z, (2 * m_ / D_).subs(w, z).subs(sub), "mpmath")
            vals = []
            with mpmath.workdps(30):
                # int_eps^0.5 = int_eps^0.01 + int_0.01^0.5: the second part (the same for every eps) once; quad
                # integrates each subinterval on its own, so this is what quad(f, [eps, 1e-2, 0.5]) adds up
                tail = mpmath.quad(f, [1e-2, 0.5])
                for eps in (1e-3, 1e-6, 1e-9):
                    vals.append(float(mpmath.quad(f, [eps, 1e-2]) + tail))
            grow = abs(vals[2] - vals[1]) > 1 and abs(vals[1] - vals[0]) > 1
            evs.append(Evidence("mpmath", not grow, f"{label}, L={Lk}: int_eps^0.5 2mu/D dz = " +
                                ", ".join(f"{v:.4g}" for v in vals) + " for eps = 1e-3, 1e-6, 1e-9: "
                                + ("diverges as eps -> 0" if grow else "converges"),
                                {"values": vals, "L": Lk,
                                 "scope": "printed" if label.startswith("printed") else "info"}))
    # with a reference point w0 > 0 the zero-current ODE holds: the derived form is the derivation's density
    return evs, {"derived": _d("stationary_density"),
                 "counterexample": {"L": 2, "s": 1, "sigma_q": 0.3, "beta": 0.01, "integral_from": 0}}


@PAPER.check("undefined_b")
def _(claim, spec, *, seed, fast, paper=None):
    aF = 2 * (L - 1) / L
    bb = sp.Dummy("b_exp")
    # App. F's own next line: -mu(s)/mu'(s) with mu(s) ~ s^b, mu'(s) = -L s^a must give s^(-2/L)
    own = sp.solve(sp.Eq(bb - aF, -2 / L), bb)[0]
    # the derivation: mu(s) = mu_Ito(s)
    mus = sp.simplify(_d("drift_aligned").subs(w, s))
    return [Evidence("consistency", False, f"the exponent b in s^b is never defined; App. F's next step needs "
                     f"b = {sp.sstr(sp.simplify(own))} (Eq. 6's exponent), the derivation gives "
                     f"mu(s) = {sp.sstr(mus)}, "
                     f"i.e. b = (3L-4)/L with sigma_q^2", {"b_from_appF": sp.sstr(own), "mu_at_s": sp.sstr(mus)})], \
        {"derived": sp.Eq(sp.Function("mu_alpha")(s), mus)}


@PAPER.check("qv")
def _(claim, spec, *, seed, fast, paper=None):
    rng = np.random.default_rng(seed)
    et, sg, T, n = 0.05, 1.7, 2.0, 200_000
    dB = rng.standard_normal(n) * np.sqrt(T / n)
    qv = float(np.sum((np.sqrt(et) * sg * dB) ** 2))
    want = et * sg ** 2 * T
    # the sum of n chi^2_1 terms: relative sd sqrt(2/n) ~ 0.3%; 6 sd leaves a negligible false-alarm rate
    ok = abs(qv - want) < 6 * want * np.sqrt(2 / n)
    return [Evidence("symbolic", _zero((sp.sqrt(eta) * sigma_q) ** 2 - eta * sigma_q ** 2),
                     "d[theta] of sqrt(eta) sigma dB is eta sigma sigma^T dt (scalar case of the bracket rule "
                     "d[B^i, B^j] = delta_ij dt applied to the printed diffusion: true by construction)",
                     {"scope": "info"}),
            Evidence("monte-carlo", bool(ok), f"realised quadratic variation {qv:.5g} vs eta sigma^2 T = {want:.5g} "
                     f"(scalar sigma, n = {n} increments, 6-sd band; seed {seed})", {})]


@PAPER.check("martingale_cov")
def _(claim, spec, *, seed, fast, paper=None):
    from ...symbolic.symbols import t
    inter, final = sp.sqrt(eta) * t / eta, sp.sqrt(eta) * t
    correct = eta * (t / eta)                   # Cov of sqrt(eta) sum_{i < t/eta} xi_i = eta (t/eta) Sigma
    from ...symbolic import quantity_ids
    if "martingale_covariance" in quantity_ids():
        correct = _d("martingale_covariance")   # per unit Sigma
    pt = {eta: sp.Rational(1, 100), t: 1}
    rng = np.random.default_rng(seed)
    et, T, paths = 0.01, 1.0, 20_000
    M = np.sqrt(et) * rng.standard_normal((paths, int(T / et))).sum(1)
    v, se = float(M.var(ddof=1)), float(M.var(ddof=1) * np.sqrt(2 / (paths - 1)))
    evs = [Evidence("symbolic", sp.simplify(inter - correct) == 0,
                    f"sqrt(eta) t/eta vs eta (t/eta) = t: at eta=1/100, t=1: {inter.subs(pt)} vs {correct.subs(pt)}",
                    {"counterexample": {"eta": "1/100", "t": 1}}),
           Evidence("symbolic", sp.simplify(final - correct) == 0, f"sqrt(eta) t vs t: {final.subs(pt)} vs 1", {}),
           Evidence("symbolic", sp.simplify(inter - final) == 0, "the two printed equalities disagree with each other "
                    "(t/sqrt(eta) vs sqrt(eta) t)", {}),
           Evidence("monte-carlo", abs(v - 1.0) < 5 * se, f"simulated Var M(1) = {v:.4f} +- {se:.4f} (eta=0.01, "
                    f"{paths} paths): t Sigma = 1, printed {float(final.subs(pt)):.3g}",
                    {"scope": "info", "z": (v - 1) / se})]
    return evs, {"derived": derived_forms.martingale_covariance(),
                 "counterexample": {"point": {"eta": "1/100", "t": "1", "Sigma": "1"}, "printed_value": 0.1,
                                    "derived_value": 1.0}}

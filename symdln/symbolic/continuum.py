"""Continuous limit of SGD (App. A.2): covariance of the noise martingale, and moment ODEs of 1-D SDEs.

``M(t) = sqrt(eta) sum_{i=0}^{t/eta - 1} xi_i`` with i.i.d. mean-zero ``xi_i`` of covariance ``Sigma`` has
``Cov M(t) = eta (t/eta) Sigma = t Sigma``; App. A.2 prints ``sqrt(eta) (t/eta) Sigma = sqrt(eta) t Sigma``.
"""
from __future__ import annotations

from fractions import Fraction
from itertools import product

import sympy as sp

from .fokker_planck import generator
from ._simp import simplify
from .result import Derivation, Step, register
from .symbols import eta, t, w

__all__ = ["martingale_covariance", "enumerate_martingale_variance", "sde_moments", "ou_moments"]


def martingale_covariance():
    """``Cov M(t)/Sigma`` for ``M(t) = sqrt(eta) sum_{i < t/eta} xi_i``; returns ``(value, steps)``."""
    n, i = sp.Symbol("n", integer=True, positive=True), sp.Symbol("i", integer=True, nonnegative=True)
    Sig, Cij = sp.symbols("Sigma C_ij", positive=True)
    # Cov(sum xi_i) = sum_i Cov(xi_i) + sum_{i != j} Cov(xi_i, xi_j); cross terms vanish for i.i.d. (and for
    # martingale differences: E[xi_i xi_j^T] = E[xi_i E[xi_j^T | F_j]] = 0 for i < j)
    raw = sp.sqrt(eta) ** 2 * (sp.Sum(Sig, (i, 0, n - 1)).doit() + n * (n - 1) * Cij)
    val = simplify(raw.subs(Cij, 0).subs(n, t / eta) / Sig)
    steps = (Step("Cov(c X) = c^2 Cov(X) with c = sqrt(eta); Cov(sum_{i<n} xi_i) = n Sigma + sum_{i!=j} C_ij.", raw),
             Step("Independent (or martingale-difference) increments: C_ij = 0; n = t/eta steps.", val * Sig))
    return val, steps


def enumerate_martingale_variance(eta_value: Fraction, t_value: Fraction) -> Fraction:
    """Exact Var M(t) for scalar Rademacher xi_i (Sigma = 1), enumerating all 2^n sign sequences, n = t/eta."""
    n = t_value / eta_value
    if n.denominator != 1:
        raise ValueError("t/eta must be an integer")
    total = Fraction(0)
    for signs in product((-1, 1), repeat=int(n)):
        total += eta_value * Fraction(sum(signs)) ** 2      # (sqrt(eta) sum)^2 = eta (sum)^2
    return total / 2 ** int(n)


def sde_moments(mu, D, var=w):
    """``d/dt E[x]`` and ``d/dt E[x^2]`` for ``dx = mu dt + sqrt(D) dB``: E of the generator on x and x^2."""
    return sp.expand(generator(mu, D, var, var)), sp.expand(generator(mu, D, var ** 2, var))


def ou_moments():
    """Mean and variance ODEs of the OU process dx = -theta x dt + sigma dB, solved; stationary variance."""
    theta, sigma = sp.symbols("theta sigma", positive=True)
    x = sp.Symbol("x", real=True)
    m, v = sp.Function("m"), sp.Function("v")
    dm, dv = sde_moments(-theta * x, sigma ** 2, var=x)          # linear: E[x] -> m, E[x^2] -> v
    m_sol = sp.dsolve(sp.Eq(m(t).diff(t), dm.subs(x, m(t))), m(t), ics={m(0): sp.Symbol("m_0")}).rhs
    v_sol = sp.dsolve(sp.Eq(v(t).diff(t), dv.subs(x ** 2, v(t))), v(t), ics={v(0): sp.Symbol("v_0")}).rhs
    v_inf = sp.limit(v_sol, t, sp.oo)
    return {"mean": m_sol, "second_moment": v_sol, "stationary_variance": simplify(v_inf),
            "theta": theta, "sigma": sigma}


@register("martingale_covariance")
def _martingale() -> Derivation:
    val, steps = martingale_covariance()
    printed = sp.sqrt(eta) * t
    cases = [(Fraction(1, 4), Fraction(1)), (Fraction(1, 8), Fraction(1, 2)), (Fraction(1, 10), Fraction(1))]
    for e_v, t_v in cases:
        exact = enumerate_martingale_variance(e_v, t_v)
        if sp.Rational(exact.numerator, exact.denominator) != val.subs({t: sp.Rational(t_v.numerator, t_v.denominator),
                                                                         eta: sp.Rational(e_v.numerator, e_v.denominator)}):
            raise AssertionError(f"enumeration disagrees at eta={e_v}, t={t_v}")
    steps = steps + (Step("Exact check: scalar Rademacher increments, all 2^(t/eta) sign sequences, "
                          "(eta, t) = (1/4, 1), (1/8, 1/2), (1/10, 1).", val, check="Fraction-exact"),)
    ex = {eta: sp.Rational(1, 100), t: 1}
    return Derivation(
        quantity="martingale_covariance", title="Covariance of the SGD noise martingale",
        statement=f"Cov(sqrt(eta) sum_(i < t/eta) xi_i) = {val} * Sigma.", expr=val,
        assumptions=("i.i.d. (or martingale-difference) increments with covariance Sigma", "t/eta integer"),
        source="App. A.2", steps=steps, variables=("t", "eta"),
        notes=(f"App. A.2 prints Cov M(t) = sqrt(eta) (t/eta) Sigma = sqrt(eta) t Sigma: wrong twice (sqrt(eta) not "
               f"squared, and sqrt(eta) t/eta != sqrt(eta) t). At eta = 1/100, t = 1: correct {val.subs(ex)}, "
               f"printed final {printed.subs(ex)}, printed middle {(sp.sqrt(eta) * t / eta).subs(ex)}.",
               "Consistency: the SGD noise sum_i eta xi_i = sqrt(eta) M(t) has covariance eta t Sigma, the "
               "covariance of int_0^t sqrt(eta Sigma) dB, as in the SDE of Sec. 2.2."),
        extra={"printed": printed})

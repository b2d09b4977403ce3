"""Named quantities the engine's generic kinds compare this paper's formulas with (``@PAPER.reference``).

Each is a value computed here, never a decision: the derived forms come from :mod:`symdln.symbolic.saxe_modes`
(from the energy, by partial fractions) and the exact points are rational.
"""
from __future__ import annotations

import functools

import sympy as sp

from ...symbolic.saxe_modes import saxe_results
from ...symbolic.symbols import L, s
from ._base import PAPER
from ._evidence import N_l, eps, tau, u, u0, uf

R = sp.Rational
#: rational points (s, u_0, u_f, tau) of the learning-time formulas: a slow, a fast and a tiny-u_0 case
PTS = [{s: R(3, 2), u0: R(1, 100), uf: R(7, 5), tau: R(2)}, {s: R(1), u0: R(1, 3), uf: R(1, 2), tau: R(1, 7)},
       {s: R(5), u0: R(1, 1000), uf: R(49, 10), tau: R(3)}]


@PAPER.reference("u_rate_L2")
def u_rate_l2():
    """tau du/dt for u = ab, a = b, from the gradient flow of E(a, b)."""
    return saxe_results()["u_rate_L2"]


@PAPER.reference("time_L2")
def time_l2():
    """Time from u_0 to u_f under tau du/dt = 2u(s - u) (partial fractions)."""
    return saxe_results()["T2"]


@PAPER.reference("time_L2_eps")
def time_l2_eps():
    """The same time with u_0 = eps, u_f = s - eps."""
    return saxe_results()["T2_eps"]


@PAPER.reference("time_L2_quadrature")
def time_l2_quadrature(pt):
    """tau * int_{u_0}^{u_f} du / (2u(s-u)) by mpmath quadrature at a rational point (30 digits)."""
    import mpmath as mp
    sv = mp.mpf(sp.N(pt[s], 30))
    return mp.mpf(sp.N(pt[tau], 30)) * mp.quad(lambda x: 1 / (2 * x * (sv - x)),
                                               [mp.mpf(sp.N(pt[u0], 30)), mp.mpf(sp.N(pt[uf], 30))])


@PAPER.reference("time_points")
def time_points():
    return PTS


@PAPER.reference("time_points_N7")
def time_points_n7():
    return [{**pt, N_l: 7} for pt in PTS]


@PAPER.reference("rate_deep")
def rate_deep():
    """tau du/dt on the balanced path with N_l - 1 weight matrices (``saxe_mode_flow`` at L = N_l - 1)."""
    from ...symbolic import derive
    return derive("saxe_mode_flow").expr.subs(L, N_l - 1)


@PAPER.reference("time_deep_limit")
def time_deep_limit():
    """Time under the N_l -> oo rate tau du/dt = N_l u^2 (s - u) (partial fractions)."""
    return saxe_results()["Tinf"].subs(L, N_l - 1)


@PAPER.reference("eps_samples")
def eps_samples():
    return [{eps: e, s: 1, tau: 1} for e in (sp.Rational(1, 100), sp.Rational(1, 10 ** 4), sp.Rational(1, 10 ** 8))]


@PAPER.reference("depth_samples")
def depth_samples():
    """Where the N_l -> oo rate is a poor approximation: small u at moderate depth (non-uniform limit)."""
    return [{N_l: n, u: x, s: 1} for n in (10, 100) for x in (sp.Rational(1, 1000), sp.Rational(1, 2))]


@PAPER.reference("logistic_tau")
def logistic_tau():
    """The logistic trajectory of tau du/dt = 2u(s - u): ``gf_logistic`` with t -> t/tau."""
    from ...symbolic import derive
    from ...symbolic.symbols import t
    return derive("gf_logistic").expr.subs(t, t / tau)


@PAPER.reference("sigmoid_grid")
def sigmoid_grid():
    """s = 3/2, u_0 = 1/1000, tau = 2 (a sigmoid over three decades), t = 0, 1/2, ..., 12."""
    from ...symbolic.symbols import t
    return [{s: R(3, 2), u0: R(1, 1000), tau: R(2), t: R(k, 2)} for k in range(25)]


@functools.lru_cache(maxsize=8)
def _ode_solution(sv: float, u0v: float, tv: float):
    from scipy.integrate import solve_ivp
    # DOP853 at rtol 1e-12 over a sigmoid spanning three decades: agreement to 1e-8 relative expected
    return solve_ivp(lambda _t, y: [2 * y[0] * (sv - y[0]) / tv], (0, 12.0), [u0v], rtol=1e-12, atol=1e-15,
                     method="DOP853", dense_output=True).sol


@PAPER.reference("sigmoid_ode")
def sigmoid_ode(pt):
    """u(t) from a DOP853 integration of tau du/dt = 2u(s - u) (independent of any closed form)."""
    import mpmath as mp
    from ...symbolic.symbols import t
    sol = _ode_solution(float(pt[s]), float(pt[u0]), float(pt[tau]))
    return mp.mpf(float(sol(float(pt[t]))[0]))

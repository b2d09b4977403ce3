"""The modewise stationary density (Prop. 5.2, Eq. (16) with a reference point inside the support): the one
implementation, at two precisions.

* :func:`density_on_grid` -- floats on a grid (trapezoid rule): what simulations are compared with;
* :func:`stationary_law` -- mpmath quadrature at ``dps`` digits: what the small-beta expansions are tested with.

High-precision quadrature:

``p*(w) = exp(Phi(w)) / D(w)``, ``Phi(w) = int_{w_0}^w 2 mu/D`` (``w_0`` the stable drift zero: the paper's
reference point 0 is invalid for L >= 2, see ``derive("stationary_density")``).  The line is cut into
Gauss-Legendre panels of one peak width ``sd = sqrt(-D(w_0)/(2 mu'(w_0)))`` around ``w_0``, widths doubling
further out, and geometric panels ``[a/2, a]`` towards 0; ``Phi`` at a panel's nodes integrates the interpolant
of ``2 mu/D`` at those same nodes (spectral integration: a fixed matrix, :func:`_integration_matrix`), so the whole
density costs O(panels * nodes) evaluations of ``mu``, ``D``.  (The former rule, ``phi_rule="composite"``,
accumulates ``Phi`` node to node with a 6-point Gauss-Legendre sub-rule: 6x the evaluations.  Against a
reference at dps + 10 with finer rules, the spectral rule was within 3e-40 and the composite one within 8e-35
on six settings, L = 2..5, beta = 1e-3..1e-2: both far inside the stated tolerance.)
Panels are added until ``(1 + |w|)^3 p*(w) / p*(w_0) < 10**-(dps + 10)`` at both ends (the neglected tails
then change mass, mean and variance by less than that, for densities monotone beyond the window).

Tolerance: quantities are returned at ``mp.dps = dps`` (work precision dps + 10); the stated absolute
tolerance is ``10**(-dps + 5) * s**k`` (k = 1 for locations, 2 for variances), checked in the tests by
re-running with the composite rule at a finer degree and dps + 5 (``error_estimate=True``: an independent rule).

:func:`expansion_check` compares the small-beta expansions of :mod:`symdln.symbolic.stationary` (and the
paper's printed Eqs. (17)-(18)) with quadrature over a geometric sequence of ``beta``: a correct
first-order expansion leaves a residual ``O(beta^2)``, so the log-log slope of ``|residual|`` is >= 2.
"""
from __future__ import annotations

import fractions
import functools
import math
import time
from dataclasses import dataclass, field

import mpmath
import numpy as np
import sympy as sp
from mpmath.calculus.quadrature import GaussLegendre

from ._validation import SymdlnInputError, rational_from_string, reject_text, to_sympy

__all__ = ["density_on_grid", "StationaryLaw", "coefficient_callables", "rooted_integrand", "stationary_law", "expansion_check", "fit_slope", "EXPANSIONS", "SLOPE_TOL"]

mp = mpmath.mp


def density_on_grid(mu, D, lo: float, hi: float, n: int = 4001):
    """Zero-flux density ``p ~ (1/D) exp(int 2 mu / D)`` (Eq. 16 with a reference point inside the grid) on
    ``[lo, hi]`` by the trapezoid rule, for vectorised float callables ``mu``, ``D``; returns
    ``(grid, pdf, cdf)`` normalised on the grid."""
    from scipy.integrate import cumulative_trapezoid, trapezoid
    g = np.linspace(lo, hi, n)
    Dg = D(g)
    F = cumulative_trapezoid(2 * mu(g) / Dg, g, initial=0.0)
    logp = F - np.log(Dg)
    p = np.exp(logp - logp.max())
    p /= trapezoid(p, g)
    cdf = cumulative_trapezoid(p, g, initial=0.0)
    return g, p, cdf / cdf[-1]


@functools.lru_cache(maxsize=None)
def _gl(n_degree: int, prec: int):
    """Gauss-Legendre (nodes, weights) on [-1, 1] with 3 * 2**(n_degree-1) nodes at binary precision prec."""
    return GaussLegendre(mp).calc_nodes(n_degree, prec)


def _exact(x):
    """A parameter as an exact SymPy number (floats via their decimal repr: 0.1 -> 1/10)."""
    if isinstance(x, sp.Basic):
        return x
    if isinstance(x, int):
        return sp.Integer(x)
    if isinstance(x, str):
        return rational_from_string("parameter", x)
    reject_text("parameter", x)
    if isinstance(x, bool) or not isinstance(x, (float, np.floating, np.integer)) or not np.isfinite(x):
        raise SymdlnInputError(f"parameter must be a finite real number, a Rational or a string like '2/3'; "
                               f"got {type(x).__name__}")
    return sp.Rational(fractions.Fraction(repr(float(x))))


def coefficient_callables(mu_expr, D_expr, *, L, s, sigma_q, beta):
    """mpmath callables ``mu(w)``, ``D(w)`` from SymPy drift/diffusion with parameters substituted exactly."""
    from .symbolic.symbols import L as Ls, beta as bs, s as ss, sigma_q as qs, w as ws
    sub = {Ls: _exact(L), ss: _exact(s), qs: _exact(sigma_q), bs: _exact(beta)}
    out = []
    for name, e in (("mu", mu_expr), ("D", D_expr)):
        e = to_sympy(name, e)
        if not isinstance(e, sp.Basic):
            raise SymdlnInputError(f"{name} must be a SymPy expression in w, s, sigma_q, L, beta; got {type(e).__name__}")
        e = e.subs(sub)
        if e.free_symbols - {ws}:
            raise SymdlnInputError(f"{name} must depend only on w, s, sigma_q, L, beta; extra {e.free_symbols - {ws}}")
        out.append(sp.lambdify(ws, e, modules="mpmath"))
    return tuple(out)


@dataclass
class StationaryLaw:
    """Moments of the normalised stationary density, all as mpmath numbers at precision ``dps``."""
    drift_zero: mpmath.mpf
    mean: mpmath.mpf
    variance: mpmath.mpf
    mode: mpmath.mpf
    log_norm: mpmath.mpf         # log int exp(Phi)/D dw, Phi(w_0) = 0
    window: tuple                # (lowest, highest) w integrated
    n_panels: int
    dps: int
    tolerance: str               # the stated tolerance
    error_estimate: dict | None = None
    _mu: object = field(default=None, repr=False)
    _D: object = field(default=None, repr=False)

    def log_density(self, x):
        """log p*(x) (normalised), Phi by adaptive quadrature from the drift zero (for spot checks)."""
        with mp.workprec(max(mp.prec, mpmath.libmp.dps_to_prec(self.dps + 10))):
            phi = mp.quad(lambda u: 2 * self._mu(u) / self._D(u), [self.drift_zero, x])
            return phi - mp.log(self._D(x)) - self.log_norm


def _panel(f, logD, inner, outer, phi_inner, nodes, sub):
    """Nodes/weights/log p on panel [inner, outer] (either order); Phi accumulated from ``inner``."""
    a, b = (inner, outer) if inner < outer else (outer, inner)
    mid, half = (a + b) / 2, (b - a) / 2
    pts = sorted(((mid + half * t, half * wt) for t, wt in nodes), key=lambda p: abs(p[0] - inner))
    out, x_prev, phi = [], inner, phi_inner
    for x, wt in pts + [(outer, None)]:
        m, h = (x_prev + x) / 2, (x - x_prev) / 2
        phi += h * mp.fsum(sw * f(m + h * st) for st, sw in sub)
        if wt is not None:
            out.append((x, wt, phi - logD(x)))
        x_prev = x
    return out, phi


@functools.lru_cache(maxsize=None)
def _integration_matrix(n_degree: int, prec: int):
    """``S[i][j] = int_{-1}^{t_i} l_j(t) dt`` for the Lagrange basis ``l_j`` at the Gauss-Legendre nodes ``t_j``
    of :func:`_gl` (``sum_j S[i][j] f(t_j)`` integrates the degree-(n-1) interpolant of ``f`` from -1 to ``t_i``).

    From the Legendre expansion ``l_j(t) = w_j sum_k (2k+1)/2 P_k(t_j) P_k(t)`` (exact: Gauss-Legendre with n
    nodes integrates the products of degree <= 2n-2 exactly) and ``int_{-1}^x P_k = (P_{k+1}(x) - P_{k-1}(x))/(2k+1)``
    (``x + 1`` for k = 0); computed with 30 guard bits, returned at ``prec``."""
    nodes = _gl(n_degree, prec)
    n = len(nodes)
    with mp.workprec(prec + 30):
        ts = [mp.mpf(t) for t, _ in nodes]

        def legendre(x):
            P = [mp.one, x]
            for k in range(1, n):
                P.append(((2 * k + 1) * x * P[k] - k * P[k - 1]) / (k + 1))
            return P
        Ps = [legendre(x) for x in ts]
        S = []
        for i in range(n):
            Pi = Ps[i]
            I = [ts[i] + 1] + [(Pi[k + 1] - Pi[k - 1]) / (2 * k + 1) for k in range(1, n)]
            S.append([nodes[j][1] * mp.fsum((2 * k + 1) * Ps[j][k] * I[k] for k in range(n)) / 2 for j in range(n)])
    with mp.workprec(prec):
        return [[+x for x in row] for row in S]


def _panel_spectral(f, logD, inner, outer, phi_inner, nodes, S):
    """:func:`_panel` with ``Phi`` at the nodes from the panel's own values of ``f`` (spectral integration,
    :func:`_integration_matrix`): ``f`` evaluated once per node instead of once per node and sub-node."""
    a, b = (inner, outer) if inner < outer else (outer, inner)
    mid, half = (a + b) / 2, (b - a) / 2
    xs = [mid + half * t for t, _ in nodes]
    fs = [f(x) for x in xs]
    total = half * mp.fdot([wt for _, wt in nodes], fs)
    out = []
    for i, (x, (_, wt)) in enumerate(zip(xs, nodes)):
        part = half * mp.fdot(S[i], fs)                       # int_a^{x_i} f
        phi = phi_inner + part if inner < outer else phi_inner - (total - part)
        out.append((x, half * wt, phi - logD(x)))
    out.sort(key=lambda p: abs(p[0] - inner))
    return out, (phi_inner + total if inner < outer else phi_inner - total)


def rooted_integrand(mu_expr, D_expr, *, L, s, sigma_q, beta):
    """``(2 mu/D, log D)`` as mpmath callables of ``w`` that take one root ``v = w^(1/L)`` and evaluate a
    rational function of ``v`` (the coefficients' powers ``w^(k/L)`` are integer powers of ``v``), or ``None``
    when ``L`` is not a positive integer or the coefficients are not rational in ``v``.

    The same function as ``2 mu(w)/D(w)`` from :func:`coefficient_callables` (exact algebra: ``cancel`` of the
    substituted expressions), at half the cost: one ``mp.root`` instead of three fractional powers (``exp`` +
    ``log`` each) per evaluation; the two agree to ~1e-38 relative at the work precision ``dps + 10``."""
    from .symbolic.symbols import L as Ls, beta as bs, s as ss, sigma_q as qs, w as ws
    Lx = _exact(L)
    if not (Lx.is_Integer and Lx > 0):
        return None
    n = int(Lx)
    sub = {Ls: Lx, ss: _exact(s), qs: _exact(sigma_q), bs: _exact(beta)}
    v = sp.Dummy("v", positive=True)
    mu_v, D_v = (to_sympy(k, e).subs(sub).subs(ws, v ** n) for k, e in (("mu", mu_expr), ("D", D_expr)))
    f_v = sp.cancel(2 * mu_v / D_v)
    if f_v.free_symbols - {v} or D_v.free_symbols - {v} or not (f_v.is_rational_function(v)
                                                                 and D_v.is_rational_function(v)):
        return None
    F, G = sp.lambdify(v, f_v, modules="mpmath"), sp.lambdify(v, D_v, modules="mpmath")
    root = (lambda x: x) if n == 1 else (lambda x: mp.root(x, n))
    return (lambda x: F(root(x))), (lambda x: mp.log(G(root(x))))


def stationary_law(mu, D, *, s, dps: int = 30, degree: int = 4, sub_degree: int = 2,
                   max_panels: int = 400, error_estimate: bool = False, integrand=None,
                   phi_rule: str = "spectral") -> StationaryLaw:
    """Normalising constant, mean, variance, mode and drift zero of ``p* ~ exp(int 2mu/D)/D`` on (0, oo).

    ``mu``, ``D``: mpmath callables (see :func:`coefficient_callables`); ``s`` starts the drift-zero search.
    ``degree``: Gauss-Legendre degree per panel (3 * 2**(degree-1) nodes); ``phi_rule``: ``"spectral"``
    (Phi from the panel's nodes) or ``"composite"`` (node to node with the ``sub_degree`` rule).
    ``integrand``: optional faster callables ``(2 mu/D, log D)`` of the same functions (:func:`rooted_integrand`).
    """
    if dps < 15:
        raise SymdlnInputError(f"dps must be >= 15; got {dps=}")
    with mp.workdps(dps + 10):
        prec = mp.prec
        nodes = _gl(degree, prec)
        if phi_rule == "spectral":
            S = _integration_matrix(degree, prec)
            panel_fn = lambda f_, lD, i, o, ph: _panel_spectral(f_, lD, i, o, ph, nodes, S)   # noqa: E731
        elif phi_rule == "composite":
            sub = _gl(sub_degree, prec)
            panel_fn = lambda f_, lD, i, o, ph: _panel(f_, lD, i, o, ph, nodes, sub)          # noqa: E731
        else:
            raise SymdlnInputError(f"phi_rule must be 'spectral' or 'composite'; got {phi_rule!r}")
        w0 = mp.findroot(mu, mp.mpf(_exact(s).p) / _exact(s).q)
        slope = mp.diff(mu, w0)
        if not slope < 0 or not w0 > 0:
            raise SymdlnInputError(f"no stable drift zero near s={s}: found w0={w0}, mu'(w0)={slope}")
        sd = mp.sqrt(-D(w0) / (2 * slope))
        if integrand is None:
            f = lambda x: 2 * mu(x) / D(x)
            logD = lambda x: mp.log(D(x))
        else:
            f, logD = integrand
        logp0 = -logD(w0)
        cut = -(dps + 10) * mp.log(10)
        pts, n_panels, lo, hi = [], 0, w0, w0
        for direction in (+1, -1):
            edge, phi, width = w0, mp.zero, sd
            while True:
                if direction > 0:
                    k = (edge - w0) / sd
                    nxt = edge + (sd if k < 16 else width)
                    width = width * 2 if k >= 16 else width
                else:
                    nxt = edge - sd if edge - sd > edge / 2 else edge / 2
                panel, phi = panel_fn(f, logD, edge, nxt, phi)
                pts += panel
                n_panels += 1
                edge = nxt
                if phi - logD(edge) - logp0 + 3 * mp.log(1 + abs(edge)) < cut:
                    break
                if n_panels > max_panels:
                    raise SymdlnInputError(
                        f"density not concentrated enough to reach tolerance within {max_panels} panels "
                        f"(edge w={mp.nstr(edge, 8)}); beta may be too large")
            lo, hi = (lo, edge) if direction > 0 else (edge, hi)
        lmax = max(lp for _, _, lp in pts)
        e = [(x, wt * mp.exp(lp - lmax)) for x, wt, lp in pts]
        Z = mp.fsum(we for _, we in e)
        s_exact = mp.mpf(_exact(s).p) / _exact(s).q
        mean = s_exact + mp.fsum(we * (x - s_exact) for x, we in e) / Z
        var = mp.fsum(we * (x - mean) ** 2 for x, we in e) / Z
        dD = lambda x: mp.diff(D, x)
        x_start = max(pts, key=lambda p: p[2])[0]          # node with the largest log density
        mode = mp.findroot(lambda x: 2 * mu(x) - dD(x), x_start)
        law = StationaryLaw(drift_zero=+w0, mean=+mean, variance=+var, mode=+mode, log_norm=lmax + mp.log(Z),
                            window=(lo, hi), n_panels=n_panels, dps=dps,
                            tolerance=f"abs 10**(-{dps}+5) * s^k (k=1 locations, k=2 variance)", _mu=mu, _D=D)
    if error_estimate:
        fine = stationary_law(mu, D, s=s, dps=dps + 5, degree=degree + 1, sub_degree=sub_degree + 1,
                              max_panels=max_panels, phi_rule="composite")
        law.error_estimate = {k: abs(getattr(law, k) - getattr(fine, k)) for k in ("mean", "variance", "mode")}
    return law


# ------------------------------------------------------------------------------------------------ expansions
@functools.lru_cache(maxsize=64)
def _symbolic_expansion(which: str, mu, D):
    """The first-order expansion for ``which``, derived from (mu, D) by :mod:`symdln.symbolic.stationary`."""
    from .symbolic import stationary as st
    from .symbolic.symbols import s
    if which == "drift_zero":
        return s + st.drift_zero_shift(mu)
    if which == "mean":
        return s + st.moment_hierarchy(mu, D)["mean_shift"]
    if which == "variance":
        return st.moment_hierarchy(mu, D)["variance"]
    if which == "mode":
        return s + st.mode_shift(mu, D)
    if which in ("eq17_mean", "eq17_drift_zero"):
        return st.printed_eq17()
    if which == "eq18_variance":
        return st.printed_eq18()
    raise SymdlnInputError(f"which must be one of {sorted(EXPANSIONS)}; got {which!r}")


#: expansion id -> the registered derivation that computes it from the derived coefficients (the same builder of
#: :mod:`symdln.symbolic.stationary` on ``aligned_coefficient_exprs("derived")``; the variance derivation
#: returns the Ornstein-Uhlenbeck form, which it asserts equal to the moment hierarchy's)
_DERIVED_EXPANSION = {"drift_zero": "drift_zero_expansion", "variance": "stationary_variance_expansion",
                      "mean": "stationary_mean_expansion", "mode": "stationary_mode_expansion"}


def _prediction(which: str, coefficients, mu, D):
    """The expansion to test: for the derived coefficients, the registered derivation (read from the derivation
    cache when it is warm, instead of re-deriving it here), otherwise :func:`_symbolic_expansion`."""
    if which == "mean_above_s":
        return None
    if isinstance(coefficients, str) and coefficients == "derived" and which in _DERIVED_EXPANSION:
        from .symbolic import derive, quantity_ids
        if _DERIVED_EXPANSION[which] in quantity_ids():
            return derive(_DERIVED_EXPANSION[which]).expr
    return _symbolic_expansion(which, mu, D)


@functools.lru_cache(maxsize=256)
def _cached_law(mu_e, D_e, L, s, sigma_q, beta, dps):
    """Laws are reused across expansion checks of the same setting (several ``which`` per setting)."""
    mu, D = coefficient_callables(mu_e, D_e, L=L, s=s, sigma_q=sigma_q, beta=beta)
    fast = rooted_integrand(mu_e, D_e, L=L, s=s, sigma_q=sigma_q, beta=beta)
    return stationary_law(mu, D, s=s, dps=dps, integrand=fast)


#: expansion id -> the StationaryLaw field it predicts
EXPANSIONS = {"drift_zero": "drift_zero", "mean": "mean", "variance": "variance", "mode": "mode",
              "eq17_mean": "mean", "eq17_drift_zero": "drift_zero", "eq18_variance": "variance",
              "mean_above_s": "mean"}

SLOPE_TOL = 0.1
"""A first-order expansion leaves c2 beta^2 + c3 beta^3; for beta <= 1e-3 and |c3/c2| = O(1) the fitted slope
differs from 2 by ~|c3/c2| beta << 0.1, while a wrong O(beta) term gives slope ~1.  Pass iff slope >= 2 - 0.1."""


def fit_slope(betas, residuals) -> float:
    """Least-squares slope of log|residual| against log beta (inf if every residual is exactly 0)."""
    pairs = [(math.log(float(b)), math.log(abs(float(r)))) for b, r in zip(betas, residuals) if r != 0]
    if not pairs:
        return math.inf
    if len(pairs) < 2:
        raise SymdlnInputError("need at least two nonzero residuals to fit a slope")
    xm = sum(p[0] for p in pairs) / len(pairs)
    ym = sum(p[1] for p in pairs) / len(pairs)
    return sum((x - xm) * (y - ym) for x, y in pairs) / sum((x - xm) ** 2 for x, _ in pairs)


def expansion_check(which: str, L, s, sigma_q, betas, *, coefficients="derived", dps: int = 30) -> dict:
    """Quadrature evidence for a small-beta expansion.  ``coefficients``: "derived", "printed" or ``(mu, D)``.

    Returns the numeric values, predictions, residuals, the log-log slope of |residual| vs beta and
    ``passed`` (slope >= 2 - SLOPE_TOL); for ``which="mean_above_s"``, ``passed`` iff every mean > s.
    """
    from .symbolic.fokker_planck import aligned_coefficient_exprs
    from .symbolic.symbols import L as Ls, beta as bs, s as ss, sigma_q as qs
    if which not in EXPANSIONS:
        raise SymdlnInputError(f"which must be one of {sorted(EXPANSIONS)}; got {which!r}")
    betas = [float(b) for b in betas]
    if len(betas) < 2 or any(not b > 0 for b in betas):
        raise SymdlnInputError(f"betas must be >= 2 positive numbers; got {betas}")
    if not isinstance(coefficients, str):
        coefficients = to_sympy("coefficients", coefficients)
        if not isinstance(coefficients, (tuple, list)) or len(coefficients) != 2 or \
                not all(isinstance(c, sp.Basic) for c in coefficients):
            raise SymdlnInputError("coefficients must be 'derived', 'printed' or a pair (mu, D) of SymPy expressions")
    mu_e, D_e = aligned_coefficient_exprs(coefficients) if isinstance(coefficients, str) else tuple(coefficients)
    t0 = time.perf_counter()
    pred_expr = _prediction(which, coefficients, mu_e, D_e)
    rows = []
    with mp.workdps(dps):
        for b in betas:
            law = _cached_law(mu_e, D_e, L, s, sigma_q, b, dps)
            val = getattr(law, EXPANSIONS[which])
            row = {"beta": b, "value": mp.nstr(val, dps)}
            if pred_expr is not None:
                pe = pred_expr.subs({Ls: _exact(L), ss: _exact(s), qs: _exact(sigma_q), bs: _exact(b)})
                pred = mp.mpf(sp.N(pe, dps + 10))
                row.update(prediction=mp.nstr(pred, dps), residual=float(val - pred))
            row["value_minus_s"] = float(val - mp.mpf(_exact(s).p) / _exact(s).q)
            rows.append(row)
    out = {"which": which, "L": L, "s": s, "sigma_q": sigma_q, "coefficients": coefficients
           if isinstance(coefficients, str) else "custom", "dps": dps, "rows": rows,
           "tolerance": f"quadrature abs 10**(-{dps}+5)*s^k; slope >= 2 - {SLOPE_TOL}"}
    if which == "mean_above_s":
        out["passed"] = all(r["value_minus_s"] > 0 for r in rows)
    else:
        out["slope"] = fit_slope(betas, [r["residual"] for r in rows])
        out["passed"] = out["slope"] >= 2 - SLOPE_TOL
        out["residual_over_beta2"] = [r["residual"] / r["beta"] ** 2 for r in rows]
    out["seconds"] = time.perf_counter() - t0
    return out

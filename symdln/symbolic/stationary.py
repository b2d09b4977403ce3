"""Stationary law of the aligned modewise SDE: no label noise, and small-beta expansions (Prop. 5.2, Eqs. 17-18; App. F).

Every builder takes the drift ``mu`` and diffusion ``D`` (SymPy, in ``w``), so it runs on the derived
coefficients (``derive("drift_aligned")``/``derive("diffusion_aligned")``) and on the printed ones
(:func:`symdln.symbolic.fokker_planck.printed_coefficients`).  Expansions are in ``beta`` with
``s, sigma_q, L`` fixed, ``sigma_q > 0``; the peak width is ``O(sqrt(beta))``.

Two independent routes are used for the mean (they must agree symbolically):
* moment hierarchy: at stationarity ``E[generator f] = 0`` for ``f = x, x^2`` (``x = w - s``), Taylor-expanding
  ``mu`` and ``D`` about ``s`` with ``E x = O(beta)``, ``E x^2 = O(beta)``, ``E x^3, E x^4 = O(beta^2)``;
* Laplace: ``p* = exp(-U/beta) h`` with ``U' = -A``, ``h = exp(int B)/D1`` (``2mu/D = A/beta + B``), so
  ``E x = beta [(log h)'/U'' - U'''/(2 U''^2)](s) + O(beta^2)`` and the mode is ``s + beta (log h)'/U'' + O(beta^2)``.
"""
from __future__ import annotations

import functools

import sympy as sp

from .fokker_planck import aligned_coefficient_exprs, generator, printed_coefficients, split_beta
from ._simp import cancels_to_zero, simplify
from .result import Derivation, Step, register
from .symbols import L, beta, s, sigma_q, w

__all__ = ["taylor_data", "drift_zero_shift", "moment_hierarchy", "laplace_mean_mode", "mode_shift",
           "no_label_noise_constants", "printed_eq17", "printed_eq18",
           "drift_zero_derivation", "variance_derivation", "mean_derivation", "mode_derivation",
           "no_label_noise_derivation", "laplace_series"]

_m = sp.Symbol("m", real=True)          # O(beta) coefficient of a location shift
_x = sp.Symbol("x", real=True)          # w - s
_SRC = "Prop. 5.2 (ii), Eqs. (17)-(18); App. F"


def _side(shift) -> str:
    """'below'/'above'/'undecided': sign of a shift for all sigma_q > 0, s > 0, L >= 2."""
    sq, k = sp.Symbol("sq", positive=True), sp.Symbol("k", nonnegative=True)
    e = shift.subs(sigma_q, sq).subs(L, 2 + k)
    return "below" if e.is_negative else "above" if e.is_positive else "undecided (sign depends on parameters)"


def _simp(e):
    """The displayed form: powers combined around ``simplify`` (computed once per distinct input in a process; the
    same drift, diffusion and shift come back in several derivations)."""
    try:
        return _simp_memo(e)
    except TypeError:                      # unhashable (a mutable matrix)
        return _simp_memo.__wrapped__(e)


@functools.lru_cache(maxsize=1024)
def _simp_memo(e):
    return sp.powsimp(simplify(sp.powsimp(sp.expand(e), force=True)), force=True)


def _linear_root(eq, var) -> list:
    """``[-b/a]`` for an equation ``a var + b = 0`` (``a``, ``b`` free of ``var``, ``a`` not identically zero), the
    one solution ``sympy.solve`` returns for it, without its search; anything else goes to ``sympy.solve``.  Every
    caller brings the root to its displayed form with :func:`_simp`."""
    e = sp.expand(eq)
    a, b = e.coeff(var, 1), e.coeff(var, 0)
    if a != 0 and not a.has(var) and not b.has(var) and sp.expand(a * var + b - e) == 0 and not cancels_to_zero(a):
        return [-b / a]
    return sp.solve(eq, var)


def _derivatives(e, n: int) -> list:
    """``[e, e', ..., e^(n)]`` in ``w``, each from the previous one (``sp.diff(e, w, k)`` for every k would
    redo the lower orders).  Equal to ``sp.diff(e, w, k)`` as functions, not always term for term: every caller
    brings the values at ``w = s`` to a canonical form (``cancel``/``expand``) before using them."""
    out = [e]
    for _ in range(n):
        out.append(sp.diff(out[-1], w))
    return out


def taylor_data(mu, D):
    """Order-beta Taylor data of ``mu``, ``D`` at ``w = s``; checks ``mu(s) = O(beta)`` and ``D = O(beta)``."""
    at_s = lambda e: e.subs(w, s)
    if _simp(at_s(mu).subs(beta, 0)) != 0:
        raise ValueError("mu(s) must vanish at beta = 0 (gradient drift zero at w = s)")
    if _simp(D.subs(beta, 0)) != 0:
        raise ValueError("D must vanish at beta = 0")
    return {
        "mu0_1": _simp(sp.diff(at_s(mu), beta).subs(beta, 0)),      # d mu(s)/d beta
        "mu1_0": _simp(at_s(sp.diff(mu, w)).subs(beta, 0)),          # mu'(s) at beta = 0
        "mu2_0": _simp(at_s(sp.diff(mu, w, 2)).subs(beta, 0)),       # mu''(s) at beta = 0
        "d0": _simp(at_s(sp.diff(D, beta)).subs(beta, 0)),          # D(s)/beta
        "d1": _simp(at_s(sp.diff(D, w, beta)).subs(beta, 0)),       # D'(s)/beta
    }


def drift_zero_shift(mu):
    """``w_0 - s = beta m + O(beta^2)`` where ``mu(w_0) = 0``: series of ``mu(s + beta m)`` in beta."""
    ser = sp.diff(mu.subs(w, s + beta * _m), beta).subs(beta, 0)
    sol = _linear_root(_simp(ser), _m)
    if len(sol) != 1:
        raise ValueError(f"drift zero: expected one O(beta) solution, got {sol}")
    return _simp(beta * sol[0])


def mode_shift(mu, D):
    """Mode of p*: zero of ``(log p*)' = (2 mu - D')/D``, i.e. of ``2 mu - D'``; ``beta m + O(beta^2)``."""
    g = 2 * mu - sp.diff(D, w)
    ser = sp.diff(g.subs(w, s + beta * _m), beta).subs(beta, 0)
    sol = _linear_root(_simp(ser), _m)
    if len(sol) != 1:
        raise ValueError(f"mode: expected one O(beta) solution, got {sol}")
    return _simp(beta * sol[0])


def moment_hierarchy(mu, D):
    """Leading ``E[w] - s`` and ``Var`` from ``E[mu] = 0`` and ``E[2 x mu + D] = 0`` (generator on x, x^2).

    Ansatz ``E x = beta m1``, ``E x^2 = beta v`` (+ O(beta^2)); moments of order >= 3 are O(beta^2).
    Returns ``{"mean_shift", "variance", "equations"}`` (a fresh dict; the solve is memoised per law).
    """
    out = _moment_hierarchy(mu, D)
    return {**out, "equations": list(out["equations"])}


@functools.lru_cache(maxsize=64)
def _moment_hierarchy(mu, D):
    """:func:`moment_hierarchy`, computed once per ``(mu, D)`` (the same law is asked for by several
    derivations and checks)."""
    m1, v = sp.symbols("m1 v", real=True)
    moments = {1: beta * m1, 2: beta * v}
    eqs = []
    # mu, D Taylor-expanded about s to second order in x (the same for both test functions)
    mu_t = sum(d.subs(w, s) * _x ** k / sp.factorial(k) for k, d in enumerate(_derivatives(mu, 2)))
    D_t = sum(d.subs(w, s) * _x ** k / sp.factorial(k) for k, d in enumerate(_derivatives(D, 2)))
    for f in (_x, _x ** 2):
        # E[generator f]
        g = sp.expand(generator(mu_t, D_t, f, var=_x))
        poly = sp.Poly(g, _x)
        expect = sum(c * (moments.get(k, 0) if k > 0 else 1) for (k,), c in poly.terms() if k <= 2)
        eqs.append(_simp(sp.diff(expect, beta).subs(beta, 0)))   # O(beta) coefficient
    sol = sp.solve(eqs, [m1, v], dict=True)
    if len(sol) != 1:
        raise ValueError(f"moment hierarchy: expected one solution, got {sol}")
    return {"mean_shift": _simp(beta * sol[0][m1]), "variance": _simp(beta * sol[0][v]), "equations": eqs}


def laplace_mean_mode(mu, D):
    """Laplace route: ``p* = exp(-U/beta) h``; returns leading mean shift and mode shift."""
    A, B, D1 = split_beta(mu, D)
    U2 = _simp(-sp.diff(A, w).subs(w, s))
    U3 = _simp(-sp.diff(A, w, 2).subs(w, s))
    if _simp(A.subs(w, s)) != 0:
        raise ValueError("U'(s) = -A(s) must vanish (peak of exp(-U/beta) at s)")
    dlogh = _simp((B - sp.diff(D1, w) / D1).subs(w, s))
    return {"mean_shift": _simp(beta * (dlogh / U2 - U3 / (2 * U2 ** 2))), "mode_shift": _simp(beta * dlogh / U2),
            "U2": U2, "U3": U3, "dlogh": dlogh}


def no_label_noise_constants(mu, D):
    """sigma_q = 0: ``D ~ Q (s-w)^2``, ``mu ~ q (s-w)`` as ``w -> s``; density ``~ |s-w|^(-2 - 2q/Q)``."""
    mu0, D0 = mu.subs(sigma_q, 0), D.subs(sigma_q, 0)
    Q = _simp(sp.diff(D0, w, 2).subs(w, s) / 2)
    q = _simp(-sp.diff(mu0, w).subs(w, s))
    if _simp(mu0.subs(w, s)) != 0 or _simp(D0.subs(w, s)) != 0 or _simp(sp.diff(D0, w).subs(w, s)) != 0:
        raise ValueError("expected mu(s) = D(s) = D'(s) = 0 at sigma_q = 0")
    return {"Q": Q, "q": q, "density_exponent": _simp(-2 - 2 * q / Q)}


def printed_eq17():
    """Eq. (17) as printed, with eta/(2B) = beta/2: w* = s + (beta/2)(L-1) s^(-2/L) sigma_q."""
    return s + beta / 2 * (L - 1) * s ** (-2 / L) * sigma_q


def printed_eq18():
    """Eq. (18) as printed: Var = (beta L / 2) sigma_q^2 s^(2(L-1)/L)."""
    return beta * L / 2 * sigma_q ** 2 * s ** (2 * (L - 1) / L)


# ------------------------------------------------------------------------------------------- derivation builders
_ASSUME = ("sigma_q > 0", "beta -> 0 with s, sigma_q, L fixed", "aligned + balanced scalar SDE (Prop. 3.5)")
_VARS = ("s", "sigma_q", "L", "beta")


def drift_zero_derivation(mu, D, printed=None) -> Derivation:
    shift = drift_zero_shift(mu)
    td = taylor_data(mu, D)
    lin = _simp(-beta * td["mu0_1"] / td["mu1_0"])
    if _simp(shift - lin) != 0:
        raise AssertionError("series solution and linearisation -mu(s)/mu'(s) disagree")
    notes = [f"Printed Eq. (17) gives the shift {_simp(printed_eq17() - s)}; derived shift {shift}: "
             f"{'equal' if _simp(printed_eq17() - s - shift) == 0 else 'different'}."]
    coincide = sp.solve(_simp(printed_eq17() - s - shift), sigma_q)
    notes.append(f"Eq. (17) and the derived drift zero coincide only where sigma_q = {coincide} (sigma_q s = 1 "
                 "makes the dimensionally wrong s^(-2/L) sigma_q equal s^((L-2)/L) sigma_q^2).")
    if printed is not None:
        pz = drift_zero_shift(printed[0])
        notes.append(f"The printed drift (Eqs. 13-14) has its zero at s + {pz}: Eq. (17) is "
                     f"{'consistent' if _simp(pz - (printed_eq17() - s)) == 0 else 'inconsistent'} with the printed drift.")
    steps = (Step("Substitute w = s + beta m into mu and take the O(beta) coefficient.",
                  sp.diff(mu.subs(w, s + beta * _m), beta).subs(beta, 0)),
             Step("Solve for m; equals the linearisation -mu(s)/mu'(s).", shift,
                  check="simplify(series - (-mu(s)/mu'(s))) == 0"))
    return Derivation(
        quantity="drift_zero_expansion", title="Zero of the modewise drift near s",
        statement=f"The stable zero of mu is w_0 = s + {shift} + O(beta^2) (above s).",
        expr=s + shift, assumptions=_ASSUME, source=_SRC, steps=steps, variables=_VARS, notes=tuple(notes),
        extra={"shift": shift, "order": "O(beta^2)"})


def variance_derivation(mu, D, printed=None) -> Derivation:
    td = taylor_data(mu, D)
    ou = _simp(-beta * td["d0"] / (2 * td["mu1_0"]))
    hier = moment_hierarchy(mu, D)["variance"]
    if _simp(ou - hier) != 0:
        raise AssertionError(f"OU variance {ou} and moment hierarchy {hier} disagree")
    same = _simp(ou - printed_eq18()) == 0
    from .continuum import ou_moments
    ou_sol = ou_moments()
    via_ode = _simp(ou_sol["stationary_variance"].subs({ou_sol["sigma"]: sp.sqrt(beta * td["d0"]),
                                                        ou_sol["theta"]: -td["mu1_0"]}))
    if _simp(via_ode - ou) != 0:
        raise AssertionError("OU moment ODE and -D/(2mu') disagree")
    steps = (Step("OU linearisation dx = mu'(s) x dt + sqrt(D(s)) dB (App. F); its second-moment ODE "
                  "v' = 2 mu'(s) v + D(s), solved by dsolve, tends to -D(s)/(2 mu'(s)).", ou_sol["second_moment"]),
             Step("Leading order of -D(s)/(2 mu'(s)).", ou),
             Step("Independently: E[2 x mu + D] = 0 (generator on x^2) at O(beta).", hier,
                  check="simplify(OU - hierarchy) == 0"))
    return Derivation(
        quantity="stationary_variance_expansion", title="Stationary variance of a mode, small beta",
        statement=f"Var_p*(w) = {ou} + O(beta^2).", expr=ou, assumptions=_ASSUME, source=_SRC, steps=steps,
        variables=_VARS, notes=(f"Printed Eq. (18) is {'confirmed' if same else 'different'} "
                                "(sigma_q read as a standard deviation).",),
        extra={"order": "O(beta^2)"})


def mean_derivation(mu, D, printed=None) -> Derivation:
    hier = moment_hierarchy(mu, D)
    lap = laplace_mean_mode(mu, D)
    if _simp(hier["mean_shift"] - lap["mean_shift"]) != 0:
        raise AssertionError(f"moment hierarchy {hier['mean_shift']} and Laplace {lap['mean_shift']} disagree")
    shift = hier["mean_shift"]
    zero = drift_zero_shift(mu)
    notes = [f"mean - s = {shift}; drift zero - s = {zero}; ratio {_simp(shift / zero)}: the mean is NOT the drift "
             "zero (the paper identifies them in Eq. (17)).",
             f"For sigma_q > 0, s > 0, L >= 2 the mean lies {_side(shift)} s, the drift zero {_side(zero)} s: "
             "the statement 'mean slightly above s due to the Ito drift' holds only if the mean lies above."]
    if printed is not None:
        pm = moment_hierarchy(*printed)["mean_shift"]
        notes.append(f"With the printed coefficients (Eqs. 13-15) the same derivation gives mean - s = {pm}.")
    steps = (Step("E[mu(w)] = 0 and E[2 x mu + D] = 0 at stationarity; Taylor-expand mu, D about s; O(beta) terms.",
                  sp.Matrix(hier["equations"])),
             Step("Solve: leading mean shift (moment hierarchy).", shift),
             Step("Independently, Laplace expansion of p* = exp(-U/beta) h: beta[(log h)'/U'' - U'''/(2U''^2)].",
                  lap["mean_shift"], check="simplify(hierarchy - Laplace) == 0"))
    return Derivation(
        quantity="stationary_mean_expansion", title="Mean of the stationary law of a mode, small beta",
        statement=f"E_p*[w] = s + {shift} + O(beta^2).", expr=s + shift, assumptions=_ASSUME, source=_SRC,
        steps=steps, variables=_VARS, notes=tuple(notes),
        extra={"shift": shift, "drift_zero_shift": zero, "order": "O(beta^2)"})


def mode_derivation(mu, D, printed=None) -> Derivation:
    shift = mode_shift(mu, D)
    lap = laplace_mean_mode(mu, D)["mode_shift"]
    if _simp(shift - lap) != 0:
        raise AssertionError(f"mode: series {shift} and Laplace {lap} disagree")
    zero = drift_zero_shift(mu)
    steps = (Step("The mode solves (log p*)' = (2mu - D')/D = 0; substitute w = s + beta m, O(beta) coefficient.",
                  sp.diff((2 * mu - sp.diff(D, w)).subs(w, s + beta * _m), beta).subs(beta, 0)),
             Step("Solve for m; Laplace route beta (log h)'(s)/U''(s) agrees.", shift, check="simplify(diff) == 0"))
    return Derivation(
        quantity="stationary_mode_expansion", title="Mode of the stationary law of a mode, small beta",
        statement=f"argmax p* = s + {shift} + O(beta^2).", expr=s + shift, assumptions=_ASSUME, source=_SRC,
        steps=steps, variables=_VARS, notes=(f"mode shift / drift-zero shift = {_simp(shift / zero)}.",),
        extra={"shift": shift, "order": "O(beta^2)"})


def no_label_noise_derivation(mu, D, printed=None) -> Derivation:
    c = no_label_noise_constants(mu, D)
    notes = [f"Q = {c['Q']}, q = {c['q']}; density ~ |s - w|^({c['density_exponent']}), exponent < -1: not "
             "integrable at s, so no normalisable density; the stationary law is a Dirac mass at s (Prop. 5.2 (i))."]
    if printed is not None:
        cp = no_label_noise_constants(*printed)
        notes.append(f"With the printed drift: q = {cp['q']} (the printed Ito term contributes at first order).")
    steps = (Step("sigma_q = 0: D(s) = D'(s) = 0, mu(s) = 0; Q = D''(s)/2, q = -mu'(s).", sp.Matrix([c["Q"], c["q"]])),
             Step("2mu/D ~ 2q/(Q (s - w)): exp(int 2mu/D) ~ |s-w|^(-2q/Q); with 1/D ~ |s-w|^(-2):",
                  c["density_exponent"]))
    return Derivation(
        quantity="stationary_no_label_noise", title="No label noise: no normalisable stationary density",
        statement=f"With sigma_q = 0 the zero-flux density behaves like |s - w|^({c['density_exponent']}) near s "
                  "and is not integrable.", expr=c["density_exponent"], assumptions=("sigma_q = 0",),
        source="Prop. 5.2 (i); App. F", steps=steps, variables=("s", "L", "beta"), notes=tuple(notes), extra=c)


def _register(qid, builder):
    @register(qid)
    def _fn() -> Derivation:
        return builder(*aligned_coefficient_exprs("derived"), printed=printed_coefficients())
    return _fn


for _qid, _b in (("stationary_no_label_noise", no_label_noise_derivation),
                 ("drift_zero_expansion", drift_zero_derivation),
                 ("stationary_variance_expansion", variance_derivation),
                 ("stationary_mean_expansion", mean_derivation),
                 ("stationary_mode_expansion", mode_derivation)):
    _register(_qid, _b)


# ------------------------------------------------------------------------------------------- second order in beta
_y, _eps = sp.Symbol("y", real=True), sp.Symbol("epsilon", positive=True)


def _gaussian_moment(n: int, u2):
    """``E[y^n]`` for ``y ~ N(0, 1/u2)``."""
    return sp.Integer(0) if n % 2 else sp.factorial2(n - 1) * u2 ** sp.Rational(-n, 2)


def _trunc(expr, k: int):
    """Terms of degree <= k in eps of a polynomial in eps."""
    poly = sp.Poly(sp.expand(expr), _eps)
    return sp.Add(*[c * _eps ** m for (m,), c in poly.terms() if m <= k])


def _composed_taylor(f_at_s, g_at_s, ms) -> list:
    """Coefficients ``c_0..c_n`` of ``beta^j`` in ``f(s + delta) + beta g(s + delta)``, ``delta = sum_j beta^j m_j``
    (``n = len(ms)``), from ``f_at_s = [f(s), f'(s), ..., f^(n)(s)]`` and ``g_at_s = [g(s), ..., g^(n-1)(s)]``:
    Taylor's formula ``f(s + delta) = sum_k f^(k)(s) delta^k / k!`` (``delta^k = O(beta^k)``, so ``k <= n`` is
    exact to ``beta^n``), with each power of ``delta`` a truncated polynomial in ``beta``."""
    n = len(ms)
    delta = [sp.Integer(0)] + list(ms)                      # coefficient list in beta, degree <= n
    power = [sp.Integer(1)] + [sp.Integer(0)] * n           # delta^0
    out = [sp.Integer(0)] * (n + 1)
    for k in range(n + 1):
        for j in range(n + 1):
            out[j] += f_at_s[k] * power[j] / sp.factorial(k)
            if k < n and j < n:
                out[j + 1] += g_at_s[k] * power[j] / sp.factorial(k)
        power = [sp.Add(*[power[i] * delta[j - i] for i in range(j + 1)]) for j in range(n + 1)]
    return out


def laplace_series(mu, D, order: int = 2) -> dict:
    """Mean shift, variance and mode shift of ``p* = exp(int 2 mu/D)/D`` to ``O(beta^order)`` (Laplace method).

    With ``2 mu/D = A/beta + B`` (:func:`split_beta`), ``p* ~ exp(-U/beta) h``, ``U' = -A``, ``(log h)' = B - D1'/D1``.
    Put ``w = s + sqrt(beta) y``: ``log p* = -U_2 y^2/2 + sum_k eps^k P_k(y)`` (``eps = sqrt(beta)``, ``P_k`` from the
    Taylor coefficients ``U_k = U^(k)(s)``, ``h_k = (log h)^(k)(s)``); the moments are Gaussian moments of
    ``exp(sum eps^k P_k)`` expanded to ``eps^(2 order)``, ratios expanded again.  The mode solves
    ``A + beta (log h)' = 0`` by ``w = s + sum_j beta^j m_j``.  Returns ``{"mean_shift", "variance", "mode_shift"}``
    (each a polynomial in beta without constant term) and the coefficient data.
    """
    A, B, D1 = split_beta(mu, D)
    if _simp(A.subs(w, s)) != 0:
        raise ValueError("A(s) must vanish (the gradient drift is zero at w = s)")
    g = B - sp.diff(D1, w) / D1
    # E[w] - s = eps E[y] needs E[y] to eps^(2 order - 1): U_k up to k = 2 order + 1, h_k up to 2 order - 1
    n = 2 * order - 1
    u = {k: sp.Symbol(f"u{k}") for k in range(2, n + 3)}
    h = {k: sp.Symbol(f"h{k}") for k in range(1, n + 1)}
    Q = (sum(-u[k] * _eps ** (k - 2) * _y ** k / sp.factorial(k) for k in range(3, n + 3))
         + sum(h[k] * _eps ** k * _y ** k / sp.factorial(k) for k in range(1, n + 1)))
    trunc = lambda e, k=n: _trunc(e, k)
    weight, term = sp.Integer(1), sp.Integer(1)
    for j in range(1, n + 1):                              # exp(Q) = sum Q^j / j!, Q = O(eps)
        term = trunc(sp.expand(term * Q / j))
        weight += term

    def gm(expr):            # Gaussian expectation of a polynomial in y
        poly = sp.Poly(sp.expand(expr), _y)
        return sp.expand(sum(c * _gaussian_moment(m, u[2]) for (m,), c in poly.terms()))

    zm1 = trunc(gm(weight) - 1, n - 1)                      # Z = 1 + O(eps^2), needed to eps^(n-1)
    inv_z = trunc(sum((-zm1) ** j for j in range(order)), n - 1)
    m1 = trunc(sp.expand(gm(_y * weight) * inv_z), n)
    m2 = trunc(sp.expand(gm(_y ** 2 * weight) * inv_z), n - 1)
    mean_gen = trunc(sp.expand(_eps * m1), n + 1)
    var_gen = trunc(sp.expand(_eps ** 2 * (m2 - m1 ** 2)), n + 1)
    fast = lambda e: sp.powsimp(sp.cancel(sp.powsimp(e, force=True)), force=True)   # rational in s, sigma_q
    dA, dg = _derivatives(A, max(u) - 1), _derivatives(g, max(h) - 1)      # each derivative once
    vals = {u[k]: fast(-dA[k - 1].subs(w, s)) for k in u}
    vals.update({h[k]: fast(dg[k - 1].subs(w, s)) for k in h})
    to_beta = lambda e: sp.expand(e.subs(_eps, sp.sqrt(beta)))
    coeffs = lambda e: [sp.factor(fast(e.coeff(beta, j).subs(vals))) for j in range(1, order + 1)]
    mean_c, var_c = coeffs(to_beta(mean_gen)), coeffs(to_beta(var_gen))
    # mode: A(w) + beta g(w) = 0 with w = s + sum_j beta^j m_j
    ms = sp.symbols(f"m1:{order + 1}")
    # Taylor coefficients in beta of (A + beta g)(s + delta), delta = sum_j beta^j m_j: Taylor's formula in w with
    # the derivatives at s already computed, then the powers of delta as polynomials in beta
    taylor = _composed_taylor([d.subs(w, s) for d in dA[:order + 1]], [d.subs(w, s) for d in dg[:order]], ms)
    sol: dict = {}
    for j in range(1, order + 1):
        cj = _simp(taylor[j].subs(sol))
        sol[ms[j - 1]] = _simp(_linear_root(cj, ms[j - 1])[0])
    mode_c = [sol[m] for m in ms]
    poly = lambda cs: sum(c * beta ** (j + 1) for j, c in enumerate(cs))
    return {"mean_shift": poly(mean_c), "variance": poly(var_c), "mode_shift": poly(mode_c),
            "mean_coeffs": mean_c, "variance_coeffs": var_c, "mode_coeffs": mode_c,
            "generic_mean": mean_gen, "generic_variance": var_gen, "taylor": vals, "order": order}


@register("stationary_second_order")
def _second_order() -> Derivation:
    mu, D = aligned_coefficient_exprs("derived")
    ser = laplace_series(mu, D, order=2)
    hier = moment_hierarchy(mu, D)
    if _simp(ser["mean_coeffs"][0] * beta - hier["mean_shift"]) != 0 or \
            _simp(ser["variance_coeffs"][0] * beta - hier["variance"]) != 0 or \
            _simp(ser["mode_coeffs"][0] * beta - mode_shift(mu, D)) != 0:
        raise AssertionError("first-order terms of the Laplace series disagree with the first-order derivations")
    steps = (Step("Laplace expansion: w = s + sqrt(beta) y, log p* = -U_2 y^2/2 + sum eps^k P_k(y); E[w] - s in terms "
                  "of the Taylor coefficients u_k = U^(k)(s), h_k = (log h)^(k)(s)", ser["generic_mean"]),
             Step("Variance, same expansion", ser["generic_variance"]),
             Step("With the derived drift and diffusion: the beta and beta^2 coefficients of E[w] - s, Var, mode - s",
                  sp.Matrix([ser["mean_coeffs"], ser["variance_coeffs"], ser["mode_coeffs"]]),
                  "first-order coefficients == moment hierarchy / mode_shift (symbolic)"))
    return Derivation(
        quantity="stationary_second_order", title="Stationary mean, variance and mode of a mode to second order",
        statement=f"E[w] - s = {ser['mean_shift']} + O(beta^3); Var = {ser['variance']} + O(beta^3); "
                  f"mode - s = {ser['mode_shift']} + O(beta^3).",
        expr=sp.Matrix([ser["mean_shift"], ser["variance"], ser["mode_shift"]]), assumptions=_ASSUME, source=_SRC,
        steps=steps, variables=_VARS,
        notes=("Asymptotic (Laplace) expansion of the exact 1-D stationary density with the derived coefficients; "
               "exponentially small tail terms are dropped.  Checked against mpmath quadrature by the slope of the "
               "residual (tests/test_second_order.py).",),
        extra={"mean_coeffs": ser["mean_coeffs"], "variance_coeffs": ser["variance_coeffs"],
               "mode_coeffs": ser["mode_coeffs"], "order": "O(beta^3)"})

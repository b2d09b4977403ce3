"""1-D Fokker-Planck operator and the zero-flux stationary density (paper Sec. 5, Prop. 5.1, Eq. (16); App. F).

Everything here is parameterised by a drift ``mu`` and a diffusion ``D`` (SymPy expressions in
``w``), so the same machinery runs on the derived aligned + balanced coefficients
(``derive("drift_aligned")``, ``derive("diffusion_aligned")``) and on the paper's printed ones
(Eqs. (13)-(15), :func:`printed_coefficients`).

Registered quantities: ``fokker_planck_1d`` and ``stationary_density``.
"""
from __future__ import annotations

import sympy as sp

from ._simp import cancels_to_zero, simplifies_to_zero, simplify, simplify_zero_first
from .result import Derivation, Step, derive, quantity_ids, register
from .symbols import L, beta, s, sigma_q, w, z

__all__ = ["generator", "fp_operator", "probability_current", "stationary_density_expr", "zero_flux_residual",
           "printed_coefficients", "aligned_coefficient_exprs", "split_beta", "leading_monomial",
           "endpoint_behaviour", "large_unstable_zero"]

_m = sp.Symbol("m", nonnegative=True)   # L = L_min + m: lets SymPy decide signs of exponents for all L >= L_min


def generator(mu, D, f, var=w):
    """Ito generator ``mu f' + D f''/2`` (Ito's formula: d E f(w) = E[generator f] dt)."""
    return mu * sp.diff(f, var) + D * sp.diff(f, var, 2) / 2


def fp_operator(mu, D, p, var=w):
    """Forward (Fokker-Planck) operator ``-(mu p)' + (D p)''/2`` (Prop. 5.1, boxed; App. F Eq. (31))."""
    return -sp.diff(mu * p, var) + sp.diff(D * p, var, 2) / 2


def probability_current(mu, D, p, var=w):
    """Probability current ``J = mu p - (D p)'/2`` (App. F); ``fp_operator = -J'``."""
    return mu * p - sp.diff(D * p, var) / 2


def stationary_density_expr(mu, D, w_ref, var=w):
    """Unnormalised zero-flux density ``(1/D) exp(int_{w_ref}^w 2 mu/D dz)`` (Eq. (16) with reference ``w_ref``)."""
    f = (2 * mu / D).subs(var, z)
    return sp.exp(sp.Integral(f, (z, w_ref, var))) / D


def zero_flux_residual(mu, D, p, var=w):
    """``J[p]/p`` simplified (0 iff p has zero flux).  The Integral in p is differentiated by the Leibniz rule,
    never evaluated (no ``doit``).  Zero is first tried without expanding: ``cancel`` of the power-combined ratio is
    an equivalence transformation, so 0 there proves the residual is 0 (the expanded form has ~2000 operations)."""
    ratio = probability_current(mu, D, p, var) / p
    if cancels_to_zero(sp.powsimp(ratio, force=True)):
        return sp.Integer(0)
    return simplify_zero_first(sp.powsimp(sp.expand(ratio), force=True))


def printed_coefficients():
    """The paper's printed drift and diffusion, Eqs. (12)-(15), verbatim (``sigma_q`` as printed).

    mu = L w^(2(L-1)/L) (s - w) + beta L (L-1) w^(2(L-2)/L) [(s - w) + sigma_q/2],
    D  = beta L^2 (2 (s - w)^2 + sigma_q^2) w^(4(L-1)/L).
    """
    mu = (L * w ** (2 * (L - 1) / L) * (s - w)
          + beta * L * (L - 1) * w ** (2 * (L - 2) / L) * ((s - w) + sigma_q / 2))
    D = beta * L ** 2 * (2 * (s - w) ** 2 + sigma_q ** 2) * w ** (4 * (L - 1) / L)
    return mu, D


def aligned_coefficient_exprs(which: str = "derived"):
    """``(mu, D)``: ``"derived"`` from the registry (modewise derivation), or ``"printed"`` (Eqs. 13-15)."""
    if which == "printed":
        return printed_coefficients()
    if which != "derived":
        from .._validation import SymdlnInputError
        raise SymdlnInputError(f"which must be 'derived' or 'printed'; got {which!r}")
    if "drift_aligned" not in quantity_ids() or "diffusion_aligned" not in quantity_ids():
        raise RuntimeError("the derived coefficients need the modewise derivations 'drift_aligned' and "
                           "'diffusion_aligned' (symdln.symbolic.modewise), which are not registered")
    return derive("drift_aligned").expr, derive("diffusion_aligned").expr


def split_beta(mu, D):
    """Write ``2 mu / D = A(w)/beta + B(w)`` exactly (D must be beta * D1(w), mu affine in beta).

    Returns ``(A, B, D1)``; raises if the coefficients do not have that structure.
    """
    D1 = simplify(D / beta)
    if D1.has(beta):
        raise ValueError("D must be proportional to beta")
    mu0 = mu.subs(beta, 0)
    mu1 = simplify((mu - mu0) / beta)
    if mu1.has(beta):
        raise ValueError("mu must be affine in beta")
    return simplify(2 * mu0 / D1), sp.powsimp(simplify(2 * mu1 / D1), force=True), D1


def _monomials(expr):
    """``{exponent: coefficient}`` of a generalised polynomial in ``w`` (symbolic exponents allowed)."""
    out: dict = {}
    for term in sp.Add.make_args(sp.expand(sp.powsimp(sp.expand(expr), force=True))):
        coeff, expo = sp.powsimp(term, force=True).as_coeff_exponent(w)
        if coeff.has(w):
            raise ValueError(f"term {term} is not a monomial in w")
        expo = simplify(expo)
        # one fraction with powers combined: what simplify returned on every partial sum of the derived and printed
        # laws, at a tenth of the cost (a coefficient that is zero only after cancellation is dropped below)
        out[expo] = sp.powsimp(sp.together(out.get(expo, 0) + coeff), force=True)
    return {e: c for e, c in out.items() if c != 0 and not cancels_to_zero(c)}


def leading_monomial(expr, end: str, L_min: int = 2):
    """Dominant monomial ``(coeff, exponent)`` of ``expr`` as ``w -> 0`` (end="0") or ``w -> oo``, valid for
    every integer ``L >= L_min`` (decided by substituting ``L = L_min + m``, ``m >= 0``).  Raises when the
    ordering of exponents is not the same for all such ``L``."""
    mons = _monomials(expr)
    sign = 1 if end == "0" else -1
    for e in mons:
        if all(f == e or simplify(sign * (f - e)).subs(L, L_min + _m).is_positive for f in mons):
            return mons[e], e
    raise ValueError(f"no exponent of {expr} dominates at w -> {end} for all L >= {L_min}")


def endpoint_behaviour(mu, D, end: str, L_min: int = 2) -> dict:
    """Leading behaviour of ``2 mu/D`` and of the density at ``w -> 0`` or ``w -> oo`` (for ``L >= L_min``).

    ``f = 2mu/D ~ C w^e``.  The reference integral ``int^w f`` converges at the end iff ``e > -1`` (at 0) or
    ``e < -1`` (at oo).  Density ``p ~ exp(int f)/D``; returned fields describe it.
    """
    (cm, em), (cd, ed) = leading_monomial(mu, end, L_min), leading_monomial(D, end, L_min)
    C, e = simplify(2 * cm / cd), simplify(em - ed)
    at = (lambda x: x.subs(L, L_min + _m))
    converges = (at(e + 1).is_positive if end == "0" else at(e + 1).is_negative)
    out = {"f_coeff": C, "f_exponent": e, "integral_converges": bool(converges),
           "D_coeff": cd, "D_exponent": ed}
    if simplifies_to_zero(e + 1):          # p ~ w^(C - ed) / cd
        out["density_exponent"] = simplify(C - ed)
    return out


def large_unstable_zero(mu, L_min: int = 2):
    """Dominant-balance zero of ``mu`` at large ``w`` as ``beta -> 0`` (None if the leading terms agree in sign).

    ``mu = mu0(w) + beta mu1(w)``; if ``mu0 ~ c0 w^e0`` and ``mu1 ~ c1 w^e1`` at infinity with ``e1 > e0`` and
    opposite signs, the zero is ``w_u ~ (-c0/(beta c1))^(1/(e1-e0))``.
    """
    mu0 = mu.subs(beta, 0)
    mu1 = simplify(sp.diff(mu, beta))
    c0, e0 = leading_monomial(mu0, "oo", L_min)
    c1, e1 = leading_monomial(mu1, "oo", L_min)
    if not (e1 - e0).subs(L, L_min + _m).is_positive:
        return None
    ratio = simplify(-c0 / c1)
    if not ratio.subs(L, L_min + _m).is_positive:
        return None
    return sp.powsimp(simplify((ratio / beta) ** (1 / (e1 - e0))), force=True)


# ---------------------------------------------------------------------------------------------------------------
@register("fokker_planck_1d")
def _fokker_planck_1d() -> Derivation:
    mu_f, D_f, p_f, f_f = (sp.Function(n)(w) for n in ("mu", "D", "p", "f"))
    gen = generator(mu_f, D_f, f_f)
    fp = fp_operator(mu_f, D_f, p_f)
    boundary = f_f * mu_f * p_f + D_f * p_f * sp.diff(f_f, w) / 2 - f_f * sp.diff(D_f * p_f, w) / 2
    ibp = simplify_zero_first(sp.expand(gen * p_f - f_f * fp - sp.diff(boundary, w)))
    if ibp != 0:
        raise AssertionError(f"integration by parts failed: residual {ibp}")
    # check: the operator annihilates the zero-flux density of a generic (mu, D) and of an OU process
    p_star = stationary_density_expr(mu_f, D_f, sp.Symbol("w_ref", positive=True))
    res_generic = simplify_zero_first(fp_operator(mu_f, D_f, p_star) / p_star)
    theta, sig = sp.symbols("theta sigma", positive=True)
    x = sp.Symbol("x", real=True)
    res_ou = simplify_zero_first(fp_operator(-theta * x, sig ** 2, sp.exp(-theta * x ** 2 / sig ** 2), var=x))
    if res_generic != 0 or res_ou != 0:
        raise AssertionError(f"stationary check failed: {res_generic}, {res_ou}")
    steps = (
        Step("Ito's formula for a smooth test function f with compact support in (0, oo): "
             "df(w_t) = [mu f' + D f''/2] dt + f' sqrt(D) dB_t; taking expectations kills the martingale term, "
             "so d/dt int f p dw = int (mu f' + D f''/2) p dw.", sp.Eq(sp.Symbol("dEf/dt"), gen)),
        Step("Integration by parts: (mu f' + D f''/2) p - f [-(mu p)' + (D p)''/2] is the exact derivative of "
             "the boundary term below, which vanishes for compactly supported f.", boundary,
             check="simplify(gen*p - f*FP[p] - d/dw boundary) == 0 for generic functions mu, D, p, f"),
        Step("Since int f (d_t p - FP[p]) dw = 0 for every test function f: d_t p = -(mu p)' + (D p)''/2 "
             "(Prop. 5.1, boxed; App. F Eq. (31)).", sp.Eq(sp.Symbol("d_t p"), fp)),
        Step("Check: FP annihilates (1/D) exp(int_{w_ref}^w 2mu/D) for generic mu, D, and the OU density "
             "exp(-theta x^2/sigma^2) for mu = -theta x, D = sigma^2.", p_star,
             check="simplify(FP[p*]) == 0 symbolically (generic functions; OU)"),
    )
    return Derivation(
        quantity="fokker_planck_1d", title="1-D Fokker-Planck equation of the modewise SDE",
        statement="For dw = mu dt + sqrt(D) dB, the density obeys d_t p = -d_w(mu p) + (1/2) d_w^2 (D p).",
        expr=sp.Eq(sp.Symbol("d_t p"), fp), assumptions=("Ito SDE with smooth mu, D >= 0", "test functions with compact support"),
        source="Sec. 5, Prop. 5.1 (boxed 1-D equation); App. F, Eq. (31)", steps=steps, variables=("w",),
        notes=("The paper's 1-D equation (Prop. 5.1 boxed, Eq. (31)) is confirmed.",
               "Multivariate form in Prop. 5.1 has +div(g p) because the SDE drift is -g: consistent."),
        extra={"generator": gen, "current": probability_current(mu_f, D_f, p_f)})


@register("stationary_density")
def _stationary_density() -> Derivation:
    return stationary_density_derivation(*aligned_coefficient_exprs("derived"), printed=printed_coefficients())


def stationary_density_derivation(mu, D, printed=None) -> Derivation:
    """Zero-flux stationary density for the drift/diffusion pair ``(mu, D)``; ``printed`` is compared in notes."""
    w_ref = sp.Symbol("w_ref", positive=True)
    p_star = stationary_density_expr(mu, D, w_ref)
    flux = zero_flux_residual(mu, D, p_star)
    if flux != 0:
        raise AssertionError(f"zero-flux check failed: J = {flux}")
    A, B, D1 = split_beta(mu, D)
    near0 = endpoint_behaviour(mu, D, "0", L_min=3)
    near0_L2 = endpoint_behaviour(mu.subs(L, 2), D.subs(L, 2), "0", L_min=2)
    inf = endpoint_behaviour(mu, D, "oo", L_min=2)
    beta_max_L2 = None
    if "density_exponent" in near0_L2:
        roots = sp.solve(sp.Eq(near0_L2["density_exponent"], -1), beta)
        beta_max_L2 = roots[0] if len(roots) == 1 else roots
    w_u = large_unstable_zero(mu)
    notes = [
        f"D ~ {near0['D_coeff']} * w^({near0['D_exponent']}) near 0, so D(0) = 0 for L >= 2: the reference "
        "point 0 of Eq. (16) lies where the SDE degenerates.",
        f"Near 0 (L >= 3): 2mu/D ~ {near0['f_coeff']} * w^({near0['f_exponent']}); int_0^w 2mu/D diverges to +oo, "
        "so Eq. (16) with lower limit 0 is infinite at every w: invalid for L >= 2. Any w_ref in (0, oo) is valid "
        "(it only changes the normalising constant).",
        f"Near 0 (L = 2): 2mu/D ~ {near0_L2['f_coeff']} / w; density ~ w^({near0_L2.get('density_exponent')}), "
        f"integrable at 0 iff beta < {beta_max_L2} (for L >= 3 the factor exp(-c w^(-(L-2)/L)/beta) makes it "
        "integrable).",
        f"At infinity: 2mu/D ~ {inf['f_coeff']} * w^({inf['f_exponent']}); density exponent "
        f"{inf.get('density_exponent', 'n/a')} (normalisable iff < -1; mean finite iff < -2; variance iff < -3).",
        f"Split 2mu/D = A(w)/beta + B(w) with B = {B}: p* = exp(-U/beta) h(w), U' = -A, h = exp(int B)/D1.",
    ]
    if "density_exponent" in inf:
        k = sp.Symbol("k", nonnegative=True)
        e_inf = inf["density_exponent"].subs(L, 2 + k)
        notes.append("For every L >= 2 the density at infinity is normalisable: "
                     f"{bool((e_inf + 1).is_negative)}, finite mean: {bool((e_inf + 2).is_negative)}, "
                     f"finite variance: {bool((e_inf + 3).is_negative)}.")
    if w_u is not None:
        roots2 = sp.solve(simplify(mu.subs(L, 2) / w), w)
        notes.append(f"mu > 0 at large w: second (unstable) zero of mu at w_u ~ {w_u} as beta -> 0; for L = 2 the "
                     f"zeros are exactly {roots2} (real only while the discriminant is >= 0). The tail beyond w_u is "
                     "suppressed by exp(-(U(oo) - U(s))/beta) but is polynomial, not Gaussian.")
    else:
        notes.append("mu < 0 at large w: no second zero.")
    extra = {"beta_max_integrable_at_0_L2": beta_max_L2, "near0_L>=3": near0, "near0_L=2": near0_L2, "infinity": inf, "unstable_zero": w_u,
             "A": A, "B": B, "D1": D1}
    if printed is not None:
        pn0 = endpoint_behaviour(printed[0], printed[1], "0", L_min=2)
        pinf = endpoint_behaviour(printed[0], printed[1], "oo", L_min=2)
        notes.append(f"Printed Eqs. (13)-(15): near 0, 2mu/D ~ {pn0['f_coeff']} * w^({pn0['f_exponent']}) "
                     f"(integral from 0 diverges: {not pn0['integral_converges']}); at infinity 2mu/D ~ "
                     f"{pinf['f_coeff']} * w^({pinf['f_exponent']}); second zero: {large_unstable_zero(printed[0])}.")
        extra["printed_near0"], extra["printed_infinity"] = pn0, pinf
    steps = (
        Step("Stationarity: -J' = 0 with J = mu p - (D p)'/2, so J is constant; zero flux (detailed balance; J must "
             "vanish where the process cannot cross, e.g. w = 0 with D(0) = 0) gives J = 0.",
             sp.Eq(probability_current(mu, D, sp.Function("p")(w)), 0)),
        Step("Let q = D p: q' = (2mu/D) q, hence q = C exp(int_{w_ref}^w 2mu/D) and p* = q/D.", p_star,
             check="simplify(J[p*]) == 0 symbolically"),
        Step("2mu/D splits as A/beta + B (D is proportional to beta).", sp.Eq(sp.Symbol("B"), B)),
        Step("Leading behaviour at 0 and infinity by dominant monomials (valid for all L >= L_min).",
             sp.Matrix([near0["f_exponent"], inf["f_exponent"]])),
    )
    return Derivation(
        quantity="stationary_density", title="Zero-flux stationary density of the aligned modewise SDE",
        statement="p*(w) is proportional to (1/D) exp(int_{w_ref}^w 2mu/D dz) for any w_ref in (0, oo); "
                  "the paper's w_ref = 0 (Eq. 16) is invalid for L >= 2.",
        expr=p_star, assumptions=("zero probability current", "D > 0 on (0, oo)", "sigma_q > 0 for interior D > 0"),
        source="Prop. 5.2, Eq. (16); App. F", steps=steps, variables=("w", "s", "sigma_q", "L", "beta"),
        notes=tuple(notes), extra=extra)

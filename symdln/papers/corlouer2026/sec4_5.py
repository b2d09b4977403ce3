"""Claims of Sections 4 and 5 (diffusion peak; stationary law), recorded as printed."""
from __future__ import annotations

import sympy as sp

from ...symbolic.symbols import L, b, beta, eta, s, sigma_q, w, z
from ...paperkit import Location
from .identities import symbolic
from ._base import BETA_READING, SIGMA_READINGS, Spec, add

#: Sec. 4 defines a = 4(L-1)/L (App. F reuses the letter for 2(L-1)/L)
a4 = 4 * (L - 1) / L
_D = beta * L ** 2 * (2 * (s - w) ** 2 + sigma_q ** 2) * w ** (4 * (L - 1) / L)

def _x_to_w(e):
    """The derivation writes the condition in x = w - s."""
    from ...symbolic import derive
    return e.subs(derive("diffusion_peak_condition").extra["x"], w - s)


add("eq.8", Location('4', equation='8'),
    r"D_{\alpha}(w_{\alpha})=\beta\,L^{2}\Big(2\,(s_{\alpha}-w_{\alpha})^{2}+\sigma_{q}^{2}\Big)\,w_{\alpha}"
    r"^{\frac{4(L-1)}{L}}.",
    quantity="diffusion_aligned", expr=_D, dimension="diffusion", readings=SIGMA_READINGS + BETA_READING,
    restates=("eq.7",), assumptions=("A1", "A2"))
add("sec4.stationary-condition", Location('4', detail='between Eqs. 8 and 9'),
    r"\frac{dD_{\alpha}}{dw_{\alpha}}=0\;\;\Longleftrightarrow\;\;(2a+4)(w_{\alpha}-s_{\alpha})^{2}+4s_{\alpha}"
    r"(w_{\alpha}-s_{\alpha})+a\,\sigma_{q}^{2}=0,\qquad a=\frac{4(L-1)}{L}.",
    quantity="diffusion_peak_condition",
    expr=(2 * a4 + 4) * (w - s) ** 2 + 4 * s * (w - s) + a4 * sigma_q ** 2, dimension=None,
    readings=SIGMA_READINGS, assumptions=("w > 0",),
    spec=Spec(equation=True, select="in_L", transform=_x_to_w))
add("eq.9", Location('4', equation='9'),
    r"w_{\alpha}^{\star}=\frac{(a+1)\,s_{\alpha}-\sqrt{\,s_{\alpha}^{2}-\frac{a(a+2)}{2}\,\sigma_{q}^{2}\,}}{\,a+2\,}.",
    quantity="diffusion_peak",
    expr=((a4 + 1) * s - sp.sqrt(s ** 2 - a4 * (a4 + 2) / 2 * sigma_q ** 2)) / (a4 + 2),
    dimension="location", readings=SIGMA_READINGS, assumptions=("a = 4(L-1)/L",))
add("eq.10", Location('4', equation='10'),
    r"\sigma_{q}^{2}\;\leq\;\frac{2s_{\alpha}^{2}}{\,a(a+2)\,}\;=\;\frac{s_{\alpha}^{2}L^{2}}{\,4(L-1)(3L-2)\,}.",
    quantity="diffusion_peak_existence", kind="statement", readings=SIGMA_READINGS,
    notes="'This maximum exists if and only if the discriminant is non-negative'",
    spec=symbolic("peak_existence",
                  condition="strict inequality, L >= 2, and 'maximum' read as a local maximum (D grows without bound)"))
add("sec4.peak-before-learning", Location('4', detail='after Eq. 10'),
    r"\text{Whenever (10) holds, the maximizer satisfies } w_{\alpha}^{\star}<s_{\alpha}",
    quantity="diffusion_peak", kind="statement", spec=symbolic("peak_below_s"))

# ---- Section 5 ----------------------------------------------------------------------------------
add("prop5.1.fp", Location('5', item='Prop. 5.1'),
    r"\partial_{t}p(\theta,t)=\nabla_{\theta}\!\cdot\!\Big(g(\theta)\,p(\theta,t)\Big)+\frac{\eta}{2}\sum_{i,j}"
    r"\partial_{\theta_{i}}\partial_{\theta_{j}}\Big(\Sigma_{ij}(\theta)\,p(\theta,t)\Big).",
    kind="identity", assumptions=("theta solves Eq. (1)",),
    spec=symbolic("fp_coefficient", condition="batch size b = 1 (or Sigma read as the batch covariance Sigma_b)"))
add("prop5.1.fp-1d", Location('5', item='Prop. 5.1', detail='boxed'),
    r"\partial_{t}p_{\alpha}(w_{\alpha},t)=-\partial_{w}\!\big(\mu_{\alpha}(w_{\alpha})\,p_{\alpha}(w_{\alpha},t)\big)+"
    r"\tfrac{1}{2}\,\partial_{w}^{2}\!\big(D_{\alpha}(w_{\alpha})\,p_{\alpha}(w_{\alpha},t)\big).",
    quantity="fokker_planck_1d", kind="identity", restates=("eq.31",), spec=symbolic("fp_1d"))
add("eq.11", Location('5', item='Prop. 5.2', equation='11'),
    r"dw_{\alpha}\;=\;\mu_{\alpha}(w_{\alpha})\,dt\;+\;\sqrt{D_{\alpha}(w_{\alpha})}\,dB_{\alpha,t},",
    quantity="drift_aligned", kind="statement", restates=("eq.4",),
    assumptions=("no cross-mode amplitude", "balanced"), spec=Spec(check="decoupling_domain", mc="ito_cross"))
add("eq.12", Location('5', item='Prop. 5.2', equation='12'),
    r"\mu_{\alpha}(w)=\mu_{\alpha}^{\rm grad}(w)+\mu_{\alpha}^{\rm Ito}(w),",
    quantity="drift_aligned", kind="identity", spec=symbolic("drift_sum"))
add("eq.13", Location('5', item='Prop. 5.2', equation='13'),
    r"\mu_{\alpha}^{\rm grad}(w)=L\,w^{\frac{2(L-1)}{L}}\,(s_{\alpha}-w),",
    quantity="grad_drift_aligned", expr=L * w ** (2 * (L - 1) / L) * (s - w), dimension="drift",
    restates=("eq.5",))
add("eq.14", Location('5', item='Prop. 5.2', equation='14'),
    r"\mu_{\alpha}^{\rm Ito}(w)=\beta\,L(L-1)\,w^{\frac{2(L-2)}{L}}\!\left[(s_{\alpha}-w)+\tfrac{1}{2}\,\sigma_{q}"
    r"\right],",
    quantity="ito_drift_aligned",
    expr=beta * L * (L - 1) * w ** (2 * (L - 2) / L) * ((s - w) + sigma_q / 2), dimension="drift",
    readings=SIGMA_READINGS + BETA_READING, restates=("eq.6",),
    notes="Restates Eq. (6) but with sigma_q/2 instead of sigma_q: the two disagree.", spec=Spec(mc="ito_aligned"))
add("eq.15", Location('5', item='Prop. 5.2', equation='15'),
    r"D_{\alpha}(w)=\beta\,L^{2}\!\left(2(s_{\alpha}-w)^{2}+\sigma_{q}^{2}\right)w^{\frac{4(L-1)}{L}}.",
    quantity="diffusion_aligned", expr=_D, dimension="diffusion", readings=SIGMA_READINGS + BETA_READING,
    restates=("eq.7",))
add("prop5.2.cites", Location('5', item='Prop. 5.2'),
    r"\text{with drift and diffusion given (from Proposition 6.4) by}",
    kind="statement", notes="The paper has no Proposition 6.4 (no propositions in Sec. 6); Prop. 3.5 is meant.",
    spec=Spec(check="cross_reference", params={"cites": "6.4", "meant": "3.5"}))
_mu_printed = L * z ** (2 * (L - 1) / L) * (s - z) + beta * L * (L - 1) * z ** (2 * (L - 2) / L) * ((s - z) + sigma_q / 2)
_D_z = _D.subs(w, z)
add("eq.16", Location('5', item='Prop. 5.2', equation='16'),
    r"p_{\alpha}^{\star}(w)\;\propto\;\frac{1}{D_{\alpha}(w)}\,\exp\!\left(\int_{0}^{w}\frac{2\,\mu_{\alpha}(z)}"
    r"{D_{\alpha}(z)}\,dz\right).",
    quantity="stationary_density",
    expr=1 / _D * sp.exp(sp.Integral(2 * _mu_printed / _D_z, (z, 0, w))), kind="statement",
    assumptions=("detailed balance", "D > 0"), spec=Spec(check="density_lower_limit"))
add("prop5.2.i", Location('5', item='Prop. 5.2 (i)'),
    r"D_{\alpha}(w)\sim Q\,(s_{\alpha}-w)^{2}\ \text{and}\ \mu_{\alpha}(w)\sim q\,(s_{\alpha}-w)\ \text{as}\ "
    r"w\uparrow s_{\alpha}"
    r"\ \dots\ p_{\alpha}^{\star}=\delta(w-s_{\alpha}).",
    quantity="stationary_no_label_noise", kind="statement", assumptions=("sigma_q = 0",),
    restates=("appF.sigma0",), spec=symbolic("no_label_noise"))
add("eq.17", Location('5', item='Prop. 5.2 (ii)', equation='17'),
    r"w_{\alpha}^{\star}-s_{\alpha}=\frac{\eta}{2B}\,\,(L-1)\,s_{\alpha}^{-2/L}\,\sigma_{q}\;+\;O(\eta^{2}),",
    quantity="drift_zero_expansion", expr=eta / (2 * b) * (L - 1) * s ** (-2 / L) * sigma_q, dimension="location",
    readings=SIGMA_READINGS, restates=("appF.wstar",), assumptions=("sigma_q > 0", "leading order in eta"),
    spec=Spec(select="shift", check="stationary_expansion"))
add("eq.18", Location('5', item='Prop. 5.2 (ii)', equation='18'),
    r"\operatorname{Var}_{p_{\alpha}^{\star}}(w_{\alpha})=-\frac{D_{\alpha}(s_{\alpha})}{2\,\mu_{\alpha}^{\prime}"
    r"(s_{\alpha})}\;+\;"
    r"O(\eta^{2})=\frac{\eta\,L}{2B}\,\sigma_{q}^{2}\,s_{\alpha}^{\frac{2(L-1)}{L}}\;+\;O(\eta^{2}),",
    quantity="stationary_variance_expansion", expr=eta * L / (2 * b) * sigma_q ** 2 * s ** (2 * (L - 1) / L),
    dimension="variance", readings=SIGMA_READINGS, restates=("appF.var",), spec=Spec(check="stationary_expansion"))
add("prop5.2.mean-above", Location('5', item='Prop. 5.2 (ii)'),
    r"p_{\alpha}^{\star}\text{ is approximately Gaussian with mean }s_{\alpha}+O(\eta)\text{ (slightly above }"
    r"s_{\alpha}"
    r"\text{ due to the It\^o drift)}",
    quantity="stationary_mean_expansion", kind="statement", spec=Spec(check="mean_above_domain"))
add("notation.a", Location('4', detail='vs App. F'),
    r"a=\frac{4(L-1)}{L}\ \text{(Sec. 4)}\qquad a=\tfrac{2(L-1)}{L}\ \text{(App. F)}",
    kind="statement", notes="The letter a denotes two different exponents.", spec=symbolic("a_notation"))

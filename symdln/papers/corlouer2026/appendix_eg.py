"""Claims of Appendices E-G (aligned + balanced SDE, stationary law, finite dataset) and Eq. (33), as printed.

App. E works with the batch-size-one covariance, so its ``eta`` is Prop. 3.5's ``beta`` at ``b = 1``; the
verifier compares these claims with the derivations at ``b = 1`` (``Spec.fixed``).  App. E states
``Sigma_q = sigma_q^2 I`` (``Gamma = sigma_q^2``), so its claims carry the std reading only.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from ...symbolic.symbols import L, b, beta, eta, s, sigma_q, w
from ...paperkit import Location
from .identities import numeric, symbolic
from ._base import SIGMA_READINGS, Spec, add
from .appendix_ad import SIGMA_BLOCKS, drift_appD, sigma_lm_appB
from .sec2_3 import _DRIFT

_B1 = {b: 1}
_P2 = w ** (2 * (L - 2) / L)          # sum_{l != m} prod_{j != l,m} w_j^2 / (L(L-1)) under balance
_P4 = w ** (4 * (L - 1) / L)
aF = 2 * (L - 1) / L                  # App. F's a


def _label_part(e):
    return sp.expand(e - e.subs(sigma_q, 0))


def gamma_lm_printed(net, teacher, u, l, m):
    """App. E: ``Gamma_{lm,alpha} := <u u^T, B_l Sigma_q B_m^T>`` with ``B_l = W_{>l}^T``."""
    Bl, Bm = net.above(l).T, net.above(m).T
    return float(np.sum(np.outer(u, u) * (Bl @ teacher.Sigma_q @ Bm.T)))


# ---- Appendix E ---------------------------------------------------------------------------------
add("appE.a-vec", Location('App. E', detail='set-up'),
    r"a_{l,\alpha}:=\mathrm{vec}(A_{l,\alpha})=(W_{<l}v_{\alpha})\otimes(W_{>l}^{\!\top}u_{\alpha}),",
    quantity="mode_gradient", kind="matrix", spec=numeric("appE_a_vec"))
add("appE.norm-A", Location('App. E', detail='set-up'),
    r"\|A_{l,\alpha}\|_{F}^{2}=\|W_{<l}v_{\alpha}\|^{2}\,\|W_{>l}^{\!\top}u_{\alpha}\|^{2}=\prod_{j\neq l}w_{j,"
    r"\alpha}^{2}.",
    quantity="mode_gradient", kind="matrix", assumptions=("A2 aligned",), spec=numeric("norm_A"))
add("appE.balanced-layer", Location('App. E', detail='set-up'),
    r"w_{\alpha}\;=\;u_{\alpha}^{\top}W_{L}\cdots W_{1}v_{\alpha},\qquad w_{l,\alpha}:=w_{\alpha}^{\frac{1}{L}}",
    kind="statement", assumptions=("A1 balanced", "A2 aligned"), spec=numeric("balanced_layer"))
add("eq.30", Location('App. E', equation='30'),
    r"dw_{\alpha}=\underbrace{\Big(-\sum_{l=1}^{L}\langle A_{l,\alpha},\,g_{l}\rangle\Big)}_{\mu_{\alpha}^{\rm grad}}"
    r"\,dt"
    r"\;+\;\underbrace{\frac{\eta}{2}\,\mathrm{tr}\!\big(\Sigma\,\nabla^{2}w_{\alpha}\big)}_{\mu_{\alpha}^{\rm Ito}}"
    r"\,dt"
    r"\;+\;\underbrace{\sqrt{\eta}\,a_{\alpha}^{\top}\sigma\,dB_{t}}_{\text{diffusion}}",
    quantity="gradient_drift_general", expr=drift_appD, kind="matrix", restates=("eq.27",),
    spec=Spec(check="matrix_vs_core", params=_DRIFT))
add("appE.sigma-lm", Location('App. E', item='step 2'),
    r"\Sigma_{lm}=(W_{<l}\otimes B_{l}\Delta)(I_{d_{0}^{2}}+C)(W_{<m}\otimes B_{m}\Delta)^{\top}\;+\;(W_{<l}W_{<m}"
    r"^{\top})"
    r"\otimes(B_{l}\Sigma_{q}B_{m}^{\top}),",
    quantity="noise_covariance_block", expr=sigma_lm_appB, kind="matrix", restates=("appB.sigma-lm",),
    spec=Spec(check="matrix_vs_core", params=SIGMA_BLOCKS))
add("appE.grad-block", Location('App. E', item='step 1'),
    r"g_{l}=W_{>l}^{\!\top}(W-M)W_{<l}^{\!\top},\quad g_{l}\Big|_{\alpha}=(w_{\alpha}-s_{\alpha})\,A_{l,\alpha}.",
    quantity="population_gradient", kind="matrix", assumptions=("A2 aligned",), spec=numeric("grad_block_aligned"))
add("appE.mu-grad", Location('App. E', item='step 1'),
    r"\mu_{\alpha}^{\rm grad}=-\sum_{l=1}^{L}\langle A_{l,\alpha},g_{l}\rangle=(s_{\alpha}-w_{\alpha})\sum_{l=1}^{L}"
    r"\prod_{j\neq l}w_{j,\alpha}^{2}\ \Rightarrow\ \mu_{\alpha}^{\rm grad}(w_{\alpha})=(s_{\alpha}-w_{\alpha})\,L\,"
    r"w_{\alpha}^{\frac{2(L-1)}{L}},",
    quantity="grad_drift_aligned", expr=(s - w) * L * w ** (2 * (L - 1) / L), dimension="drift", restates=("eq.5",))
add("appE.ito-sum", Location('App. E', item='step 2'),
    r"\mu_{\alpha}^{\rm Ito}=\frac{\eta}{2}\sum_{l\neq m}\!\langle\Sigma_{lm},\,H_{lm}[w_{\alpha}]\rangle_{F}.",
    quantity="ito_drift_general", kind="matrix", spec=numeric("ito_offdiag"))
add("appE.ito-data", Location('App. E', item='step 2', detail='i'),
    r"\sum_{l\neq m}\!\big\langle(A_{l}\!\otimes\!B_{l}\Delta)(I+C)(A_{m}\!\otimes\!B_{m}\Delta)^{\top},\;H_{lm}"
    r"\big\rangle_{F}"
    r"=2\,(s_{\alpha}-w_{\alpha})\sum_{l\neq m}\prod_{j\neq l,m}w_{j,\alpha}^{2}.",
    quantity="ito_drift_aligned", expr=2 * (s - w) * L * (L - 1) * _P2, dimension="contraction",
    notes="Transcribed with the balanced pair sum L(L-1) w^(2(L-2)/L) (appE.pair-sum).",
    spec=Spec(transform=lambda e: sp.expand(2 * e.subs(sigma_q, 0) * b / eta), fixed=_B1, mc="ito_data"))
add("appE.ito-label", Location('App. E', item='step 2', detail='ii'),
    r"\sum_{l\neq m}\!\big\langle(A_{l}A_{m}^{\top})\!\otimes\!(B_{l}\Sigma_{q}B_{m}^{\top}),\;H_{lm}\big\rangle_{F}="
    r"\sum_{l\neq m}\!\Big(\prod_{j\neq l,m}w_{j,\alpha}^{2}\Big)\;\big\langle u_{\alpha}u_{\alpha}^{\top},\;B_{l}"
    r"\Sigma_{q}"
    r"B_{m}^{\top}\big\rangle.",
    quantity="ito_drift_aligned", expr=L * (L - 1) * _P2 * sigma_q ** 2, dimension="contraction",
    notes="Transcribed with <u u^T, B_l Sigma_q B_m^T> = sigma_q^2 (App. E's isotropic value) and the pair sum.",
    spec=Spec(transform=lambda e: sp.expand(2 * _label_part(e) * b / eta), fixed=_B1, mc="ito_label"))
add("appE.pair-sum", Location('App. E', item="'Impose balance'"),
    r"\sum_{l\neq m}\prod_{j\neq l,m}w_{j,\alpha}^{2}=L(L-1)\,w_{\alpha}^{\frac{2(L-2)}{L}}",
    expr=L * (L - 1) * _P2, kind="statement", spec=symbolic("pair_sum"))
add("appE.ito-intermediate", Location('App. E', item="'Impose balance'"),
    r"\mu_{\alpha}^{\rm Ito}(w_{\alpha})=\frac{\eta}{2}\,\Big[2\,(s_{\alpha}-w_{\alpha})\,L(L-1)\,w_{\alpha}"
    r"^{\frac{2(L-2)}{L}}"
    r"\;+\;L(L-1)\,w_{\alpha}^{\frac{2(L-2)}{L}}\,\Gamma_{\alpha}\Big],",
    quantity="ito_drift_aligned", expr=eta / 2 * (2 * (s - w) * L * (L - 1) * _P2 + L * (L - 1) * _P2 * sigma_q ** 2),
    dimension="drift", notes="Gamma_alpha = sigma_q^2 (isotropic).", spec=Spec(fixed=_B1, mc="ito_aligned"))
add("appE.ito", Location('App. E', item="'Impose balance'", detail="'which is (6)'"),
    r"\mu_{\alpha}^{\rm Ito}(w_{\alpha})=\eta\,(s_{\alpha}-w_{\alpha})\,L(L-1)\,w_{\alpha}^{\frac{2(L-2)}{L}}"
    r"\;+\;\frac{\eta}{2}"
    r"\,\,L(L-1)\,w_{\alpha}^{\frac{2(L-2)}{L}}\;\Gamma_{\alpha},",
    quantity="ito_drift_aligned", expr=eta * (s - w) * L * (L - 1) * _P2 + eta / 2 * L * (L - 1) * _P2 * sigma_q ** 2,
    dimension="drift", restates=("eq.6", "eq.14"),
    notes="Gamma_alpha = sigma_q^2; claims to be Eq. (6), which has beta L(L-1) w^(2(L-2)/L) sigma_q instead.",
    spec=Spec(fixed=_B1, mc="ito_aligned", check="restatement"))
add("appE.gamma", Location('App. E', item='step 2'),
    r"\Gamma_{\alpha}:=\frac{1}{L(L-1)}\sum_{l\neq m}\big\langle u_{\alpha}u_{\alpha}^{\top},\;B_{l}\Sigma_{q}B_{m}"
    r"^{\top}\big\rangle."
    r"\quad\Gamma_{lm,\alpha}:=\big\langle u_{\alpha}u_{\alpha}^{\top},\;B_{l}\Sigma_{q}B_{m}^{\top}\big\rangle\ "
    r"\dots\ "
    r"\Sigma_{q}=\sigma_{q}^{2}I\Rightarrow\Gamma_{lm,\alpha}=\sigma_{q}^{2}",
    expr=gamma_lm_printed, kind="matrix", spec=numeric("gamma"))
add("appE.D-data-pair", Location('App. E', item='step 3'),
    r"a_{l,\alpha}^{\top}(A_{l}\!\otimes\!B_{l}\Delta)(I_{d_{0}^{2}}+C)(A_{m}\!\otimes\!B_{m}\Delta)^{\top}a_{m,"
    r"\alpha}=2\,"
    r"(s_{\alpha}-w_{\alpha})^{2}\Big(\prod_{j\neq l}w_{j,\alpha}^{2}\Big)\Big(\prod_{j\neq m}w_{j,\alpha}^{2}\Big).",
    quantity="diffusion_general", kind="matrix", assumptions=("A1", "A2"), spec=numeric("D_data_pair"))
add("appE.D-data", Location('App. E', item='step 3'),
    r"D_{\alpha}^{\rm data}=2\,\eta\,\,L^{2}(s_{\alpha}-w_{\alpha})^{2}\,w_{\alpha}^{\frac{4(L-1)}{L}}",
    quantity="diffusion_aligned", expr=2 * eta * L ** 2 * (s - w) ** 2 * _P4, dimension="diffusion",
    spec=Spec(transform=lambda e: e.subs(sigma_q, 0), fixed=_B1, mc="diffusion_data"))
add("appE.D-label", Location('App. E', item='step 3'),
    r"D_{\alpha}^{\rm label}=\eta\,\,L^{2}\,\overline{\Gamma}_{\alpha}\,w_{\alpha}^{\frac{4(L-1)}{L}},\quad "
    r"\overline{\Gamma}_{\alpha}=\sigma_{q}^{2}",
    quantity="diffusion_aligned", expr=eta * L ** 2 * sigma_q ** 2 * _P4, dimension="diffusion",
    spec=Spec(transform=_label_part, fixed=_B1, mc="diffusion_label"))
add("appE.D", Location('App. E', item='step 3', detail="'which is (7)'"),
    r"D_{\alpha}(w_{\alpha})=\eta\,\,L^{2}\Big(2\,(s_{\alpha}-w_{\alpha})^{2}+\overline{\Gamma}_{\alpha}\Big)\,"
    r"w_{\alpha}^{\frac{4(L-1)}{L}},",
    quantity="diffusion_aligned", expr=eta * L ** 2 * (2 * (s - w) ** 2 + sigma_q ** 2) * _P4, dimension="diffusion",
    restates=("eq.7",), spec=Spec(fixed=_B1, mc="diffusion_aligned"))

# ---- Appendix F ---------------------------------------------------------------------------------
add("eq.31", Location('App. F', equation='31'),
    r"\partial_{t}p_{\alpha}(w,t)=-\partial_{w}\!\big(\mu_{\alpha}(w)\,p_{\alpha}(w,t)\big)+\tfrac{1}{2}\,"
    r"\partial_{w}^{2}"
    r"\!\big(D_{\alpha}(w)\,p_{\alpha}(w,t)\big).",
    quantity="fokker_planck_1d", kind="identity", restates=("prop5.1.fp-1d",), spec=symbolic("fp_1d"))
add("appF.current", Location('App. F'),
    r"J(w,t):=\mu_{\alpha}(w)\,p_{\alpha}-\tfrac{1}{2}\,\partial_{w}\!\big(D_{\alpha}p_{\alpha}\big);\ \tfrac{1}{2}\,"
    r"(D_{\alpha}p_{\alpha}^{\star})^{\prime}-\mu_{\alpha}\,p_{\alpha}^{\star}\;=\;0;\ (\log p_{\alpha}^{\star}"
    r")^{\prime}+"
    r"(\log D_{\alpha})^{\prime}=\tfrac{2\mu_{\alpha}}{D_{\alpha}}",
    quantity="stationary_density", kind="identity", spec=symbolic("zero_current"))
add("appF.sigma0", Location('App. F', detail='i'),
    r"\mu_{\alpha}(w)=L\,w^{a}(s_{\alpha}-w)+O(\eta),\qquad D_{\alpha}(w)=2\beta\,L^{2}\,(s_{\alpha}-w)^{2}w^{2a}.",
    quantity="diffusion_aligned", expr=2 * beta * L ** 2 * (s - w) ** 2 * w ** (2 * aF), dimension="diffusion",
    notes="a = 2(L-1)/L (App. F's definition).", spec=Spec(transform=lambda e: e.subs(sigma_q, 0)))
add("appF.mu-at-s", Location('App. F', detail='ii'),
    r"\mu_{\alpha}(s_{\alpha})=\mu_{\alpha}^{\rm grad}(s_{\alpha})+\mu_{\alpha}^{\rm Ito}(s_{\alpha}"
    r")=0\;+\;\frac{\eta}{2B}\,"
    r"L(L-1)\,s_{\alpha}^{b}\,\sigma_{q},",
    quantity="drift_aligned", expr=eta / (2 * b) * L * (L - 1) * s ** b * sigma_q, dimension="drift",
    readings=SIGMA_READINGS, notes="The exponent b is never defined (transcribed literally with the symbol b).",
    spec=Spec(transform=lambda e: e.subs(w, s)))
add("appF.b-undefined", Location('App. F', detail='ii'), r"s_{\alpha}^{b}", kind="statement",
    notes="Undefined exponent b; solved for from App. F's own next step and from the derivation.",
    spec=Spec(check="undefined_b"))
add("appF.mu-prime", Location('App. F', detail='ii'),
    r"\mu_{\alpha}^{\prime}(s_{\alpha})=\frac{d}{dw}\Big[L\,w^{a}(s_{\alpha}-w)\Big]_{w=s_{\alpha}}+O(\eta)=-L\,"
    r"s_{\alpha}^{a}+O(\eta),",
    quantity="grad_drift_aligned", expr=-L * s ** aF, dimension="rate",
    spec=Spec(transform=lambda e: sp.diff(e, w).subs(w, s)))
add("appF.D-at-s", Location('App. F', detail='ii'), r"D_{\alpha}(s_{\alpha})=\beta\,L^{2}\,\sigma_{q}^{2}\,s_{\alpha}^{2a}.",
    quantity="diffusion_aligned", expr=beta * L ** 2 * sigma_q ** 2 * s ** (2 * aF), dimension="diffusion",
    readings=SIGMA_READINGS, spec=Spec(transform=lambda e: e.subs(w, s)))
add("appF.linearize", Location('App. F', detail='ii'),
    r"w_{\alpha}^{\star}-s_{\alpha}=-\frac{\mu_{\alpha}(s_{\alpha})}{\mu_{\alpha}^{\prime}(s_{\alpha})}+O(\eta^{2})",
    quantity="drift_zero_expansion", kind="identity", spec=symbolic("newton"))
add("appF.wstar", Location('App. F', detail='ii'),
    r"w_{\alpha}^{\star}-s_{\alpha}=\frac{\eta}{2B}\,(L-1)\,s_{\alpha}^{-2/L}\,\sigma_{q}+O(\eta^{2}).",
    quantity="drift_zero_expansion", expr=eta / (2 * b) * (L - 1) * s ** (-2 / L) * sigma_q, dimension="location",
    readings=SIGMA_READINGS, restates=("eq.17",), spec=Spec(select="shift"))
add("appF.ou-var", Location('App. F', detail='variance'),
    r"\operatorname{Var}(x_{t})=\frac{\sigma^{2}}{-2\mu_{\alpha}^{\prime}(w_{\alpha}^{\star})}=\frac{D_{\alpha}"
    r"(w_{\alpha}^{\star})}"
    r"{-2\,\mu_{\alpha}^{\prime}(w_{\alpha}^{\star})}.",
    kind="identity", notes="The preceding line is printed '0=2mu'(w*),Var(x_t)+sigma^2' (a comma for a product).",
    spec=symbolic("ou_variance"))
add("appF.var", Location('App. F', detail='variance'),
    r"\operatorname{Var}_{p_{\alpha}^{\star}}(w_{\alpha})=\frac{D_{\alpha}(s_{\alpha})}{-2\,\mu_{\alpha}^{\prime}"
    r"(s_{\alpha})}+"
    r"O(\eta^{2})=\frac{\beta L^{2}\sigma_{q}^{2}s_{\alpha}^{2a}}{2Ls_{\alpha}^{a}}+O(\eta^{2})=\frac{\beta L}{2}\,"
    r"\sigma_{q}^{2}\,s_{\alpha}^{a}+O(\eta^{2}),",
    quantity="stationary_variance_expansion", expr=beta * L / 2 * sigma_q ** 2 * s ** aF, dimension="variance",
    readings=SIGMA_READINGS, restates=("eq.18",), spec=Spec(check="stationary_expansion"))

# ---- Appendix G ---------------------------------------------------------------------------------
add("eq.32", Location('App. G.1', equation='32'),
    r"\Sigma_{b}=\frac{1}{b^{2}}\sum_{i,j=1}^{N}g(x_{i})g(x_{j})\mathbb{E}_{B}[1_{B}(x_{i},x_{j})]-g_{N}g_{N}"
    r"^{\intercal}",
    quantity="finite_population_factor", kind="identity", spec=numeric("eq32"))
add("appG.joint-prob", Location('App. G.1'),
    r"p(X_{i},X_{j}\in B)=\frac{\binom{B-2}{N-2}}{\binom{B-1}{N-1}}\frac{\binom{B-1}{N-1}}{\binom{B}{N}}=\frac{B-1}"
    r"{N-1}\frac{B}{N}",
    quantity="finite_population_factor", kind="identity",
    notes="The binomials are printed with swapped arguments (binom(B-2, N-2) = 0 for B < N); the final value is checked.",
    spec=numeric("joint_prob", condition="if the binomial coefficients are read with swapped arguments "
              "(binom(N-2, B-2) / binom(N, B))"))
add("appG.intermediate", Location('App. G.1'),
    r"\Sigma_{b}=\frac{N-B}{B(N-1)}\sum_{i\neq j}^{N}g_{i}g_{j}^{\intercal}+\frac{1}{B^{2}}\sum_{i}g_{i}g_{i}"
    r"^{\intercal}-g_{N}g_{N}^{\intercal}",
    quantity="finite_population_factor", kind="identity", spec=numeric("appG_intermediate"))
add("appG.pair-identity", Location('App. G.1'),
    r"\sum_{i\neq j}g_{i}g_{j}^{\intercal}=N^{2}g_{N}g_{N}^{\intercal}-\sum_{i}g_{i}g_{i}^{\intercal}",
    kind="identity", spec=numeric("pair_identity"))
add("appG.factor", Location('App. G.1'),
    r"\Sigma_{b}=\frac{N-B}{B(N-1)}\left[\frac{1}{N}\sum_{i=1}^{N}g_{i}(w)g_{i}(w)^{\intercal}"
    r"-g(w)g(w)\right]=\frac{N-B}{B(N-1)}\Sigma",
    quantity="finite_population_factor", kind="identity", notes="g(w)g(w) lacks a transpose (outer product meant).",
    spec=numeric("appG_factor"))

# ---- Appendix I ---------------------------------------------------------------------------------
add("eq.33", Location('App. I.2', equation='33'),
    r"r_{l}:=\frac{\lVert W_{l}W_{l}^{\top}-W_{l+1}^{\top}W_{l+1}\rVert_{F}}{\lVert W_{l}W_{l}^{\top}\rVert_{F}+"
    r"\lVert W_{l+1}^{\top}W_{l+1}\rVert_{F}},",
    kind="statement", notes="'small values correspond to approximately balanced weights (normalized to be invariant to "
    "weight scaling)'", spec=numeric("balance_measure"))

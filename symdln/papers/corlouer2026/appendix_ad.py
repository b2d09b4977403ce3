"""Claims of Appendices A-D (setup, Sigma_lm, modewise diffusion, general modewise SDE), as printed."""
from __future__ import annotations

import numpy as np
import sympy as sp

from ...network import vec
from ...symbolic.symbols import b, eta, t
from ...paperkit import Location
from .identities import numeric, symbolic
from ._base import Spec, add
from .sec2_3 import _DRIFT

#: the noise-covariance claims of Apps. B and E: every block against the numeric core and the derivation
SIGMA_BLOCKS = dict(layout="blocks(net, teacher, l, m)", reference="sigma_blocks", derived="noise_covariance_block")


def sigma_lm_appB(net, teacher, l, m):
    """App. B (boxed): ``(A_l \\otimes B_l Delta)(I+C)(A_m \\otimes B_m Delta)^T + (A_l A_m^T) \\otimes (B_l Sigma_q B_m^T)``
    with ``A_l = W_{<l}``, ``B_l = W_{>l}^T``."""
    from ...noise import commutation_matrix
    D = teacher.M - net.end_to_end()
    d0 = net.widths[0]
    Al, Am, Bl, Bm = net.below(l), net.below(m), net.above(l).T, net.above(m).T
    IC = np.eye(d0 * d0) + commutation_matrix(d0, d0)
    return np.kron(Al, Bl @ D) @ IC @ np.kron(Am, Bm @ D).T + np.kron(Al @ Am.T, Bl @ teacher.Sigma_q @ Bm.T)


def vec_grad_appB(net, teacher, l, x, y):
    """App. B: ``vec(g_l) = -((A_l X) \\otimes B_l) eps``, ``eps = Y - W X``."""
    eps = y - net.end_to_end() @ x
    return -np.kron((net.below(l) @ x)[:, None], net.above(l).T) @ eps


def xi_appB(net, teacher, l, x, y):
    """App. B (boxed): ``xi_l = (A_l \\otimes B_l) vec(eps X^T - Delta)``."""
    eps = y - net.end_to_end() @ x
    D = teacher.M - net.end_to_end()
    return np.kron(net.below(l), net.above(l).T) @ vec(np.outer(eps, x) - D)


def pop_grad_appB(net, teacher, l):
    """App. B: ``E[vec(g_l)] = -(A_l \\otimes B_l) vec(Delta)``."""
    D = teacher.M - net.end_to_end()
    return -np.kron(net.below(l), net.above(l).T) @ vec(D)


def drift_appD(net, teacher, alpha, eta_=1.0):
    """App. D Eq. (27) drift: ``-sum_l <A_{l,alpha}, g_l> + (eta/2) tr(Sigma Hess w_alpha)`` with ``g_l`` the
    population gradient (the Ito term is the numeric core's)."""
    from ...modes import ito_drift, mode_jacobian
    from ...noise import population_gradient
    u, v = teacher.U[:, alpha], teacher.V[:, alpha]
    grad = -sum(float(np.sum(A * G)) for A, G in zip(mode_jacobian(net, u, v), population_gradient(net, teacher)))
    return grad + ito_drift(net, teacher, alpha, eta=eta_, b=1)


def hessian_bilinear_eq25(net, u, v, l, m, Hl, Hm):
    """App. D Eq. (25), l > m: ``u^T W_{>l} H_l (W_{l-1} ... W_{m+1}) H_m W_{<m} v``."""
    return float(u @ net.above(l) @ Hl @ net.between(l, m) @ Hm @ net.below(m) @ v)


# ---- Appendix A ---------------------------------------------------------------------------------
add("appA.noise-sign", Location('App. A.1'),
    r"\xi(B_{k}):=g(\theta_{k})-g_{B_{k}}(\theta_{k})",
    kind="statement", notes="Sec. 2.2 defines xi := g_(X,Y) - g (opposite sign); covariances are unaffected.",
    spec=numeric("noise_sign"))
add("appA.empirical-cov", Location('App. A.1'),
    r"\hat{\Sigma}_{N}:=\frac{1}{N}\sum_{i=1}^{N}g_{i}g_{i}^{\top}-g_{N}g_{N}^{\top}", kind="identity",
    spec=numeric("empirical_cov"))
add("appA.batch-cov", Location('App. A.1'),
    r"\Sigma_{b}=\operatorname{Cov}\!\left(\frac{1}{b}\sum_{i=1}^{b}g_{i}\right)=\frac{1}{b^{2}}\sum_{i=1}^{b}"
    r"\operatorname{Cov}(g_{i})=\frac{1}{b}\Sigma_{1}",
    quantity="batch_covariance_online", expr=1 / b, dimension="dimensionless", restates=("sec2.batch-cov",),
    spec=Spec())
add("appA.sgd-update", Location('App. A.1-A.2'),
    r"\Delta\theta_{k+1}:=\theta_{k+1}-\theta_{k}=-\eta_{k}g_{N}(\theta_{k})+\eta_{k}\xi_{k},\quad "
    r"\xi_{k}:=g_{N}(\theta_{k})-g(\theta_{k};Y_{k},X_{k});\quad \theta_{\frac{t}{\eta}}=\theta_{0}-\sum_{i=0}"
    r"^{\frac{t}{\eta}-1}"
    r"\Delta tg_{N}(\theta_{i})+\sqrt{\eta}\sum_{i=0}^{\frac{t}{\eta}-1}\sqrt{\Delta t}\xi(\theta_{i})",
    kind="identity", spec=numeric("sgd_update"))
add("appA.martingale-cov", Location('App. A.2'),
    r"M(t):=\sqrt{\eta}\sum_{i=0}^{\frac{t}{\eta}-1}\xi(\theta,t_{i})\ \implies\ \text{Cov}(M(t_{i}))=\sqrt{\eta}"
    r"\frac{t}{\eta}"
    r"\Sigma=\sqrt{\eta}t\Sigma",
    quantity="martingale_covariance", expr=sp.sqrt(eta) * t, kind="statement",
    notes="Both equalities are checked: sqrt(eta) t/eta and sqrt(eta) t (they also differ from each other).",
    spec=Spec(check="martingale_cov"))

# ---- Appendix B ---------------------------------------------------------------------------------
add("appB.shapes", Location('App. B', detail='Assumptions and Setup'),
    r"W_{i}\in\mathbb{R}^{d_{i}},\ i\in\{1,...L\}\quad W:=W_{L}W_{L-1}\cdots W_{1}\in\mathbb{R}^{d_{L}\times d_{0}}",
    kind="statement", notes="W_i must be d_i x d_{i-1} for the product to be d_L x d_0.", spec=numeric("appB_shapes"))
add("appB.vec-grad", Location('App. B'),
    r"\mathrm{vec}(g_{l})=-\mathrm{vec}\!\left((B_{l}\varepsilon)(A_{l}X)^{\top}\right)=-(A_{l}X)\otimes(B_{l}"
    r"\varepsilon)"
    r"=-\big((A_{l}X)\otimes B_{l}\big)\varepsilon.",
    quantity="population_gradient", expr=vec_grad_appB, kind="matrix", spec=numeric("per_sample_grad"))
add("appB.pop-grad", Location('App. B'),
    r"\mathbb{E}[\mathrm{vec}(g_{l})]=-\mathrm{vec}(B_{l}\Delta A_{l}^{\top})=-(A_{l}\otimes B_{l})\,\mathrm{vec}"
    r"(\Delta),",
    quantity="population_gradient", expr=pop_grad_appB, kind="matrix", spec=Spec(check="matrix_vs_core", params=dict(
        layout="per_layer(net, teacher, l)", reference="vec_population_gradient")))
add("appB.xi", Location('App. B', detail='boxed'),
    r"\xi_{l}=(A_{l}\otimes B_{l})\Big(\mathrm{vec}(\varepsilon X^{\top})-\mathrm{vec}(\Delta)\Big)=(A_{l}\otimes "
    r"B_{l})"
    r"\,\mathrm{vec}\!\left(\varepsilon X^{\top}-\Delta\right).",
    quantity="noise_covariance_block", expr=xi_appB, kind="matrix", spec=numeric("appB_xi"))
add("appB.S-split", Location('App. B'),
    r"S=(\Delta X+\xi_{q})X^{\top}-\Delta=\Delta(XX^{\top}-I_{d_{0}})+\xi_{q}X^{\top}=:S_{1}+S_{2}.",
    kind="identity", spec=numeric("S_split"))
add("appB.isserlis", Location('App. B'),
    r"\mathbb{E}[VV^{\top}]=I_{d_{0}^{2}}+C+\mathrm{vec}(I_{d_{0}})\mathrm{vec}(I_{d_{0}})^{\top}.",
    quantity="gaussian_fourth_moment", kind="identity", spec=symbolic("isserlis"))
add("appB.centered", Location('App. B'),
    r"\mathbb{E}[\mathrm{vec}(XX^{\top}-I_{d_{0}})\mathrm{vec}(XX^{\top}-I_{d_{0}})^{\top}]=I_{d_{0}^{2}}+C",
    quantity="gaussian_fourth_moment", kind="identity", spec=symbolic("centered"))
add("appB.label", Location('App. B'),
    r"C_{\mathrm{label}}=\mathbb{E}_{X}\!\big[(X\otimes I_{d_{L}})\Sigma_{q}(X\otimes I_{d_{L}})^{\top}\big]=I_{d_{0}"
    r"}\otimes\Sigma_{q}.",
    quantity="label_noise_moment", kind="identity", spec=symbolic("label_moment"))
add("appB.sigma-lm", Location('App. B', detail='boxed'),
    r"\Sigma_{lm}=(A_{l}\otimes B_{l}\Delta)\,(I_{d_{0}^{2}}+C)\,(A_{m}\otimes B_{m}\Delta)^{\top}\;+\;(A_{l}A_{m}"
    r"^{\top})"
    r"\otimes(B_{l}\Sigma_{q}B_{m}^{\top}).",
    quantity="noise_covariance_block", expr=sigma_lm_appB, kind="matrix", restates=("prop3.2", "appE.sigma-lm"),
    assumptions=("X ~ N(0, I)", "label noise independent of X", "batch size 1"),
    spec=Spec(check="matrix_vs_core", params=SIGMA_BLOCKS, mc="sigma_block"))

# ---- Appendix C ---------------------------------------------------------------------------------
add("appC.delta-w", Location('App. C'),
    r"\delta w_{\alpha}=\sum_{l}U^{\intercal\alpha}W_{>l}dW_{l}W_{<l}V^{\alpha}=\sum_{l}\langle A_{l,\alpha},dW_{l}"
    r"\rangle_{F}",
    quantity="mode_gradient", kind="identity", spec=numeric("first_order"))
add("appC.D", Location('App. C'),
    r"D_{\alpha}=\eta\sum_{lm}a_{l,\alpha}^{\intercal}\Sigma_{lm}a_{m,\alpha};\quad D_{\alpha\beta}=\eta\sum_{lm}"
    r"a_{l,\alpha}^{\intercal}\Sigma_{lm}a_{m,\beta}",
    quantity="diffusion_general", kind="matrix", restates=("prop3.3.D",), spec=numeric("diffusion_general"))

# ---- Appendix D ---------------------------------------------------------------------------------
add("eq.23", Location('App. D', equation='23'),
    r"d[\theta]_{t}\;=\;\eta\,\Sigma(\theta_{t})\,dt", kind="identity", spec=Spec(check="qv"))
add("eq.24", Location('App. D', equation='24'),
    r"A_{l,\alpha}(t)\;:=\;\partial_{W^{l}}f(W_{1,t},\dots,W_{L,t})\;=\;(W_{>l,t}^{\top}u_{\alpha})\,(W_{<l,t}"
    r"v_{\alpha})^{\top},",
    quantity="mode_gradient", kind="matrix", restates=("prop3.3.a",), spec=numeric("mode_gradient"))
add("eq.25", Location('App. D', equation='25'),
    r"\mathrm{D}^{2}_{W_{l},W_{m}}f[H_{l},H_{m}]\;=\;u_{\alpha}^{\top}\,W_{>l,t}\,H_{l}\,\big(W_{l-1,t}\cdots W_{m+1,"
    r"t}\big)"
    r"\,H_{m}\,W_{<m,t}\,v_{\alpha},\quad l>m",
    quantity="mode_hessian_block", expr=hessian_bilinear_eq25, kind="matrix", spec=numeric("bilinear_hessian"))
add("appD.hessian-vec", Location('App. D', detail='after Eq. 25'),
    r"\nabla^{2}_{l,m}w_{\alpha}(\theta_{t})=(W_{l-1:m+1}\otimes W_{>l}^{\top}u_{\alpha})(v_{\alpha}^{\top}W_{<m}"
    r"^{\top}\otimes I)",
    quantity="mode_hessian_block", kind="matrix", restates=("prop3.4.hessian",), spec=numeric("hessian"))
add("eq.26", Location('App. D', equation='26'),
    r"dw_{\alpha}(t)\,=\,\sum_{l=1}^{L}\big\langle A_{l,\alpha}(t),\,dW_{l,t}\big\rangle\;+\;\frac{1}{2}\,"
    r"d[\theta]_{t}:"
    r"\nabla^{2}w_{\alpha}(\theta_{t}),",
    quantity="ito_drift_general", kind="identity", restates=("eq.27",), spec=symbolic("ito_formula"))
add("eq.27", Location('App. D', equation='27'),
    r"dw_{\alpha}(t)\,=\,-\sum_{l=1}^{L}\langle A_{l,\alpha}(t),\,g_{l}(\theta_{t})\rangle\,dt\;+\;\sqrt{\eta}\,"
    r"a_{\alpha}(t)^{\top}"
    r"\sigma(\theta_{t})\,dB_{t}\;+\;\frac{\eta}{2}\,\mathrm{tr}\!\big(\Sigma(\theta_{t})\,\nabla^{2}w_{\alpha}"
    r"(\theta_{t})\big)\,dt.",
    quantity="gradient_drift_general", expr=drift_appD, kind="matrix", restates=("prop3.4.drift", "eq.30"),
    spec=Spec(check="matrix_vs_core", params=_DRIFT, mc="drift_generic"))
add("eq.28", Location('App. D', equation='28', detail='boxed'),
    r"D_{\alpha}(\theta_{t})\;=\;\eta\,a_{\alpha}(t)^{\top}\Sigma(\theta_{t})\,a_{\alpha}(t)\;=\;\eta\sum_{l,m=1}^{L}"
    r"a_{l,\alpha}(t)^{\top}\Sigma_{lm}(\theta_{t})\,a_{m,\alpha}(t).",
    quantity="diffusion_general", kind="matrix", restates=("prop3.3.D",), spec=numeric("diffusion_general"))
add("eq.29", Location('App. D', equation='29', detail='boxed'),
    r"D_{\alpha,\beta}\;=\;\eta\,a_{\alpha}(t)^{\top}\Sigma(\theta_{t})\,a_{\beta}(t)\;=\;\eta\sum_{l,m=1}^{L}a_{l,"
    r"\alpha}(t)^{\top}"
    r"\Sigma_{lm}(\theta_{t})\,a_{m,\beta}(t)",
    quantity="diffusion_general", kind="matrix", restates=("prop3.3.D",), spec=numeric("diffusion_general"))

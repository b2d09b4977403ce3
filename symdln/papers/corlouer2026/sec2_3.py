"""Claims of Sections 2 and 3 (preliminaries; modewise SDE), recorded as printed.

``printed`` is the LaTeX source copied from the paper; ``expr`` is a transcription built from the declared
symbols (scalar claims) or a NumPy builder of the printed matrix formula (matrix claims, which may raise a
shape error exactly where the printed formula is ill-formed).
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from ...network import vec
from ...symbolic.symbols import L, b, beta, s, sigma_q, t, w, w0
from ...paperkit import Location
from .identities import numeric, symbolic
from ._base import BETA_READING, SIGMA_READINGS, Spec, add

# --------------------------------------------------------------------------------------------------
# matrix builders: literal transcriptions of printed matrix formulas (NumPy, may raise on shapes)
# --------------------------------------------------------------------------------------------------


def J_printed(net, l):
    """Prop. 3.1 as printed: ``J_l := W_{<l}^T \\otimes W_{>l}^T``."""
    return np.kron(net.below(l).T, net.above(l).T)


def J_correct(net, l):
    """The Jacobian ``d vec W / d vec W_l = W_{<l}^T \\otimes W_{>l}`` (the reading under which the
    claims that use ``J_l`` are re-checked)."""
    return np.kron(net.below(l).T, net.above(l))


def jacobian_x_printed(net, l, x):
    """Prop. 3.1: ``J_l(x) := x^T W_{<l}^T \\otimes W_{>l}^T``."""
    return np.kron(x[None, :] @ net.below(l).T, net.above(l).T)


def vec_gradient_printed(net, teacher, l):
    """Prop. 3.1: ``g_l = -(W_{<l} \\otimes W_{>l}) vec(Delta)``."""
    D = teacher.M - net.end_to_end()
    return -np.kron(net.below(l), net.above(l)) @ vec(D)


def gradient_printed(net, teacher, l):
    """Prop. 3.1: ``G_l = -W_{>l}^T Delta W_{<l}^T``."""
    D = teacher.M - net.end_to_end()
    return -net.above(l).T @ D @ net.below(l).T


def _IDelta(net, teacher):
    D = teacher.M - net.end_to_end()
    d0 = net.widths[0]
    from ...noise import commutation_matrix
    return np.kron(np.eye(d0), D), np.eye(d0 * d0) + commutation_matrix(d0, d0)


def sigma_lm_with(J):
    """Prop. 3.2's boxed formula with a given Jacobian builder ``J(net, l)``."""
    def build(net, teacher, l, m):
        IkD, IC = _IDelta(net, teacher)
        data = J(net, l).T @ IkD @ IC @ IkD.T @ J(net, m)
        label = np.kron(net.below(l) @ net.below(m).T, net.above(l).T @ teacher.Sigma_q @ net.above(m))
        return data + label
    return build


sigma_lm_printed = sigma_lm_with(J_printed)


def mode_gradient_printed(net, u, v, l):
    """Prop. 3.3: ``\\partial_{W^l} w_alpha = (W_{>l}^T u)(W_{<l} v)^T``."""
    return np.outer(net.above(l).T @ u, net.below(l) @ v)


def a_vec_with(J):
    """Prop. 3.3: ``a_{l,alpha} = J_l^T (v \\otimes u)``."""
    return lambda net, u, v, l: J(net, l).T @ np.kron(v, u)


def noise_row_with(J):
    """Prop. 3.4's noise row ``(v^T \\otimes u^T) J`` with ``J = [J_1, ..., J_L]`` built by ``J(net, l)``."""
    return lambda net, u, v: np.kron(v, u) @ np.hstack([J(net, l) for l in range(1, net.depth + 1)])


#: the drift claims (Prop. 3.4, App. D/E): printed drift vs gradient + Ito drift of the numeric core
_DRIFT = dict(layout="drift(net, teacher, alpha, eta_)", reference="total_drift", derived="total_drift")


def ntk_diffusion_with(J):
    """Prop. 3.3: ``D_{ab} = eta (v_a^T \\otimes u_a^T) sum_{l,m} K_l (I\\otimes Delta)(I+C)(I\\otimes Delta)^T K_m
    (v_b \\otimes u_b)`` with ``K_l = J_l J_l^T`` (no label noise)."""
    def build(net, teacher, ua, va, ub, vb, eta_=1.0):
        IkD, IC = _IDelta(net, teacher)
        K = sum(J(net, l) @ J(net, l).T for l in range(1, net.depth + 1))
        return eta_ * np.kron(va, ua) @ K @ IkD @ IC @ IkD.T @ K @ np.kron(vb, ub)
    return build


def langevin_diffusion_with(J):
    """Remark (Sec. 3): ``D_{ab} = eta sigma^2 (v_a^T \\otimes u_a^T) sum_l K_l (v_b \\otimes u_b)``."""
    def build(net, ua, va, ub, vb, eta_=1.0, sigma2=1.0):
        K = sum(J(net, l) @ J(net, l).T for l in range(1, net.depth + 1))
        return eta_ * sigma2 * np.kron(va, ua) @ K @ np.kron(vb, ub)
    return build


def drift_printed(net, teacher, alpha, eta_=1.0):
    """Prop. 3.4: ``mu = -(v^T \\otimes u^T) sum_l K_l delta + (eta/2) tr(Sigma Hess w)`` with ``K_l = J_l J_l^T``
    (the correct J, so that only the printed sign is tested; the Ito term is the numeric core's)."""
    from ...modes import ito_drift
    u, v = teacher.U[:, alpha], teacher.V[:, alpha]
    D = teacher.M - net.end_to_end()
    K = sum(J_correct(net, l) @ J_correct(net, l).T for l in range(1, net.depth + 1))
    grad = -np.kron(v, u) @ K @ vec(D)
    return float(grad + ito_drift(net, teacher, alpha, eta=eta_, b=1))


def hessian_block_printed(net, u, v, l, m):
    """Prop. 3.4: ``nabla^2_{l,m} w = (W_{l-1:m+1} \\otimes W_{>l}^T u)(v^T W_{<m}^T \\otimes I)`` for l > m."""
    Wb = net.between(l, m)
    left = np.kron(Wb, (net.above(l).T @ u)[:, None])
    right = np.kron((v @ net.below(m).T)[None, :], np.eye(net.widths[m]))
    return left @ right


def gl_invariance_printed(net, l, P):
    """Prop. 3.1 remark: ``W_l P_l^{-1} P_l W_{l-1} = W_l W_{l-1}`` with ``P \\in GL_{d_l}``."""
    return net.layer(l) @ np.linalg.inv(P) @ P @ net.layer(l - 1)


# --------------------------------------------------------------------------------------------------
# Section 2
# --------------------------------------------------------------------------------------------------
add("eq.1", Location('2.2', equation='1'),
    r"d\theta_{t}=-\,g(\theta_{t})\,dt+\sqrt{\eta\,\Sigma_{b}(\theta_{t})}\,dW_{t},",
    kind="identity", assumptions=("constant step size", "martingale FCLT"),
    notes="The SDE whose Euler-Maruyama step with dt = eta matches one SGD step's mean and covariance.",
    spec=symbolic("sde_moments"))
add("sec2.batch-cov", Location('2.2'), r"\Sigma_{b}(\theta)=\frac{1}{b}\Sigma(\theta),",
    quantity="batch_covariance_online", expr=1 / b, kind="scalar", dimension="dimensionless",
    assumptions=("online sampling, independent samples",), spec=Spec())
add("sec2.unbiased", Location('2.1'), r"\mathbb{E}_{B}[g_{B}(\theta)]=\nabla L(\theta)",
    quantity="population_gradient", kind="identity", spec=numeric("unbiased_exact", mc="unbiased"))
add("sec2.A1-preserved", Location('2.4', item='(A1)'),
    r"W_{\ell+1}(t)^{\top}W_{\ell+1}(t)=W_{\ell}(t)W_{\ell}(t)^{\top} \text{ ... This condition is preserved under "
    r"gradient flow.}",
    kind="statement", assumptions=("gradient flow",), spec=numeric("balance_preserved"))
add("eq.2", Location('2.3', equation='2'), r"\dot{w}_{\alpha}\;=\;2\,(s_{\alpha}-w_{\alpha})\,w_{\alpha}",
    quantity="gf_mode_ode", expr=2 * (s - w) * w, dimension="drift",
    assumptions=("depth 2", "balanced", "aligned", "no label noise", "gradient flow"),
    spec=Spec(transform=lambda e: e.subs(L, 2), fixed={L: 2}))
add("eq.3", Location('2.3', equation='3'),
    r"w_{\alpha}(t)=\frac{s_{\alpha}}{1+\left(\frac{s_{\alpha}}{w_{\alpha}(0)}-1\right)e^{-2s_{\alpha}t}},",
    quantity="gf_logistic", expr=s / (1 + (s / w0 - 1) * sp.exp(-2 * s * t)), dimension="location",
    assumptions=("depth 2", "solution of Eq. (2)"),
    spec=symbolic("logistic_solves_ode", transform=lambda e: e.subs(L, 2), fixed={L: 2}))
add("sec2.timescale", Location('2.3', detail='after Eq. 3'),
    r"\text{characteristic timescale }\sim 1/s_{\alpha}",
    kind="statement", assumptions=("depth 2",), spec=Spec(check="timescale_domain"))

# --------------------------------------------------------------------------------------------------
# Section 3: Prop. 3.1 - 3.4
# --------------------------------------------------------------------------------------------------
_JL = "if J_l is read as the Jacobian d vec W / d vec W_l = W_{<l}^T kron W_{>l} (not Prop. 3.1's printed J_l)"
add("prop3.1.jacobian", Location('3', item='Prop. 3.1'),
    r"J_{l}:=W_{<l}^{\top}\otimes W_{>l}^{\top}", quantity="jacobian_block", expr=J_printed, kind="matrix",
    spec=Spec(check="matrix_vs_core", params=dict(
        layout="per_layer(net, l)", reference="exact_jacobian", derived="jacobian_block")))
add("prop3.1.jacobian-x", Location('3', item='Prop. 3.1'),
    r"J_{l}(x):=x^{\top}W_{<l}^{\top}\otimes W_{>l}^{\top}", quantity="jacobian_block", expr=jacobian_x_printed,
    kind="matrix", spec=numeric("jacobian_x"))
add("prop3.1.gradient", Location('3', item='Prop. 3.1'),
    r"G_{l}:=\nabla_{W_{l}}L=-W_{>l}^{\top}\Delta W_{<l}^{\top}", quantity="population_gradient",
    expr=gradient_printed, kind="matrix", assumptions=("whitened inputs",), spec=numeric("gradient"))
add("prop3.1.vec-gradient", Location('3', item='Prop. 3.1'),
    r"g_{l}:=\textup{vec}(G_{l})=-(W_{<l}\otimes W_{>l})\textup{vec}(\Delta)=-J_{l}^{\top}\delta",
    quantity="population_gradient", expr=vec_gradient_printed, kind="matrix", spec=Spec(check="matrix_vs_core", params=dict(
        layout="per_layer(net, teacher, l)", reference="vec_population_gradient")))
add("prop3.1.gl-invariance", Location('3', detail='after Prop. 3.1'),
    r"W_{l}P^{-1}_{l}P_{l}W_{l-1}=W_{l}W_{l-1},\ \text{for}\ P\in GL_{d_{l}}(\mathbb{R})",
    expr=gl_invariance_printed, kind="matrix",
    spec=numeric("gl_invariance", condition="if P is taken in GL_{d_{l-1}} (the width between W_{l-1} and W_l)"))
add("prop3.2", Location('3', item='Prop. 3.2', detail='boxed'),
    r"\Sigma_{lm}(\theta)\;=\;\underbrace{J_{l}^{\top}(I\otimes\Delta)\,(I_{d_{0}^{2}}+C)\,(I\otimes\Delta)^{\top}"
    r"J_{m}}"
    r"_{\text{data-mismatch term}}\;+\;\underbrace{(W_{<l}W_{<m}^{\top})\;\otimes\;(W_{>l}^{\top}\Sigma_{q}W_{>m})}"
    r"_{\text{label-noise term}}",
    quantity="noise_covariance_block", expr=sigma_lm_printed, kind="matrix", restates=("appB.sigma-lm",),
    assumptions=("X ~ N(0, I)", "label noise independent of X", "batch size 1"),
    spec=Spec(check="matrix_vs_core", mc="sigma_block", condition=_JL, params=dict(
        layout="blocks(net, teacher, l, m)", reference="sigma_blocks", derived="noise_covariance_block",
        condition_expr=sigma_lm_with(J_correct))))
add("prop3.3.a", Location('3', item='Prop. 3.3'),
    r"\partial_{W^{l}}w_{\alpha}\;=\;\big(W_{>l}^{\top}u_{\alpha}\big)\big(W_{<l}v_{\alpha}\big)^{\top}",
    quantity="mode_gradient", expr=mode_gradient_printed, kind="matrix", restates=("eq.24",),
    spec=numeric("mode_gradient"))
add("prop3.3.a-vec", Location('3', item='Prop. 3.3'),
    r"a_{l,\alpha}:=\mathrm{vec}\,A_{l,\alpha}=J_{l}^{\top}(v_{\alpha}\otimes u_{\alpha}),\qquad "
    r"a_{\alpha}:=(a_{1,\alpha};\dots;a_{N,\alpha})",
    quantity="mode_gradient", expr=a_vec_with(J_printed), kind="matrix",
    notes="The stacked vector runs to a_{N,alpha}: N should be L (the depth).", spec=Spec(
        check="matrix_vs_core", condition=_JL, params=dict(layout="mode_layers(net, u, v, l)", reference="mode_vector",
                                                           condition_expr=a_vec_with(J_correct))))
add("prop3.3.D", Location('3', item='Prop. 3.3', detail='boxed'),
    r"D_{\alpha}(\theta)=\eta\,a_{\alpha}(\theta)^{\top}\Sigma(\theta)\,a_{\alpha}(\theta),\qquad "
    r"D_{\alpha\beta}(\theta)=\eta\,a_{\alpha}(\theta)^{\top}\Sigma(\theta)\,a_{\beta}(\theta)",
    quantity="diffusion_general", kind="matrix", restates=("eq.28", "eq.29", "appC.D"),
    assumptions=("batch size 1",), spec=numeric("diffusion_general", mc="diffusion_generic"))
add("prop3.3.ntk", Location('3', item='Prop. 3.3'),
    r"D_{\alpha\beta}=\eta(v_{\alpha}^{\top}\otimes u_{\alpha}^{\top})\sum_{l,m}K_{l}(I\otimes\Delta)\,(I_{d_{0}^{2}}"
    r"+C)"
    r"\,(I\otimes\Delta)^{\top}K_{m}(v_{\beta}\otimes u_{\beta}).",
    quantity="diffusion_general", expr=ntk_diffusion_with(J_printed), kind="matrix",
    assumptions=("no label noise", "K_l := J_l J_l^T"), spec=numeric("ntk_diffusion", condition=_JL))
add("remark3.langevin", Location('3', item='Remark', detail='after Prop. 3.4'),
    r"D_{\alpha}(\theta)=\eta\,\sigma^{2}\,\|a_{\alpha}(\theta)\|^{2}=\eta\sigma^{2}(v_{\alpha}^{\top}\otimes "
    r"u_{\alpha}^{\top})"
    r"\sum_{l}K_{l}(v_{\alpha}\otimes u_{\alpha}),\ D_{\alpha\beta}(\theta)=\eta\,\sigma^{2}\,\langle a_{\alpha},"
    r"a_{\beta}\rangle"
    r"=\eta\sigma^{2}(v_{\alpha}^{\top}\otimes u_{\alpha}^{\top})\sum_{l}K_{l}(v_{\beta}\otimes u_{\beta})",
    quantity="diffusion_general", expr=langevin_diffusion_with(J_printed), kind="matrix",
    assumptions=("isotropic homogeneous noise Sigma = sigma^2 I",), spec=numeric("langevin_diffusion", condition=_JL))
add("prop3.4.drift", Location('3', item='Prop. 3.4', detail='boxed'),
    r"\mu_{\alpha}(\theta)=-(v_{\alpha}^{\top}\otimes u_{\alpha}^{\top})\sum_{l=1}^{L}\!K_{l}\delta+\frac{\eta}{2}\,"
    r"\mathrm{tr}\!\left(\Sigma(\theta)\,\nabla^{2}w_{\alpha}(\theta)\right)",
    quantity="gradient_drift_general", expr=drift_printed, kind="matrix", restates=("eq.27",),
    assumptions=("batch size 1",), spec=Spec(check="matrix_vs_core", mc="drift_generic", params=_DRIFT))
add("prop3.4.noise", Location('3', item='Prop. 3.4', detail='boxed'),
    r"dw_{\alpha}(t)=\mu_{\alpha}(\theta_{t})\,dt+\sqrt{\eta}\,(v_{\alpha}^{\top}\otimes u_{\alpha}^{{\top}}"
    r")J\sigma(\theta_{t})\,dB_{t}",
    quantity="diffusion_general", expr=noise_row_with(J_printed), kind="matrix",
    spec=Spec(check="matrix_vs_core", condition=_JL, params=dict(
        layout="mode_row(net, u, v)", reference="mode_vector", condition_expr=noise_row_with(J_correct))))
add("prop3.4.hessian", Location('3', item='Prop. 3.4'),
    r"\nabla^{2}_{l,m}w_{\alpha}(\theta_{t})=(W_{l-1:m+1}\otimes W_{>l}^{\top}u_{\alpha})(v_{\alpha}^{\top}W_{<m}"
    r"^{\top}\otimes I)",
    quantity="mode_hessian_block", expr=hessian_block_printed, kind="matrix", restates=("appD.hessian-vec",),
    notes="with diagonal blocks (l = m) zero", spec=numeric("hessian"))
add("prop3.5.decoupling", Location('3', item='Prop. 3.5', equation='4'),
    r"\text{each mode amplitude } w_{\alpha} \text{ evolves independently according to the scalar It\^o SDE}\quad "
    r"dw_{\alpha}=\Big[\,\mu_{\alpha}^{\rm grad}(w_{\alpha})\;+\;\mu_{\alpha}^{\rm Ito}(w_{\alpha})\,\Big]\,dt\;+\;"
    r"\sqrt{D_{\alpha}(w_{\alpha})}\,dB_{\alpha,t},",
    quantity="ito_drift_aligned", kind="statement", restates=("eq.4", "eq.11"),
    assumptions=("A1 balanced", "A2 aligned"), spec=Spec(check="decoupling_domain", mc="ito_cross"))
add("eq.4", Location('3', item='Prop. 3.5', equation='4'),
    r"dw_{\alpha}=\Big[\,\mu_{\alpha}^{\rm grad}(w_{\alpha})\;+\;\mu_{\alpha}^{\rm Ito}(w_{\alpha})\,\Big]\,dt\;+\;"
    r"\sqrt{D_{\alpha}(w_{\alpha})}\,dB_{\alpha,t},",
    quantity="drift_aligned", kind="statement", restates=("prop3.5.decoupling",),
    assumptions=("A1 balanced", "A2 aligned"), spec=Spec(check="decoupling_domain", mc="ito_cross"))

_MU_GRAD = (s - w) * L * w ** (2 * (L - 1) / L)
add("eq.5", Location('3', item='Prop. 3.5', equation='5'),
    r"\mu_{\alpha}^{\rm grad}(w_{\alpha})=(s_{\alpha}-w_{\alpha})\,L\,w_{\alpha}^{\frac{2(L-1)}{L}},",
    quantity="grad_drift_aligned", expr=_MU_GRAD, dimension="drift", assumptions=("A1", "A2"),
    spec=numeric("grad_aligned_numeric"))
add("eq.6", Location('3', item='Prop. 3.5', equation='6'),
    r"\mu_{\alpha}^{\rm Ito}(w_{\alpha})=\beta\,(s_{\alpha}-w_{\alpha})\,L(L-1)\,w_{\alpha}^{\frac{2(L-2)}{L}}\;+\;"
    r"\beta\,L(L-1)\,w_{\alpha}^{\frac{2(L-2)}{L}}\;\sigma_{q},",
    quantity="ito_drift_aligned",
    expr=beta * (s - w) * L * (L - 1) * w ** (2 * (L - 2) / L) + beta * L * (L - 1) * w ** (2 * (L - 2) / L) * sigma_q,
    dimension="drift", readings=SIGMA_READINGS + BETA_READING, restates=("eq.14", "appE.ito"),
    assumptions=("A1", "A2"), notes="Disagrees with Eq. (14) (sigma_q/2) and App. E (Gamma/2, Gamma = sigma_q^2).",
    spec=Spec(mc="ito_aligned"))
_D = beta * L ** 2 * (2 * (s - w) ** 2 + sigma_q ** 2) * w ** (4 * (L - 1) / L)
add("eq.7", Location('3', item='Prop. 3.5', equation='7'),
    r"D_{\alpha}(w_{\alpha})=\beta\,L^{2}\Big(2\,(s_{\alpha}-w_{\alpha})^{2}+\sigma_{q}^{2}\Big)\,w_{\alpha}"
    r"^{\frac{4(L-1)}{L}}.",
    quantity="diffusion_aligned", expr=_D, dimension="diffusion", readings=SIGMA_READINGS + BETA_READING,
    restates=("eq.8", "eq.15", "appE.D"), assumptions=("A1", "A2"), spec=Spec(mc="diffusion_aligned"))
add("prop3.5.D-cross", Location('3', item='Prop. 3.5', detail="'mode-diagonal'; App. E"),
    r"D_{\alpha\beta}=0\ \text{for}\ \alpha\neq\beta\ \text{(no cross-mode diffusion)}",
    quantity="cross_diffusion_aligned", expr=sp.Integer(0), dimension="diffusion",
    assumptions=("A1", "A2"), spec=Spec(mc="cross_diffusion_aligned"))
add("sec3.D-vanishes", Location('3', detail='after Prop. 3.5'),
    r"\text{In the absence of label noise ... the diffusion along a particular mode vanishes once } w_{\alpha}"
    r"=s_{\alpha}",
    quantity="diffusion_aligned", expr=sp.Integer(0), dimension="diffusion",
    spec=Spec(transform=lambda e: e.subs({sigma_q: 0, w: s}), fixed={sigma_q: 0, w: s}))

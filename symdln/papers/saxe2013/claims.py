"""The claims of Saxe, McClelland and Ganguli, recorded as printed (LaTeX copied from the transcription named in
``_base.SOURCE``; equation numbers are that transcription's).  ``level``: ``reduction`` for statements inside the
decoupled-mode reduction, ``network`` for statements about the full network or random matrices."""
from __future__ import annotations

from ...paperkit import Spec
from ._base import PAPER, loc
from .checks_modes import AB_FLOW, PRINTED
from .checks_network import GRADIENT_FLOW, MODE_ENERGY, eq2_printed, eq5_printed, eq13_printed

A = PAPER.add
NO_APPENDIX = " Supplementary Appendix B (the optimal learning rate) was not available; see the condition."

A("eq.2", loc("1", "2"),
  r"\tau\frac{d}{dt}{W^{21}}={W^{32}}^{T}\left({\Sigma^{31}}-{W^{32}}{W^{21}}\Sigma^{11}\right),\qquad"
  r"\tau\frac{d}{dt}{W^{32}}=\left({\Sigma^{31}}-{W^{32}}{W^{21}}\Sigma^{11}\right){W^{21}}^{T}",
  kind="identity", level="network", expr=eq2_printed,
  spec=Spec(check="numeric_identity", params=GRADIENT_FLOW["depth2"]),
  notes="Continuous-time limit of the batch rule Eq. (1) with tau = 1/lambda; checked against the gradient of the "
        "summed squared error with non-white inputs at rectangular widths.")
A("eq.5-6", loc("1.1", "5", "with the energy of Eq. (6)"),
  r"\tau\frac{d}{dt}a^{\alpha}=(s_{\alpha}-a^{\alpha}\cdot b^{\alpha})\,b^{\alpha}-\sum_{\gamma\neq\alpha}b^{\gamma}\,"
  r"(a^{\alpha}\cdot b^{\gamma}),\qquad\tau\frac{d}{dt}b^{\alpha}=(s_{\alpha}-a^{\alpha}\cdot b^{\alpha})\,a^{\alpha}-"
  r"\sum_{\gamma\neq\alpha}a^{\gamma}\,(b^{\alpha}\cdot a^{\gamma}) \quad E=\frac{1}{2\tau}\sum_{\alpha}(s_{\alpha}-"
  r"a^{\alpha}\cdot b^{\alpha})^{2}+\frac{1}{2\tau}\sum_{\alpha\neq\beta}(a^{\alpha}\cdot b^{\beta})^{2}",
  kind="identity", level="reduction", expr=eq5_printed, spec=Spec(check="symbolic_zero", params=MODE_ENERGY),
  assumptions=("whitened inputs (Sigma^11 = I)",))
A("sec1.2.fixed-points", loc("1.2", detail="fixed point structure"),
  r"all of these fixed points are unstable, except for the one in which only the first $N_{2}$ strongest modes, i.e. "
  r"$a^{\alpha}$ and $b^{\alpha}$ for $\alpha=1,\ldots,N_{2}$ are active. Thus remarkably, the dynamics in (5) has "
  r"only saddle points and no non-global local minima",
  kind="statement", level="network", spec=Spec(check="fixed_points"),
  notes="Decided with the saddle sampler: every rank stratum W = P_S M with |S| <= N_2 of a depth-2 network "
        "(N_2 = 2, rank-3 teacher) is sampled as an exact critical point (one per stratum, residual blocks zero) and "
        "certified by its Hessian; a sample, not an enumeration of all critical points.")
A("eq.7", loc("1.2", "7"), r"{W^{32}}{W^{21}}=\textstyle\sum_{\alpha=1}^{N_{2}}s_{\alpha}u_{\alpha}v_{\alpha}^{T}",
  kind="identity", level="network", spec=Spec(check="fixed_points"), restates=("sec1.2.fixed-points",))
A("eq.8-9", loc("1.3", "8", "from the error of Eq. (9); conserved a^2 - b^2"),
  r"\tau\frac{d}{dt}a=b\,(s-ab),\qquad\tau\frac{d}{dt}b=a\,(s-ab) \quad E(a,b)=\textstyle\frac{1}{2\tau}(s-ab)^{2}",
  kind="identity", level="reduction", expr=PRINTED["eq.8-9"], spec=Spec(check="symbolic_zero", params=AB_FLOW))
A("eq.10", loc("1.3", "10"), r"\tau\frac{d}{dt}u=2u(s-u)", kind="identity", level="reduction",
  expr=PRINTED["eq.10"],
  spec=Spec(check="symbolic_identity", params={"derived": "u_rate_L2", "label": "tau du/dt (a = b)"}), assumptions=("a = b",))
A("eq.11", loc("1.3", "11"),
  r"t=\tau\int_{u_{0}}^{u_{f}}\frac{du}{2u(s-u)}=\frac{\tau}{2s}\ln\frac{u_{f}(s-u_{0})}{u_{0}(s-u_{f})}",
  kind="identity", level="reduction", expr=PRINTED["eq.11"],
  spec=Spec(check="symbolic_identity", params={"derived": "time_L2", "points": "time_points", "label": "t(u_0 -> u_f)",
                                              "numeric": [{"ref": "time_L2_quadrature",
                                                           "label": "tau * quad(du / (2u(s-u)))"}]}))
A("eq.11-limit", loc("1.3", detail="after Eq. (11)"),
  r"the learning timescale in the limit $\epsilon\rightarrow 0$ is $t=\tau/s\ln\left(s/\epsilon\right)=O(\tau/s)$",
  kind="identity", level="reduction", expr=PRINTED["eq.11-limit"],
  spec=Spec(check="asymptotic_ratio", params={"derived": "time_L2_eps", "var": "epsilon", "to": "0+",
                                             "samples": "eps_samples"}),
  notes="u_0 = eps, u_f = s - eps; an asymptotic form (ratio -> 1).")
A("eq.12", loc("1.3", "12"), r"u_{f}(t)=\frac{se^{2st/\tau}}{e^{2st/\tau}-1+s/u_{0}}", kind="identity",
  level="reduction", expr=PRINTED["eq.12"],
  spec=Spec(check="symbolic_identity", params={"derived": "logistic_tau", "points": "sigmoid_grid", "label": "u(t)",
                                              "numeric": [{"ref": "sigmoid_ode", "rtol": 1e-8,
                                                           "label": "DOP853 solution of tau du/dt = 2u(s-u)"}]}))
A("eq.13", loc("2", "13", "with the product read as W^b ... W^(a+1) W^a"),
  r"\tau\frac{d}{dt}W^{l}=\left(\prod_{i=l+1}^{N_{l}-1}W^{i}\right)^{T}\left[{\Sigma^{31}}-\left(\prod_{i=1}^{N_{l}-1}"
  r"W^{i}\right)\Sigma^{11}\right]\left(\prod_{i=1}^{l-1}W^{i}\right)^{T}",
  kind="identity", level="network", expr=eq13_printed,
  spec=Spec(check="numeric_identity", params=GRADIENT_FLOW["rect"]))
A("sec2.product", loc("2", detail="definition after Eq. (13)"),
  r"\prod_{i=a}^{b}W^{i}=W^{b}W^{(b-1)}\cdots W^{(a-1)}W^{a}",
  kind="statement", level="network",
  spec=Spec(check="product_convention", condition="reading the last factors as W^{(a+1)}W^{a}"),
  notes="As transcribed the list ends with W^(a-1), a factor outside a..b (the PDF could not be compared).")
A("eq.15", loc("2", "15", "from the energy of Eq. (14) on a_i(0) = a_0"),
  r"\displaystyle\tau\frac{d}{dt}u=(N_{l}-1)u^{2-2/(N_{l}-1)}(s-u)", kind="identity", level="reduction",
  spec=Spec(check="deep_rate"))
A("sec2.integrable", loc("2", detail="after Eq. (15)"),
  r"This can be integrated for any positive integer $N_{l}$, though the expression is complicated.",
  kind="statement", level="reduction", spec=Spec(check="deep_integrable"),
  notes="Derived for every N_l: u = y^(N_l-1) makes the time integrand rational in y (elementary antiderivative); "
        "closed forms computed and checked for N_l = 3..5 (3..4 in the fast setting).")
A("eq.16", loc("2", "16"), r"\tau\frac{d}{dt}u=N_{l}u^{2}(s-u)", kind="identity", level="reduction",
  expr=PRINTED["eq.16"],
  spec=Spec(check="asymptotic_ratio", params={"derived": "rate_deep", "var": "N_l", "to": "oo",
                                             "samples": "depth_samples"}), notes="As N_l -> oo at fixed u; not uniform near u = 0.")
A("eq.17", loc("2", "17"),
  r"t=\frac{\tau}{N_{l}}\left[\frac{1}{s^{2}}\log\left(\frac{u_{f}(u_{0}-s)}{u_{0}(u_{f}-s)}\right)+\frac{1}{su_{0}}"
  r"-\frac{1}{su_{f}}\right]", kind="identity", level="reduction", expr=PRINTED["eq.17"],
  spec=Spec(check="symbolic_identity", params={"derived": "time_deep_limit", "points": "time_points_N7",
                                              "label": "t under Eq. (16)"}))
A("sec2.time-to-zero", loc("2", detail="after Eq. (17)"),
  r"for a fixed learning rate, the learning time as measured by the number of iterations required tends to zero as "
  r"$N_{l}$ goes to infinity", kind="statement", level="reduction", spec=Spec(check="time_to_zero"),
  notes="Checked with the exact Eq. (15), not only its limit Eq. (16).")
A("sec2.alpha-opt", loc("2", detail="optimal learning rate"),
  r"For linear networks with $a_{i}=a_{j}=a$, this optimal learning rate $\alpha_{opt}$ decays with depth as "
  r"$O\left(\frac{1}{N_{l}s^{2}}\right)$ for large $N_{l}$", kind="statement", level="reduction",
  spec=Spec(check="alpha_opt", condition="alpha_opt read as 1/lambda_max (top Hessian eigenvalue of tau E on the "
                                         "balanced path)"), notes=NO_APPENDIX)
A("sec2.depth-delay", loc("2", detail="optimal learning rate"),
  r"with the optimal learning rate, the difference between learning times for an $N_{l}=3$ network and an "
  r"$N_{l}=\infty$ network is $t_{\infty}-t_{3}\sim O\left(s/\epsilon\right)$ for small $\epsilon$ [...] the delay "
  r"incurred by depth scales inversely with the size of the initial strength of the association",
  kind="statement", level="reduction",
  spec=Spec(check="depth_delay", condition="learning rate 1/lambda_max (as for sec2.alpha-opt)"), notes=NO_APPENDIX)
A("sec3.depth-independent", loc("3", detail="first paragraph"),
  r"learning times can be independent of depth, even for arbitrarily deep networks, as long as the initial "
  r"composite, end to end mode strength, denoted by $u$ above, of every connectivity mode is $O(1)$",
  kind="statement", level="reduction",
  spec=Spec(check="depth_independent", condition="learning rate 1/lambda_max (as for sec2.alpha-opt)"),
  notes=NO_APPENDIX + " 'Independent' is tested as: iterations stay within a factor 2 of the shallow network.")
A("sec3.gaussian-norm", loc("3", detail="scaled random Gaussian initialisation"),
  r"choosing each weight i.i.d. from a zero mean Gaussian with standard deviation $1/\sqrt{N}$. With this choice, "
  r"$\langle v^{T}W^{T}Wv\rangle_{W}=v^{T}v$ [...] Moreover, the distribution of $v^{T}W^{T}Wv$ concentrates about "
  r"its mean for large $N$", kind="statement", level="network", spec=Spec(check="gaussian_norm"))
A("sec3.gaussian-products", loc("3", item="Fig. 6B", detail="singular values of W_Tot, Eq. (19)"),
  r"we find that it develops a highly kurtotic nature as the depth increases. Most of the singular values become "
  r"vanishingly small, while a long tail of very large singular values remain. Thus $W_{\text{Tot}}$ preserves the "
  r"norm of a typical, randomly chosen vector $v$", kind="statement", level="network",
  spec=Spec(check="gaussian_products"),
  notes="'Vanishingly small' is tested as below 0.1; the sizes (N = 64, up to 16 matrices) are smaller than the "
        "paper's (N = 1000, 500 realisations).")
A("sec3.orthogonal-products", loc("3", detail="after Eq. (19)"),
  r"Under random orthogonal initilization in each layer, $W_{\text{Tot}}$ is itself an orthogonal matrix and "
  r"therefore has all singular values equal to $1$", kind="statement", level="network",
  spec=Spec(check="orthogonal_products"))



def _e(item, kind, where, quote, claims=(), reason="", note=""):
    return {"item": item, "kind": kind, "where": where, "quote": quote, "claims": tuple(claims), "reason": reason,
            "note": note}


_NUM = {"eq.2": "2", "eq.7": "7", "eq.10": "10", "eq.11": "11", "eq.12": "12", "eq.13": "13", "eq.15": "15",
        "eq.16": "16", "eq.17": "17"}
PAPER.coverage[:] = (
    [_e(f"Eq. ({n})", "equation", f"Sec. {PAPER.get(c).location.split(',')[0][5:]}", PAPER.get(c).printed[:60] + "...",
        (c,)) for c, n in _NUM.items()]
    + [_e("Eqs. (5)-(6)", "equation", "Sec. 1.1", "connectivity-mode flow and its energy", ("eq.5-6",)),
       _e("Eqs. (8)-(9)", "equation", "Sec. 1.3", "two-scalar flow and its error", ("eq.8-9",)),
       _e("Sec. 1.2", "sentence", "Sec. 1.2", "only saddle points and no non-global local minima",
          ("sec1.2.fixed-points",)),
       _e("Sec. 1.3", "sentence", "Sec. 1.3", "t = tau/s ln(s/eps) = O(tau/s)", ("eq.11-limit",)),
       _e("Sec. 2", "sentence", "Sec. 2", "definition of prod_{i=a}^{b} W^i", ("sec2.product",)),
       _e("Sec. 2", "sentence", "Sec. 2", "can be integrated for any positive integer N_l", ("sec2.integrable",)),
       _e("Sec. 2", "sentence", "Sec. 2", "learning time ... tends to zero as N_l goes to infinity",
          ("sec2.time-to-zero",)),
       _e("Sec. 2", "sentence", "Sec. 2", "alpha_opt decays with depth as O(1/(N_l s^2))", ("sec2.alpha-opt",)),
       _e("Sec. 2", "sentence", "Sec. 2", "t_oo - t_3 ~ O(s/eps); delay inverse in the initial strength",
          ("sec2.depth-delay",)),
       _e("Sec. 3", "sentence", "Sec. 3", "learning times can be independent of depth", ("sec3.depth-independent",)),
       _e("Sec. 3", "sentence", "Sec. 3", "<v^T W^T W v> = v^T v; concentrates", ("sec3.gaussian-norm",)),
       _e("Fig. 6B", "figure", "Sec. 3", "singular values of W_Tot: kurtotic with depth", ("sec3.gaussian-products",)),
       _e("Sec. 3", "sentence", "Sec. 3", "W_Tot orthogonal: all singular values 1", ("sec3.orthogonal-products",)),
       _e("Eq. (1)", "equation", "Sec. 1", "batch learning rule", reason="definition",
          note="its continuous-time limit is eq.2"),
       _e("Eqs. (3)-(4)", "equation", "Sec. 1.1", "SVD and change of variables", reason="definition",
          note="the flow (4) is the gradient flow of E(6), checked in eq.5-6"),
       _e("Eq. (14)", "equation", "Sec. 2", "mode energy of a deep network", reason="definition",
          note="its flow and conserved quantities are evidence of eq.15"),
       _e("Eq. (18)", "equation", "Sec. 3", "Q = V^11 (pretraining condition)", reason="experimental observation",
          note="an empirical criterion on data (MNIST); not decided"),
       _e("Eqs. (19)-(22)", "equation", "Secs. 3-4", "W_Tot, nonlinear network, q^l, Jacobian", reason="definition",
          note="Sec. 4 is about nonlinear networks, outside the deep linear model"),
       _e("Figs. 3-5, 6A, 6C, 7", "figure", "Secs. 1-4", "MNIST and simulation figures",
          reason="experimental observation", note="not reproduced"),
       _e("Supplementary Appendices A-G", "sentence", "Supplement", "appendices", reason="no checkable content",
          note="not in the source text; statements deferring to them are marked"),
       ])

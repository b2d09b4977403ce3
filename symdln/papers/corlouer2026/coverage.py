"""Coverage of the paper (``PAPER.coverage``): every numbered equation, proposition, remark, figure caption with a
quantitative statement and quantitative sentence, in paper order, mapped to the registered claims that decide
it -- or to the reason it is not a claim.

Each entry is a dict with ``item`` (what the paper calls it), ``kind`` (``equation``, ``proposition``,
``remark``, ``figure``, ``sentence``), ``where`` (section), ``quote`` (a short quotation that locates it),
``claims`` (local claim ids) and ``reason`` (why there is no claim; empty when ``claims`` is not).  Reasons use
a small vocabulary so that the table can be counted: ``definition`` (introduces notation or a model, nothing to
check), ``no checkable content`` (qualitative, a conjecture, a citation), ``experiment setting`` (a setting of
the paper's experiments), ``experimental observation`` (measured on the paper's own runs; the experiment that
reproduces it is named).  :mod:`symdln.verify.coverage` renders the table (``docs/coverage.md``).
"""
from __future__ import annotations

from ._base import PAPER

__all__ = ["COVERAGE", "REASONS"]

REASONS = ("definition", "no checkable content", "experiment setting", "experimental observation")
_DEF, _QUAL, _SET, _OBS = REASONS


def _e(item, kind, where, quote, claims=(), reason="", note=""):
    return {"item": item, "kind": kind, "where": where, "quote": quote, "claims": tuple(claims),
            "reason": reason, "note": note}


def _obs(item, where, quote, experiment, theory=(), kind="figure"):
    """An observation on the paper's own runs: not a claim; ``theory`` names the claims it illustrates."""
    note = f"reproduced by `symdln experiments {experiment}`" if experiment else "not reproduced here"
    if theory:
        note += "; theory side: " + ", ".join(f"`{c}`" for c in theory)
    return _e(item, kind, where, quote, (), _OBS, note)


COVERAGE = [
    # ---- Abstract and Sec. 1 ------------------------------------------------------------------------------
    _e("Abstract", "sentence", "Abstract", "exact decomposition of the dynamics into ... one-dimensional per-mode SDEs",
       ("prop3.5.decoupling", "eq.4")),
    _e("Abstract", "sentence", "Abstract", "the maximal diffusion along a mode precedes the corresponding feature "
       "being completely learned", ("sec4.peak-before-learning", "eq.10")),
    _e("Abstract", "sentence", "Abstract", "in the absence of label noise, its marginal ... coincides with the "
       "stationary distribution of gradient flow", ("prop5.2.i",)),
    _e("Abstract", "sentence", "Abstract", "in the presence of label noise it approximates a Boltzmann distribution",
       ("prop5.2.ii-unique", "eq.18"), note="'Boltzmann' is read as Prop. 5.2 (ii): approximately Gaussian"),
    _obs("Abstract", "Abstract", "the theoretical results hold qualitatively even without aligned or balanced weights",
         "misalignment", kind="sentence"),
    _e("Contribution 1", "sentence", "1.1", "closed-form ... gradient noise covariance ... data-mismatch term and a "
       "label-noise term", ("prop3.2", "appB.sigma-lm")),
    _e("Contribution 2", "sentence", "1.1", "the diffusion coefficient along a given mode peaks before ... then "
       "decays to zero", ("intro.contribution2", "sec4.peak-before-learning")),
    _e("Contribution 3", "sentence", "1.1", "the stationary distribution collapses to a Dirac mass ... With label "
       "noise, it is approximately Boltzmann", ("prop5.2.i", "prop5.2.ii-unique")),
    _obs("Contribution 4", "1.1", "state-dependent noise is a more accurate model of SGD than ... Langevin",
         "stationary", kind="sentence"),
    _obs("Sec. 1.1", "1.1", "modes are still learned in order of decreasing singular value magnitude", "stagewise",
         ("sec2.timescale",), kind="sentence"),
    _obs("Fig. 1", "1", "the time of learning being predicted by the time of maximum diffusion; (see Equation 7) "
         "matches what is observed", "diffusion-peak", ("eq.7", "eq.9")),
    # ---- Sec. 2 -------------------------------------------------------------------------------------------
    _e("Sec. 2.1", "sentence", "2.1", "the discrete-time SGD update with learning rate eta_k", reason=_DEF),
    _e("Sec. 2.1", "sentence", "2.1", "the batch gradient is an unbiased estimator", ("sec2.unbiased",)),
    _e("Sec. 2.2", "sentence", "2.2", "Sigma(theta) := E[xi xi^T] (one-sample noise covariance)", reason=_DEF),
    _e("Sec. 2.2", "sentence", "2.2", "Sigma_b(theta) = Sigma(theta)/b", ("sec2.batch-cov",)),
    _e("Eq. (1)", "equation", "2.2", "d theta = -g dt + sqrt(eta Sigma_b) dW", ("eq.1",)),
    _e("Sec. 2.3", "sentence", "2.3", "Y = M X + xi_q where xi_q ~ N(0, sigma_q I)", reason=_DEF,
       note="introduces sigma_q as a variance: the source of the two readings of sigma_q"),
    _e("Sec. 2.3", "sentence", "2.3", "mode and cross-mode amplitude w_alpha, w_alpha beta", reason=_DEF),
    _e("Eq. (2)", "equation", "2.3", "dw/dt = 2 (s - w) w", ("eq.2",)),
    _e("Eq. (3)", "equation", "2.3", "logistic solution w(t)", ("eq.3",)),
    _e("Sec. 2.3", "sentence", "2.3", "larger s modes rise earlier and faster (characteristic timescale ~ 1/s)",
       ("sec2.timescale",)),
    _e("Sec. 2.3", "sentence", "2.3", "non-strict saddles are prevalent in DLNs", reason=_QUAL),
    _obs("Fig. 2", "2.3", "depth-6 ... the 5 singular values of the teacher matrix are learned in descending order",
         "stagewise"),
    _e("(A1)", "sentence", "2.4", "This condition is preserved under gradient flow (and assumed 'for all times in "
       "training')", ("sec2.A1-preserved", "net.A1-sgd")),
    _e("(A2)", "sentence", "2.4", "cross-mode amplitudes vanish", reason=_DEF, note="an assumption"),
    _e("Footnote 4", "sentence", "2.4", "This can probably be relaxed", reason=_QUAL),
    # ---- Sec. 3 -------------------------------------------------------------------------------------------
    _e("Prop. 3.1", "proposition", "3", "J_l, J_l(x), G_l, g_l",
       ("prop3.1.jacobian", "prop3.1.jacobian-x", "prop3.1.gradient", "prop3.1.vec-gradient")),
    _e("Sec. 3", "sentence", "3", "The gradient is zero if and only if the Jacobian ... is orthogonal to ... delta",
       ("prop3.1.vec-gradient",), note="restates g = -J^T delta"),
    _e("Sec. 3", "sentence", "3", "W_l P^-1 P W_(l-1) = W_l W_(l-1), P in GL_(d_l)", ("prop3.1.gl-invariance",)),
    _e("Prop. 3.2", "proposition", "3", "Sigma_lm = data-mismatch term + label-noise term", ("prop3.2",)),
    _e("Sec. 3", "sentence", "3", "the gradient noise covariance is zero at global minima ... and at zeros of the "
       "Jacobian", ("sec3.sigma-zero",)),
    _e("Prop. 3.3", "proposition", "3", "A_l,alpha, a_l,alpha, D_alpha, D_alpha beta, NTK form",
       ("prop3.3.a", "prop3.3.a-vec", "prop3.3.D", "prop3.3.ntk", "eq.29")),
    _e("Sec. 3", "sentence", "3", "in the lazy regime ... the modewise diffusion of SGD will vary only with ... Delta",
       reason=_QUAL, note="immediate from the NTK form (prop3.3.ntk)"),
    _e("Prop. 3.4", "proposition", "3", "dw = mu dt + sqrt(eta) (v kron u)^T J sigma dB; Hessian blocks",
       ("prop3.4.drift", "prop3.4.noise", "prop3.4.hessian")),
    _e("Sec. 3", "sentence", "3", "this drift induced by noise will be zero when the noise is orthogonal to the flat "
       "directions", reason=_QUAL, note="'flat directions' is not defined; the exact statement is appD.ito-blockdiag"),
    _obs("Sec. 3", "3", "the time-scale of learning ... is typically slower than gradient descent", "stagewise",
         kind="sentence"),
    _e("Remark (after Prop. 3.4)", "remark", "3", "Langevin: D_alpha = eta sigma^2 |a_alpha|^2 ...",
       ("remark3.langevin",)),
    _e("Remark (after Prop. 3.4)", "remark", "3", "the Ito-induced drift is simply proportional to the trace of the "
       "Hessian", ("remark3.langevin-ito",)),
    _e("Remark (after Prop. 3.4)", "remark", "3", "If the NTK is frozen ... Langevin will be isotropic and "
       "state-independent", ("remark3.frozen-ntk",)),
    _e("Prop. 3.5", "proposition", "3", "each mode evolves independently; Eqs. (4)-(7); mode-diagonal diffusion",
       ("prop3.5.decoupling", "prop3.5.D-cross", "net.prop3.5-independent")),
    _e("Eq. (4)", "equation", "3", "dw = [mu_grad + mu_Ito] dt + sqrt(D) dB", ("eq.4",)),
    _e("Eq. (5)", "equation", "3", "mu_grad = (s - w) L w^(2(L-1)/L)", ("eq.5",)),
    _e("Eq. (6)", "equation", "3", "mu_Ito", ("eq.6",)),
    _e("Eq. (7)", "equation", "3", "D = beta L^2 (2(s-w)^2 + sigma_q^2) w^(4(L-1)/L)", ("eq.7",)),
    _e("Sec. 3", "sentence", "3", "the diffusion scales linearly with learning rate and inversely with batch size",
       ("sec3.D-scaling",)),
    _e("Sec. 3", "sentence", "3", "In the absence of label noise ... the diffusion ... vanishes once w = s",
       ("sec3.D-vanishes",)),
    _e("Sec. 3", "sentence", "3", "In the presence of label noise, we recover Langevin dynamics ... state-independent "
       "noise once a mode has been learned", ("sec3.label-noise-langevin",)),
    _obs("Sec. 3", "3", "SGD noise does not seem to fundamentally alter the training dynamics", "stagewise",
         kind="sentence"),
    # ---- Sec. 4 -------------------------------------------------------------------------------------------
    _e("Eq. (8)", "equation", "4", "D_alpha(w_alpha) (restates Eq. 7)", ("eq.8",)),
    _e("Sec. 4", "sentence", "4", "stationary condition dD/dw = 0 <=> (2a+4)(w-s)^2 + 4s(w-s) + a sigma_q^2 = 0",
       ("sec4.stationary-condition", "notation.a")),
    _e("Eq. (9)", "equation", "4", "w* = ((a+1)s - sqrt(s^2 - a(a+2) sigma_q^2/2))/(a+2)", ("eq.9",)),
    _e("Eq. (10)", "equation", "4", "This maximum exists if and only if ... sigma_q^2 <= ...", ("eq.10",)),
    _e("Sec. 4", "sentence", "4", "Whenever (10) holds, the maximizer satisfies w* < s",
       ("sec4.peak-before-learning",)),
    _obs("Sec. 4.1", "4.1", "the variance of state-dependent noise of SGD peaks before each mode is learned",
         "diffusion-peak", ("sec4.peak-before-learning",), kind="sentence"),
    _obs("Sec. 4.1", "4.1", "taking 200 units of time to learn all modes as opposed to 30", "diffusion-peak",
         kind="sentence"),
    _obs("Fig. 3", "4.1", "both have peaks in the diffusion before the mode is learned", "diffusion-peak",
         ("sec4.peak-before-learning",)),
    # ---- Sec. 5 -------------------------------------------------------------------------------------------
    _e("Prop. 5.1", "proposition", "5", "Fokker-Planck equations", ("prop5.1.fp", "prop5.1.fp-1d")),
    _e("Prop. 5.2", "proposition", "5", "modewise stationary law under detailed balance",
       ("prop5.2.cites", "prop5.2.i", "prop5.2.ii-unique", "prop5.2.mean-above")),
    _e("Eq. (11)", "equation", "5", "dw = mu dt + sqrt(D) dB", ("eq.11",)),
    _e("Eq. (12)", "equation", "5", "mu = mu_grad + mu_Ito", ("eq.12",)),
    _e("Eq. (13)", "equation", "5", "mu_grad = L w^(2(L-1)/L)(s - w)", ("eq.13",)),
    _e("Eq. (14)", "equation", "5", "mu_Ito = beta L(L-1) w^(2(L-2)/L)[(s-w) + sigma_q/2]", ("eq.14",)),
    _e("Eq. (15)", "equation", "5", "D (restates Eq. 7)", ("eq.15",)),
    _e("Eq. (16)", "equation", "5", "p* ~ (1/D) exp(int_0^w 2 mu/D dz)", ("eq.16",)),
    _e("Prop. 5.2 (i)", "sentence", "5", "D ~ Q(s-w)^2, mu ~ q(s-w) ... p* = delta(w - s)", ("prop5.2.i",)),
    _e("Prop. 5.2 (ii)", "sentence", "5", "there is a unique smooth stationary density peaked near the zero of mu",
       ("prop5.2.ii-unique",)),
    _e("Eq. (17)", "equation", "5", "w* - s = (eta/2B)(L-1) s^(-2/L) sigma_q + O(eta^2)", ("eq.17",)),
    _e("Eq. (18)", "equation", "5", "Var = -D(s)/(2 mu'(s)) + O(eta^2) = ...", ("eq.18", "net.eq.18"),
       note="`net.eq.18`: the same statement for SGD on the full network"),
    _e("Prop. 5.2 (ii)", "sentence", "5", "approximately Gaussian with mean s + O(eta) (slightly above s ...)",
       ("prop5.2.mean-above", "net.prop5.2.mean", "net.prop5.2.mean-above"),
       note="`net.*`: the same sentence for SGD on the full network"),
    _e("Sec. 5", "sentence", "5", "we suspect that it converges to a Dirac in the long run", reason=_QUAL,
       note="a conjecture about SGD"),
    _obs("Fig. 4", "5.1", "SGD (a) concentrates entirely on the value of the top singular value", "stationary",
         ("prop5.2.i",)),
    _e("Sec. 5.1", "sentence", "5.1", "sharply peaks around the teacher's mode amplitude (1.0)", reason=_SET,
       note="1.0 is App. H.1's top singular value"),
    _obs("Sec. 5.1", "5.1", "the gap ... is because of discretization error", "stationary", kind="sentence"),
    _e("Fig. 5", "figure", "5.1", "in the presence of label noise (variance 0.1)", reason=_SET,
       note="reads sigma_q as a variance, like Sec. 2.3"),
    _obs("Fig. 5", "5.1", "the distribution is approximately Gaussian and is no longer concentrated at a point",
         "stationary", ("eq.18",)),
    # ---- Sec. 6 -------------------------------------------------------------------------------------------
    _e("Sec. 6", "sentence", "6", "we considered an anisotropic and state-independent gradient noise covariance",
       ("sec6.state-independent",)),
    _e("Sec. 6", "sentence", "6", "the modewise diffusion of SGD precedes the time at which a feature is ... learned",
       ("sec4.peak-before-learning",)),
    _e("Sec. 6", "sentence", "6", "concentrating around the teacher singular values", ("prop5.2.i", "eq.18")),
    _e("Limitations", "sentence", "6", "we have modeled SGD with a continuous limit ...", reason=_QUAL),
    # ---- Appendix A ---------------------------------------------------------------------------------------
    _e("App. A.1", "sentence", "App. A", "xi(B_k) := g - g_B (sign convention)", ("appA.noise-sign",)),
    _e("App. A.1", "sentence", "App. A", "Sigma_b := E[xi xi^T]", reason=_DEF),
    _e("App. A.1", "sentence", "App. A", "empirical covariance hat Sigma_N", ("appA.empirical-cov",)),
    _e("App. A.1", "sentence", "App. A", "Sigma_b = Cov(1/b sum g_i) = ... = Sigma_1 / b", ("appA.batch-cov",)),
    _e("App. A.1", "sentence", "App. A", "Delta theta = -eta g_N + eta xi", ("appA.sgd-update",)),
    _e("App. A.2", "sentence", "App. A", "theta_(t/eta) = theta_0 - sum Delta t g_N + sqrt(eta) sum sqrt(Delta t) xi",
       ("appA.sgd-update",)),
    _e("App. A.2", "sentence", "App. A", "Cov(M(t)) = sqrt(eta) t/eta Sigma = sqrt(eta) t Sigma",
       ("appA.martingale-cov",)),
    _e("App. A.2", "sentence", "App. A", "conditional quadratic variation ... Lindeberg condition", reason=_DEF,
       note="hypotheses of the functional CLT; its conclusion is Eq. (1)"),
    # ---- Appendix B ---------------------------------------------------------------------------------------
    _e("App. B", "sentence", "App. B", "W_i in R^(d_i), W = W_L ... W_1 in R^(d_L x d_0)", ("appB.shapes",)),
    _e("App. B", "sentence", "App. B", "Y = MX + xi_q; A_l := W_<l, B_l := W_>l^T", reason=_DEF),
    _e("App. B", "sentence", "App. B", "g_l = -W_>l^T eps X^T W_<l^T; vec(g_l) = -((A_l X) kron B_l) eps",
       ("appB.vec-grad",)),
    _e("App. B", "sentence", "App. B", "E[g_l] = -B_l Delta A_l^T; E[vec g_l] = -(A_l kron B_l) vec Delta",
       ("appB.pop-grad",)),
    _e("App. B", "sentence", "App. B", "xi_l = (A_l kron B_l) vec(eps X^T - Delta) (boxed)", ("appB.xi",)),
    _e("App. B", "sentence", "App. B", "S = Delta(XX^T - I) + xi_q X^T; cross terms vanish", ("appB.S-split",)),
    _e("App. B", "sentence", "App. B", "Isserlis: E[X_i X_j X_k X_l] = ...; E[VV^T] = I + C + vec I vec I^T",
       ("appB.isserlis",)),
    _e("App. B", "sentence", "App. B", "centered fourth moment = I + C", ("appB.centered",)),
    _e("App. B", "sentence", "App. B", "C_label = I kron Sigma_q", ("appB.label",)),
    _e("App. B", "sentence", "App. B", "Sigma_lm (boxed)", ("appB.sigma-lm",)),
    # ---- Appendix C ---------------------------------------------------------------------------------------
    _e("App. C", "sentence", "App. C", "delta w_alpha = sum_l <A_l,alpha, dW_l>_F", ("appC.delta-w",)),
    _e("App. C", "sentence", "App. C", "D_alpha = eta sum a_l^T Sigma_lm a_m; D_alpha beta", ("appC.D",)),
    # ---- Appendix D ---------------------------------------------------------------------------------------
    _e("Eq. (19)", "equation", "App. D", "theta_t := (vec W_1; ...; vec W_L) in R^P", reason=_DEF),
    _e("Eq. (20)", "equation", "App. D", "Sigma(theta) := E[xi xi^T | theta] (minibatch Z)", reason=_DEF),
    _e("Eq. (21)", "equation", "App. D", "Sigma_lm := E_Z[xi_l xi_m^T]", reason=_DEF),
    _e("Eq. (22)", "equation", "App. D", "d theta = -g dt + sqrt(eta) sigma dB", reason=_DEF,
       note="the model: Eq. (1) with Sigma the minibatch covariance of Eq. (20); its consequence Eq. (23) is eq.23"),
    _e("Eq. (23)", "equation", "App. D", "d[theta]_t = eta Sigma dt", ("eq.23",)),
    _e("Eq. (24)", "equation", "App. D", "A_l,alpha = (W_>l^T u)(W_<l v)^T", ("eq.24",)),
    _e("Eq. (25)", "equation", "App. D", "bilinear mixed second derivatives", ("eq.25",)),
    _e("App. D", "sentence", "App. D", "nabla^2_lm w_alpha = (W_(l-1:m+1) kron W_>l^T u)(v^T W_<m^T kron I)",
       ("appD.hessian-vec",)),
    _e("Eq. (26)", "equation", "App. D", "Ito formula for w_alpha", ("eq.26",)),
    _e("Eq. (27)", "equation", "App. D", "dw = -sum <A, g> dt + sqrt(eta) a^T sigma dB + eta/2 tr(Sigma H) dt",
       ("eq.27",)),
    _e("App. D", "sentence", "App. D", "The last term ... vanishes when Sigma(theta_t) is block-diagonal",
       ("appD.ito-blockdiag",)),
    _e("Eq. (28)", "equation", "App. D", "D_alpha = eta a^T Sigma a (boxed)", ("eq.28",)),
    _e("Eq. (29)", "equation", "App. D", "D_alpha,beta = eta a_alpha^T Sigma a_beta (boxed)", ("eq.29",)),
    _e("Remarks (App. D)", "remark", "App. D", "the drift correction ... involves only the mixed second derivatives; "
       "the diagonal second derivatives vanish", ("appD.ito-blockdiag", "prop3.4.hessian")),
    # ---- Appendix E ---------------------------------------------------------------------------------------
    _e("App. E", "sentence", "App. E", "w_l,alpha := w_alpha^(1/L)", ("appE.balanced-layer",)),
    _e("App. E", "sentence", "App. E", "a_l,alpha = (W_<l v) kron (W_>l^T u); |A_l,alpha|_F^2 = prod w_j^2",
       ("appE.a-vec", "appE.norm-A")),
    _e("Eq. (30)", "equation", "App. E", "Ito formula split into mu_grad, mu_Ito, diffusion", ("eq.30",)),
    _e("App. E step 1", "sentence", "App. E", "g_l|alpha = (w - s) A_l,alpha; mu_grad = (s-w) L w^(2(L-1)/L)",
       ("appE.grad-block", "appE.mu-grad")),
    _e("App. E step 2", "sentence", "App. E", "mu_Ito = eta/2 sum_(l != m) <Sigma_lm, H_lm>; Sigma_lm",
       ("appE.ito-sum", "appE.sigma-lm")),
    _e("App. E step 2 (i)-(ii)", "sentence", "App. E", "data-mismatch and label-noise contractions",
       ("appE.ito-data", "appE.ito-label")),
    _e("App. E", "sentence", "App. E", "sum_(l != m) prod_(j != l,m) w_j^2 = L(L-1) w^(2(L-2)/L); mu_Ito",
       ("appE.pair-sum", "appE.ito-intermediate", "appE.ito")),
    _e("App. E", "sentence", "App. E", "Gamma_alpha, Gamma_lm,alpha; isotropic case Gamma = sigma_q^2",
       ("appE.gamma",)),
    _e("App. E step 3", "sentence", "App. E", "Orthogonality of different modes ... implies D_alpha beta = 0",
       ("prop3.5.D-cross",)),
    _e("App. E step 3", "sentence", "App. E", "D_data (pair and sum), D_label, D (which is (7))",
       ("appE.D-data-pair", "appE.D-data", "appE.D-label", "appE.D")),
    # ---- Appendix F ---------------------------------------------------------------------------------------
    _e("Eq. (31)", "equation", "App. F", "1-D Fokker-Planck equation", ("eq.31",)),
    _e("App. F", "sentence", "App. F", "J := mu p - 1/2 d(Dp); J = 0 gives (16)", ("appF.current", "eq.16")),
    _e("App. F (i)", "sentence", "App. F", "2mu/D ~ c/(s-w) ... non-integrable ... collapse to delta", ("appF.sigma0",)),
    _e("App. F (ii)", "sentence", "App. F", "mu(s) = ... s^b sigma_q; mu'(s) = -L s^a; D(s) = beta L^2 sigma_q^2 s^(2a)",
       ("appF.mu-at-s", "appF.b-undefined", "appF.mu-prime", "appF.D-at-s")),
    _e("App. F (ii)", "sentence", "App. F", "linearizing: w* - s = -mu(s)/mu'(s) + O(eta^2) = ...",
       ("appF.linearize", "appF.wstar")),
    _e("App. F", "sentence", "App. F", "OU approximation; Var = D/(-2 mu')", ("appF.ou-var",)),
    _e("App. F", "sentence", "App. F", "D'(s), mu''(s) = O(eta)", ("appF.curvature-order",)),
    _e("App. F", "sentence", "App. F", "Var = beta L/2 sigma_q^2 s^a + O(eta^2), a = 2(L-1)/L",
       ("appF.var", "notation.a")),
    # ---- Appendix G ---------------------------------------------------------------------------------------
    _e("App. G.1", "sentence", "App. G", "finite-population correction rather than a 1/b factor", ("appG.factor",)),
    _e("Eq. (32)", "equation", "App. G", "Sigma_b = 1/b^2 sum g g E[1_B] - g_N g_N^T", ("eq.32",)),
    _e("App. G.1", "sentence", "App. G", "p(X_i, X_j in B) = ... = (B-1)B/((N-1)N)", ("appG.joint-prob",)),
    _e("App. G.1", "sentence", "App. G", "Sigma_b = (N-B)/(B(N-1)) sum_(i != j) ... (intermediate)",
       ("appG.intermediate",)),
    _e("App. G.1", "sentence", "App. G", "sum_(i != j) g_i g_j^T = N^2 g_N g_N^T - sum g_i g_i^T",
       ("appG.pair-identity",)),
    _e("App. G.1", "sentence", "App. G", "Sigma_b = (N-B)/(B(N-1)) Sigma", ("appG.factor",)),
    _e("App. G.2", "sentence", "App. G", "the statistics converge due to the law of large numbers", reason=_QUAL),
    # ---- Appendices H-K (experiments) ---------------------------------------------------------------------
    _e("App. H.1", "sentence", "App. H", "singular values in arithmetic progression: 1.0, 0.7, 0.4; d = 12",
       reason=_SET),
    _e("App. H.2", "sentence", "App. H", "12 x 12 layers; init variance min(d0, d1)^-gamma; gamma > 1 rich; "
       "gamma = 3 (Fig. 1: gamma = 2)", reason=_SET),
    _e("App. H.3", "sentence", "App. H", "isotropic Langevin noise N(0, eta Delta t I); eta = 0.005; b = 1; "
       "Delta t = 1e-4", reason=_SET),
    _obs("Fig. 6 / App. I.1", "App. I", "the majority of cross modes are small ... except ... peak at times "
         "corresponding to modes being learned", "decoupling"),
    _obs("Fig. 7 / App. I.2", "App. I", "balance increases over SGD training ... never reaches ... balanced init",
         "balance"),
    _e("Eq. (33)", "equation", "App. I", "r_l := |W_l W_l^T - W_(l+1)^T W_(l+1)|_F / (...)", ("eq.33",)),
    _obs("Fig. 8", "App. I", "Frobenius norms of layers increase over training", "balance"),
    _e("App. J.1 / Fig. 9", "figure", "App. J", "maximum diffusion ... scales approximately linearly with the "
       "learning rate", ("sec3.D-scaling",), note="measured by `symdln experiments scaling`"),
    _e("App. J.2 / Fig. 10", "figure", "App. J", "maximum diffusion ... scales ... linearly with the reciprocal of "
       "the batch size", ("sec3.D-scaling",), note="measured by `symdln experiments scaling`"),
    _e("App. J.3", "sentence", "App. J", "This section shows that the results about the diffusion over time",
       reason=_QUAL, note="the sentence is truncated in the paper"),
    _e("App. J.4", "sentence", "App. J", "hidden layers of size 24, double the size of the input and output (12)",
       reason=_SET),
    _obs("Fig. 11", "App. J", "location of the peaks and tending to zero once the mode is learned is maintained",
         None),
    _obs("Fig. 12 / App. K", "App. K", "For finer simulations, the variance reduces", "stationary"),
]

PAPER.coverage[:] = COVERAGE

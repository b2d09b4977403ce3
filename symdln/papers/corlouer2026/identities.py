"""How the engine's ``numeric_identity`` kind checks this paper's printed identities: data only.

Each entry is the ``Spec.params`` of one family of claims: where the identity is evaluated (``settings``) and which
named quantities are compared (``compare``; the names are references of :mod:`.references` or of the numeric
core).  Tolerances other than the kind's default (1e-9 relative, exact float64 formulas) state their reason here.
"""
from __future__ import annotations

from ...checkkit import ALIGNED, SQUARE
from ...paperkit import Spec

_A = [list(ALIGNED), [0.5, 0.3], 0.3]          # the aligned + balanced network of the sampled settings
_DEEP = [[2, 4, 3, 5, 2], [0.5, 0.3], 0.3]     # a deeper rectangular one


def _pair(lhs, rhs, label="{label}", **kw):
    return {"lhs": lhs, "rhs": rhs, "label": label, **kw}


NUMERIC = {
    # App. B: per-sample formulas against the numeric core's per-sample gradients
    "per_sample_grad": {"settings": "sampled_with_data", "n_samples": 4, "compare": [
        _pair("printed_per_sample", "vec_per_sample_gradients", ref_name="per_sample_gradients")]},
    "appB_xi": {"settings": "sampled_with_data", "n_samples": 3, "compare": [
        _pair("printed_per_sample", "minus_per_sample_deviation",
              ref_name="E[vec g_l] - vec g_l(x, y) (numeric core)")]},
    # Sec. 2.1: the batch gradient is unbiased (an exact design average)
    "unbiased_exact": {"settings": "sampled", "compare": [
        _pair("design_average_gradient", "population_gradient", "{label}: design average of one-sample gradients",
              ref_name="population gradient")]},
    # App. A-B: algebraic identities on one random draw
    "noise_sign": {"settings": "one_draw", "compare": [
        _pair("cov_of_minus_noise", "cov_of_noise",
              "Cov(-xi) = Cov(xi): the sign convention differs from Sec. 2.2 but Sigma is unchanged")]},
    "empirical_cov": {"settings": "one_draw", "compare": [
        _pair("printed_empirical_cov", "biased_sample_cov", "1/N sum g_i g_i^T - g_N g_N^T",
              ref_name="biased sample covariance")]},
    "S_split": {"settings": "one_draw", "compare": [
        _pair("printed_S", "printed_S_split", "(Delta X + xi_q) X^T - Delta = Delta (X X^T - I) + xi_q X^T")]},
    # App. C: first-order change of w; central differences with step 1e-6 of an O(1) multilinear form have
    # truncation error 0 and cancellation ~1e-16/1e-6 = 1e-10: 1e-7 relative leaves three orders of headroom
    "first_order": {"settings": "sampled_with_perturbation", "compare": [
        _pair("printed_first_order", "central_difference_first_order", "{label}: sum_l u^T W_>l dW_l W_<l v",
              ref_name="central difference", rtol=1e-7),
        _pair("frobenius_first_order", "printed_first_order", "{label}: = sum_l <A_l, dW_l>_F")]},
    # App. D, Eq. (25): mixed second differences of a multilinear form are exact up to rounding of four O(1)
    # evaluations (~1e-15); 1e-8 relative as in the rest of the second-order checks
    "bilinear_hessian": {"settings": "sampled", "compare": [
        _pair("printed_bilinear_hessian", "mixed_second_difference", ref_name="mixed second difference", rtol=1e-8)]},
    # Sec. 2.4: balance is conserved by gradient flow; the rate is normalised by |G^T W| and compared with 0, so
    # the kind's floor (1e-6) makes rtol an absolute bound of rtol * 1e-6 = 1e-12 on round-off of O(1) products
    "balance_preserved": {"settings": "sampled", "compare": [
        _pair("balance_rate", "zeros_like_balance_rate",
              "{label}: d/dt(W_(l+1)^T W_(l+1) - W_l W_l^T) = 0 under gradient flow", rtol=1e-6)]},
    # App. E: the Ito drift from the off-diagonal blocks only
    "ito_offdiag": {"settings": "sampled", "compare": [
        _pair("ito_offdiag_sum", "ito_drift", "{label}: (eta/2) sum_(l!=m) <Sigma_lm, H_lm>",
              ref_name="ito_drift (numeric core)")]},
    # App. E on aligned + balanced networks
    "norm_A": {"settings": "aligned_settings", "aligned": [_A, _DEEP], "compare": [
        _pair("norm_A_sq", "norm_A_factored", "{label}: ||A_l||^2 = ||W_<l v||^2 ||W_>l^T u||^2"),
        _pair("norm_A_sq", "balanced_prod_w", "{label}: = prod_(j!=l) w_j^2")]},
    "D_data_pair": {"settings": "aligned_settings", "aligned": [[list(ALIGNED), [0.5, 0.3], 0.0],
                                                                [list(SQUARE), [0.5, 0.3], 0.0]], "compare": [
        _pair("a_sigma_a", "D_data_pair_closed", "{label}, sigma_q=0: a_l^T Sigma_lm a_m (sigma_block)",
              ref_name="2(s-w)^2 w^(4(L-1)/L)")]},
    "balanced_layer": {"settings": "aligned_settings", "aligned": [_A, [[2, 4, 3, 5, 2], [0.8, 0.1], 0.3]], "compare": [
        _pair("layer_gains", "root_w", "{label}: layer gains on mode 0 = w^(1/L)"),
        _pair("mode_amplitude", "w", "{label}: u^T W v = w")]},
    "grad_block_aligned": {"settings": "aligned_settings", "aligned": [_A], "compare": [
        _pair("printed_gradient_W", "population_gradient", "g_l = W_>l^T (W - M) W_<l^T"),
        _pair("gradient_mode_projection", "w_minus_s_times_A", "g_l|_alpha = (w - s) A_l"),
        _pair("inner_A_gradient", "w_minus_s_norm_A_sq", "<A_l, g_l> = (w - s) ||A_l||^2 (aligned)")]},
    "grad_aligned_numeric": {"settings": "aligned_settings", "aligned": [
        _A, [[2, 3, 2], [0.7, 0.2], 0.3], [[3, 4, 4, 4, 3], [0.2, 0.9], 0.3]], "compare": [
        _pair("printed_scalar_at_w", "gradient_drift", "{label}: numeric core gradient_drift")]},
    # App. G: exact enumeration over every batch (rational arithmetic, compared exactly)
    "eq32": {"settings": "finite_batches", "compare": [
        _pair("printed_eq32", "enumerated_batch_covariance", "{label}: Eq. (32) vs all batches", exact=True)]},
    "appG_intermediate": {"settings": "finite_batches", "compare": [
        _pair("printed_appG_intermediate", "enumerated_batch_covariance", "{label}: printed intermediate vs all batches",
              exact=True)]},
    "pair_identity": {"settings": "finite_batches", "compare": [
        _pair("off_diagonal_pair_sum", "printed_pair_identity",
              "{label}: sum_(i!=j) g_i g_j^T = N^2 g_N g_N^T - sum_i g_i g_i^T", exact=True)]},
    "appG_factor": {"settings": "finite_batches", "compare": [
        _pair("printed_appG_factor", "enumerated_batch_covariance", "{label}: (N-B)/(B(N-1)) Sigma_N vs all batches",
              exact=True),
        _pair("finite_population_factor_derived", "finite_population_factor_printed",
              "{label}: derivation finite_population_factor", exact=True, scope="derived")]},
    # Props. 3.1-3.4 and Apps. B-E: matrix formulas on the sampled networks (references_blocks.py)
    "jacobian_x": {"settings": "sampled_with_input", "derived": "jacobian_x_form", "compare": [
        _pair("printed_jacobian_x", "exact_jacobian_x", ref_name="exact d(Wx)/d vec W_l")]},
    # central differences (step 1e-6) of a polynomial loss: truncation ~1e-12, cancellation ~1e-10; 1e-7 relative
    "gradient": {"settings": "sampled", "layout": "per_layer(net, teacher, l)", "compare": [
        _pair("printed", "population_gradient", ref_name="numeric core (the same closed form: agreement by construction)"),
        _pair("population_gradient", "derivation_population_gradient", "{label}: numeric core vs derivation",
              scope="info", ref_name="derivation closed form"),
        _pair("printed", "central_difference_gradient", "{label}: printed G_l vs central differences of the population "
              "loss", ref_name="finite differences", rtol=1e-7)]},
    # the loss after an O(1) invertible reparametrisation: float64 round-off of an inverse, ~1e-14; 1e-8 relative
    "gl_invariance": {"settings": "sampled_with_gl", "derived": "gl_invariance_form", "compare": [
        _pair("printed_gl_products", "layer_products", "{label}: P in GL_{{d_l}}"),
        _pair("loss_after_gl", "loss_unchanged", "{label}: loss with P in GL_{{d_(l-1)}}", scope="condition",
              rtol=1e-8)]},
    "mode_gradient": {"settings": "sampled", "compare": [
        _pair("printed_mode_gradient", "exact_mode_gradient", ref_name="exact derivative"),
        _pair("exact_mode_gradient", "mode_jacobian_flat", "{label}: exact derivative vs numeric core", scope="info",
              ref_name="mode_jacobian")]},
    "appE_a_vec": {"settings": "sampled", "compare": [_pair("printed_a_vec_kron", "mode_vector",
                                                             ref_name="mode_vector (numeric core)")]},
    "diffusion_general": {"settings": "sampled", "compare": [
        _pair("literal_diffusion", "structured_diffusion", ref_name="structured D (numeric core)"),
        _pair("structured_diffusion", "derivation_diffusion", "{label}: numeric core vs derivation", scope="info",
              ref_name="derivation closed form")]},
    "ntk_diffusion": {"settings": "sampled", "compare": [
        _pair("printed_ntk_diffusion", "diffusion_01_no_label", ref_name="numeric core"),
        _pair("ntk_diffusion_correct_J", "diffusion_01_no_label", "{label} (condition: the correct J_l)",
              scope="condition", ref_name="numeric core")]},
    "langevin_diffusion": {"settings": "sampled", "compare": [
        _pair("printed_langevin_diffusion", "langevin_reference", ref_name="eta sigma^2 <a_a, a_b>"),
        _pair("langevin_diffusion_correct_J", "langevin_reference", "{label} (condition: the correct J_l)",
              scope="condition", ref_name="eta sigma^2 <a_a, a_b>")]},
    # diagonal blocks from second differences, relative to max |H|: exact up to rounding (~1e-15); with the kind's
    # floor of 1e-6 an rtol of 1e-4 bounds them by 1e-10 relative
    "hessian": {"settings": "sampled", "compare": [
        _pair("printed_hessian_blocks", "exact_hessian_blocks", ref_name="exact second derivative"),
        _pair("exact_hessian_blocks", "derivation_hessian_blocks", "{label}: exact vs derivation", scope="info",
              ref_name="derivation closed form"),
        _pair("hessian_diagonal_blocks_by_differences", "zero_diagonal_blocks",
              "{label}: diagonal blocks vanish (H from second differences, not the block formula)", rtol=1e-4)]},
    "gamma": {"settings": "aligned_gamma_settings", "derived": "gamma_label_factor_form", "compare": [
        _pair("printed_gamma", "sigma_q_sq_offdiag", "{label}: Gamma_lm = sigma_q^2"),
        _pair("label_factor", "sigma_q_sq_all", "{label}: label factor p_l^T Sigma_q p_m / (|p_l||p_m|) (derived form)",
              scope="info")]},
}


def _res(ref, label, **kw):
    return {"ref": ref, "label": label, **kw}


#: ``symbolic_zero`` data: each identity as residuals that must simplify to zero (references_symbolic.py)
SYMBOLIC = {
    "sde_moments": {"residuals": [
        _res("sde_mean_residual", "Euler-Maruyama step of Eq. (1) with dt = eta: mean -g dt vs the SGD step's -eta g"),
        _res("sde_cov_residual", "covariance dt eta Sigma/b vs the SGD step's eta^2 Sigma/b (true by construction once "
             "dt = eta: this checks the time scaling of Eq. (1); the eta -> 0 limit rests on the functional CLT, "
             "App. A.2, and on the Monte Carlo comparisons of the SGD claims)")]},
    "logistic_solves_ode": {"residuals": [
        _res("logistic_ode_residual", "d/dt of Eq. (3) minus 2(s - w)w"),
        _res("logistic_initial_residual", "Eq. (3) at t = 0 minus w(0)")]},
    "drift_sum": {"residuals": [
        _res("drift_sum_residual", "derived drift_aligned - grad_drift_aligned - ito_drift_aligned")]},
    "fp_coefficient": {"derived": "fokker_planck_1d_form", "residuals": [
        _res("fp_coefficient_residual", "second-order coefficient: Eq. (1) has diffusion eta Sigma/b, so the "
             "Fokker-Planck term is eta/(2b) sum d_i d_j (Sigma_ij p); printed eta/2", data={"counterexample": {"b": 2}}),
        _res("fp_coefficient_residual_b1", "equal at b = 1", scope="condition")]},
    "fp_1d": {"residuals": [
        _res("fp_1d_ou_residual", "the Ornstein-Uhlenbeck transition density in the printed equation"),
        _res("fp_1d_gbm_residual", "the geometric-Brownian-motion (state-dependent D) density in the printed equation")]},
    "zero_current": {"residuals": [
        _res("zero_current_residual", "p = D^-1 exp(int 2mu/D) in (1/2)(D p)' - mu p"),
        _res("log_density_residual", "(log p)' + (log D)' - 2 mu / D")]},
    "newton": {"residuals": [
        _res("newton_residual", "zero of mu to first order in eta/b minus -mu(s)/mu'(s) at that order")]},
    "ou_variance": {"residuals": [
        _res("ou_variance_residual", "Ito on x^2 for dx = mu' x dt + sigma dB (mu' = -k < 0): stationary Var minus "
             "sigma^2 / (-2 mu')")]},
    "pair_sum": {"residuals": [_res("pair_sum_residuals", "balanced pair sum minus L(L-1) w^(2(L-2)/L)")]},
    "isserlis": {"residuals": [
        _res("isserlis_residuals", "E[V V^T] (derived from the Gaussian MGF) minus I + C + vec(I)vec(I)^T")]},
    "centered": {"residuals": [_res("centered_moment_residuals", "E[vec(XX^T - I) vec(XX^T - I)^T] minus I + C")]},
    "label_moment": {"residuals": [
        _res("label_moment_residuals", "E[(X kron I) Sigma_q (X kron I)^T] minus I kron Sigma_q")]},
    "ito_formula": {"residuals": [
        _res("ito_formula_depth2_residual", "depth 2, scalar layers (hidden width 1, a degenerate size): the drift of "
             "Eq. (26) minus the product rule with the quadratic covariation"),
        _res("ito_formula_generic_residual", "generic widths (2, 3, 2), exact: <grad w, f> + 1/2 d[theta] : Hess w "
             "minus the product rule with the brackets d[W2_ij, W1_jk]")]},
}


def numeric(name: str, **kw) -> Spec:
    """``Spec(check="numeric_identity", params=NUMERIC[name], **kw)``."""
    return Spec(check="numeric_identity", params=NUMERIC[name], **kw)


def symbolic(name: str, **kw) -> Spec:
    """``Spec(check="symbolic_zero", params=SYMBOLIC[name], **kw)``."""
    return Spec(check="symbolic_zero", params=SYMBOLIC[name], **kw)


SYMBOLIC.update({
    "D_scaling": {"residuals": [
        _res("D_eta_elasticity_residual", "d log D / d log eta - 1 (derived D, symbolic L)"),
        _res("D_b_elasticity_residual", "d log D / d log b + 1"),
        _res("D_peak_dependence_on_eta_b", "D'/D does not depend on eta or b: the peak location is fixed, so the "
             "maximum of D over w in [0, s] scales like eta/b too (App. J)")]},
    "curvature_order": {"residuals": [
        _res("D_prime_at_s_order0", "D'(s) = O(eta): its eta^0 coefficient"),
        _res("mu_second_at_s_order0", "mu''(s) = O(eta): its eta^0 coefficient (derived: -4(L-1) s^((L-2)/L), O(1) for "
             "every L >= 2, 0 only at L = 1)", data={"counterexample": {"L": 2, "s": 1, "mu''(s)": "-4"}}),
        _res("variance_at_s_vs_wstar", "yet evaluating D/(-2 mu') at s instead of w* changes the variance only at "
             "O(eta^2): Eq. (18) is unaffected", scope="condition",
             data={"condition": "only at L = 1; for L >= 2 mu''(s) = -4(L-1) s^((L-2)/L) + O(eta) is O(1), but the "
                                "step it justifies (Var at s instead of w*, error O(eta^2)) still holds"})]},
    "a_notation": {"residuals": [
        _res("a_two_definitions", "a = 4(L-1)/L (Sec. 4) minus a = 2(L-1)/L (App. F): one letter, two exponents",
             data={"counterexample": {"L": 2, "a_sec4": 2, "a_appF": 1}}),
        _res("sec4_D_over_w_power_a", "Sec. 4 internally consistent: D proportional to w^a", scope="info"),
        _res("appF_mu_over_w_power_a", "App. F internally consistent: mu_grad proportional to w^a", scope="info")]},
})


NUMERIC.update({
    "sgd_update": {"settings": "one_draw", "compare": [
        _pair("printed_sgd_step", "minus_eta_sample_gradient", "-eta g_N + eta xi_k = -eta g(theta; Y_k, X_k)")]},
    "appB_shapes": {"settings": "once", "compare": [
        _pair("printed_vector_layers_product", "zeros_dL_d0", "W_i in R^(d_i), widths (3, 5, 2, 4): W_L ... W_1"),
        _pair("matrix_layers_product", "zeros_dL_d0", "with W_i in R^(d_i x d_(i-1)) the product is d_L x d_0",
              scope="info")]},
    # r_l of a balanced initialisation is 0 up to rounding of O(1) Gram matrices (~1e-16); with the kind's floor
    # (1e-6) an rtol of 1e-6 bounds it by 1e-12 absolute
    "balance_measure": {"settings": "one_draw", "compare": [
        _pair("r_balanced_init", "two_zeros", "balanced init: r_l = 0", rtol=1e-6),
        _pair("r_generic_scaled", "r_generic_init", "r_l invariant under W -> 3.7 W"),
        _pair("r_generic_clipped_to_unit_interval", "r_generic_init", "0 <= r_l <= 1 (generic init)")]},
    "joint_prob": {"settings": "finite_batches", "derived": "pair_probability_form", "compare": [
        _pair("printed_binomial_chain", "enumerated_pair_probability",
              "{label}: printed binomial chain (binom(B-2, N-2) = 0 for B < N) vs enumeration", exact=True),
        _pair("swapped_binomial_chain", "enumerated_pair_probability",
              "{label}: binom(N-2, B-2)/binom(N-1, B-1) ... vs enumeration", exact=True, scope="condition"),
        _pair("printed_pair_probability", "enumerated_pair_probability", "{label}: (B-1)B/((N-1)N) vs enumeration",
              exact=True, scope="condition")]},
    # Sigma at two points O(0.3) apart differs by O(1) relative; equality would be rounding (1e-15)
    "state_dependence": {"settings": "generic_and_perturbed", "compare": [
        _pair("sigma_at_theta", "sigma_at_theta_prime", "{label}: Sigma(theta) = Sigma(theta') (state-independent)",
              ref_name="Sigma at a perturbed point")]},
    # both sides are O(|H|) sums of the same products; tr H itself vanishes up to rounding (~1e-15)
    "langevin_ito_trace": {"settings": "hessian_by_differences_setting", "compare": [
        _pair("half_trace_isotropic_sigma_H", "half_sigma2_trace_H", "(eta/2) tr(sigma^2 I H) = (eta sigma^2/2) tr(H) "
              "(eta = 1, sigma^2 = 0.37; linearity of the trace, true by construction)"),
        _pair("trace_H", "zero", "{label}: tr(H) = 0 (H from second differences): the Ito-induced drift of isotropic "
              "Langevin noise is identically zero, so the remark's proportionality describes a vanishing term",
              scope="info", rtol=1e-4)]},
})


SYMBOLIC.update({
    "no_label_noise": {"residuals": [
        _res("no_noise_Q", "D ~ Q (s-w)^2 near s with Q", sign="positive"),
        _res("no_noise_q", "mu ~ q (s-w) near s with q", sign="positive"),
        _res("no_noise_gamma", "density ~ (s-w)^(-2-gamma), gamma = 2q/Q (exponent < -1: not integrable)",
             sign="positive"),
        _res("no_noise_exponent_vs_derivation", "agrees with the derivation stationary_no_label_noise",
             scope="derived")]},
    "learned_mode_noise": {"residuals": [
        _res("D_log_slope_at_s", "D'(s)/D(s): the noise still depends on w at the learned point for every L >= 2",
             data={"counterexample": {"L": 2, "s": 1}}),
        _res("D_at_s_every_depth", "D(s) > 0 for sigma_q > 0: at w = s the noise is nondegenerate and constant in time",
             sign="positive", scope="condition",
             data={"condition": "to zeroth order in w - s: D(w) = D(s)(1 + 4(L-1)(w-s)/(L s) + ...), so over the "
                                "stationary spread |w - s| = O(sqrt(eta)) the noise varies by a relative O(sqrt(eta))"})]},
    "peak_below_s": {"residuals": [
        _res("peak_gap_minus_s_plus_u", "(a+2)(s - w*) = s + sqrt(s^2 - a(a+2) sigma_q^2/2) > 0 for every s > 0 and "
             "every sigma_q^2 up to the bound (symbolic L = 2 + k)"),
        _res("peak_lower_bound", "w* >= a s/(a+2) > 0: the critical point lies in the stated domain w > 0 for every "
             "L >= 2", sign="positive")]},
})


_NO_NOISE = ("no label noise (sigma_q = 0), L >= 2; with label noise D(s) = beta L^2 sigma_q^2 s^(4(L-1)/L) > 0 and the "
             "peak needs sigma_q^2 < s^2 L^2/(4(L-1)(3L-2))")
SYMBOLIC["contribution2"] = {"residuals": [
    _res("D_at_learned_point", "D(s) (derived): with label noise the diffusion does not decay to zero once the mode "
         "is learned", data={"counterexample": {"L": 2, "s": 1, "sigma_q": "0.3"}}),
    _res("D_at_learned_point_no_noise", "sigma_q = 0: D(s)", scope="condition", data={"condition": _NO_NOISE}),
    _res("D_slope_below_peak_no_noise", "sigma_q = 0: dD/dw just below w* = a s/(a+2)", sign="positive",
         scope="condition", data={"condition": _NO_NOISE}),
    _res("D_slope_above_peak_no_noise", "sigma_q = 0: dD/dw just above w*", sign="negative", scope="condition",
         data={"condition": _NO_NOISE}),
    _res("s_minus_peak_no_noise", "sigma_q = 0: s - w* for every L >= 2", sign="positive", scope="condition",
         data={"condition": _NO_NOISE})]}


_LOCAL_MAX = "L >= 2, sigma_q^2 < s^2 L^2/(4(L-1)(3L-2)) strictly, 'maximum' read as local maximum"
SYMBOLIC["peak_existence"] = {"derived": "peak_region", "residuals": [
    _res("peak_bracket_vs_quadratic", "dD/dw = beta L^2 w^((3L-4)/L) [(2a+4)x^2 + 4 s x + a sigma_q^2], x = w - s, for "
         "symbolic L (the printed stationary condition)"),
    _res("peak_bound_vs_printed", "discriminant = 0 solved for sigma_q^2 (SymPy) minus the printed bound 2 s^2/(a(a+2))"),
    _res("peak_discriminant_at_bound", "at sigma_q^2 = bound (the printed '<=' includes it) the discriminant must be > 0 "
         "for a maximum; it is 0: a double root, dD/dw does not change sign, no maximum", sign="positive",
         data={"counterexample": {"L": 2, "s": 1, "sigma_q^2": "1/4 (= bound)"}}),
    _res("D_growth_at_infinity", "a global maximum on w > 0 needs D bounded: lim D/w^3 (L = 2, sigma_q = 0) must be "
         "<= 0; D -> oo, so the critical point is a local, never a global, maximum", sign="nonpositive"),
    _res("peak_leading_coefficient", "for every L >= 2 the bracket's leading coefficient 2a+4 > 0: two real roots iff "
         "sigma_q^2 < bound, dD/dw goes + -> - at the smaller one (a local maximum), and for sigma_q^2 > bound "
         "dD/dw > 0 on w > 0", sign="positive", scope="condition", data={"condition": _LOCAL_MAX}),
    _res("peak_bound_inverse_at_L1", "L = 1: the bound is +oo (a = 0) but D = beta(2(s-w)^2 + sigma_q^2) has only a "
         "minimum: the statement needs L >= 2 (1/bound at L -> 1+)", data={"L": 1})]}

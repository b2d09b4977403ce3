"""The general modewise SDE (no alignment/balance): mode gradient, mode Hessian, gradient drift, diffusion
and Itô drift, derived at explicit sizes with symbolic entries and reduced to d x d trace forms.

Paper: Prop. 3.3 (mode gradient, D_ab = eta a_a^T Sigma a_b), Prop. 3.4 and App. D (Itô drift,
Hessian blocks). Batch size b: Sigma_b = Sigma / b, beta = eta / b; the Itô correction of
``d theta = -g dt + sqrt(eta Sigma_b) dB`` is ``(eta / (2 b)) tr(Sigma Hess w_a)``.
"""
from __future__ import annotations

import functools
import sympy as sp

from ._linalg import (above, below, between, display_symbols as _S, end_to_end, expand_polynomial, is_zero, kron,
                      sym_matrix, symbolic_layers, theta_symbols, vec)
from .gaussian import expected_SNS
from .matrix_identities import _noise_covariance_cached, expected_loss, jacobian_formula, sigma_block_formula
from .result import Derivation, Step, register
from .symbols import beta

__all__ = ["mode_gradient_formula", "mode_hessian_block_formula", "k_matrix", "gradient_drift_formula",
           "diffusion_k_form", "ito_drift_reduced", "diffusion_dense", "ito_drift_dense"]


def _col(name: str, n: int) -> sp.Matrix:
    return sym_matrix(name, n, 1)


# ---- formulas the derivations below produce ----------------------------------------------------------
def mode_gradient_formula(layers, u, v, l):
    """``A_{l,a} = (W_{>l}^T u)(W_{<l} v)^T`` (Prop. 3.3, derived in ``mode_gradient``)."""
    return (above(layers, l).T * u) * (below(layers, l) * v).T


def mode_hessian_block_formula(layers, u, v, l, m):
    """Block (l, m) of Hess_theta (u^T W v): ``(W_{l-1:m+1} kron W_{>l}^T u)(v^T W_{<m}^T kron I_{d_m})`` for
    l > m, the transpose of block (m, l) for l < m, zero for l = m (Prop. 3.4)."""
    pl = layers[l - 1].rows * layers[l - 1].cols
    pm = layers[m - 1].rows * layers[m - 1].cols
    if l == m:
        return sp.zeros(pl, pm)
    if l < m:
        return mode_hessian_block_formula(layers, u, v, m, l).T
    dm = layers[m - 1].rows
    return kron(between(layers, l, m), above(layers, l).T * u) * kron((below(layers, m) * v).T, sp.eye(dm))


def k_matrix(layers, u, v):
    """``K_a = sum_l W_{>l} W_{>l}^T u v^T W_{<l}^T W_{<l}`` (d_L x d_0): ``<a_a, xi> = <K_a, S>``."""
    out = sp.zeros(layers[-1].rows, layers[0].cols)
    for l in range(1, len(layers) + 1):
        Wa, Wb = above(layers, l), below(layers, l)
        out += Wa * Wa.T * u * v.T * Wb.T * Wb
    return out


def gradient_drift_formula(layers, M, u, v):
    """``+(v kron u)^T sum_l K_l delta = <K_a, Delta>`` (derived in ``gradient_drift_general``)."""
    Delta = M - end_to_end(layers)
    return (k_matrix(layers, u, v).T * Delta).trace()


def diffusion_k_form(layers, M, Sq, ua, va, ub, vb, scale=beta):
    """``D_ab = beta[<Delta^T K_a, Delta^T K_b>_F + tr(Delta^T K_a Delta^T K_b) + tr(K_a^T Sigma_q K_b)]``."""
    Delta = M - end_to_end(layers)
    Ka, Kb = k_matrix(layers, ua, va), k_matrix(layers, ub, vb)
    A, B = Delta.T * Ka, Delta.T * Kb
    return scale * ((A.T * B).trace() + (A * B).trace() + (Ka.T * Sq * Kb).trace())


def ito_drift_reduced(layers, M, Sq, u, v, scale=beta):
    """``beta sum_{l>m} p_l^T E[S N_lm S] q_m`` with ``E[S N S] = Delta Delta^T N^T + tr(N Delta) Delta +
    Sigma_q N^T``, ``p_l = W_>l W_>l^T u``, ``q_m = W_<m^T W_<m v``, ``N_lm = W_<l^T W_{l-1:m+1} W_>m^T``."""
    Delta = M - end_to_end(layers)
    total = sp.Integer(0)
    L = len(layers)
    for l in range(2, L + 1):
        p = above(layers, l) * above(layers, l).T * u
        for m in range(1, l):
            q = below(layers, m).T * below(layers, m) * v
            N = below(layers, l).T * between(layers, l, m) * above(layers, m).T
            ESNS = Delta * Delta.T * N.T + (N * Delta).trace() * Delta + Sq * N.T
            total += (p.T * ESNS * q)[0, 0]
    return scale * total


def _stacked_a(layers, u, v):
    return sp.Matrix.vstack(*[vec(mode_gradient_formula(layers, u, v, l)) for l in range(1, len(layers) + 1)])


def diffusion_dense(layers, M, Sq, ua, va, ub, vb, scale=beta, blocks=None):
    """``beta a_a^T Sigma a_b`` with the stacked Sigma (blocks from the derived block formula unless given)."""
    L = len(layers)
    total = sp.Integer(0)
    aa = [vec(mode_gradient_formula(layers, ua, va, l)) for l in range(1, L + 1)]
    ab = [vec(mode_gradient_formula(layers, ub, vb, l)) for l in range(1, L + 1)]
    for l in range(1, L + 1):
        for m in range(1, L + 1):
            S = blocks[(l, m)] if blocks else sigma_block_formula(layers, M, Sq, l, m)
            total += (aa[l - 1].T * S * ab[m - 1])[0, 0]
    return scale * total


def ito_drift_dense(layers, M, Sq, u, v, scale=beta, blocks=None):
    """``(beta/2) tr(Sigma Hess w_a)`` with Hessian blocks from Prop. 3.4 and Sigma blocks from the block formula."""
    L = len(layers)
    total = sp.Integer(0)
    for l in range(1, L + 1):
        for m in range(1, L + 1):
            if l == m:
                continue
            S = blocks[(l, m)] if blocks else sigma_block_formula(layers, M, Sq, l, m)
            H = mode_hessian_block_formula(layers, u, v, m, l)
            total += (S * H).trace()
    return scale * total / 2


def _diffusion_display():
    S = _S()
    D, Ka, Kb, Sq = S["Delta"], S["K_a"], S["K_b"], S["Sigma_q"]
    return beta * (sp.Trace((D.T * Ka).T * D.T * Kb) + sp.Trace(D.T * Ka * D.T * Kb) + sp.Trace(Ka.T * Sq * Kb))


def _ito_display():
    S = _S()
    p, q, N, D, Sq = S["p"], S["q"], S["N"], S["Delta"], S["Sigma_q"]
    l_, m_ = sp.Symbol("l", integer=True, positive=True), sp.Symbol("m", integer=True, positive=True)
    from .symbols import L
    return beta * sp.Sum(sp.Trace(p.T * (D * D.T * N.T + sp.Trace(N * D) * D + Sq * N.T) * q), (m_, 1, l_ - 1),
                         (l_, 2, L))


# ---- derivations -------------------------------------------------------------------------------------
_SIZES = ((2, 3, 1), (2, 1, 3, 2))


@register("mode_gradient")
def _mode_gradient() -> Derivation:
    steps = []
    for widths in _SIZES:
        layers = symbolic_layers(widths)
        u, v = _col("u", widths[-1]), _col("v", widths[0])
        w = (u.T * end_to_end(layers) * v)[0, 0]
        for l in range(1, len(widths)):
            A = layers[l - 1].applyfunc(lambda e: sp.diff(w, e))
            if not is_zero(A - mode_gradient_formula(layers, u, v, l)):
                raise AssertionError("mode gradient mismatch")
            if not is_zero(vec(A) - jacobian_formula(layers, l).T * kron(v, u)):
                raise AssertionError("a_l != J_l^T (v kron u)")
        steps.append(Step(f"widths {widths}: d(u^T W_L...W_1 v)/dW_l by sympy.diff equals (W_>l^T u)(W_<l v)^T, "
                          "and its vec equals J_l^T (v kron u) with J_l = W_<l^T kron W_>l", None,
                          "expand(difference) == 0 for every l"))
    return Derivation(
        quantity="mode_gradient", title="Gradient of a mode amplitude",
        statement="d w_a / d W_l = A_{l,a} = (W_>l^T u_a)(W_<l v_a)^T, a_{l,a} = vec A_{l,a} = J_l^T (v_a kron u_a).",
        expr=(_S()["W_gt_l"].T * _S()["u"]) * (_S()["W_lt_l"] * _S()["v"]).T,
        source="Prop. 3.3; App. C, App. D Eq. (24)", steps=tuple(steps),
        notes=("Confirms Prop. 3.3's A_{l,a}; a_{l,a} = J_l^T (v kron u) holds with the corrected J_l.",),
        extra={"formula": mode_gradient_formula})


@register("mode_hessian_block")
def _mode_hessian() -> Derivation:
    steps = []
    for widths in _SIZES:
        layers = symbolic_layers(widths)
        u, v = _col("u", widths[-1]), _col("v", widths[0])
        th = theta_symbols(layers)
        H = sp.hessian((u.T * end_to_end(layers) * v)[0, 0], th)
        offs = [0]
        for W in layers:
            offs.append(offs[-1] + W.rows * W.cols)
        L = len(layers)
        for l in range(1, L + 1):
            for m in range(1, L + 1):
                blk = H[offs[l - 1]:offs[l], offs[m - 1]:offs[m]]
                if not is_zero(blk - mode_hessian_block_formula(layers, u, v, l, m)):
                    raise AssertionError(f"Hessian block mismatch widths={widths} ({l},{m})")
        steps.append(Step(f"widths {widths}: sympy.hessian of u^T W v in theta = (vec W_1; ...; vec W_L) "
                          f"({len(th)} x {len(th)}); every block (l, m), l > m, equals "
                          "(W_{l-1:m+1} kron W_>l^T u)(v^T W_<m^T kron I), (m, l) its transpose, diagonal blocks 0",
                          None, f"all {L * L} blocks compared exactly"))
    return Derivation(
        quantity="mode_hessian_block", title="Hessian blocks of a mode amplitude",
        statement="For l > m, d^2 w_a / d vec W_l d vec W_m = "
                  "(W_{l-1:m+1} kron W_>l^T u_a)(v_a^T W_<m^T kron I_{d_m}); "
                  "the diagonal blocks vanish.",
        expr=sp.KroneckerProduct(_S()["W_btw"], _S()["W_gt_l"].T * _S()["u"])
        * sp.KroneckerProduct((_S()["W_lt_m"] * _S()["v"]).T, _S()["Im"]),
        source="Prop. 3.4; App. D", steps=tuple(steps),
        notes=("Prop. 3.4's Hessian block formula is confirmed at rectangular widths.",),
        extra={"formula": mode_hessian_block_formula})


@register("gradient_drift_general")
def _gradient_drift() -> Derivation:
    steps = []
    for widths in _SIZES:
        layers, M, Sq, Lpop = expected_loss(widths)
        u, v = _col("u", widths[-1]), _col("v", widths[0])
        w = (u.T * end_to_end(layers) * v)[0, 0]
        th = theta_symbols(layers)
        g = sp.Matrix([sp.diff(Lpop, x) for x in th])
        dw = sp.Matrix([sp.diff(w, x) for x in th])
        drift = expand_polynomial((dw.T * (-g))[0, 0])                  # chain rule along d theta = -g dt
        Delta = M - end_to_end(layers)
        Ksum = sp.zeros(Delta.rows * Delta.cols, Delta.rows * Delta.cols)
        for l in range(1, len(layers) + 1):
            J = jacobian_formula(layers, l)
            Ksum += J * J.T
        ntk = (kron(v, u).T * Ksum * vec(Delta))[0, 0]
        if not is_zero(drift - ntk) or not is_zero(drift - gradient_drift_formula(layers, M, u, v)):
            raise AssertionError("gradient drift mismatch")
        steps.append(Step(f"widths {widths}: dw/dt = grad_theta(w)^T (-grad_theta L_pop) with both gradients by "
                          "sympy.diff; equals +(v kron u)^T sum_l K_l vec(Delta) = <K_a, Delta>, and is the negative "
                          "of the printed -(v kron u)^T sum_l K_l delta",
                          None, "expand(difference) == 0"))
    return Derivation(
        quantity="gradient_drift_general", title="Gradient-flow drift of a mode amplitude",
        statement="Under d theta = -g dt, dw_a/dt = +(v_a kron u_a)^T sum_l K_l delta = <K_a, Delta>, K_l = J_l J_l^T.",
        expr=sp.Trace(_S()["K_a"].T * _S()["Delta"]), source="Prop. 3.4; App. D Eq. (27); App. E step 1",
        steps=tuple(steps),
        notes=("Prop. 3.4 prints mu = -(v kron u)^T sum_l K_l delta + ...: the sign is wrong (App. D Eq. 27, "
               "-sum_l <A_l, g_l>, and App. E have it right). With the printed sign a mode would be unlearned.",),
        extra={"formula": gradient_drift_formula, "k_matrix": k_matrix})


def _rational_vec(vals):
    return sp.Matrix([sp.Rational(x) for x in vals])


@functools.lru_cache(maxsize=None)
def _diffusion_checks():
    out = []
    # (a) symbolic weights, teacher and Sigma_q; Sigma blocks from the moment computation (noise_covariance_block)
    for widths, (layers, M, Sq, blocks) in _noise_covariance_cached().items():
        if len(widths) == 3:      # fully symbolic mode vectors at L = 2
            ua, va, kind = _col("u", widths[-1]), _col("v", widths[0]), "symbolic"
        else:                     # rational mode vectors at L = 3 (keeps the expansion small)
            ua, va, kind = _rational_vec(["2", "-1/3"]), _rational_vec(["1/5", "3/2"]), "symbolic weights"
        ub, vb = _rational_vec(["1/2", "-2"]), _rational_vec(["3", "1/3"])
        dense = diffusion_dense(layers, M, Sq, ua, va, ub, vb, blocks=blocks)
        kform = diffusion_k_form(layers, M, Sq, ua, va, ub, vb)
        ok_d = is_zero(dense - kform)
        th = theta_symbols(layers)
        Hsym = sp.hessian((ua.T * end_to_end(layers) * va)[0, 0], th)
        Sig = sp.Matrix(sp.BlockMatrix([[blocks[(l, m)] for m in range(1, len(layers) + 1)]
                                        for l in range(1, len(layers) + 1)]))
        ito_dense = beta * (Sig * Hsym).trace() / 2
        ok_i = is_zero(ito_dense - ito_drift_reduced(layers, M, Sq, ua, va))
        out.append((widths, kind, ok_d, ok_i))
    # (b) the E[S N S] identity at a rectangular size with symbolic Delta, N, Sigma_q
    D, N, S = sym_matrix("D", 2, 3), sym_matrix("N", 3, 2), sym_matrix("Q", 2, 2)
    S = (S + S.T) / 2
    ok_sns = is_zero(expected_SNS(D, N, S) - (D * D.T * N.T + (N * D).trace() * D + S * N.T))
    return out, ok_sns


@register("diffusion_general")
def _diffusion_general() -> Derivation:
    checks, _ = _diffusion_checks()
    steps = [Step("Directional noise: <a_a, xi> = sum_l <A_l, W_>l^T S W_<l^T> = <K_a, S> with "
                  "K_a = sum_l W_>l W_>l^T u v^T W_<l^T W_<l (cyclicity of the trace), so "
                  "D_ab = beta vec(K_a)^T Cov(vec S) vec(K_b); with Cov(vec S) from noise_covariance_block, "
                  "(I + C) gives the Frobenius and the transposed-trace terms and I kron Sigma_q the label term")]
    for widths, kind, ok_d, _ in checks:
        if not ok_d:
            raise AssertionError(f"diffusion K-form mismatch at {widths}")
        steps.append(Step(f"widths {widths} ({kind}: symbolic weights, teacher, Sigma_q; u_b, v_b rational): "
                          "beta a_a^T Sigma a_b with Sigma from the Gaussian-moment computation equals the K-form",
                          None, "expand(difference) == 0"))
    return Derivation(
        quantity="diffusion_general", title="Modewise diffusion in trace form",
        statement="D_ab = beta a_a^T Sigma a_b = beta[<Delta^T K_a, Delta^T K_b>_F + tr(Delta^T K_a Delta^T K_b) "
                  "+ tr(K_a^T Sigma_q K_b)], beta = eta/b.",
        expr=_diffusion_display(), source="Prop. 3.3; App. C; App. D Eq. (28)-(29)", steps=tuple(steps),
        notes=("Costs O(L d^3) without forming the P x P covariance.",),
        extra={"formula": diffusion_k_form, "dense": diffusion_dense})


@register("ito_drift_general")
def _ito_general() -> Derivation:
    checks, ok_sns = _diffusion_checks()
    if not ok_sns:
        raise AssertionError("E[S N S] identity failed")
    steps = [Step("tr(Sigma Hess w_a) = E[xi^T Hess xi] = 2 sum_{l>m} E[D^2 w[xi_l, xi_m]] because diagonal Hessian "
                  "blocks vanish; D^2 w[H_l, H_m] = u^T W_>l H_l W_{l-1:m+1} H_m W_<m v and xi_l = -W_>l^T S W_<l^T "
                  "give p_l^T E[S N_lm S] q_m (the two minus signs cancel)"),
             Step("E[S N S] for S = Delta(XX^T - I) + xi_q X^T by the expectation operator (symbolic Delta 2x3, "
                  "N 3x2, Sigma_q): Delta Delta^T N^T + tr(N Delta) Delta + Sigma_q N^T "
                  "(the sandwich identity with A = N Delta, plus the label term)", None, f"exact: {ok_sns}")]
    for widths, kind, _, ok_i in checks:
        if not ok_i:
            raise AssertionError(f"Ito reduction mismatch at {widths}")
        steps.append(Step(f"widths {widths} ({kind}): (beta/2) tr(Sigma H) with Sigma from the moment computation and "
                          "H = sympy.hessian(u^T W v) equals the reduced form", None, "expand(difference) == 0"))
    return Derivation(
        quantity="ito_drift_general", title="Itô drift of a mode amplitude in trace form",
        statement="mu_Ito = (eta/(2b)) tr(Sigma Hess w_a) = "
                  "beta sum_{l>m} p_l^T (Delta Delta^T N_lm^T + tr(N_lm Delta) "
                  "Delta + Sigma_q N_lm^T) q_m.",
        expr=_ito_display(), source="Prop. 3.4; App. D Eq. (27); App. E step 2", steps=tuple(steps),
        notes=("The tr(N_lm Delta) term couples mode a to every other mode through Delta: it is what keeps the "
               "aligned Itô drift from decoupling (see ito_drift_aligned).",),
        extra={"formula": ito_drift_reduced, "dense": ito_drift_dense})

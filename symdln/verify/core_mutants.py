"""Wrong variants (mutants) of each closed form of the numeric core: a dropped term, a transposed factor, a
wrong eta/b factor, the paper's printed forms where they differ.  ``symdln check`` must reject every one;
``symdln check --power K`` measures how often it does over K seeds (:func:`symdln.verify.core_checks.power_study`).
"""
from __future__ import annotations

import numpy as np

from ..modes import _check_eta_b, diffusion, ito_drift, ito_terms, mode_vectors
from ..noise import commutation_matrix, population_gradient, sigma_block

__all__ = ["MUTANTS"]


def grad_sign_flipped(net, t):
    return [-G for G in population_gradient(net, t)]


def grad_paper_printed(net, t):
    """Prop. 3.1 as printed: vec G_l = -(W_{<l} kron W_{>l}) vec Delta (defined only when d_l = d_L)."""
    D = t.M - net.end_to_end()
    if any(w != net.d_out for w in net.widths[1:]):
        return population_gradient(net, t)          # undefined: fall back to the correct form (not counted)
    return [-(net.above(l) @ D @ net.below(l).T) for l in range(1, net.depth + 1)]


def sigma_no_commutation(net, t, l, m):
    D = t.M - net.end_to_end()
    Al, Am, Bl, Bm = net.below(l), net.below(m), net.above(l).T, net.above(m).T
    return np.kron(Al @ Am.T, Bl @ (D @ D.T + t.Sigma_q) @ Bm.T)


def sigma_no_label(net, t, l, m):
    return sigma_block(net, t.with_label_noise(np.zeros_like(t.Sigma_q)), l, m)


def sigma_paper_printed_J(net, t, l, m):
    """Prop. 3.2 data term with the printed J_l = W_{<l}^T kron W_{>l}^T (needs d_l = d_m = d_L)."""
    if any(w != net.d_out for w in net.widths[1:]):
        return sigma_block(net, t, l, m)
    D = t.M - net.end_to_end()
    d0 = net.d_in
    I2C = np.eye(d0 * d0) + commutation_matrix(d0, d0)
    IkD = np.kron(np.eye(d0), D)
    Jl, Jm = np.kron(net.below(l).T, net.above(l).T), np.kron(net.below(m).T, net.above(m).T)
    label = np.kron(net.below(l) @ net.below(m).T, net.above(l).T @ t.Sigma_q @ net.above(m))
    return Jl.T @ IkD @ I2C @ IkD.T @ Jm + label


def _K(net, u, v, transpose_below=False):
    K = 0
    for l in range(1, net.depth + 1):
        A, B = net.above(l), net.below(l)
        BB = B @ B.T if transpose_below else B.T @ B
        K = K + np.outer(A @ (A.T @ u), BB @ v)
    return K


def _diff_variant(drop_c=False, drop_label=False, transpose=False, factor="eta/b"):
    def fn(net, t, alpha, beta=None, *, eta=1.0, b=1):
        beta = alpha if beta is None else beta
        if transpose and any(w != net.d_in for w in net.widths):
            return diffusion(net, t, alpha, beta, eta=eta, b=b)
        D = t.M - net.end_to_end()
        Ka = _K(net, *mode_vectors(t, alpha), transpose)
        Kb = _K(net, *mode_vectors(t, beta), transpose)
        Ea, Eb = D.T @ Ka, D.T @ Kb
        val = np.sum(Ea * Eb) + (0 if drop_c else np.sum(Ea * Eb.T)) + (0 if drop_label else np.sum(Ka * (t.Sigma_q @ Kb)))
        return {"eta/b": eta / b, "eta": eta, "1/b": 1 / b, "eta/2b": eta / (2 * b)}[factor] * val
    return fn


def ito_no_trace(net, t, alpha, *, eta=1.0, b=1):
    data, _, label = ito_terms(net, t, alpha)
    return _check_eta_b(eta, b) * (data + label)


def ito_wrong_factor(net, t, alpha, *, eta=1.0, b=1):
    return ito_drift(net, t, alpha, eta=eta, b=1)          # forgot the batch size


def ito_no_label(net, t, alpha, *, eta=1.0, b=1):
    data, trace, _ = ito_terms(net, t, alpha)
    return _check_eta_b(eta, b) * (data + trace)


MUTANTS = [
    ("gradient", "sign flipped", grad_sign_flipped),
    ("gradient", "paper's printed Prop 3.1 vec form", grad_paper_printed),
    ("sigma_block", "commutation matrix dropped", sigma_no_commutation),
    ("sigma_block", "label term dropped", sigma_no_label),
    ("sigma_block", "paper's printed J_l (transposed W_>l)", sigma_paper_printed_J),
    ("D_alpha", "commutation term dropped", _diff_variant(drop_c=True)),
    ("D_alpha", "label term dropped", _diff_variant(drop_label=True)),
    ("D_alpha", "W_<l W_<l^T instead of W_<l^T W_<l", _diff_variant(transpose=True)),
    ("D_alpha", "eta instead of eta/b", _diff_variant(factor="eta")),
    ("D_alpha", "eta/(2b) instead of eta/b", _diff_variant(factor="eta/2b")),
    ("D_alpha_beta", "commutation term dropped", _diff_variant(drop_c=True)),
    ("D_alpha_beta", "W_<l W_<l^T instead of W_<l^T W_<l", _diff_variant(transpose=True)),
    ("D_alpha_beta", "eta instead of eta/b", _diff_variant(factor="eta")),
    ("ito_drift", "tr(N Delta) term dropped", ito_no_trace),
    ("ito_drift", "label term dropped", ito_no_label),
    ("ito_drift", "eta instead of eta/b", ito_wrong_factor),
]

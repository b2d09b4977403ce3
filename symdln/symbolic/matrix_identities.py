"""Gradient, Jacobian and gradient-noise covariance of a DLN, derived at explicit sizes with symbolic entries.

Paper: Prop. 3.1 (gradient structure, Jacobian), Prop. 3.2 and App. B (noise covariance blocks Sigma_lm).
Everything starts from the per-sample loss ``0.5 |Y - W X|^2`` with ``Y = M X + xi_q``: gradients are
``sympy.diff`` of it (the chain rule) and expectations use :func:`symdln.symbolic.gaussian.expect`.
"""
from __future__ import annotations

import functools
from typing import Sequence

import sympy as sp

from ._linalg import (above, below, commutation, display_symbols as _S, end_to_end, expand_polynomial, is_zero,
                      kron, sym_matrix, sym_symmetric, symbolic_layers, vec)
from .gaussian import _xvec, expect
from .result import Derivation, Step, register

__all__ = ["population_gradient_formula", "jacobian_formula", "cov_vec_S", "sigma_block_formula",
           "per_sample_setup", "expected_loss", "noise_covariance_from_moments"]


# ---- closed forms that the derivations produce (used by later modules and stored in `extra`) ----------
def population_gradient_formula(layers: Sequence[sp.Matrix], M: sp.Matrix, l: int) -> sp.Matrix:
    """``G_l = -W_{>l}^T Delta W_{<l}^T`` (Prop. 3.1, derived in ``population_gradient``)."""
    Delta = M - end_to_end(layers)
    return -above(layers, l).T * Delta * below(layers, l).T


def jacobian_formula(layers: Sequence[sp.Matrix], l: int) -> sp.Matrix:
    """``d vec W / d vec W_l = W_{<l}^T kron W_{>l}`` (derived in ``jacobian_block``)."""
    return kron(below(layers, l).T, above(layers, l))


def cov_vec_S(Delta: sp.Matrix, Sq: sp.Matrix) -> sp.Matrix:
    """``Cov(vec S) = (I kron Delta)(I + C)(I kron Delta)^T + I kron Sigma_q`` (App. B), S of shape Delta."""
    dL, d0 = Delta.shape
    IkD = kron(sp.eye(d0), Delta)
    return IkD * (sp.eye(d0 * d0) + commutation(d0, d0)) * IkD.T + kron(sp.eye(d0), Sq)


def sigma_block_formula(layers: Sequence[sp.Matrix], M: sp.Matrix, Sq: sp.Matrix, l: int, m: int,
                        cov: sp.Matrix | None = None) -> sp.Matrix:
    """``Sigma_lm = (W_{<l} kron W_{>l}^T) Cov(vec S) (W_{<m} kron W_{>m}^T)^T`` (derived in
    ``noise_covariance_block``)."""
    if cov is None:
        cov = cov_vec_S(M - end_to_end(layers), Sq)
    Fl = kron(below(layers, l), above(layers, l).T)
    Fm = kron(below(layers, m), above(layers, m).T)
    return Fl * cov * Fm.T


def _sigma_display():
    S, K = _S(), sp.KroneckerProduct
    cov = K(S["I0"], S["Delta"]) * (S["I00"] + S["C"]) * K(S["I0"], S["Delta"]).T + K(S["I0"], S["Sigma_q"])
    return K(S["W_lt_l"], S["W_gt_l"].T) * cov * K(S["W_lt_m"], S["W_gt_m"].T).T


# ---- derivations -------------------------------------------------------------------------------------
def per_sample_setup(widths: Sequence[int]):
    """Symbolic network, teacher, label-noise covariance, data symbols and the per-sample loss."""
    layers = symbolic_layers(widths)
    d0, dL = widths[0], widths[-1]
    M = sym_matrix("M", dL, d0)
    Sq = sym_symmetric("Sigma", dL)
    x = _xvec(d0)
    q = _xvec(dL, "q")
    eps = M * x + q - end_to_end(layers) * x
    loss = sp.Rational(1, 2) * (eps.T * eps)[0, 0]
    return layers, M, Sq, list(x), list(q), loss


def expected_loss(widths: Sequence[int]):
    layers, M, Sq, x, q, loss = per_sample_setup(widths)
    return layers, M, Sq, expect(loss, x, q, Sq)


_GRAD_SIZES = ((2, 3, 1), (2, 1, 3, 2))


@register("population_gradient")
def _population_gradient() -> Derivation:
    steps = []
    for widths in _GRAD_SIZES:
        layers, M, Sq, Lpop = expected_loss(widths)
        Delta = M - end_to_end(layers)
        expected_form = sp.expand(sp.Rational(1, 2) * (Delta.T * Delta).trace() + Sq.trace() / 2)
        if not is_zero(Lpop - expected_form):
            raise AssertionError("population loss is not 0.5|Delta|_F^2 + 0.5 tr Sigma_q")
        steps.append(Step(f"widths {widths}: the expected per-sample loss (moments of X and xi_q) equals "
                          "0.5 ||Delta||_F^2 + 0.5 tr(Sigma_q)", None, "expand(difference) == 0"))
        for l in range(1, len(widths)):
            G = layers[l - 1].applyfunc(lambda e: sp.diff(Lpop, e))
            target = population_gradient_formula(layers, M, l)
            if not is_zero(G - target):
                raise AssertionError(f"gradient mismatch widths={widths} l={l}")
            vec_target = -kron(below(layers, l), above(layers, l).T) * vec(Delta)
            if not is_zero(vec(G) - vec_target):
                raise AssertionError("vectorised gradient mismatch")
            steps.append(Step(f"widths {widths}, l = {l}: differentiating the expected loss entrywise in W_{l} "
                              "gives -W_>l^T Delta W_<l^T, and vec G_l = -(W_<l kron W_>l^T) vec Delta",
                              None, "expand(dL/dW_l - formula) == 0; also the vec form"))
    return Derivation(
        quantity="population_gradient",
        title="Population gradient of a deep linear network",
        statement="The population gradient of 0.5 E|Y - W X|^2 with respect to W_l is G_l = -W_{>l}^T Delta W_{<l}^T, "
                  "vec G_l = -(W_{<l} kron W_{>l}^T) vec Delta.",
        expr=-_S()["W_gt_l"].T * _S()["Delta"] * _S()["W_lt_l"].T,
        assumptions=("X ~ N(0, I)", "Y = M X + xi_q, xi_q independent of X, zero mean"),
        source="Prop. 3.1; App. B",
        steps=tuple(steps),
        notes=("The matrix form -W_{>l}^T Delta W_{<l}^T printed in Prop. 3.1 is confirmed; its vectorised form "
               "-(W_{<l} kron W_{>l}) vec(Delta) is not (missing transpose on W_{>l}; shapes do not even match "
               "for rectangular widths). App. B's -(A_l kron B_l) vec(Delta), B_l = W_{>l}^T, is correct.",),
        extra={"formula": population_gradient_formula, "sizes": _GRAD_SIZES},
    )


@register("jacobian_block")
def _jacobian() -> Derivation:
    steps, examples = [], {}
    for widths in _GRAD_SIZES + ((2, 2, 2),):
        layers = symbolic_layers(widths)
        W = end_to_end(layers)
        for l in range(1, len(widths)):
            J = vec(W).jacobian(vec(layers[l - 1]))
            target = jacobian_formula(layers, l)
            if not is_zero(J - target):
                raise AssertionError(f"Jacobian mismatch widths={widths} l={l}")
            paper = kron(below(layers, l).T, above(layers, l).T)
            paper_ok = paper.shape == J.shape and is_zero(paper - J)
            examples[(widths, l)] = {"shape": J.shape, "paper_shape": paper.shape, "paper_matches": paper_ok}
            steps.append(Step(
                f"widths {widths}, l = {l}: sympy jacobian of vec(W_L...W_1) in vec W_{l} (shape {J.shape}) equals "
                f"W_{{<l}}^T kron W_{{>l}}; the printed W_{{<l}}^T kron W_{{>l}}^T has shape {paper.shape} and "
                f"{'matches' if paper_ok else 'does not match'}",
                None, "expand(J - kron(W_<l^T, W_>l)) == 0"))
    l_ = sp.Symbol("l", integer=True, positive=True)
    return Derivation(
        quantity="jacobian_block",
        title="Jacobian of the end-to-end map with respect to one layer",
        statement="d vec W / d vec W_l = W_{<l}^T kron W_{>l}, of shape (d_L d_0) x (d_l d_{l-1}).",
        expr=sp.KroneckerProduct(_S()["W_lt_l"].T, _S()["W_gt_l"]),
        assumptions=("vec column-major",),
        source="Prop. 3.1",
        steps=tuple(steps),
        notes=("The paper prints J_l = W_{<l}^T kron W_{>l}^T: the second factor must not be transposed. "
               "With rectangular widths the printed form has the wrong shape; with square widths it has the "
               "right shape but different entries (checked at widths (2,2,2)).",),
        extra={"formula": jacobian_formula, "examples": examples, "index": l_},
    )


def _poly(e, gens):
    return sp.Poly(e, *gens)


def noise_covariance_from_moments(widths: Sequence[int]):
    """Sigma_lm for all l, m at explicit ``widths`` as ``E[vec xi_l vec xi_m^T]`` of the per-sample gradient
    noise polynomials (expectation operator on monomials of X and xi_q)."""
    layers, M, Sq, x, q, loss = per_sample_setup(widths)
    gens = x + q
    noise = []
    for W in layers:
        g = W.applyfunc(lambda e: expand_polynomial(sp.diff(loss, e)))   # per-sample gradient (chain rule)
        gpop = g.applyfunc(lambda e: expect(e, x, q, Sq))           # population gradient
        noise.append([_poly(e, gens) for e in vec(g - gpop)])
    L = len(layers)
    blocks = {}
    for l in range(L):
        for m in range(l, L):
            B = sp.Matrix(len(noise[l]), len(noise[m]),
                          lambda i, j: expect(noise[l][i] * noise[m][j], x, q, Sq))
            blocks[(l + 1, m + 1)] = B
            blocks[(m + 1, l + 1)] = B.T
    return layers, M, Sq, blocks


_COV_SIZES = ((2, 1, 2), (2, 1, 1, 2))


@functools.lru_cache(maxsize=None)
def _noise_covariance_cached():
    return {widths: noise_covariance_from_moments(widths) for widths in _COV_SIZES}


@register("noise_covariance_block")
def _noise_cov() -> Derivation:
    steps = []
    for widths, (layers, M, Sq, blocks) in _noise_covariance_cached().items():
        L = len(layers)
        for l in range(1, L + 1):
            for m in range(1, L + 1):
                target = sigma_block_formula(layers, M, Sq, l, m)
                if not is_zero(blocks[(l, m)] - target):
                    raise AssertionError(f"Sigma_lm mismatch widths={widths} l={l} m={m}")
        steps.append(Step(
            f"widths {widths}: per-sample gradient of 0.5|MX + xi_q - WX|^2 by sympy.diff, its mean by the "
            "expectation operator, then E[vec xi_l vec xi_m^T] monomial by monomial (E[x^k] = (k-1)!!, "
            "E[xi xi^T] = Sigma_q); every block equals (W_<l kron W_>l^T)[(I kron Delta)(I+C)(I kron Delta)^T + "
            "I kron Sigma_q](W_<m kron W_>m^T)^T",
            blocks[(1, 2)], f"expand(block - formula) == 0 for all {L * L} blocks"))
    # the paper's printed data term uses J_l = W_<l^T kron W_>l^T; at square widths it has the right shape
    layers = symbolic_layers((2, 2, 2))
    M = sym_matrix("M", 2, 2)
    Delta = M - end_to_end(layers)
    core = kron(sp.eye(2), Delta) * (sp.eye(4) + commutation(2, 2)) * kron(sp.eye(2), Delta).T
    paper = kron(below(layers, 1), above(layers, 1)) * core * kron(below(layers, 2), above(layers, 2)).T
    ours = sigma_block_formula(layers, M, sp.zeros(2, 2), 1, 2)
    paper_differs = not is_zero(paper - ours)
    steps.append(Step("Prop. 3.2 as printed, J_l^T (I kron Delta)(I+C)(I kron Delta)^T J_m with the printed "
                      "J_l = W_<l^T kron W_>l^T, differs from the derived data term at square widths (2,2,2)",
                      None, f"expand(printed - derived) != 0: {paper_differs}"))
    return Derivation(
        quantity="noise_covariance_block",
        title="Gradient-noise covariance blocks Sigma_lm",
        statement="Sigma_lm = (W_<l kron W_>l^T)[(I kron Delta)(I + C)(I kron Delta)^T + I kron Sigma_q]"
                  "(W_<m kron W_>m^T)^T.",
        expr=_sigma_display(),
        assumptions=("X ~ N(0, I)", "xi_q independent of X, zero mean, covariance Sigma_q", "batch size 1"),
        source="Prop. 3.2; App. B",
        steps=tuple(steps),
        notes=("Matches App. B's boxed form (A_l kron B_l Delta)(I+C)(A_m kron B_m Delta)^T + "
               "(A_l A_m^T) kron (B_l Sigma_q B_m^T), B_l = W_>l^T; the label term of Prop. 3.2 is correct.",
               "Prop. 3.2's data term inherits the transposed Jacobian factor: wrong entries at square widths "
               f"(checked: {paper_differs}), wrong shapes at rectangular widths."),
        extra={"formula": sigma_block_formula, "cov_vec_S": cov_vec_S, "sizes": _COV_SIZES,
               "paper_data_term_differs": paper_differs},
    )

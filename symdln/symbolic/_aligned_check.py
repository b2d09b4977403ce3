"""Exact explicit-matrix evaluation of the modewise quantities on an aligned balanced network.

Builds ``W_l = O_l diag(r) O_{l-1}^T`` with exactly orthonormal rational frames (Cayley transforms of
rational skew matrices), rectangular hidden widths, mode amplitudes ``w_b = r_b^L`` (rational ``r_b``), a
teacher ``M = U diag(s) V^T`` and ``Sigma_q`` (isotropic ``sigma_q^2 I`` or a given rational PSD matrix), and
evaluates gradient drift, diffusion and Itô drift with the explicit matrix formulas of
:mod:`symdln.symbolic.mode_sde` / :mod:`symdln.symbolic.matrix_identities`, in exact rational arithmetic.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import sympy as sp

from .._validation import SymdlnInputError, rational_from_string, to_sympy

from ._linalg import end_to_end, rational_orthonormal
from .matrix_identities import cov_vec_S, population_gradient_formula, sigma_block_formula
from .mode_sde import (diffusion_dense, diffusion_k_form, ito_drift_dense, ito_drift_reduced,
                       mode_gradient_formula)

__all__ = ["AlignedNet", "aligned_net", "explicit_values", "exact_rational"]


def _exact(x) -> sp.Rational:
    """An exact rational from an int, a Rational or a string like "2/3" (never a float, never nsimplify)."""
    if isinstance(x, float):
        raise SymdlnInputError(f"expected an exact rational (int, Rational or a string like '2/3'), got float {x!r}")
    if isinstance(x, str):
        return rational_from_string("value", x)
    v = sp.Integer(x) if isinstance(x, int) else to_sympy("value", x)
    if not isinstance(v, sp.Basic) or not v.is_Rational:
        raise SymdlnInputError(f"expected an exact rational (int, Rational or a string like '2/3'), got {v}")
    return v


@dataclass(frozen=True)
class AlignedNet:
    layers: list
    M: sp.Matrix
    Sq: sp.Matrix
    U: sp.Matrix
    V: sp.Matrix
    r: tuple
    s: tuple


def aligned_net(widths: Sequence[int], r: Sequence, s: Sequence, sigma_q=0, Sq: sp.Matrix | None = None,
                seed: int = 0) -> AlignedNet:
    """Aligned balanced network with per-layer mode scalars ``r`` (so ``w_b = r_b^L``), teacher values ``s``."""
    k = len(r)
    if k > min(widths):
        raise SymdlnInputError(f"widths: every width must be >= the number of modes {k}, got widths={tuple(widths)}")
    r = tuple(_exact(x) for x in r)
    s = tuple(_exact(x) for x in s)
    frames = [rational_orthonormal(d, k, seed * 97 + i + 1) for i, d in enumerate(widths)]
    Dg = sp.diag(*r)
    layers = [frames[l] * Dg * frames[l - 1].T for l in range(1, len(widths))]
    U, V = frames[-1], frames[0]
    M = U * sp.diag(*s) * V.T
    if Sq is None:
        Sq = _exact(sigma_q) ** 2 * sp.eye(widths[-1])
    return AlignedNet(layers, M, Sq, U, V, r, s)


def explicit_values(net: AlignedNet, beta, a: int = 0, b: int = 1, dense: bool = True) -> dict:
    """Exact gradient drift, D_a, D_ab and Itô drift of mode ``a`` (and cross with mode ``b``).

    ``dense=True`` uses beta a^T Sigma a with Sigma blocks from the derived block formula and
    (beta/2) tr(Sigma Hess) with Prop. 3.4's Hessian blocks; ``dense=False`` the trace (K / E[SNS]) forms.
    """
    layers, M, Sq = net.layers, net.M, net.Sq
    ua, va = net.U[:, a], net.V[:, a]
    ub, vb = net.U[:, b], net.V[:, b]
    L = len(layers)
    grad = -sum((mode_gradient_formula(layers, ua, va, l).T * population_gradient_formula(layers, M, l)).trace()
                for l in range(1, L + 1))
    if dense:
        cov = cov_vec_S(M - end_to_end(layers), Sq)
        blocks = {(l, m): sigma_block_formula(layers, M, Sq, l, m, cov=cov)
                  for l in range(1, L + 1) for m in range(1, L + 1)}
        Da = diffusion_dense(layers, M, Sq, ua, va, ua, va, scale=beta, blocks=blocks)
        Dab = diffusion_dense(layers, M, Sq, ua, va, ub, vb, scale=beta, blocks=blocks)
        ito = ito_drift_dense(layers, M, Sq, ua, va, scale=beta, blocks=blocks)
    else:
        Da = diffusion_k_form(layers, M, Sq, ua, va, ua, va, scale=beta)
        Dab = diffusion_k_form(layers, M, Sq, ua, va, ub, vb, scale=beta)
        ito = ito_drift_reduced(layers, M, Sq, ua, va, scale=beta)
    w_amp = (ua.T * end_to_end(layers) * va)[0, 0]
    out = {"grad": grad, "D_a": Da, "D_ab": Dab, "ito": ito, "w": w_amp}
    return {k: _exact(v) for k, v in out.items()}


exact_rational = _exact

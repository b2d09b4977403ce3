"""The derived forms the paper's own checks report (``extra["derived"]``), as SymPy objects that the one
printer (:func:`symdln.symbolic.notation.to_latex`) typesets -- no formula of symdln is typed by hand.

Matrix symbols use the printer's naming convention: ``W_>l`` / ``W_<l`` print as the partial products
``W_{>l}`` / ``W_{<l}``.  Shapes are symbolic (``d``): these objects are for display; the checks compare
numbers.
"""
from __future__ import annotations

import sympy as sp

from ...symbolic.symbols import L, b, eta, s, sigma_q

_d = sp.Symbol("d", positive=True, integer=True)
W_gt, W_lt = sp.MatrixSymbol("W_>l", _d, _d), sp.MatrixSymbol("W_<l", _d, _d)
W_l, W_lm1, P = sp.MatrixSymbol("W_l", _d, _d), sp.MatrixSymbol("W_l-1", _d, _d), sp.MatrixSymbol("P", _d, _d)
u, v, x = (sp.MatrixSymbol(n, _d, 1) for n in ("u_alpha", "v_alpha", "x"))
Delta, Sigma = sp.MatrixSymbol("Delta", _d, _d), sp.MatrixSymbol("Sigma", _d, _d)


def jacobian_x():
    """``d (W x) / d vec W_l = x^T W_{<l}^T kron W_{>l}``."""
    return sp.KroneckerProduct(x.T * W_lt.T, W_gt)


def vec_gradient():
    """``vec G_l = -(W_{<l} kron W_{>l}^T) delta`` with ``delta = vec(Delta)``."""
    return -sp.KroneckerProduct(W_lt, W_gt.T) * sp.MatrixSymbol("delta", _d * _d, 1)


def gl_invariance():
    """``W_l P^{-1} P W_{l-1} = W_l W_{l-1}`` with ``P`` invertible of size ``d_{l-1}``."""
    return sp.Eq(sp.MatMul(W_l, P.inv(), P, W_lm1, evaluate=False), W_l * W_lm1, evaluate=False)


def a_vec():
    """``a_{l,alpha} = (W_{<l} kron W_{>l}^T)(v_alpha kron u_alpha)``."""
    return sp.KroneckerProduct(W_lt, W_gt.T) * sp.KroneckerProduct(v, u)


def total_drift():
    """The derivation's total drift of ``w_alpha`` on a generic network: gradient part + Ito part."""
    from ...symbolic import derive
    return derive("gradient_drift_general").expr + derive("ito_drift_general").expr


def gamma_label_factor():
    """``Gamma_{lm,alpha} = sigma_q^2`` (the label factor on an aligned network)."""
    return sp.Eq(sp.Symbol("Gamma_lm"), sigma_q ** 2)


def martingale_covariance():
    """``Cov(M(t)) = t Sigma``."""
    t = sp.Symbol("t", positive=True)
    return t * Sigma


def pair_probability():
    """``P(X_i, X_j in B) = binom(N-2, B-2) / binom(N, B) = B (B-1) / (N (N-1))``."""
    N, B = sp.symbols("N B", positive=True, integer=True)
    return sp.Eq(sp.binomial(N - 2, B - 2) / sp.binomial(N, B), B * (B - 1) / (N * (N - 1)), evaluate=False)


def peak_condition():
    """The condition under which D has a local maximum: ``sigma_q^2 < s^2 L^2 / (4 (L-1)(3L-2))``, ``L >= 2``."""
    return sp.And(sp.StrictLessThan(sigma_q ** 2, s ** 2 * L ** 2 / (4 * (L - 1) * (3 * L - 2))), L >= 2)


def fokker_planck_1d():
    """The Fokker-Planck equation of Eq. (1) in one dimension: ``p_t = (g p)_x + eta/(2b) (Sigma p)_xx``."""
    xx, t = sp.Symbol("x", real=True), sp.Symbol("t", positive=True)
    p, g, S = sp.Function("p")(xx, t), sp.Function("g")(xx), sp.Function("Sigma")(xx)
    return sp.Eq(sp.Derivative(p, t), sp.Derivative(g * p, xx) + eta / (2 * b) * sp.Derivative(S * p, xx, 2))

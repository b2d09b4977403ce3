"""How much each non-confirmed verdict matters (``PAPER.severity``: local id -> (severity, reason)).

``notation``: the intended meaning is recoverable and no stated result changes; ``step``: an intermediate
line is wrong, the stated result right; ``substantive``: a stated result or conclusion changes.
"""
from __future__ import annotations

from ._base import PAPER

N, S, X = "notation", "step", "substantive"
_J = "J_l is printed with transposed Kronecker factors; with the Jacobian W_{<l}^T kron W_{>l} the formula holds"
_SIG = ("holds when sigma_q is read as a standard deviation (App. E), fails when read as a variance (Sec. 2.3): "
        "the two sections define the label-noise scale differently")

SEVERITY = {
    "prop3.1.jacobian": (N, "transposed Kronecker factors (shape error at rectangular widths); the correct Jacobian "
                            "is recoverable and the gradient of Prop. 3.1 is right"),
    "prop3.1.jacobian-x": (N, "same transposition as the Jacobian of Prop. 3.1; the intended derivative is recoverable"),
    "prop3.1.vec-gradient": (N, "vec form with transposed factors; the matrix gradient G_l of Prop. 3.1 is right"),
    "prop3.1.gl-invariance": (N, "P must act on the width d_{l-1} between W_{l-1} and W_l; the symmetry itself holds"),
    "prop3.2": (N, _J),
    "prop3.3.a-vec": (N, _J),
    "prop3.3.ntk": (N, _J),
    "remark3.langevin": (N, _J),
    "prop3.4.noise": (N, _J),
    "prop3.4.drift": (X, "the boxed drift differs from gradient drift + Ito drift on a generic network: the stated "
                         "SDE coefficient is wrong"),
    "prop3.5.decoupling": (X, "the Ito drift of a mode depends on the other modes (nonzero cross term): the stated "
                              "decoupling fails while other modes are being learned"),
    "eq.4": (X, "decoupled mode SDE: the cross-mode Ito term is missing"),
    "eq.6": (X, "the printed Ito drift is not the derived one (wrong exponent / not homogeneous)"),
    "eq.7": (N, _SIG),
    "appA.martingale-cov": (S, "an intermediate scaling sqrt(eta) t / eta is wrong; the stated covariance eta t is right"),
    "appB.shapes": (N, "W_i in R^(d_i) makes the layers vectors; the widths d_i x d_{i-1} are meant"),
    "appE.ito-data": (S, "intermediate data contraction of App. E is not homogeneous (wrong power of w)"),
    "appE.ito-label": (S, "intermediate label contraction of App. E is not homogeneous (wrong power of w)"),
    "appE.ito-intermediate": (S, "the line before 'which is (6)' does not follow from the contractions"),
    "appE.ito": (X, "App. E's final Ito drift ('which is (6)') is wrong, so Eq. (6) is not derived"),
    "appE.gamma": (S, "Gamma_lm is ill-formed as printed; the label factor the derivation needs equals sigma_q^2"),
    "appF.mu-at-s": (X, "mu(s) as printed is not homogeneous; the drift at s that the expansion needs differs"),
    "appF.b-undefined": (N, "the exponent b in s^b is never defined"),
    "appF.D-at-s": (N, _SIG),
    "appF.wstar": (X, "the printed zero of the drift w* is not homogeneous; the shift of the stationary point differs"),
    "appF.var": (N, _SIG),
    "appG.joint-prob": (N, "binomial coefficients printed with swapped arguments; the enumerated probability holds "
                           "with them swapped back"),
    "appG.intermediate": (S, "an intermediate expression of App. G.1 disagrees with the enumeration over batches; "
                             "the final factor (appG.factor) is right"),
    "eq.8": (N, _SIG),
    "sec4.stationary-condition": (N, _SIG),
    "eq.9": (N, _SIG),
    "eq.10": (N, "the peak exists for the strict inequality and L >= 2 only, and is a local maximum (D grows "
                 "without bound); the stated threshold is right"),
    "prop5.1.fp": (N, "the Fokker-Planck diffusion term needs eta/(2b) (Sigma read as the batch covariance); "
                      "right for b = 1"),
    "eq.11": (X, "the mode-wise SDE of Prop. 5.2 omits the cross-mode Ito term (decoupling fails)"),
    "eq.14": (X, "the printed Ito drift of Prop. 5.2 is not the derived one (as Eq. 6)"),
    "eq.15": (N, _SIG),
    "prop5.2.cites": (N, "cites a nonexistent Proposition 6.4; Proposition 3.5 is meant"),
    "eq.16": (N, "the integral of 2 mu / D from 0 diverges; with a reference point w_0 > 0 the density is right "
                 "up to normalisation"),
    "eq.17": (X, "the printed first-order shift of the stationary mode is wrong (not homogeneous)"),
    "eq.18": (N, _SIG),
    "prop5.2.mean-above": (X, "the stationary mean lies below s, not above: the stated conclusion is reversed"),
    "notation.a": (N, "one letter a for two exponents, 4(L-1)/L in Sec. 4 and 2(L-1)/L in App. F"),
}
PAPER.severity.update(SEVERITY)

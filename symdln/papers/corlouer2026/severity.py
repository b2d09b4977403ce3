"""How much each erratum matters (``PAPER.severity``) and at which level each claim lives (``PAPER.levels``).

Severity (every claim whose expected verdict is not ``confirmed``; see :mod:`symdln.paperkit`):

* ``substantive`` -- a stated result or conclusion changes (a boxed formula, a numbered result, a stated sign
  or existence condition);
* ``step`` -- an intermediate line of a proof is wrong; the result it leads to is right, or is wrong for a
  reason recorded (as substantive) on the result's own claim;
* ``notation`` -- the intended meaning is recoverable (an index slip, a transposed factor in a definition, a
  symbol read two ways, a wrong cross-reference) and no stated result changes once it is read that way.

Level: ``reduction`` (inside the paper's reduction: balance A1, alignment A2, one scalar SDE per mode) or
``network`` (SGD on the full network).  :meth:`symdln.paperkit.Paper.level` defaults to ``reduction`` only when
a claim's assumptions contain the exact tokens ``"A1"``/``"A2"``; ``LEVELS`` below states the level of every
claim for which that default is wrong (the assumption is spelled out, or the claim sits in Secs. 4-5 /
Apps. E-F, which work with the scalar per-mode SDE throughout).
"""
from __future__ import annotations

from ._base import PAPER

_J = ("the printed J_l = W_<l^T kron W_>l^T is not the Jacobian d vec W / d vec W_l = W_<l^T kron W_>l; with the "
      "Jacobian (Prop. 3.1's evident intent) the formula holds")
_STD = ("sigma_q is introduced as a variance (xi_q ~ N(0, sigma_q I), Sec. 2.3) but used as a standard deviation "
        "(Sigma_q = sigma_q^2 I, App. E); under the standard-deviation reading the formula holds")
_PROP = ("intermediate line of the proof of Prop. 3.5 (App. E); the error propagates to Eq. (6), which is "
         "recorded as substantive")

SEVERITY: dict[str, tuple[str, str]] = {
    # ---- Sec. 2.3 ------------------------------------------------------------------------------------------
    "sec2.timescale": ("notation", "'larger s rise earlier' needs a small initialisation, s/w(0) > 1 + 1/W(1/e) "
                       "~ 4.59 (time to s/2), the regime the paper works in; the sentence omits the condition"),
    # ---- Sec. 3, Props. 3.1-3.4: the Jacobian J_l and its consequences -----------------------------------
    "prop3.1.jacobian": ("step", "J_l has the wrong Kronecker factors (the shape of the transpose of d vec W / d vec "
                         "W_l); Prop. 3.1's stated gradient G_l = -W_>l^T Delta W_<l^T is right"),
    "prop3.1.jacobian-x": ("step", "J_l(x) is ill-formed at rectangular widths (same slip as J_l); the stated "
                           "gradient is right"),
    "prop3.1.vec-gradient": ("step", "the middle factor needs W_>l^T (it is ill-formed as printed); the matrix "
                             "form G_l of the same gradient is right"),
    "prop3.1.gl-invariance": ("notation", "P must act on the width between W_{l-1} and W_l (GL_{d_{l-1}}): an "
                              "index slip; the invariance holds"),
    "prop3.2": ("notation", _J + " (App. B's form of the same covariance is confirmed)"),
    "prop3.3.a-vec": ("notation", _J + "; the stacked vector also runs to N instead of L"),
    "prop3.3.ntk": ("notation", _J),
    "remark3.langevin": ("notation", _J),
    "prop3.4.drift": ("substantive", "the boxed drift differs from the Ito drift of w_alpha by a factor of order 1 "
                      "(relative difference 2: the gradient term enters with the wrong sign), so as printed the "
                      "mode would be driven away from s; App. D's Eq. (27) has the right drift"),
    "prop3.4.noise": ("notation", _J),
    # ---- Prop. 3.5 and its restatements --------------------------------------------------------------------
    "prop3.5.decoupling": ("substantive", "the modes do not evolve independently: the derived Ito drift of mode "
                           "alpha has a term in the other modes' (w_beta, s_beta) that vanishes only when each "
                           "w_beta is 0 or s_beta"),
    "eq.4": ("substantive", "same as Prop. 3.5: the scalar SDE of mode alpha is not closed in w_alpha while "
             "other modes are being learned"),
    "eq.11": ("substantive", "restates Eq. (4): not closed in w_alpha while other modes are being learned"),
    "eq.6": ("substantive", "the Ito drift as printed (sigma_q instead of sigma_q^2/2, (s - w) instead of "
             "(s - w)^2, exponent 2(L-2)/L) is not the derived drift and is not dimensionally homogeneous"),
    "eq.14": ("substantive", "restates Eq. (6) with sigma_q/2: still not the derived Ito drift (Eqs. 6 and 14 "
              "also disagree with each other)"),
    "eq.7": ("notation", _STD),
    "eq.8": ("notation", _STD),
    "eq.15": ("notation", _STD),
    # ---- Appendix A ---------------------------------------------------------------------------------------
    "appA.martingale-cov": ("step", "Cov(M(t)) is t Sigma, not sqrt(eta) t Sigma (and the two printed forms "
                            "differ from each other); the limit SDE (Eq. 1) the sketch arrives at is right"),
    # ---- Appendix B ---------------------------------------------------------------------------------------
    "appB.shapes": ("notation", "W_i must be d_i x d_{i-1}, not a vector in R^{d_i}; the end-to-end product "
                    "and everything after it use the matrix shapes"),
    # ---- Appendix E ---------------------------------------------------------------------------------------
    "appE.ito-data": ("step", _PROP),
    "appE.ito-label": ("step", _PROP),
    "appE.ito-intermediate": ("step", _PROP),
    "appE.ito": ("substantive", "App. E's final Ito drift ('which is (6)') is not the derived drift; it also "
                 "disagrees with Eq. (6) as printed"),
    "appE.gamma": ("notation", "<u u^T, B_l Sigma_q B_m^T> pairs a d_L x d_L matrix with a d_l x d_m one (B_l "
                   "must be transposed); in the isotropic case the intended value sigma_q^2 is what the "
                   "diffusion (Eq. 7) uses"),
    # ---- Appendix F ---------------------------------------------------------------------------------------
    "appF.mu-at-s": ("step", "intermediate value mu(s) (undefined exponent b, sigma_q instead of sigma_q^2); it "
                     "propagates to w* - s (Eq. 17), recorded as substantive"),
    "appF.b-undefined": ("notation", "the exponent b of s^b is never defined (b is also the batch size)"),
    "appF.D-at-s": ("notation", _STD),
    "appF.wstar": ("substantive", "App. F's w* - s (= Eq. 17) has the wrong power of s and sigma_q instead of "
                   "sigma_q^2: the stated shift of the drift zero changes"),
    "appF.var": ("notation", _STD),
    # ---- Appendix G ---------------------------------------------------------------------------------------
    "appG.joint-prob": ("notation", "the binomial coefficients are printed with swapped arguments (binom(B-2, "
                        "N-2) = 0 for B < N); the stated probability (B-1)B / ((N-1)N) is right"),
    "appG.intermediate": ("step", "the coefficient of sum_{i != j} g_i g_j^T is wrong; the final finite-"
                          "population factor (N-B)/(B(N-1)) is right"),
    # ---- Sec. 4 -------------------------------------------------------------------------------------------
    "sec4.stationary-condition": ("notation", _STD),
    "eq.9": ("notation", _STD),
    "eq.10": ("substantive", "the stated 'maximum exists iff sigma_q^2 <= bound' fails at the boundary (at "
              "equality dD/dw has a double root: an inflection, no maximum) and the maximum is only local (D "
              "grows without bound); the strict-inequality, local-maximum statement holds for L >= 2"),
    # ---- Sec. 5 -------------------------------------------------------------------------------------------
    "prop5.1.fp": ("notation", "the second-order coefficient is eta/2 for Sigma read as the batch covariance "
                   "Sigma_b (or b = 1); Eq. (1) has eta Sigma_b = eta Sigma / b"),
    "prop5.2.cites": ("notation", "cites a Proposition 6.4 that does not exist; Prop. 3.5 is meant"),
    "eq.16": ("notation", "the integral from 0 diverges (2 mu/D ~ c/z near 0), so the lower limit must be read "
              "as any fixed point w_0 > 0; the density is defined up to a constant anyway"),
    "eq.17": ("substantive", "the O(eta) shift of the drift zero has the wrong power of s (s^(-2/L) instead of "
              "s^((L-2)/L)) and sigma_q instead of sigma_q^2: not homogeneous"),
    "eq.18": ("notation", _STD),
    "prop5.2.mean-above": ("substantive", "the stationary mean is below s, not above: E[w] - s = -(eta/b)(L-1)/2 "
                           "s^(1-2/L) sigma_q^2 + O(eta^2) < 0 for every L >= 2 (it is the zero of the drift, "
                           "w*, that lies above s)"),
    "notation.a": ("notation", "one letter a for 4(L-1)/L (Sec. 4) and 2(L-1)/L (App. F); each use is "
                   "consistent within its section"),
}

#: claims at the reduction level whose assumptions do not carry the exact tokens "A1"/"A2"
_REDUCTION = (
    "eq.2", "eq.3", "sec2.timescale", "sec3.D-vanishes",
    "prop3.5.decoupling", "eq.4",
    "appE.a-vec", "appE.norm-A", "appE.balanced-layer", "eq.30", "appE.sigma-lm", "appE.grad-block", "appE.mu-grad",
    "appE.ito-sum", "appE.ito-data", "appE.ito-label", "appE.pair-sum", "appE.ito-intermediate", "appE.ito",
    "appE.gamma", "appE.D-data", "appE.D-label", "appE.D",
    "eq.31", "appF.current", "appF.sigma0", "appF.mu-at-s", "appF.b-undefined", "appF.mu-prime", "appF.D-at-s",
    "appF.linearize", "appF.wstar", "appF.ou-var", "appF.var",
    "sec4.stationary-condition", "eq.9", "eq.10", "sec4.peak-before-learning",
    "prop5.1.fp-1d", "eq.11", "eq.12", "eq.13", "eq.14", "eq.15", "prop5.2.cites", "eq.16", "prop5.2.i",
    "eq.17", "eq.18", "prop5.2.mean-above", "notation.a",
)
LEVELS: dict[str, str] = {cid: "reduction" for cid in _REDUCTION}


def install(paper=PAPER) -> None:
    """Fill ``paper.severity`` and ``paper.levels`` (ids not registered in ``paper`` are an error)."""
    known = set(paper.claim_ids())
    unknown = sorted((set(SEVERITY) | set(LEVELS)) - known)
    if unknown:
        raise RuntimeError(f"severity/level table names unregistered claims: {unknown}")
    paper.severity.update(SEVERITY)
    for cid, lvl in LEVELS.items():
        paper.levels.setdefault(cid, lvl)


install()

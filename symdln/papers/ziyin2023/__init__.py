"""Ziyin, Li, Ueda, "Law of balance and stationary distribution of stochastic gradient descent" (arXiv 2308.06671;
v2 retitled "Noise Balance and Stationary Distribution of Stochastic Gradient Descent"), decided for DLNs.

Source of the printed text: the abstracts of v1 (arXiv abstract page, submitted 13 Aug 2023, and an HTML
rendering of v1) and of v2 (arXiv HTML v2), as found with ``symdln``'s reference search (corpus ``pages``).  The
theorem statements of the main text (the balance law for a rescaling symmetry) were not found in the searchable
text, so they are not recorded; only the abstract sentences are.  The statements are general (any loss with a
rescaling symmetry); here they are decided for deep linear networks (``level="network"``).
"""
from __future__ import annotations

from ...paperkit import Citation, Paper
from ._evidence import (NOISE, add_abstract_claim, balanced_is_not_stationary, noise_equilibrium_check,
                        noise_gauge_unique)

__all__ = ["PAPER"]

PAPER = Paper(
    Citation(key="ziyin2023", title="Law of Balance and Stationary Distribution of Stochastic Gradient Descent",
             authors=("Liu Ziyin", "Hongchao Li", "Masahito Ueda"), year=2023, arxiv="2308.06671",
             url="https://arxiv.org/abs/2308.06671",
             note="abstract sentences of v1 and v2 (v2: 'Noise Balance and Stationary Distribution of SGD')"),
    description="Minibatch noise of SGD and rescaling symmetries: the balance law and stationary distributions.")

_NB = ("'balanced' read as noise-balanced (the v2 wording): the zero of the noise force tr(W_{>l+1}^T Sigma_q "
       "W_{>l+1}) W_{<=l} W_{<=l}^T = ||W_{<l}||_F^2 W_{>l}^T Sigma_q W_{>l}")

#: the two abstract sentences: id -> (version, source, printed, check, condition)
_SENTENCES = {
    "abstract.balance-v1": ("v1, 13 Aug 2023", "arXiv abstract page of v1 (arxiv.org/abs/2308.06671v1)",
                            r"we prove that the minibatch noise of SGD regularizes the solution towards a balanced "
                            r"solution whenever the loss function contains a rescaling symmetry", "ziyin_balanced", _NB),
    "abstract.noise-balance-v2": ("v2", "arXiv HTML of v2 (arxiv.org/html/2308.06671v2)",
                                  r"we show that the minibatch noise of SGD regularizes the solution towards a "
                                  r"noise-balanced solution whenever the loss function contains a rescaling parameter "
                                  r"symmetry", "ziyin_noise_balanced", NOISE),
}
_WHY = {"abstract.balance-v1": "for a DLN the gauge SGD selects is balanced only when the noise is symmetric across "
                               "the pair (depth 2: d_0 = d_2); in general it is the noise-balanced gauge, as v2 of the "
                               "paper says",
        "abstract.noise-balance-v2": "'whenever' needs non-vanishing gradient noise at the solution: at a noiseless "
                                     "interpolating minimum of a DLN SGD leaves every gauge in place"}
for _id, (_version, _source, _printed, _check, _condition) in _SENTENCES.items():
    add_abstract_claim(PAPER, _id, _version, _source, _printed, check=_check, condition=_condition,
                       expected="conditional", severity="substantive", reason=_WHY[_id],
                       notes="Decided for DLNs: 'balanced' as in A1 of corlouer2026, W_{l+1}^T W_{l+1} = W_l W_l^T."
                       if _id == "abstract.balance-v1" else "")


@PAPER.check("ziyin_balanced")
def check_balanced(claim, spec, *, seed=0, fast=False, paper=None):
    """v1 wording: the balanced gauge is not where SGD goes; read as noise balance it is."""
    return balanced_is_not_stationary(seed, fast) + noise_gauge_unique(seed, fast, scope="condition", condition=_NB), {}


#: v2 wording: a unique attracting noise-balanced gauge with label noise; none without (shared with ziyin2024)
PAPER.check("ziyin_noise_balanced")(noise_equilibrium_check)

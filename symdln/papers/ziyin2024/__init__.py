"""Ziyin, Wang, Li, Wu, "Parameter symmetry and noise equilibrium of stochastic gradient descent" (arXiv 2402.07193,
NeurIPS 2024), decided for DLNs.

Source of the printed text: the abstract of the arXiv HTML v3, found with ``symdln``'s reference search (corpus
``pages``).  The theorems of the main text were not found in the searchable text and are not recorded.  The
statements are about exponential symmetries in general; DLNs have them (``W_l -> e^{lambda} W_l``,
``W_{l+1} -> e^{-lambda} W_{l+1}``), and they are decided here for DLNs (``level="network"``).
"""
from __future__ import annotations

from ...paperkit import Citation, Location, Paper, Spec
from ..ziyin2023._evidence import noise_gauge_unique, noiseless_no_flow

__all__ = ["PAPER"]

PAPER = Paper(
    Citation(key="ziyin2024", title="Parameter Symmetry and Noise Equilibrium of Stochastic Gradient Descent",
             authors=("Liu Ziyin", "Mingze Wang", "Hongchao Li", "Lei Wu"), year=2024, arxiv="2402.07193",
             venue="NeurIPS 2024", url="https://arxiv.org/abs/2402.07193", note="abstract sentences of v3"),
    description="Exponential symmetries and SGD: Noether flow to a unique noise equilibrium.")

_NOISE = "with label noise (the gradient noise does not vanish at the minimum)"

PAPER.add("abstract.noether-flow", Location(section="Abstract (v3)",
                                              detail="arXiv HTML of v3 (arxiv.org/html/2402.07193v3)"),
          r"gradient noise creates a systematic motion (a ``Noether flow'') of the parameters \theta along the "
          r"degenerate direction to a unique initialization-independent fixed point \theta^*",
          kind="statement", level="network", assumptions=("deep linear network, online SGD, global minimum",),
          spec=Spec(check="noether_flow", condition=_NOISE))
PAPER.expected.update({"abstract.noether-flow": "conditional"})
PAPER.severity.update({
    "abstract.noether-flow": ("substantive", "at a noiseless interpolating minimum of a DLN the gradient noise "
                              "vanishes and there is no flow: every gauge is a fixed point; with label noise the "
                              "fixed point is unique and attracting"),
})


@PAPER.check("noether_flow")
def check_noether_flow(claim, spec, *, seed=0, fast=False, paper=None):
    return [noiseless_no_flow(seed)] + noise_gauge_unique(seed, fast, scope="condition", condition=_NOISE), {}

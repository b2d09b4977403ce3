"""Ziyin, Wang, Li, Wu, "Parameter symmetry and noise equilibrium of stochastic gradient descent" (arXiv 2402.07193,
NeurIPS 2024), decided for DLNs.

Source of the printed text: the abstract of the arXiv HTML v3, found with ``symdln``'s reference search (corpus
``pages``).  The theorems of the main text were not found in the searchable text and are not recorded.  The
statements are about exponential symmetries in general; DLNs have them (``W_l -> e^{lambda} W_l``,
``W_{l+1} -> e^{-lambda} W_{l+1}``), and they are decided here for DLNs (``level="network"``).
"""
from __future__ import annotations

from ...paperkit import Citation, Paper
from ..ziyin2023._evidence import NOISE, add_abstract_claim, noise_equilibrium_check

__all__ = ["PAPER"]

PAPER = Paper(
    Citation(key="ziyin2024", title="Parameter Symmetry and Noise Equilibrium of Stochastic Gradient Descent",
             authors=("Liu Ziyin", "Mingze Wang", "Hongchao Li", "Lei Wu"), year=2024, arxiv="2402.07193",
             venue="NeurIPS 2024", url="https://arxiv.org/abs/2402.07193", note="abstract sentences of v3"),
    description="Exponential symmetries and SGD: Noether flow to a unique noise equilibrium.")

add_abstract_claim(
    PAPER, "abstract.noether-flow", "v3", "arXiv HTML of v3 (arxiv.org/html/2402.07193v3)",
    r"gradient noise creates a systematic motion (a ``Noether flow'') of the parameters \theta along the "
    r"degenerate direction to a unique initialization-independent fixed point \theta^*",
    check="noether_flow", condition=NOISE, expected="conditional", severity="substantive",
    reason="at a noiseless interpolating minimum of a DLN the gradient noise vanishes and there is no flow: every "
           "gauge is a fixed point; with label noise the fixed point is unique and attracting")
#: the same evidence as ziyin2023's noise-balance statement (a DLN's rescaling symmetry is exponential)
PAPER.check("noether_flow")(noise_equilibrium_check)

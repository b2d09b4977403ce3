"""The paper object of arXiv 2604.06366 and the registration helper its claim modules use.

A claim (:class:`symdln.verdict.Claim`) records what the paper prints.  The verifier needs a little more
than the printed formula -- which part of a derivation to compare with, which Monte Carlo plan applies,
a claim-specific check for statements and identities -- and that lives in a :class:`Spec` next to the
claim, so that ``Claim`` stays pure data.
"""
from __future__ import annotations

from ...paperkit import Citation, Paper, Spec

__all__ = ["Spec", "add", "PAPER", "PROPOSITIONS", "SIGMA_READINGS", "BETA_READING"]

#: the numbered propositions the paper actually contains (for cross-reference checks)
PROPOSITIONS = ("3.1", "3.2", "3.3", "3.4", "3.5", "5.1", "5.2")

PAPER = Paper(
    Citation(key="corlouer2026",
             title="Stochastic Gradient Descent in the Saddle-to-Saddle Regime of Deep Linear Networks",
             authors=("Guillaume Corlouer", "Avi Semler", "Alexander Strang", "Alexander Gietelink Oldenziel"),
             year=2026, arxiv="2604.06366", note="claims transcribed from the HTML text of v1 (CC BY 4.0)"),
    readings={"sigma_q": {"std": "sigma_q read as a standard deviation (Sigma_q = sigma_q^2 I, App. E)",
                          "variance": "sigma_q read as a variance (xi_q ~ N(0, sigma_q I), Sec. 2.3)"},
              "beta": {"eta/b": "beta = eta / b (Prop. 3.5)"}},
    propositions=PROPOSITIONS,
    description="Online SGD on W = W_L ... W_1 with whitened Gaussian inputs as an Ito SDE; one scalar SDE "
                "per mode under balance (A1) and alignment (A2).",
)

#: claim id -> Claim and Spec, in registration order (views of PAPER for the older call sites)
REGISTRY = PAPER._claims
SPECS = PAPER._specs


def add(id, location, printed, **kw):
    """Create and register a claim of this paper (ids are unique)."""
    return PAPER.add(id, location, printed, **kw)


#: the two readings of the label-noise scale (Sec. 2.3 vs App. E)
SIGMA_READINGS = (("sigma_q", "std"), ("sigma_q", "variance"))
#: beta is eta / b throughout (Prop. 3.5)
BETA_READING = (("beta", "eta/b"),)

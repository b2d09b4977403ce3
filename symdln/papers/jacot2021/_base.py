"""The paper object of Jacot, Ged, Simsek, Hongler and Gabriel (arXiv 2106.15933) and the text of its claims.

Sources of the printed text: the abstract as rendered by ar5iv (found with the reference search, page
https://ar5iv.labs.arxiv.org/html/2106.15933, which only returned its opening) and the paper summary of seed 004
(``/work/shared/seeds/004_*``: abstract, the hypothesis of Theorem 1, figure captions).  The body of the paper --
the conclusion of Theorem 1 (its distance scalings), Theorem 2, Conjecture 3 -- could not be found; no claim
quotes it.
"""
from __future__ import annotations

from dataclasses import dataclass

from ...paperkit import Citation, Location, Paper

__all__ = ["PAPER", "Where", "ABSTRACT", "SUMMARY"]


@dataclass(frozen=True)
class Where(Location):
    """A location outside the numbered sections (the abstract, a figure caption of the summary)."""

    def __str__(self) -> str:
        parts = [self.section] + ([self.item] if self.item else [])
        out = ", ".join(parts)
        return f"{out} ({self.detail})" if self.detail else out


ABSTRACT = Where(section="Abstract", detail="ar5iv rendering")
SUMMARY = "summary (seed 004)"

PAPER = Paper(
    Citation(key="jacot2021",
             title="Saddle-to-Saddle Dynamics in Deep Linear Networks: Small Initialization Training, Symmetry, "
                   "and Sparsity",
             authors=("Arthur Jacot", "François Ged", "Berfin Şimşek", "Clément Hongler", "Franck Gabriel"),
             year=2021, arxiv="2106.15933", url="https://arxiv.org/abs/2106.15933",
             note="claims from the abstract and the figure captions; the body of the paper was not available"),
    description="Initialisation variance w^-gamma of deep linear networks of width w: NTK regime (gamma < 1) versus "
                "saddle-to-saddle regime (gamma > 1), with a sequence of saddles of increasing rank.",
)

"""The paper object of Jacot, Ged, Simsek, Hongler and Gabriel (arXiv 2106.15933) and where its claims' text comes from.

Sources of the printed text, each found with the reference search (corpus ``pages``):

* the **abstract**, verbatim on https://ar5iv.labs.arxiv.org/html/2106.15933 (the paper's HTML rendering; only its
  opening -- title, authors, abstract, the first lines of Sec. 1 -- is stored) and identically on
  https://www.sciencestack.ai/paper/2106.15933, https://researchtrend.ai/papers/2106.15933 and
  https://paperswithcode.com/paper/deep-linear-networks-dynamics-low-rank-biases;
* the **hypothesis of Theorem 1** and the **captions of Figs. 1-5**, quoted verbatim on
  https://www.sciencestack.ai/paper/2106.15933 (a summary page of the paper; the same text is the summary file
  ``004_*`` of the project's seed folder).

Not found: the body of the paper -- the conclusion of Theorem 1 (how the distances from ``theta_0`` to the nearest
saddle and to the nearest global minimum scale with ``w``), Theorem 2 and Conjecture 3 -- neither by the search
(corpora ``pages``, ``docs``, ``code``: the title, the arXiv id, the abstract's sentences, the hypothesis of Theorem 1
and phrases of a distance statement) nor by an exact-string search of public source files.  No claim quotes it; the
distance laws the abstract's claims are decided with are derived in symdln (``init_scale_distances``).
"""
from __future__ import annotations

from dataclasses import dataclass

from ...paperkit import Citation, Location, Paper

__all__ = ["PAPER", "Where", "ABSTRACT", "SUMMARY_PAGE", "caption"]


@dataclass(frozen=True)
class Where(Location):
    """A :class:`~symdln.paperkit.Location` outside the numbered sections: the abstract, a figure caption
    (``section`` names it, so it is not printed as "Sec. ...")."""

    def __str__(self) -> str:
        parts = [self.section] + ([self.item] if self.item else [])
        out = ", ".join(parts)
        return f"{out} ({self.detail})" if self.detail else out


#: the page that quotes the figure captions and the hypothesis of Theorem 1 verbatim
SUMMARY_PAGE = "https://www.sciencestack.ai/paper/2106.15933"
ABSTRACT = Where(section="Abstract")


def caption(figure: int, panel: str | None = None) -> Where:
    """The caption of ``figure`` (one ``panel`` of it), with the page its text was taken from."""
    return Where(section=f"Fig. {figure}", item="caption" + (f", panel ({panel})" if panel else ""),
                 detail="text quoted on sciencestack.ai")


PAPER = Paper(
    Citation(key="jacot2021",
             title="Saddle-to-Saddle Dynamics in Deep Linear Networks: Small Initialization Training, Symmetry, "
                   "and Sparsity",
             authors=("Arthur Jacot", "François Ged", "Berfin Şimşek", "Clément Hongler", "Franck Gabriel"),
             year=2021, arxiv="2106.15933", url="https://arxiv.org/abs/2106.15933",
             note="claims from the abstract (arXiv, ar5iv) and the figure captions (quoted on sciencestack.ai); the body "
                  "of the paper (the conclusion of Theorem 1, Theorem 2, Conjecture 3) was not available"),
    description="Initialisation variance w^-gamma of deep linear networks of width w: NTK regime (gamma < 1) versus "
                "saddle-to-saddle regime (gamma > 1), with a sequence of saddles of increasing rank.",
)

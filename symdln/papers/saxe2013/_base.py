"""The paper object of Saxe, McClelland and Ganguli (arXiv 1312.6120) and the text source of its claims.

Source of the printed text: a Markdown transcription of the arXiv HTML rendering (sections 1-5, Eqs. 1-22)
held in the public code index searched with ``symdln``'s reference tools (file id 66133695863, 54 131
characters, title block "ArXiv: 1312.6120").  Equation numbers are those of that transcription.  The
supplementary appendices (A-G) are not in it: every statement that defers to them ("see Supplementary
Appendix B") is decided from a derivation here and says so in its note.
"""
from __future__ import annotations

from ...paperkit import Citation, Location, Paper

__all__ = ["PAPER", "SOURCE", "loc"]

SOURCE = ("Markdown transcription of the arXiv HTML of 1312.6120 (Secs. 1-5, Eqs. 1-22; supplementary "
          "appendices absent), public code index file id 66133695863")

PAPER = Paper(
    Citation(key="saxe2013",
             title="Exact solutions to the nonlinear dynamics of learning in deep linear neural networks",
             authors=("Andrew M. Saxe", "James L. McClelland", "Surya Ganguli"), year=2013, arxiv="1312.6120",
             venue="International Conference on Learning Representations (ICLR 2014)",
             url="https://arxiv.org/abs/1312.6120",
             note="claims transcribed from a Markdown rendering of the arXiv HTML (main text only)"),
    description="Gradient descent on deep linear networks with whitened inputs: decoupled connectivity modes, "
                "exact sigmoidal mode trajectories, learning times versus depth and initialisation.",
)


def loc(section: str, equation: str | None = None, detail: str = "", item: str | None = None) -> Location:
    """A location in the main text (section numbers as printed; equation numbers of the transcription)."""
    return Location(section=section, item=item, equation=equation, detail=detail)

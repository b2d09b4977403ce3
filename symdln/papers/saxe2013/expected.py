"""The verdict each claim is expected to get (pinned by tests/test_paper_saxe2013.py), and the severity of
every non-confirmed one."""
from __future__ import annotations

from ._base import PAPER

PAPER.expected.update({
    "eq.2": "confirmed", "eq.5-6": "confirmed", "sec1.2.fixed-points": "confirmed", "eq.7": "confirmed",
    "eq.8-9": "confirmed", "eq.10": "confirmed", "eq.11": "confirmed", "eq.11-limit": "confirmed",
    "eq.12": "confirmed", "eq.13": "confirmed", "sec2.product": "conditional", "eq.15": "confirmed", "sec2.integrable": "confirmed",
    "eq.16": "confirmed", "eq.17": "confirmed", "sec2.time-to-zero": "confirmed", "sec2.alpha-opt": "conditional",
    "sec2.depth-delay": "conditional", "sec3.depth-independent": "conditional", "sec3.gaussian-norm": "confirmed",
    "sec3.gaussian-products": "confirmed", "sec3.orthogonal-products": "confirmed",
})
PAPER.severity.update({
    "sec2.product": ("notation", "the index list names W^(a-1); with W^(a+1) the definition gives Eq. (13) exactly"),
    "sec2.alpha-opt": ("step", "the definition of the optimal rate is in Appendix B, not available; derived under "
                               "the reading 1/lambda_max"),
    "sec2.depth-delay": ("step", "holds at the rate 1/lambda_max; the paper's rate (Appendix B) was not available"),
    "sec3.depth-independent": ("step", "holds at the rate 1/lambda_max; the paper's rate (Appendix B) was not available"),
})

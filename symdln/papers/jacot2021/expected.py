"""The verdict each claim is expected to get (pinned by tests/test_paper_jacot2021.py)."""
from __future__ import annotations

from ._base import PAPER

PAPER.expected.update({
    "abstract.gamma-lt-1": "confirmed", "abstract.gamma-gt-1": "confirmed", "abstract.transition": "confirmed",
    "abstract.saddle-to-saddle": "confirmed", "fig1.three-plateaus": "confirmed", "fig2.ntk-linear": "confirmed",
    "fig2.plateaus-longer": "confirmed", "fig3.ntk-full-rank": "confirmed", "fig3.saddle-test-error": "confirmed",
})

"""Jacot, Ged, Şimşek, Hongler and Gabriel, "Saddle-to-Saddle Dynamics in Deep Linear Networks: Small
Initialization Training, Symmetry, and Sparsity" (arXiv 2106.15933).

``PAPER`` holds the claims of the abstract and figure captions (``claims.py``), its checks (distances from the
initialisation: ``checks_distances.py``; training dynamics with the saddle sampler: ``checks_dynamics.py``; matrix
completion in the two regimes: ``checks_completion.py``) and the expected verdicts (``expected.py``).  Derivation used: ``init_scale_distances`` (:mod:`symdln.symbolic.init_scale`).
"""
from __future__ import annotations

from . import checks_completion, checks_distances, checks_dynamics, claims, expected  # noqa: F401
from ._base import PAPER

__all__ = ["PAPER"]

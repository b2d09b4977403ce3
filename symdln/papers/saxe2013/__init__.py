"""Saxe, McClelland and Ganguli, "Exact solutions to the nonlinear dynamics of learning in deep linear neural
networks" (arXiv 1312.6120): the origin of the mode equations (Eqs. 2-3) of the corlouer2026 paper.

``PAPER`` (a :class:`symdln.paperkit.Paper`) holds the claims of the main text (``claims.py``), the checks only
this paper needs (``checks_*.py``) and the expected verdicts (``expected.py``).  Derivations used:
``saxe_mode_flow``, ``saxe_learning_time`` (:mod:`symdln.symbolic.saxe_modes`), ``gf_logistic``, ``gf_mode_ode``.
"""
from __future__ import annotations

from . import checks_depth, checks_modes, checks_network, checks_random, claims, expected, references  # noqa: F401
from ._base import PAPER, SOURCE

__all__ = ["PAPER", "SOURCE"]

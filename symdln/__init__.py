"""symdln: verify the theory of SGD on deep linear networks.

Public API (the few functions a researcher calls) is re-exported here; see docs/api.md.
"""
from __future__ import annotations

__version__ = "0.1.0"

from ._validation import SymdlnInputError  # noqa: E402
from .network import (  # noqa: E402
    DLN, Teacher, aligned_balanced, balanced_init, cross_mode_amplitudes, mode_amplitudes,
    population_loss, small_gaussian_init,
)

__all__ = [
    "__version__", "SymdlnInputError", "DLN", "Teacher", "aligned_balanced", "balanced_init",
    "small_gaussian_init", "mode_amplitudes", "cross_mode_amplitudes", "population_loss",
]
# Further re-exports (noise, modes, montecarlo, verify, ...) are appended below as modules land.

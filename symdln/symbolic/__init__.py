"""SymPy derivations from first principles (per-sample loss, Gaussian moments, chain rule).

Importing this package imports every derivation module so that each registers its quantities
(see :mod:`symdln.symbolic.result`).  Add a module here when you add a topic.
"""
from __future__ import annotations

import importlib

from .result import Derivation, Step, derive, quantity_ids, register  # noqa: F401

_MODULES: list[str] = [
    # topic modules register on import; listed explicitly so the order (and output) is deterministic
    "gaussian",
    "matrix_identities",
    "mode_sde",
    "modewise",
    "peak",
    "gradient_flow",
    "fokker_planck",
    "stationary",
    "finite_population",
    "continuum",
    "saxe_modes",
    "init_scale",
    "network_stationary",
    "balance",
]

for _m in _MODULES:
    importlib.import_module(f"{__name__}.{_m}")

"""symdln: verify the theory of SGD on deep linear networks.

The few functions a researcher calls are re-exported here (see docs/api.md):

* networks and teachers: ``DLN``, ``Teacher``, ``aligned_balanced``, ``small_gaussian_init``, ``balanced_init``,
  ``mode_amplitudes``, ``cross_mode_amplitudes``, ``population_loss``;
* closed forms of the numeric core: ``population_gradient``, ``per_sample_gradients``, ``sample_data``,
  ``sample_noise``, ``sigma_block``, ``diffusion``, ``diffusion_matrix``, ``gradient_drift``, ``ito_drift``,
  ``mode_jacobian``;
* Monte Carlo with standard errors: ``Estimate``, ``mc_diffusion``, ``mc_ito_drift``;
* simulators: ``sgd``, ``gd``, ``gradient_flow``, ``langevin``, ``scalar_sde`` (-> ``Trajectory``);
* verdicts: ``verify`` (callable: ``symdln.verify(expr, quantity=...)``; also the package of the engine);
* saddle points: ``NormalForm``, ``certify``;
* the full network near a minimum: ``network_stationary_moments`` (imported on first use).
"""
from __future__ import annotations

from ._version import __version__

from ._validation import SymdlnInputError
from .network import (
    DLN, Teacher, aligned_balanced, balanced_init, cross_mode_amplitudes, mode_amplitudes,
    population_loss, small_gaussian_init,
)
from .noise import population_gradient, per_sample_gradients, sample_data, sample_noise, sigma_block
from .modes import diffusion, diffusion_matrix, gradient_drift, ito_drift, mode_jacobian
from .montecarlo import Estimate, mc_diffusion, mc_ito_drift
from .simulate import Trajectory, gd, gradient_flow, langevin, scalar_sde, sgd
from . import verify  # the subpackage is callable: symdln.verify(expr, quantity=...)
from .saddles import NormalForm, certify

__all__ = [
    "__version__", "SymdlnInputError",
    "DLN", "Teacher", "aligned_balanced", "balanced_init", "small_gaussian_init", "mode_amplitudes",
    "cross_mode_amplitudes", "population_loss",
    "population_gradient", "per_sample_gradients", "sample_data", "sample_noise", "sigma_block",
    "diffusion", "diffusion_matrix", "gradient_drift", "ito_drift", "mode_jacobian",
    "Estimate", "mc_diffusion", "mc_ito_drift",
    "Trajectory", "sgd", "gd", "gradient_flow", "langevin", "scalar_sde",
    "verify",
    "NormalForm", "certify",
    "network_stationary_moments",
]

_LAZY = {"network_stationary_moments": "network_stationary"}   # name -> submodule, imported on first use


def __getattr__(name):
    if name in _LAZY:
        import importlib
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

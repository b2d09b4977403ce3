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
* the full network near a minimum: ``network_stationary_moments``.

Imports are lazy (PEP 562): ``import symdln`` loads none of SymPy, SciPy, matplotlib or the derivations;
each name is imported from its module on first use.
"""
from __future__ import annotations

import importlib

from ._version import __version__

from ._validation import SymdlnInputError  # noqa: E402  (light: numpy only)

#: public name -> module that defines it (relative to the package)
_LAZY = {
    **dict.fromkeys(["DLN", "Teacher", "aligned_balanced", "balanced_init", "cross_mode_amplitudes",
                     "mode_amplitudes", "population_loss", "small_gaussian_init"], ".network"),
    **dict.fromkeys(["population_gradient", "per_sample_gradients", "sample_data", "sample_noise", "sigma_block"],
                    ".noise"),
    **dict.fromkeys(["diffusion", "diffusion_matrix", "gradient_drift", "ito_drift", "mode_jacobian"], ".modes"),
    **dict.fromkeys(["Estimate", "mc_diffusion", "mc_ito_drift"], ".montecarlo"),
    **dict.fromkeys(["Trajectory", "gd", "gradient_flow", "langevin", "scalar_sde", "sgd"], ".simulate"),
    **dict.fromkeys(["NormalForm", "certify"], ".saddles"),
    "network_stationary_moments": ".network_stationary",
}

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


def __getattr__(name: str):
    """Import a public name (or a subpackage such as ``verify``) on first use."""
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    if name == "verify":  # the subpackage is callable: symdln.verify(expr, quantity=...)
        return importlib.import_module(".verify", __name__)
    raise AttributeError(f"module 'symdln' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))

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
from .noise import (  # noqa: E402  (numeric core: gradients and noise covariance)
    population_gradient, per_sample_gradients, sample_data, sample_noise, sigma_block,
)
from .modes import diffusion, diffusion_matrix, gradient_drift, ito_drift, mode_jacobian  # noqa: E402
from .montecarlo import Estimate, mc_diffusion, mc_ito_drift  # noqa: E402
__all__ += ["population_gradient", "per_sample_gradients", "sample_data", "sample_noise", "sigma_block",
            "diffusion", "diffusion_matrix", "gradient_drift", "ito_drift", "mode_jacobian", "Estimate",
            "mc_diffusion", "mc_ito_drift"]
from .simulate import Trajectory, gd, gradient_flow, langevin, scalar_sde, sgd  # noqa: E402
__all__ += ["Trajectory", "sgd", "gd", "gradient_flow", "langevin", "scalar_sde"]
from . import verify  # noqa: E402  (the subpackage is callable: symdln.verify(expr, quantity=...))
__all__ += ["verify"]
from .saddles import NormalForm, certify  # noqa: E402  (saddle sampler: rank strata, Hessian certification)
__all__ += ["NormalForm", "certify"]

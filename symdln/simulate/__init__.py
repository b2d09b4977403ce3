"""Simulators: online SGD, GD, gradient flow, isotropic / anisotropic Langevin, scalar modewise SDE.

Every simulator advances an ensemble of ``S`` trajectories in one array computation and returns a
:class:`Trajectory`; see :mod:`symdln.simulate.kernels` for the batched gradient / noise / diffusion kernels.
"""
from .trajectory import Trajectory  # noqa: F401
from .checkpoints import log_checkpoints, loss_aligned_checkpoints  # noqa: F401
from .sgd import sgd  # noqa: F401
from .batchfree import sgd_batchfree  # noqa: F401
from .gd import gd, gradient_flow  # noqa: F401
from .langevin import langevin  # noqa: F401
from .scalar import aligned_coefficient_callables, lambdify_w, scalar_sde  # noqa: F401
from .kernels import mode_diffusion  # noqa: F401

__all__ = ["Trajectory", "sgd", "sgd_batchfree", "gd", "gradient_flow", "langevin", "scalar_sde", "aligned_coefficient_callables",
           "lambdify_w", "log_checkpoints", "loss_aligned_checkpoints", "mode_diffusion"]

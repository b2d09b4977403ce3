"""Simulators: online SGD, GD, gradient flow, isotropic / anisotropic Langevin, scalar modewise SDE."""
from .trajectory import Trajectory  # noqa: F401

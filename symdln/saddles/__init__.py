"""Saddle-point sampler for deep linear networks and its Hessian certification.

``normal_form`` (rank strata ``W = P_S M``), ``energy`` (fiber + cyclic constraints), ``sampler``
(cheap construction, SGLD, quench), ``hessian`` (gradient, exact HVP, dense Hessian, line polynomial of
quadratic DLN losses), ``certify`` (refinement, Lanczos, higher-order probe, classification),
``pipeline`` (sample -> assemble -> refine -> certify -> verify against theory).
"""
from .certify import Certificate, certify, descent_probe, extreme_eigenvalues, refine  # noqa: F401
from .energy import constraints, energy, energy_and_grad  # noqa: F401
from .hessian import dense_hessian, hvp, line_coefficients, loss_and_grad  # noqa: F401
from .normal_form import NormalForm, global_min_loss  # noqa: F401
from .sampler import Prior, SGLDResult, cheap_residuals, quench, sgld  # noqa: F401

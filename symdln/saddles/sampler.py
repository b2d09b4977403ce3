"""Sampling residual blocks on the constraint variety ``E(Z) = 0``.

* :func:`cheap_residuals`: set ``n_zero >= 2`` distinct residual blocks to zero, draw the others.  Every
  constraint product then contains a zero block (``mu`` contains all of them, ``dmu_l`` all but ``Z_l``),
  so ``E(Z) = 0`` *exactly* -- always, not only "typically".
* :func:`sgld`: Boltzmann sampling ``p(Z) ~ exp(-beta E(Z)) pi(Z)`` by stochastic gradient Langevin
  dynamics ``Z <- Z - (eps_t/2) grad(beta E - log pi) + N(0, eps_t)``, with the polynomial schedule
  ``eps_t = eps0 (1 + t / t0)^(-kappa)`` (Welling & Teh 2011), vectorised over chains.  Guard: each
  block's drift ``(eps_t/2) grad`` is clipped at Frobenius norm 1 (``E`` is a degree-``2L`` polynomial, so
  far from the variety one unclipped step can overflow); with the default settings the clip is only active
  in the first few steps, and the quench below removes any bias it leaves in the end points.
* :func:`quench`: the ``beta -> infinity`` limit: minimise ``E`` from each SGLD end point (L-BFGS with the
  analytic gradient), projecting the low-energy samples onto the variety.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from .._validation import SymdlnInputError, check_positive
from .energy import energy, energy_and_grad
from .normal_form import NormalForm

from ._threads import _single_threaded

__all__ = ["Prior", "cheap_residuals", "sgld", "SGLDResult", "quench"]


@dataclass(frozen=True)
class Prior:
    """Log-prior on the residual blocks.

    ``kind="gaussian"``:    ``log pi = -(alpha/2) sum ||Z_l||^2`` (``alpha = 1``: unit Gaussian);
    ``kind="weight-decay"``: the same form with a small decay ``alpha`` (default ``1e-2``), a nearly flat prior;
    ``kind="norm-target"``: ``log pi = -(alpha/2) sum (||Z_l||^2 - rho^2)^2``, keeping ``||Z_l||`` near ``rho``
    (away from the trivial zero blocks).
    """

    kind: str = "gaussian"
    alpha: float | None = None
    rho: float = 1.0

    def __post_init__(self):
        if self.kind not in ("gaussian", "weight-decay", "norm-target"):
            raise SymdlnInputError(f"prior kind must be 'gaussian', 'weight-decay' or 'norm-target'; got {self.kind!r}")
        if self.alpha is None:
            object.__setattr__(self, "alpha", 1e-2 if self.kind == "weight-decay" else 1.0)
        check_positive("alpha", self.alpha, allow_zero=True)

    def neg_log_and_grad(self, Z):
        val = np.zeros(Z[0].shape[0])
        grads = []
        for z in Z:
            n2 = np.sum(z * z, axis=(1, 2))
            if self.kind == "norm-target":
                val = val + 0.5 * self.alpha * (n2 - self.rho ** 2) ** 2
                grads.append(2 * self.alpha * (n2 - self.rho ** 2)[:, None, None] * z)
            else:
                val = val + 0.5 * self.alpha * n2
                grads.append(self.alpha * z)
        return val, grads


def cheap_residuals(nf: NormalForm, n: int, rng=None, *, n_zero: int = 2, scale: float = 1.0,
                    zero_blocks=None) -> tuple[list[np.ndarray], np.ndarray]:
    """``n`` residual configurations with ``n_zero`` distinct blocks set to zero (random per chain unless
    ``zero_blocks`` (1-based) is given).  Returns ``(Z, zeros)`` with ``zeros`` the ``(n, n_zero)`` chosen blocks."""
    L = nf.depth
    if not 2 <= int(n_zero) <= L:
        raise SymdlnInputError(f"n_zero must be in 2..L={L}; got {n_zero!r}")
    rng = np.random.default_rng(rng)
    Z = nf.random_residuals(n, rng, scale)
    if zero_blocks is not None:
        zb = sorted(int(b) for b in zero_blocks)
        if len(set(zb)) < 2 or any(not 1 <= b <= L for b in zb):
            raise SymdlnInputError(f"zero_blocks must be >= 2 distinct layer indices in 1..{L}; got {zero_blocks!r}")
        zeros = np.tile(np.array(zb), (n, 1))
    else:
        zeros = np.sort(np.array([rng.choice(L, size=int(n_zero), replace=False) + 1 for _ in range(n)]), axis=1)
    for c in range(n):
        for b in zeros[c]:
            Z[b - 1][c] = 0.0
    return Z, zeros


@dataclass
class SGLDResult:
    Z: list            # final residual blocks, (C, rows, cols) each
    energy: np.ndarray  # (n_record, C) energy trace
    steps: np.ndarray   # step index of each record
    eps: np.ndarray     # step size at each record


@_single_threaded
def sgld(nf: NormalForm, n_chains: int, n_steps: int, *, beta: float = 1e4, prior: Prior | None = None,
         eps0: float = 1e-3, t0: float = 100.0, kappa: float = 0.55, rng=None, init=None,
         n_record: int = 50, scale: float = 1.0) -> SGLDResult:
    """SGLD on ``L_beta(Z) = beta E(Z) - log pi(Z)`` for ``n_chains`` chains at once."""
    beta = check_positive("beta", beta)
    eps0 = check_positive("eps0", eps0)
    if int(n_steps) < 1 or int(n_chains) < 1:
        raise SymdlnInputError(f"n_steps and n_chains must be >= 1; got {n_steps!r}, {n_chains!r}")
    prior = prior or Prior()
    rng = np.random.default_rng(rng)
    Z = nf.random_residuals(n_chains, rng, scale) if init is None else [z.copy() for z in nf.check_residuals(init)]
    sigma = nf.sigma
    rec_at = set(np.unique(np.linspace(0, n_steps - 1, min(n_record, n_steps)).astype(int)).tolist())
    E_rec, s_rec, e_rec = [], [], []
    for t in range(int(n_steps)):
        eps = eps0 * (1.0 + t / t0) ** (-kappa)
        e, gE = energy_and_grad(Z, sigma)
        _, gP = prior.neg_log_and_grad(Z)
        if t in rec_at:
            E_rec.append(e.copy()); s_rec.append(t); e_rec.append(eps)
        # guard: a chain whose drift would explode (eps too large for its curvature) takes a clipped step
        for l in range(len(Z)):
            drift = 0.5 * eps * (beta * gE[l] + gP[l])
            nrm = np.sqrt(np.sum(drift ** 2, axis=(1, 2)))[:, None, None]
            drift = drift * np.minimum(1.0, 1.0 / np.maximum(nrm, 1e-300))
            Z[l] = Z[l] - drift + np.sqrt(eps) * rng.standard_normal(Z[l].shape)
    return SGLDResult(Z, np.array(E_rec), np.array(s_rec), np.array(e_rec))


@_single_threaded
def quench(nf: NormalForm, Z, *, gtol: float = 1e-14, maxiter: int = 2000) -> tuple[list[np.ndarray], np.ndarray]:
    """Minimise ``E`` from each chain's configuration (L-BFGS, analytic gradient); returns ``(Z, E)``."""
    Z = nf.check_residuals(Z)
    shapes = nf.residual_shapes()
    sigma = nf.sigma
    out = [np.empty_like(z) for z in Z]
    E = np.empty(Z[0].shape[0])
    sizes = np.cumsum([0] + [a * b for a, b in shapes])

    def split(x):
        return [x[sizes[i]:sizes[i + 1]].reshape((1,) + shapes[i]) for i in range(len(shapes))]

    def fun(x):
        e, g = energy_and_grad(split(x), sigma)
        return float(e[0]), np.concatenate([gi.ravel() for gi in g])

    for c in range(Z[0].shape[0]):
        x0 = np.concatenate([z[c].ravel() for z in Z])
        res = minimize(fun, x0, jac=True, method="L-BFGS-B",
                       options={"gtol": gtol, "ftol": 1e-300, "maxiter": maxiter, "maxcor": 30})
        parts = split(res.x)
        for i in range(len(shapes)):
            out[i][c] = parts[i][0]
        E[c] = float(energy(parts, sigma)[0])
    return out, E

"""Refinement to exact critical points and Hessian certification.

* :func:`refine`: minimise ``1/2 ||grad L(theta)||^2`` (its gradient is ``H grad L``: one exact HVP), which
  converges to a *nearby critical point of any index* -- plain gradient descent on ``L`` would run away
  from a saddle.
* :func:`extreme_eigenvalues`: ``lambda_min`` and ``lambda_max`` of the exact Hessian by Lanczos
  (``scipy.sparse.linalg.eigsh`` on a ``LinearOperator`` whose matvec is the exact HVP); no dense Hessian.
* :func:`descent_probe`: the higher-order test.  Along a line ``theta + t v`` the loss is a polynomial of
  degree ``2L`` (``hessian.line_coefficients``).  We search the sphere ``|v| = 1`` for the direction that
  minimises ``L(theta + rho v)`` (L-BFGS on ``v = x/|x|``, radii ``rho`` decreasing, warm started) and read
  the exact polynomial along the best ``v``.  If its lowest-order non-negligible coefficient ``c_k``
  (``k >= 2``; ``|c_k| > 1e-9 sum_j |c_j|``; ``c_1 = <grad L, v>`` is the refinement residual and is skipped) is
  negative or ``k`` is odd, ``L(theta + t v) < L(theta)`` for all small ``t`` of the right sign: a rigorous
  certificate that ``theta`` is *not* a local minimum, of order ``k``.
* :func:`certify` -- the decision rule, with ``tol = 1e-6 max(1, lambda_max)`` (Lanczos is run to relative
  accuracy ``1e-10``; the refined gradient is ``<= 1e-9``, so curvature errors are far below ``tol``):

  ``lambda_min < -tol``                                  -> strict saddle (the eigenvector is a descent direction),
  ``|lambda_min| <= tol`` and the probe finds descent    -> non-strict saddle (certificate of order ``k >= 3``,
                                                            or "empirical" when only the radius-``rho`` decrease is seen),
  otherwise                                              -> local minimum (``global`` if its loss is the global
                                                            minimum value).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.sparse.linalg import ArpackError, ArpackNoConvergence, LinearOperator, eigsh, minres

from .._validation import SymdlnInputError, as_matrix, check_int
from . import hessian as H

_DENSE_FALLBACK_MAX = 400   # Lanczos failure fallback: dense eigh only up to this many parameters

from ._threads import _single_threaded

__all__ = ["refine", "extreme_eigenvalues", "descent_probe", "certify", "Certificate"]


def _shapes(layers):
    return [np.asarray(w).shape for w in layers]


@_single_threaded
def refine(layers, M, mask=None, *, gtol: float = 1e-12, maxiter: int = 500):
    """Minimise ``1/2 ||grad L||^2`` from ``layers``; returns ``(layers, grad_norm)``."""
    shapes = _shapes(layers)

    def fun(x):
        ls = H.unflatten(x, shapes)
        g = H.loss_and_grad(ls, M, mask)[1]
        hg = H.hvp(ls, g, M, mask)
        gf = H.flatten(g)
        return 0.5 * float(gf @ gf), H.flatten(hg)

    x0 = H.flatten(layers)
    g0 = np.sqrt(2 * fun(x0)[0])
    if g0 <= gtol:
        return [np.asarray(w, float) for w in layers], g0
    res = minimize(fun, x0, jac=True, method="L-BFGS-B",
                   options={"gtol": 0.0, "ftol": 0.0, "maxiter": maxiter, "maxcor": 30})
    x = res.x if np.sqrt(2 * res.fun) < g0 else x0
    return H.unflatten(x, shapes), float(np.sqrt(2 * fun(x)[0]))


def _operator(layers, M, mask):
    shapes = _shapes(layers)
    P = int(sum(a * b for a, b in shapes))

    def mv(v):
        return H.flatten(H.hvp(layers, H.unflatten(np.ravel(v), shapes), M, mask))
    return LinearOperator((P, P), matvec=mv, dtype=float), P


@_single_threaded
def extreme_eigenvalues(layers, M, mask=None, *, tol: float = 1e-10, seed: int = 0):
    """``(lambda_min, lambda_max, v_min)`` of the exact Hessian by Lanczos on HVPs."""
    op, P = _operator(layers, M, mask)
    v0 = np.random.default_rng(seed).standard_normal(P)
    if np.linalg.norm(op.matvec(v0)) == 0.0:     # Hessian is exactly zero (e.g. the origin, L >= 3)
        return 0.0, 0.0, v0 / np.linalg.norm(v0)
    out = {}
    try:
        for which in ("SA", "LA"):
            vals, vecs = eigsh(op, k=1, which=which, tol=tol, v0=v0, maxiter=50 * P)
            out[which] = (float(vals[0]), vecs[:, 0])
    except (ArpackNoConvergence, ArpackError):
        if P > _DENSE_FALLBACK_MAX:
            raise
        # small problems only: the Hessian column by column from exact HVPs
        Hd = np.column_stack([op.matvec(e) for e in np.eye(P)])
        ev, V = np.linalg.eigh(0.5 * (Hd + Hd.T))
        out = {"SA": (float(ev[0]), V[:, 0]), "LA": (float(ev[-1]), V[:, -1])}
    return out["SA"][0], out["LA"][0], out["SA"][1]


@_single_threaded
def descent_probe(layers, M, mask=None, *, radii=(0.3, 0.1, 0.03, 0.01), n_starts: int = 3, seed: int = 0,
                  maxiter: int = 300):
    """Search for a descent direction of order ``>= 3``; returns a dict (see module docstring)."""
    shapes = _shapes(layers)
    theta = H.flatten(layers)
    L0 = float(H.loss(layers, M, mask))
    scale = max(1.0, float(np.linalg.norm(theta)) / np.sqrt(len(layers)))
    rng = np.random.default_rng(seed)
    best = None
    for s in range(n_starts):
        x = rng.standard_normal(theta.size)
        x /= np.linalg.norm(x)
        drops = []
        for rho in radii:
            r = rho * scale

            def fun(x):
                n = np.linalg.norm(x)
                v = x / n
                val, g = H.loss_and_grad(H.unflatten(theta + r * v, shapes), M, mask)
                g = r * H.flatten(g)
                return float(val) - L0, (g - v * (v @ g)) / n
            res = minimize(fun, x, jac=True, method="L-BFGS-B", options={"maxiter": maxiter, "gtol": 1e-16})
            x = res.x / np.linalg.norm(res.x)
            drops.append(float(res.fun))
        if best is None or drops[-1] < best[1][-1]:
            best = (x, drops)
    v, drops = best
    # remove v's component in range(H) (MINRES on H y = H v stays in range(H), so y = P_range v): along a
    # direction in the exact null space c_2 vanishes and the leading coefficient is of order >= 3
    op, _ = _operator(layers, M, mask)
    y, _ = minres(op, op.matvec(v), rtol=1e-13, maxiter=20 * v.size)
    candidates = [v]
    if np.linalg.norm(v - y) > 1e-3:
        candidates.insert(0, (v - y) / np.linalg.norm(v - y))
    for u in candidates:
        c = H.line_coefficients(layers, H.unflatten(u, shapes), M, mask)
        thr = 1e-9 * max(1.0, float(np.sum(np.abs(c))))
        # c_1 = <grad L, u> is only the refinement residual at a critical point: the test starts at t^2
        nz = [k for k in range(1, len(c)) if abs(c[k]) > thr]
        order = nz[0] + 1 if nz else None
        certified = order is not None and (c[order - 1] < 0 or order % 2 == 1)
        if certified:
            break
    found = certified or drops[-1] < -1e-12 * max(1.0, L0)
    ex = None
    if len(radii) >= 2 and drops[-1] < 0 and drops[-2] < 0:
        ex = float(np.log(drops[-2] / drops[-1]) / np.log(radii[-2] / radii[-1]))
    return {"found": bool(found), "certified": bool(certified), "order": order,
            "coefficients": c.tolist(), "drops": drops, "radii": [float(r * scale) for r in radii],
            "empirical_exponent": ex}


@dataclass
class Certificate:
    kind: str               # "strict saddle" | "non-strict saddle" | "local minimum"
    loss: float
    grad_norm: float
    lambda_min: float
    lambda_max: float
    tol: float
    is_global_min: bool
    probe: dict | None = None

    def to_json(self) -> dict:
        return asdict(self)


@_single_threaded
def certify(layers, M, mask=None, *, loss_offset: float = 0.0, global_min: float | None = None,
            probe: bool = True, seed: int = 0) -> Certificate:
    """Classify the critical point ``layers`` (see the decision rule in the module docstring).

    ``loss_offset`` is added to the reported loss (``1/2 tr Sigma_q`` for the population loss);
    ``global_min`` is the global minimum value of the reported loss, used for the ``is_global_min`` flag.
    """
    from ..network import DLN
    if isinstance(layers, str | bytes) or not hasattr(layers, "__iter__"):
        raise SymdlnInputError(f"layers must be a sequence of 2-D arrays W_1, ..., W_L; got {type(layers).__name__}")
    layers = list(DLN(list(layers)).layers)          # real, finite, chaining widths (SymdlnInputError otherwise)
    M = as_matrix("M", M, (layers[-1].shape[0], layers[0].shape[1]))
    seed = check_int("seed", seed, lo=0)
    loss, g = H.loss_and_grad(layers, M, mask)
    gn = float(np.sqrt(sum(np.sum(x * x) for x in g)))
    lmin, lmax, _ = extreme_eigenvalues(layers, M, mask, seed=seed)
    tol = 1e-6 * max(1.0, abs(lmax))
    total = float(loss) + loss_offset
    is_gmin = global_min is not None and total <= global_min + 1e-9 * max(1.0, abs(global_min))
    if lmin < -tol:
        return Certificate("strict saddle", total, gn, lmin, lmax, tol, is_gmin)
    pr = descent_probe(layers, M, mask, seed=seed) if (probe and not is_gmin) else None
    kind = "non-strict saddle" if (pr is not None and pr["found"]) else "local minimum"
    return Certificate(kind, total, gn, lmin, lmax, tol, is_gmin, pr)

"""Sample -> assemble -> refine -> certify -> check against theory, with timings.

For each sampled point the checks are (tolerances stated in ``CHECK_TOL``):

* critical:        ``||grad L||_F <= 1e-9``  (after refinement);
* on the stratum:  ``||W_L ... W_1 - P_S M||_F <= 1e-7 ||M||_F``;
* loss:            ``|L - (1/2 sum_{a not in S} s_a^2 + 1/2 tr Sigma_q)| <= 1e-9 max(1, L)``.

The class comes from :func:`symdln.saddles.certify.certify`.  The known results to compare with: for
``L = 2`` every critical point that is not a global minimum has a negative Hessian eigenvalue (Baldi &
Hornik 1989; Kawaguchi 2016, Thm 2.3), so no non-strict saddle may appear; for ``L >= 3`` non-strict
saddles exist (the origin is the simplest), and no local minimum may be non-global (Kawaguchi 2016).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from .certify import certify, refine
from .energy import energy
from .normal_form import NormalForm, global_min_loss
from .sampler import Prior, cheap_residuals, quench, sgld

from ._threads import _single_threaded

__all__ = ["CHECK_TOL", "SampledPoint", "sample_stratum", "summarize"]

CHECK_TOL = {"grad": 1e-9, "end_to_end_rel": 1e-7, "loss_rel": 1e-9}


@dataclass
class SampledPoint:
    depth: int
    widths: tuple
    S: tuple
    method: str
    energy: float
    grad_norm: float
    end_to_end_err: float
    loss: float
    expected_loss: float
    kind: str
    lambda_min: float
    lambda_max: float
    probe_order: int | None
    probe_certified: bool | None
    is_global_min: bool
    checks: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        d = dict(self.__dict__)
        d["widths"] = list(self.widths)
        d["S"] = list(self.S)
        return d


@_single_threaded
def sample_stratum(nf: NormalForm, n: int, *, method: str = "cheap", n_zero: int = 2, rng=None,
                   sgld_steps: int = 2000, beta: float = 1e3, prior: Prior | None = None,
                   timings: dict | None = None, probe: bool = True) -> list[SampledPoint]:
    """Sample ``n`` points of the stratum ``nf`` and certify each.  ``method``: ``"cheap"`` (``n_zero``
    zero blocks) or ``"sgld"`` (SGLD then quench).  ``timings`` (a dict) accumulates seconds per stage."""
    rng = np.random.default_rng(rng)
    tm = timings if timings is not None else {}
    t0 = time.perf_counter()
    if method == "cheap":
        Z, _ = cheap_residuals(nf, n, rng, n_zero=n_zero)
        label = f"cheap(n_zero={n_zero})"
    elif method == "sgld":
        res = sgld(nf, n, sgld_steps, beta=beta, prior=prior, rng=rng)
        Z, _ = quench(nf, res.Z)
        label = f"sgld({(prior or Prior()).kind})"
    else:
        from .._validation import SymdlnInputError
        raise SymdlnInputError(f"method must be 'cheap' or 'sgld'; got {method!r}")
    E = energy(Z, nf.sigma)
    tm["sample"] = tm.get("sample", 0.0) + time.perf_counter() - t0
    M = nf.teacher.M
    off = 0.5 * float(np.trace(nf.teacher.Sigma_q))
    gmin = global_min_loss(nf.teacher, nf.widths)
    target = nf.target
    out = []
    for c in range(n):
        t1 = time.perf_counter()
        layers, gn = refine(list(nf.assemble(Z, c).layers), M)
        t2 = time.perf_counter()
        cert = certify(layers, M, loss_offset=off, global_min=gmin, probe=probe, seed=c)
        t3 = time.perf_counter()
        tm["refine"] = tm.get("refine", 0.0) + t2 - t1
        tm["certify"] = tm.get("certify", 0.0) + t3 - t2
        W = layers[0]
        for w in layers[1:]:
            W = w @ W
        e2e = float(np.linalg.norm(W - target))
        exp_loss = nf.expected_loss()
        checks = {
            "critical": cert.grad_norm <= CHECK_TOL["grad"],
            "end_to_end": e2e <= CHECK_TOL["end_to_end_rel"] * max(1.0, float(np.linalg.norm(M))),
            "loss": abs(cert.loss - exp_loss) <= CHECK_TOL["loss_rel"] * max(1.0, exp_loss),
        }
        pr = cert.probe or {}
        out.append(SampledPoint(nf.depth, nf.widths, nf.S, label, float(E[c]), cert.grad_norm, e2e, cert.loss,
                                exp_loss, cert.kind, cert.lambda_min, cert.lambda_max, pr.get("order"),
                                pr.get("certified"), cert.is_global_min, checks))
    return out


def summarize(points: list[SampledPoint]) -> dict:
    """Counts of classes per depth and the theory checks (see the module docstring)."""
    by_depth: dict = {}
    for p in points:
        d = by_depth.setdefault(str(p.depth), {"n": 0, "strict saddle": 0, "non-strict saddle": 0,
                                                "local minimum": 0, "global minimum": 0,
                                                "non-strict certified": 0, "all_checks_pass": 0,
                                                "probe_orders": {}})
        d["n"] += 1
        d[p.kind] += 1
        if p.kind == "local minimum" and p.is_global_min:
            d["global minimum"] += 1
        if p.kind == "non-strict saddle" and p.probe_certified:
            d["non-strict certified"] += 1
            d["probe_orders"][str(p.probe_order)] = d["probe_orders"].get(str(p.probe_order), 0) + 1
        d["all_checks_pass"] += int(all(p.checks.values()))
    theory = {
        "depth2_no_nonstrict_saddle": by_depth.get("2", {}).get("non-strict saddle", 0) == 0,
        "no_spurious_local_min": all(p.is_global_min for p in points if p.kind == "local minimum"),
        "deep_nonstrict_found": any(p.kind == "non-strict saddle" for p in points if p.depth >= 3),
        "all_points_pass_checks": all(all(p.checks.values()) for p in points),
    }
    return {"by_depth": by_depth, "theory": theory}

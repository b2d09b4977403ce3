"""Named checks for matrix, identity and statement claims (``Spec.check``), and the shared helpers.

A check is ``fn(claim, spec, *, seed, fast) -> list[Evidence]`` or ``(list[Evidence], extra)`` where ``extra``
may carry ``derived_latex`` and ``counterexample``.  Evidence scopes are explained in
:mod:`symdln.verify.decide`.  The checks live in ``checks_net`` (network formulas: shapes with rectangular
widths, numeric core, derivation closed forms), ``checks_sym`` (symbolic statements) and ``checks_data``
(Appendices A and G, Eq. 33: enumerations and identities).
"""
from __future__ import annotations

import importlib

import numpy as np

from ..verdict import Evidence
from .shape import shape_failure, try_build  # noqa: F401  (re-exported for the check modules)

__all__ = ["CHECKS", "check", "run_check", "load_checks", "compare_arrays", "try_build", "RTOL"]

CHECKS: dict = {}
#: relative tolerance for float64 comparisons of exact formulas: the inputs are O(1) and the formulas are
#: a few dozen products, so round-off is ~1e-15; 1e-9 leaves six orders of headroom
RTOL = 1e-9
_MODULES = ("checks_net", "checks_net2", "checks_sym", "checks_data", "checks_stationary")


def check(name):
    def deco(fn):
        if name in CHECKS:
            raise RuntimeError(f"check {name!r} registered twice")
        CHECKS[name] = fn
        return fn
    return deco


def load_checks() -> dict:
    """Import every check module (they register on import); returns :data:`CHECKS`."""
    for m in _MODULES:
        importlib.import_module(f"{__package__}.{m}")
    return CHECKS


def run_check(name, claim, spec, *, seed=0, fast=False):
    load_checks()
    if name not in CHECKS:
        # the paper's own checks (``@PAPER.check``), called with ``paper=``
        from ..papers.corlouer2026 import PAPER
        if name not in PAPER.checks:
            raise KeyError(f"unknown check {name!r}")
        out = PAPER.checks[name](claim, spec, seed=seed, fast=fast, paper=PAPER)
        return (list(out[0]), dict(out[1])) if isinstance(out, tuple) else (list(out), {})
    out = CHECKS[name](claim, spec, seed=seed, fast=fast)
    if isinstance(out, tuple):
        return list(out[0]), dict(out[1])
    return list(out), {}


def compare_arrays(label, printed, reference, *, scope="printed", ref_name="reference", extra=None,
                   rtol=RTOL) -> Evidence:
    """Evidence that ``printed`` equals ``reference`` (shapes first, then values, relative to max |reference|)."""
    extra = dict(extra or {})
    if isinstance(printed, list) and isinstance(reference, list) and len(printed) == len(reference):
        for k, (a, c) in enumerate(zip(printed, reference)):
            if np.shape(a) != np.shape(c):
                return Evidence("shape", False, f"{label}: block {k + 1} has shape {np.shape(a)} but {ref_name} has "
                                f"{np.shape(c)}", {"scope": scope, "printed_shape": list(np.shape(a)),
                                                   "reference_shape": list(np.shape(c)), **extra})
    p, r = _flat(printed), _flat(reference)
    if p.shape != r.shape:
        return Evidence("shape", False, f"{label}: shape {p.shape} but {ref_name} has {r.shape}",
                        {"scope": scope, "printed_shape": list(p.shape), "reference_shape": list(r.shape), **extra})
    # relative to the larger magnitude, with a floor of 1e-6: the inputs are O(1) and quantities that vanish
    # exactly (e.g. a_0 . a_1 on an aligned network) come out as ~1e-17 cancellations of O(1) terms, so the
    # effective absolute tolerance is rtol * 1e-6 = 1e-15
    scale = max(float(np.max(np.abs(r))) if r.size else 0.0, float(np.max(np.abs(p))) if p.size else 0.0, 1e-6)
    err = float(np.max(np.abs(p - r))) / scale if r.size else 0.0
    ok = err <= rtol
    if r.size and not ok:
        i = int(np.argmax(np.abs(p - r).ravel()))
        extra.update(entry=i, printed_value=float(p.ravel()[i]), reference_value=float(r.ravel()[i]))
    return Evidence("consistency", ok, f"{label}: {'matches' if ok else 'differs from'} {ref_name} "
                    f"(max rel. diff {err:.2e}, tol {rtol:g})", {"scope": scope, "max_rel_diff": err, **extra})


def _flat(x):
    if isinstance(x, (list, tuple)) and any(np.ndim(e) > 0 for e in x):
        return np.concatenate([np.ravel(np.asarray(e, dtype=float)) for e in x])
    return np.asarray(x, dtype=float)



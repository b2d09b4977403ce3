"""Euler-Maruyama for a scalar modewise SDE ``dw = mu(w) dt + sqrt(D(w)) dB`` (Prop. 3.5, Eq. 4).

``scalar_sde`` takes vectorised callables; :func:`aligned_coefficient_callables` builds them from a SymPy
expression (the derived ``drift_aligned`` / ``diffusion_aligned`` of :mod:`symdln.symbolic`, or the
paper's printed Eq. 5-7 / 13-15 from :mod:`symdln.papers.corlouer2026`) by substituting numbers for every symbol
but ``w`` and lambdifying (no strings are parsed).
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from .._validation import SymdlnInputError, as_rng, as_vector, check_count, check_positive, check_real

__all__ = ["scalar_sde", "aligned_coefficient_callables", "lambdify_w"]


def scalar_sde(drift: Callable, diffusion: Callable, w0, *, dt: float, t_end: float, n_traj: int, seed=0,
               checkpoints_t=None, boundary: str = "reflect") -> tuple[np.ndarray, np.ndarray]:
    """``n_traj`` Euler-Maruyama paths; returns ``(times, W)`` with ``W`` of shape ``(len(times), n_traj)``.

    ``drift(w)``, ``diffusion(w)`` take and return arrays (``diffusion`` is the variance rate ``D(w)``;
    negative round-off values are clipped to 0).  Positivity: the mode amplitude of a balanced network is
    ``>= 0``, so after each step ``w`` is reflected at 0 (``boundary="reflect"``: ``w -> |w|``) or clipped
    (``"clip"``: ``w -> max(w, 0)``); ``boundary="none"`` leaves it free (e.g. for test SDEs on R).
    """
    dt = check_positive("dt", dt)
    t_end = check_positive("t_end", t_end, allow_zero=True)
    n_traj = check_count("n_traj", n_traj, lo=1, hi=10_000_000)
    if not isinstance(boundary, str) or boundary not in ("reflect", "clip", "none"):
        raise SymdlnInputError(f"boundary must be 'reflect', 'clip' or 'none'; got {boundary!r:.40}")
    steps = check_count("t_end / dt (the number of steps)", round(t_end / dt), lo=0)
    if checkpoints_t is None:
        ck = np.unique(np.round(np.linspace(0, steps, 201)).astype(np.int64))
    else:
        ts = np.asarray(checkpoints_t, dtype=float).ravel()
        if ts.size == 0 or ts.min() < 0 or ts.max() > t_end + 1e-12:
            raise SymdlnInputError(f"checkpoints_t must be times in [0, t_end={t_end}]")
        ck = np.unique(np.round(ts / dt).astype(np.int64))
    rng = as_rng("seed", seed)
    if isinstance(w0, int | float | np.integer | np.floating) and not isinstance(w0, bool):
        w0 = np.array([check_real("w0", w0)])
    else:
        w0 = as_vector("w0", w0)          # text, complex, NaN and nested containers are refused
    if w0.size not in (1, n_traj):
        raise SymdlnInputError(f"w0 must be a number or one value per trajectory ({n_traj}); got {w0.size} values")
    w = np.broadcast_to(w0, (int(n_traj),)).copy()
    out = np.empty((ck.size, w.size))
    j, sq, chunk = 0, np.sqrt(dt), 256
    for k in range(steps + 1):
        while j < ck.size and ck[j] == k:
            out[j] = w
            j += 1
        if k == steps:
            break
        if k % chunk == 0:      # draws in fixed-size chunks: results do not depend on checkpoints
            Z = rng.standard_normal((min(chunk, steps - k), w.size))
        Dw = np.clip(diffusion(w), 0.0, None)
        w = w + drift(w) * dt + np.sqrt(Dw) * sq * Z[k % chunk]
        if boundary == "reflect":
            np.abs(w, out=w)
        elif boundary == "clip":
            np.maximum(w, 0.0, out=w)
    return ck * dt, out


def lambdify_w(expr, **values) -> Callable:
    """A NumPy function of ``w`` from a SymPy expression: every other symbol is given in ``values`` by its
    name in :mod:`symdln.symbolic.symbols` (e.g. ``L=4, s=1.0, sigma_q=0.0, beta=0.005``)."""
    import sympy as sp

    from ..symbolic import symbols as syms
    subs = {}
    for name, val in values.items():
        info = syms.SYMBOLS.get(name)
        if info is None:
            raise SymdlnInputError(f"unknown symbol name {name!r}; known: {', '.join(sorted(syms.SYMBOLS))}")
        subs[info.symbol] = val
    e = expr.subs(subs)
    if syms.beta in e.free_symbols and syms.eta in subs and syms.b in subs:
        e = e.subs(syms.beta, subs[syms.eta] / subs[syms.b])
    free = e.free_symbols - {syms.w}
    if free:
        raise SymdlnInputError(f"give values for {sorted(str(f) for f in free)} to make a function of w alone")
    f = sp.lambdify(syms.w, e, "numpy")
    return lambda w: np.broadcast_to(np.asarray(f(w), dtype=float), np.shape(w))


def aligned_coefficient_callables(*, L: int, s: float, sigma_q: float, eta: float, b: int = 1, source: str = "derived",
                                  **others) -> tuple[Callable, Callable]:
    """``(mu(w), D(w))`` of the aligned + balanced modewise SDE.

    ``source="derived"``: ``derive("drift_aligned")`` / ``derive("diffusion_aligned")`` (the drift is the sum
    ``mu_grad + mu_Ito``; cross-mode terms need the other modes' values in ``others``, e.g. ``w_beta=1.0,
    s_beta=1.0``).  ``source=<a paper>`` (a :class:`symdln.paperkit.Paper`, e.g. ``symdln.papers.load("corlouer2026")``):
    the printed Eq. (5)+(6) and (7) of that paper (the simulators never import a paper themselves).
    """
    vals = dict(L=L, s=s, sigma_q=sigma_q, eta=eta, b=b, beta=eta / b, **others)
    if source == "derived":
        from ..symbolic import derive
        mu_e, D_e = _expr(derive("drift_aligned")), _expr(derive("diffusion_aligned"))
    elif hasattr(source, "get") and hasattr(source, "claims"):
        paper = source
        mu_e = _expr(paper.get("eq.5")) + _expr(paper.get("eq.6"))
        D_e = _expr(paper.get("eq.7"))
    else:
        raise SymdlnInputError(f"source must be 'derived' or a Paper (symdln.papers.load(...)); got {source!r}")
    return lambdify_w(mu_e, **vals), lambdify_w(D_e, **vals)


def _expr(obj):
    """The SymPy expression of a Derivation / Claim (``.expr``); an ``Eq`` gives its right-hand side."""
    import sympy as sp
    e = getattr(obj, "expr", obj)
    if isinstance(e, dict):
        raise SymdlnInputError(f"{getattr(obj, 'quantity', obj)!r} holds several expressions {sorted(e)}; pick one")
    return e.rhs if isinstance(e, sp.Equality) else e

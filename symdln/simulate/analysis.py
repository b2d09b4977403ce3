"""Post-processing of trajectories for the paper's experiments (Secs. 4.1, 5.1, App. J, K).

* :func:`diffusion_along` -- the exact state-dependent modewise diffusion ``D_a(theta(t)) = eta a_a^T Sigma_b a_a``
  (Prop. 3.3) at every checkpoint of every trajectory (structured, batched over ``T x S`` states);
* :func:`predicted` -- the aligned + balanced prediction ``D_a(w_a)`` (derived registry quantity, lambdified);
* :func:`peak_vs_learning` -- per (mode, trajectory): time of the diffusion peak vs the time ``w_a`` first reaches
  ``c s_a``;
* :func:`first_passage`, :func:`loglog_slope`, :func:`stationary_density_numeric`.
"""
from __future__ import annotations

import numpy as np
from scipy import stats

from .kernels import mode_diffusion, stack_layers
from .trajectory import Trajectory

_trapezoid = getattr(np, "trapezoid", None) or getattr(np, "trapz")

__all__ = ["diffusion_along", "predicted", "peak_vs_learning", "first_passage", "loglog_slope", "paired_loglog_slope",
           "stationary_density_numeric", "derived_peak_location", "summarize"]


def diffusion_along(traj: Trajectory, *, eta: float, b: float = 1.0, chunk: int = 4096) -> np.ndarray:
    """Diagonal ``D_aa`` at every checkpoint, shape ``(T, S, r)``."""
    T, S = traj.n_checkpoints, traj.n_traj
    flat = [Wl.reshape((T * S,) + Wl.shape[2:]) for Wl in traj.layers]
    out = np.empty((T * S, traj.teacher.n_modes))
    for i in range(0, T * S, chunk):
        Wst, _ = stack_layers([Wl[i: i + chunk] for Wl in flat])
        out[i: i + chunk] = np.diagonal(mode_diffusion(Wst, traj.teacher, eta=eta, b=b), axis1=1, axis2=2)
    return out.reshape(T, S, -1)


def predicted(quantity: str, *, L: int, s, sigma_q: float, eta: float, b: float = 1.0, source: str = "registry",
              teacher=None):
    """Vectorised ``f(w)`` of an aligned + balanced modewise quantity, ``w`` of shape ``(..., r)`` (one column per
    mode, ``s`` per mode).

    ``source="registry"``: the derived SymPy expression ``derive(quantity)`` lambdified (``diffusion_aligned``,
    ``drift_aligned``, ...; first call runs the derivation).  ``source="numeric"`` (``diffusion_aligned`` only):
    evaluate ``D_a`` exactly on the aligned + balanced network with amplitudes ``w`` (identity gauge) through
    :func:`symdln.simulate.kernels.mode_diffusion` -- the same object, computed without SymPy; needs ``teacher``.
    """
    s = np.asarray(s, dtype=float)
    if source == "numeric":
        if quantity != "diffusion_aligned" or teacher is None:
            raise ValueError("source='numeric' supports quantity='diffusion_aligned' with a teacher")
        from ..network import Teacher
        Tq = Teacher(teacher.U, teacher.s, teacher.V, (sigma_q ** 2) * np.eye(teacher.d_out))

        def f_num(w):
            w = np.clip(np.asarray(w, float), 0.0, None)
            flat = w.reshape(-1, w.shape[-1])
            out = np.empty_like(flat)
            for i in range(0, flat.shape[0], 4096):
                out[i: i + 4096] = np.diagonal(mode_diffusion(_aligned_stack(Tq, flat[i: i + 4096], L), Tq,
                                                              eta=eta, b=b), axis1=1, axis2=2)
            return out.reshape(w.shape)
        return f_num
    import sympy as sp

    from ..symbolic import derive
    from ..symbolic import symbols as sy
    e = derive(quantity).expr
    f = sp.lambdify((sy.w, sy.s, sy.L, sy.sigma_q, sy.beta), e, "numpy")
    return lambda w: np.asarray(f(np.clip(np.asarray(w, float), 0.0, None), s, L, sigma_q, eta / b), dtype=float)


def _aligned_stack(teacher, w, L):
    """Stacked aligned + balanced networks ``W_l = Q_l diag(w^(1/L)) Q_{l-1}^T`` (square hidden width ``D``)."""
    D = max(teacher.d_in, teacher.d_out)
    r = teacher.n_modes
    Q = [np.zeros((D, r)) for _ in range(L + 1)]
    Q[0][: teacher.d_in] = teacher.V
    Q[L][: teacher.d_out] = teacher.U
    for l in range(1, L):
        Q[l][:r] = np.eye(D)[:r, :r] if r <= D else None
    root = w ** (1.0 / L)                                   # (N, r)
    return np.stack([np.einsum("ia,na,ja->nij", Q[l + 1], root, Q[l]) for l in range(L)], axis=1)


def derived_peak_location(*, L: int, s: float, sigma_q: float = 0.0, source: str = "registry", teacher=None,
                          mode: int = 0) -> float:
    """``argmax_{0 < w < s} D(w)`` of the aligned diffusion: the registry's ``diffusion_peak`` when registered,
    else numerical maximisation of ``derive("diffusion_aligned")`` (``source="registry"``) or of the exact
    aligned-network ``D_a`` (``source="numeric"``, mode ``mode`` of ``teacher``)."""
    from scipy.optimize import minimize_scalar
    if source == "registry":
        from ..symbolic import derive, quantity_ids
        if "diffusion_peak" in quantity_ids():
            import sympy as sp

            from ..symbolic import symbols as sy
            e = derive("diffusion_peak").expr
            e = e.rhs if isinstance(e, sp.Equality) else e
            try:
                return float(e.subs({sy.L: L, sy.s: s, sy.sigma_q: sigma_q}))
            except TypeError:
                pass
        D = predicted("diffusion_aligned", L=L, s=s, sigma_q=sigma_q, eta=1.0)
        fun = lambda w: -float(D(w))                                         # noqa: E731
    else:
        Dn = predicted("diffusion_aligned", L=L, s=teacher.s, sigma_q=sigma_q, eta=1.0, source="numeric",
                       teacher=teacher)
        base = np.array(teacher.s, float)

        def fun(w):
            x = base.copy(); x[mode] = w
            return -float(Dn(x[None])[0, mode])
    res = minimize_scalar(fun, bounds=(1e-9 * s, s), method="bounded", options={"xatol": 1e-10})
    return float(res.x)


def first_passage(times: np.ndarray, w: np.ndarray, level) -> np.ndarray:
    """First checkpoint time at which ``w >= level`` (axis 0 is time); ``nan`` if never."""
    hit = w >= level
    idx = np.argmax(hit, axis=0)
    t = times[idx].astype(float)
    t[~hit.any(axis=0)] = np.nan
    return t


def peak_vs_learning(times, D, w, s, cs=(0.5, 0.9)) -> dict:
    """For every (trajectory, mode): peak time/height/amplitude of ``D`` and the lag ``t(w >= c s) - t_peak``."""
    k = np.argmax(D, axis=0)                                   # (S, r)
    S_idx, r_idx = np.indices(k.shape)
    out = {"t_peak": times[k], "D_peak": D[k, S_idx, r_idx], "w_at_peak": w[k, S_idx, r_idx]}
    for c in cs:
        tc = first_passage(times, w, c * np.asarray(s))
        out[f"t_reach_{c}"] = tc
        out[f"lag_{c}"] = tc - out["t_peak"]
    return out


def summarize(x) -> dict:
    """Median, quartiles, min, max, mean, n (NaNs dropped) of an array."""
    x = np.asarray(x, float).ravel()
    x = x[np.isfinite(x)]
    if x.size == 0:
        return {"n": 0}
    q = np.percentile(x, [0, 25, 50, 75, 100])
    return {"n": int(x.size), "min": q[0], "q25": q[1], "median": q[2], "q75": q[3], "max": q[4],
            "mean": float(x.mean())}


def loglog_slope(x, y, level: float = 0.95) -> dict:
    """Least-squares slope of ``log y`` on ``log x`` with a ``level`` t-confidence interval."""
    lx, ly = np.log(np.asarray(x, float)), np.log(np.asarray(y, float))
    res = stats.linregress(lx, ly)
    tq = stats.t.ppf(0.5 + level / 2, lx.size - 2)
    return {"slope": res.slope, "se": res.stderr, "ci": [res.slope - tq * res.stderr, res.slope + tq * res.stderr],
            "intercept": res.intercept, "n": int(lx.size), "level": level}


def paired_loglog_slope(x, Y, level: float = 0.95) -> dict:
    """Per-seed log-log slopes of ``Y[:, j]`` on ``x`` (paired design: each seed is run at every ``x``), then
    their mean with a ``level`` t-interval across seeds (removes seed-to-seed variation of the intercept)."""
    lx = np.log(np.asarray(x, float))
    lY = np.log(np.asarray(Y, float))
    xc = lx - lx.mean()
    slopes = (xc @ (lY - lY.mean(axis=0))) / (xc @ xc)
    n = slopes.size
    m, se = float(slopes.mean()), float(slopes.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
    tq = stats.t.ppf(0.5 + level / 2, max(n - 1, 1))
    return {"slope": m, "se": se, "ci": [m - tq * se, m + tq * se], "n_seeds": int(n), "level": level,
            "per_seed": slopes.tolist()}


def stationary_density_numeric(mu, D, lo: float, hi: float, n: int = 4001):
    """Zero-flux density on ``[lo, hi]``: :func:`symdln.stationary_density.density_on_grid` (the one
    implementation), kept here for the simulation API; returns ``(grid, pdf, cdf)``."""
    from ..stationary_density import density_on_grid
    return density_on_grid(mu, D, lo, hi, n)

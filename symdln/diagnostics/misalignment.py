"""Controlled misalignment / unbalance and the diffusion-peak-vs-learning metric.

The paper's claim (Sec. 3.2, Prop. 3.5, Fig. 3): under alignment (A2) and balance (A1) the modewise
diffusion ``D_a`` peaks before mode ``a`` is learned.  To measure how far this survives without
the assumptions we start from an aligned balanced network with small mode amplitudes ``w0``
(``W_l = Q_l diag(w0^(1/L)) Q_{l-1}^T``, ``Q_0 = V``, ``Q_L = U``) and perturb it by

* ``theta``: a rotation of every basis vector by exactly ``theta`` radians,
  ``R(theta) = O blockdiag(rot(theta), ...) O^T`` (Haar ``O``; in odd dimension one direction is
  fixed).  ``where`` picks the bases: ``"input"`` (``Q_0 -> R Q_0``), ``"output"`` (``Q_L``) and
  ``"hidden"`` (the copy of ``Q_l`` in ``W_l`` only, not in ``W_{l+1}``: misaligned *and*
  unbalanced);
* ``mix``: ``W_l -> (1 - mix) W_l + mix ||W_l||_F G_l / ||G_l||_F`` with Gaussian ``G_l``;
* ``unbalance`` ``lam``: ``W_1 -> lam W_1``, ``W_L -> W_L / lam`` (end-to-end map unchanged).

Per mode and run: the peak time ``t_peak`` of the empirical ``D_a(t)`` (on the checkpoints), the
learning time ``t_learn = inf{t : w_a(t) >= learn_frac * s_a}`` and the predicted peak time
``t_pred = inf{t : w_a(t) >= w*_a}``, where ``w*_a`` maximises ``D_a`` on the aligned balanced
manifold (computed numerically from ``symdln.modes.diffusion``, paper Eq. 9).

The global argmax of ``D_a(t)`` can sit at *another* mode's transition (SGD noise while a larger
mode is learned leaks into ``D_a``): such a peak "precedes learning" trivially.  So we also report
the **own peak** ``t_peak_own``, the argmax over the checkpoints after the mode's own transition has
started, ``w_a(t) >= w_a(0) + onset_frac (s_a - w_a(0))`` (default ``onset_frac = 0.1``; on the aligned
manifold ``w*_a = 2(L-1)s_a/(3L-2) >= s_a/2`` without label noise, so the window contains the predicted
peak), and the fraction of global peaks that come before that onset ("borrowed").
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import SymdlnInputError, check_positive
from ..network import DLN, Teacher, aligned_balanced, random_orthogonal
from .bootstrap import binomial_ci
from .checkpoint_rules import first_crossing

__all__ = ["rotation_by_angle", "misaligned_init", "empirical_diffusion", "w_star_numeric", "PeakTiming",
           "peak_timing", "pool_peak_timings", "w_star_with_check"]

_WHERE = ("input", "output", "hidden")


def rotation_by_angle(d: int, theta: float, rng=None) -> np.ndarray:
    """Orthogonal ``d x d`` matrix rotating every vector by exactly ``theta`` (``d`` even; see module doc)."""
    rng = np.random.default_rng(rng)
    O = random_orthogonal(int(d), rng)
    c, s = np.cos(theta), np.sin(theta)
    B = np.eye(d)
    for k in range(0, d - 1, 2):
        B[k:k + 2, k:k + 2] = [[c, -s], [s, c]]
    return O @ B @ O.T


def misaligned_init(teacher: Teacher, w0, widths, *, theta: float = 0.0, where=_WHERE, mix: float = 0.0,
                    unbalance: float = 1.0, rng=None) -> DLN:
    """Aligned balanced network with amplitudes ``w0``, then rotated / mixed / unbalanced (module doc)."""
    rng = np.random.default_rng(rng)
    where = (where,) if isinstance(where, str) else tuple(where)
    bad = [w for w in where if w not in _WHERE]
    if bad:
        raise SymdlnInputError(f"where must be a subset of {_WHERE}; got {bad}")
    if not 0 <= mix <= 1:
        raise SymdlnInputError(f"mix must be in [0, 1]; got {mix!r}")
    lam = check_positive("unbalance", unbalance)
    base = aligned_balanced(teacher, np.broadcast_to(np.asarray(w0, float), (teacher.n_modes,)), widths,
                            rng=rng, gauge="random")
    layers = [np.array(w) for w in base.layers]
    L = len(layers)
    if theta != 0.0:
        if "input" in where:
            layers[0] = layers[0] @ rotation_by_angle(layers[0].shape[1], theta, rng).T
        if "output" in where:
            layers[-1] = rotation_by_angle(layers[-1].shape[0], theta, rng) @ layers[-1]
        if "hidden" in where:
            for l in range(L - 1):
                layers[l] = rotation_by_angle(layers[l].shape[0], theta, rng) @ layers[l]
    if mix > 0:
        for l, w in enumerate(layers):
            G = rng.standard_normal(w.shape)
            layers[l] = (1 - mix) * w + mix * np.linalg.norm(w) * G / np.linalg.norm(G)
    if lam != 1.0:
        if L == 1:
            raise SymdlnInputError("unbalance needs depth >= 2")
        layers[0] = lam * layers[0]
        layers[-1] = layers[-1] / lam
    return DLN(layers)


def _modes():
    try:
        from .. import modes
    except ImportError as exc:  # pragma: no cover - the symbolic module may be absent
        raise SymdlnInputError("symdln.modes (empirical diffusion D_alpha) is not available") from exc
    return modes


def empirical_diffusion(traj, *, eta: float, b: int = 1, modes=None, progress=None) -> np.ndarray:
    """``D_a(theta(t))`` (``symdln.modes.diffusion``, Prop. 3.3) at every checkpoint: ``(T, S, len(modes))``."""
    m = _modes()
    modes = list(range(traj.teacher.n_modes)) if modes is None else list(modes)
    T, S = traj.n_checkpoints, traj.n_traj
    out = np.zeros((T, S, len(modes)))
    for k in range(T):
        for s in range(S):
            net = traj.net(k, s)
            for j, a in enumerate(modes):
                out[k, s, j] = m.diffusion(net, traj.teacher, a, eta=eta, b=b)
        if progress is not None:
            progress.update(k + 1, T, "diffusion")
    return out


def w_star_numeric(teacher: Teacher, alpha: int, depth: int, *, eta: float = 1.0, b: int = 1,
                   xatol: float = 1e-10) -> float:
    """Argmax over ``w in (0, s_a]`` of ``D_a`` on aligned balanced networks (other modes at ``w_b = s_b``)."""
    from scipy.optimize import minimize_scalar
    m = _modes()
    s = np.asarray(teacher.s, float)
    if not s[alpha] > 0:
        raise SymdlnInputError(f"mode {alpha} has s = 0: no diffusion peak")
    widths = [teacher.d_in] + [max(teacher.d_in, teacher.d_out)] * (depth - 1) + [teacher.d_out]

    def negD(x):
        w = s.copy()
        w[alpha] = x
        net = aligned_balanced(teacher, w, widths, rng=0, gauge="identity")
        return -m.diffusion(net, teacher, alpha, eta=eta, b=b)

    res = minimize_scalar(negD, bounds=(1e-9 * s[alpha], s[alpha]), method="bounded",
                          options={"xatol": xatol * s[alpha]})
    return float(res.x)


@dataclass(frozen=True)
class PeakTiming:
    t_peak: np.ndarray      # (S, r) observed argmax time of D_a
    w_at_peak: np.ndarray   # (S, r) w_a at the peak
    t_learn: np.ndarray     # (S, r) first time w_a >= learn_frac * s_a (nan = never)
    t_pred: np.ndarray      # (S, r) first time w_a >= w*_a (nan = never / w* not given)
    n_precede: int          # (run, mode) pairs with t_peak < t_learn
    n_valid: int
    fraction: float
    ci: tuple[float, float]
    rel_shift: np.ndarray   # (S, r) (t_learn - t_peak) / t_learn
    corr_pred_obs: float    # Pearson correlation of log t_pred vs log t_peak over valid pairs
    t_peak_own: np.ndarray  # (S, r) argmax of D_a once w_a >= w_a(0) + onset_frac (s_a - w_a(0))
    n_precede_own: int      # pairs with t_peak_own < t_learn
    n_borrowed: int         # pairs whose global peak comes before that onset
    corr_pred_own: float    # correlation of log t_pred vs log t_peak_own


def _corr_log(a: np.ndarray, b: np.ndarray, ok: np.ndarray) -> float:
    ok = ok & np.isfinite(a) & np.isfinite(b) & (a > 0) & (b > 0)
    if ok.sum() < 3:
        return float("nan")
    return float(np.corrcoef(np.log(a[ok]), np.log(b[ok]))[0, 1])


def peak_timing(times, D, w, s, *, w_star=None, learn_frac: float = 0.9, onset_frac: float = 0.1,
                level: float = 0.95) -> PeakTiming:
    """Diffusion-peak vs learning times from ``D`` and ``w`` of shape ``(T, S, r)``."""
    t = np.asarray(times, float)
    D = np.asarray(D, float)
    w = np.asarray(w, float)
    s = np.asarray(s, float)
    if D.shape != w.shape or D.ndim != 3 or D.shape[0] != t.size or D.shape[2] != s.size:
        raise SymdlnInputError(f"D and w must both have shape (T, S, r) = ({t.size}, S, {s.size}); "
                               f"got {D.shape} and {w.shape}")
    kp = np.argmax(D, axis=0)
    t_peak = t[kp]
    w_at_peak = np.take_along_axis(w, kp[None], 0)[0]
    _, t_learn = first_crossing(t, w, learn_frac * s, direction="above")
    if w_star is not None:
        _, t_pred = first_crossing(t, w, np.asarray(w_star, float), direction="above")
    else:
        t_pred = np.full(t_peak.shape, np.nan)
    valid = np.isfinite(t_learn) & (s > 0)[None, :]
    precede = valid & (t_peak < t_learn)
    n_valid, n_prec = int(valid.sum()), int(precede.sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = (t_learn - t_peak) / t_learn
    own = w >= w[:1] + onset_frac * (s - w[:1])
    k_own = np.argmax(np.where(own, D, -np.inf), axis=0)
    t_own = np.where(own.any(axis=0), t[k_own], np.nan)
    borrowed = valid & np.isfinite(t_own) & (t_peak < t[np.argmax(own, axis=0)])
    prec_own = valid & np.isfinite(t_own) & (t_own < t_learn)
    return PeakTiming(t_peak, w_at_peak, t_learn, t_pred, n_prec, n_valid,
                      n_prec / n_valid if n_valid else float("nan"), binomial_ci(n_prec, n_valid, level), rel,
                      _corr_log(t_pred, t_peak, valid), t_own, int(prec_own.sum()), int(borrowed.sum()),
                      _corr_log(t_pred, t_own, valid))


def w_star_with_check(teacher: Teacher, depth: int, *, eta: float, b: int = 1, registry: bool = True):
    """w*_a maximising D_a on the aligned balanced manifold, computed numerically from ``symdln.modes.diffusion``;
    with ``registry=True`` also compared with the derived Eq. 9 (``derive("diffusion_peak")``, slow: SymPy)."""
    ws = np.array([w_star_numeric(teacher, a, depth, eta=eta, b=b) for a in range(teacher.n_modes)])
    if not registry:
        return ws, {"compared": False, "reason": "fast setting (the symbolic derivation takes ~30 s or more)"}
    try:
        import sympy as sp

        from ..symbolic import derive
        from ..symbolic.symbols import L as L_, s as s_, sigma_q as sq_
        f = sp.lambdify((s_, sq_, L_), derive("diffusion_peak").expr, "numpy")
        sq = teacher.isotropic_sigma_q or 0.0
        derived = np.array([float(f(sv, sq, depth)) for sv in teacher.s])
        return ws, {"compared": True, "derived_w_star": derived.tolist(),
                    "max_rel_diff_numeric_vs_derived": float(np.max(np.abs(ws / derived - 1)))}
    except Exception as exc:  # noqa: BLE001 - any failure of the derivation registry: record why it was not used
        return ws, {"compared": False, "reason": f"{type(exc).__name__}: {exc}"}


def pool_peak_timings(pts, w_star) -> tuple[dict, dict]:
    """Pool :class:`PeakTiming` results (e.g. over initialisations) into a JSON record and the pooled arrays."""
    cat = lambda f: np.concatenate([getattr(p, f) for p in pts])  # noqa: E731
    nb, nv = sum(p.n_precede for p in pts), sum(p.n_valid for p in pts)
    nbo, nborrow = sum(p.n_precede_own for p in pts), sum(p.n_borrowed for p in pts)
    tp, tpred, town, tlearn = cat("t_peak"), cat("t_pred"), cat("t_peak_own"), cat("t_learn")
    rel, wpk = cat("rel_shift"), cat("w_at_peak")
    valid = np.isfinite(tlearn)
    ok = valid & np.isfinite(tpred) & (tpred > 0) & (tp > 0)
    ok_own = ok & np.isfinite(town) & (town > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        rel_own = (tlearn - town) / tlearn
    med = lambda x: float(np.median(x)) if x.size else None  # noqa: E731
    rec = {"n_precede": nb, "n_valid": nv, "fraction_precede": nb / nv if nv else None, "ci95": binomial_ci(nb, nv),
           "n_borrowed_global_peak": nborrow, "n_precede_own_peak": nbo,
           "fraction_precede_own_peak": nbo / nv if nv else None, "ci95_own": binomial_ci(nbo, nv),
           "median_rel_shift_(t_learn-t_peak)/t_learn": med(rel[valid]),
           "median_rel_shift_own": med(rel_own[ok_own]),
           "corr_log_t_pred_vs_log_t_peak": _corr_log(tpred, tp, valid),
           "corr_log_t_pred_vs_log_t_peak_own": _corr_log(tpred, town, valid),
           "median_abs_log_t_peak_over_t_pred": med(np.abs(np.log(tp[ok] / tpred[ok]))),
           "median_abs_log_t_peak_own_over_t_pred": med(np.abs(np.log(town[ok_own] / tpred[ok_own]))),
           "median_w_at_peak_over_w_star": med((wpk / np.asarray(w_star, float)[None, :])[valid])}
    return rec, {"ok_own": ok_own, "t_pred": tpred, "t_peak_own": town, "rel_shift": rel, "rel_shift_own": rel_own}

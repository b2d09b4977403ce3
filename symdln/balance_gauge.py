"""Where SGD's noise takes the balance gauge, how fast, and how much imbalance a training run accumulates.

* :func:`noise_gauge` -- at a global minimum of an aligned network with label noise, the gauge (the squared
  layer actions ``q_{k,a}`` of every mode, ``prod_k q_{k,a} = s_a^2``) where the Ito drift of every ``D_l``
  vanishes, and the relaxation rates of the linearised gauge dynamics ``dD/dt = beta F(D)`` (first order in
  ``beta``; :func:`symdln.balance_drift.noise_gauge_force` is ``F`` for any network).
* :func:`balance_compensator` -- explicit SGD steps; along the trajectory it sums the exact expected change
  ``E[Delta D_l | theta_k]`` (:func:`symdln.balance_drift.balance_drift`), split in the Ito and the
  discretisation part.  ``D_l(k) - D_l(0) - sum_{j<k} E[Delta D_l | theta_j]`` is a martingale (mean 0), so the
  realised imbalance of a run is its predicted drift plus zero-mean noise.
"""
from __future__ import annotations

import numpy as np
from scipy import optimize

from ._validation import SymdlnInputError, as_vector, check_positive
from .balance_drift import _drift_arrays, _partials, balance_matrices
from .modes import _check_eta_b
from .network import DLN, Teacher
from .noise import _check_n, _check_pair, psd_factor

__all__ = ["aligned_gauge_force", "noise_gauge", "balance_compensator"]


def aligned_gauge_force(q: np.ndarray, sig2: np.ndarray, tr_sigma: float, d_in: int) -> np.ndarray:
    """``F_{l,a} = T_{l+1} prod_{k<=l} q_{k,a} - N_l sig2_a prod_{k>l} q_{k,a}`` for ``l = 1..L-1`` (rows).

    ``q``: ``(L, r)`` squared layer actions per mode at a minimum; ``sig2_a = u_a^T Sigma_q u_a``;
    ``T_{l+1} = tr Sigma_q`` for ``l = L-1`` else ``sum_b sig2_b prod_{k>=l+2} q_{k,b}``;
    ``N_l = d_in`` for ``l = 1`` else ``sum_b prod_{k<l} q_{k,b}``.
    """
    Lq = q.shape[0]
    cum = np.vstack([np.ones(q.shape[1]), np.cumprod(q, axis=0)])          # cum[k] = prod_{j<=k} q_j
    rev = np.vstack([np.cumprod(q[::-1], axis=0)[::-1], np.ones(q.shape[1])])  # rev[k] = prod_{j>k} q_j (0-based)
    F = np.empty((Lq - 1, q.shape[1]))
    for l in range(1, Lq):
        T = tr_sigma if l == Lq - 1 else float(np.sum(sig2 * rev[l + 1]))
        N = float(d_in) if l == 1 else float(np.sum(cum[l - 1]))
        F[l - 1] = T * cum[l] - N * sig2 * rev[l]
    return F


def _q_from_free(u_free: np.ndarray, logs2: np.ndarray) -> np.ndarray:
    u = np.vstack([u_free, logs2[None] - u_free.sum(0, keepdims=True)])
    return np.exp(u)


def noise_gauge(s, *, depth: int, d_in: int, d_out: int, sigma_q: float | None = None, sig2=None,
                tr_sigma: float | None = None, beta: float = 1.0, start=None) -> dict:
    """The label-noise gauge at a minimum of an aligned depth-``depth`` network with teacher values ``s``.

    Isotropic label noise: give ``sigma_q`` (std); otherwise ``sig2`` (``u_a^T Sigma_q u_a`` per mode) and
    ``tr_sigma``.  Returns ``q`` (``(L, r)`` squared layer actions), ``D`` (``(L-1, r)`` per-mode balance values),
    ``rates`` (eigenvalues of ``-dF/dD`` times ``beta``, ascending: relaxation rates in ``t = eta k``),
    ``time_scale`` (``1 / smallest rate``) and the residual ``max |F|`` at the solution.  ``start``: an
    ``(L, r)`` array of positive squared layer actions to start the root search from (default: balanced).
    """
    s = as_vector("s", s)
    if np.any(s <= 0):
        raise SymdlnInputError(f"s must be positive teacher singular values; got {s.tolist()}")
    L = int(depth)
    if L < 2:
        raise SymdlnInputError(f"depth must be >= 2; got {depth!r}")
    beta = check_positive("beta", beta)
    if sigma_q is not None:
        sigma_q = check_positive("sigma_q", sigma_q)
        sig2, tr_sigma = np.full(s.size, sigma_q ** 2), sigma_q ** 2 * int(d_out)
    elif sig2 is None or tr_sigma is None:
        raise SymdlnInputError("give sigma_q (isotropic label noise) or both sig2 and tr_sigma")
    sig2 = as_vector("sig2", sig2, s.size)
    logs2 = 2 * np.log(s)
    r = s.size

    def F_of(u_flat):
        return aligned_gauge_force(_q_from_free(u_flat.reshape(L - 1, r), logs2), sig2, tr_sigma, d_in)

    # solve in scaled form F / |force scale| on log-variables, from the balanced gauge
    if start is None:
        u0 = np.tile(logs2 / L, (L - 1, 1)).ravel()
    else:
        q0 = np.asarray(start, dtype=float)
        if q0.shape != (L, r) or not np.all(q0 > 0):
            raise SymdlnInputError(f"start must be a positive array of shape {(L, r)}; got shape {q0.shape}")
        u0 = np.log(q0[:-1]).ravel()
    scale = max(1.0, float(np.abs(F_of(u0)).max()))
    sol = optimize.root(lambda u: F_of(u).ravel() / scale, u0, method="hybr", tol=1e-13)
    # accept on the residual: hybr reports 'no progress' when it is already at machine precision
    if not np.abs(F_of(sol.x)).max() <= 1e-9 * scale:
        raise SymdlnInputError(f"no noise-stationary gauge found: {sol.message}")
    u = sol.x
    q = _q_from_free(u.reshape(L - 1, r), logs2)
    D = q[1:] - q[:-1]

    def D_of(u_flat):
        qq = _q_from_free(u_flat.reshape(L - 1, r), logs2)
        return (qq[1:] - qq[:-1]).ravel()

    JF, JD = _jac(F_of, u), _jac(D_of, u)
    eig = np.linalg.eigvals(-JF @ np.linalg.inv(JD)) * beta
    rates = np.sort(eig.real)
    return {"q": q, "D": D, "rates": rates, "max_imag": float(np.abs(eig.imag).max()),
            "time_scale": float(1.0 / rates[0]) if rates[0] > 0 else float("inf"),
            "residual": float(np.abs(F_of(u)).max()), "order": "first order in beta (Ito part at the minimum)"}


def _jac(f, x, h: float = 1e-6) -> np.ndarray:
    """Central-difference Jacobian (error O(h^2) relative; the rates are reported to ~1e-8)."""
    cols = []
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        cols.append((np.ravel(f(x + e)) - np.ravel(f(x - e))) / (2 * h))
    return np.array(cols).T


def balance_compensator(net: DLN, teacher: Teacher, *, eta: float, b: int = 1, steps: int, rng=None,
                        n_checkpoints: int = 50) -> dict:
    """Run ``steps`` explicit online-SGD steps and, at every step, add the exact ``E[Delta D_l | theta]``.

    Returns ``times`` (``t = eta k`` at checkpoints), ``realised`` and ``predicted`` (lists over pairs of
    arrays ``(n_checkpoints, d_l, d_l)`` of ``D_l(k) - D_l(0)`` and of the summed expectation), the
    predicted split ``ito``/``discretisation``, and the final network.
    """
    _check_pair(net, teacher)
    _check_eta_b(eta, b)
    steps = _check_n(steps, "steps", 1)
    n_ck = _check_n(n_checkpoints, "n_checkpoints", 1)
    eta, b = float(eta), int(b)
    rng = np.random.default_rng(rng)
    R = psd_factor(teacher.Sigma_q) if teacher.Sigma_q.any() else None
    ck = set(np.unique(np.linspace(1, steps, n_ck).round().astype(int)).tolist())
    D0 = balance_matrices(net)
    acc_p = [np.zeros_like(D) for D in D0]
    acc_n = [np.zeros_like(D) for D in D0]
    times, real, pop, noi = [], [], [], []
    Ws = [W.copy() for W in net.layers]
    M, Sq = teacher.M, teacher.Sigma_q
    for k in range(1, steps + 1):
        aboves, belows = _partials(Ws)
        pp, nn = _drift_arrays(Ws, aboves, belows, M, Sq, eta, b)
        for a, p in zip(acc_p, pp):
            a += p
        for a, q in zip(acc_n, nn):
            a += q
        X = rng.standard_normal((b, net.d_in))
        Y = X @ M.T + (0.0 if R is None else rng.standard_normal((b, net.d_out)) @ R.T)
        E = (Y - X @ (aboves[0] @ Ws[0]).T).T @ X / b
        Ws = [W + eta * (A.T @ E @ B.T) for W, A, B in zip(Ws, aboves, belows)]
        if not all(np.isfinite(W).all() for W in Ws):
            raise FloatingPointError(f"SGD diverged at step {k} (eta={eta}); reduce eta")
        if k in ck:
            Dk = [Ws[l].T @ Ws[l] - Ws[l - 1] @ Ws[l - 1].T for l in range(1, len(Ws))]
            times.append(eta * k)
            real.append([a - c for a, c in zip(Dk, D0)])
            pop.append([a.copy() for a in acc_p])
            noi.append([a.copy() for a in acc_n])
    stack = lambda rows: [np.array([row[i] for row in rows]) for i in range(len(D0))]
    P, N = stack(pop), stack(noi)
    return {"times": np.array(times), "realised": stack(real), "predicted": [p + n for p, n in zip(P, N)],
            "ito": N, "discretisation": P, "final": DLN(Ws), "eta": eta, "b": b, "steps": steps}

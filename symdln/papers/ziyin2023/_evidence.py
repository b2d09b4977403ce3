"""Evidence shared by the two Ziyin et al. papers, decided for deep linear networks trained by online SGD.

Their statements concern any loss with a rescaling (or exponential) symmetry; a DLN has one at every hidden
layer (``W_l -> c W_l``, ``W_{l+1} -> W_{l+1} / c``).  What SGD does along these directions at a global minimum is
computed exactly by :func:`symdln.balance_drift.noise_gauge_force` (the ``O(beta)`` drift of ``D_l``) and
:func:`symdln.balance_gauge.noise_gauge` (its zero and relaxation rates), and checked by a Monte Carlo of explicit
SGD steps (:func:`symdln.balance_drift.mc_balance_step`).
"""
from __future__ import annotations

import numpy as np
from scipy.stats import norm

from ...balance_drift import balance_drift, mc_balance_step, noise_gauge_force
from ...balance_gauge import noise_gauge
from ...network import DLN, Teacher
from ...verdict import Evidence

__all__ = ["FWER", "aligned_at", "balanced_is_not_stationary", "noise_gauge_unique", "noiseless_no_flow",
           "one_step_at", "NOISE", "add_abstract_claim", "noise_equilibrium_check"]

FWER = 1e-3       # family-wise false-alarm rate of each Monte Carlo comparison (Bonferroni over entries)
S = np.array([2.0, 0.8])
D_IN, D_OUT, SIG = 3, 6, 0.5


def aligned_at(T: Teacher, q: np.ndarray) -> DLN:
    """Aligned network at the minimum ``W = M`` whose layer k acts on mode a with squared gain ``q[k, a]``."""
    L = q.shape[0]
    Ws = [np.sqrt(q[0])[:, None] * T.V.T]
    Ws += [np.diag(np.sqrt(q[k])) for k in range(1, L - 1)]
    Ws.append(T.U * np.sqrt(q[-1]))
    return DLN(Ws)


def _teacher(seed, sigma=SIG):
    return Teacher.from_singular_values(S, D_OUT, D_IN, sigma_q=sigma, rng=seed)


def one_step_at(net, T, *, seed, n, eta=0.3, b=2):
    """Max |z| of the one-step Monte Carlo mean of Delta D_l against 0 and against the exact drift; threshold."""
    mean, se = mc_balance_step(net, T, eta=eta, b=b, n=n, rng=seed)
    pred = balance_drift(net, T, eta=eta, b=b).total
    iu = [np.triu_indices(m.shape[0]) for m in mean]
    m = sum(len(i[0]) for i in iu)
    # entries with zero variance (directions the noise never reaches) are exactly 0 on both sides
    z = lambda ref: max(float(np.max(np.abs(np.divide(a - r, e, out=np.zeros_like(a), where=e > 0))[i]))
                        for a, r, e, i in zip(mean, ref, se, iu))
    return z([np.zeros_like(a) for a in mean]), z(pred), float(norm.isf(FWER / (2 * m))), m


def balanced_is_not_stationary(seed, fast, scope="printed"):
    """At a balanced minimum (depth 2, d_0 = 3 != d_2 = 6, label noise) SGD moves D_1: exact force and MC."""
    T = _teacher(seed)
    q_bal = np.vstack([S, S])                     # depth 2: q_1 = q_2 = s (balanced)
    net = aligned_at(T, q_bal)
    F = noise_gauge_force(net, T.Sigma_q)[0]
    z0, zd, thr, m = one_step_at(net, T, seed=seed, n=20000 if fast else 200000)
    return [Evidence("exact", float(np.abs(F).max()) < 1e-12,
                     f"balanced minimum, depth 2, d_0={D_IN}, d_2={D_OUT}, Sigma_q = {SIG}^2 I: the Ito drift of "
                     f"D_1 = W_2^T W_2 - W_1 W_1^T is beta F, max |F| = {np.abs(F).max():.3g} != 0 (F = sigma_q^2 "
                     f"(d_2 W_1 W_1^T - d_0 W_2^T W_2))", {"scope": scope, "max_force": float(np.abs(F).max())}),
            Evidence("monte-carlo", z0 <= thr,
                     f"one SGD step at that balanced minimum: E[Delta D_1] against 0, max |z| = {z0:.1f} "
                     f"(Bonferroni threshold {thr:.2f}, {m} entries, FWER {FWER:g})",
                     {"scope": scope, "z": z0, "threshold": thr, "seed": seed}),
            Evidence("monte-carlo", zd <= thr, f"the same steps agree with the exact drift (max |z| {zd:.2f})",
                     {"scope": "derived", "z": zd, "threshold": thr, "seed": seed})]


def noise_gauge_unique(seed, fast, scope="printed", condition=None):
    """The noise-balanced gauge: a zero of the force, reached from any start, attracting, MC drift 0 there."""
    T = _teacher(seed)
    ev = []
    for L in (2, 3):
        g = noise_gauge(S, depth=L, d_in=D_IN, d_out=D_OUT, sigma_q=SIG)
        rng = np.random.default_rng(seed + L)
        spread = 0.0
        for _ in range(3 if fast else 8):        # random starting gauges on the minimum
            q0 = np.exp(rng.normal(0.0, 1.0, (L, S.size)))
            q0[-1] = S ** 2 / np.prod(q0[:-1], axis=0)
            spread = max(spread, float(np.abs(noise_gauge(S, depth=L, d_in=D_IN, d_out=D_OUT, sigma_q=SIG,
                                                          start=q0)["q"] - g["q"]).max()))
        net = aligned_at(T, g["q"])
        F = max(float(np.abs(f).max()) for f in noise_gauge_force(net, T.Sigma_q))
        data = {"scope": scope, "depth": L, "rates": g["rates"].tolist(), "q": g["q"].tolist(), "spread": spread}
        if condition:
            data["condition"] = condition
        # root solves to 1e-9 relative (noise_gauge); a different fixed point would differ by O(1)
        ok = F < 1e-8 and spread < 1e-6 and bool(np.all(g["rates"] > 0))
        ev.append(Evidence("exact", ok, f"depth {L}, d_0={D_IN}, d_L={D_OUT}, s={S.tolist()}, Sigma_q={SIG}^2 I: the "
                           f"gauge with zero noise force (max |F| {F:.1e}) is reached from random starts (spread "
                           f"{spread:.1e}) and is attracting (relaxation rates / beta {np.round(g['rates'], 4).tolist()})",
                           data))
        if L == 3:
            z0, zd, thr, m = one_step_at(net, T, seed=seed, n=20000 if fast else 200000)
            d = {"scope": scope, "z": z0, "threshold": thr, "seed": seed}
            if condition:
                d["condition"] = condition
            ev.append(Evidence("monte-carlo", z0 <= thr, f"one SGD step at the depth-3 noise gauge: E[Delta D_l] "
                               f"against 0, max |z| = {z0:.2f} (threshold {thr:.2f}, {m} entries)", d))
    return ev


def noiseless_no_flow(seed, scope="printed"):
    """Without label noise the gradient noise vanishes at the minimum: every gauge is stationary (no unique point)."""
    T = _teacher(seed, sigma=0.0)
    worst = 0.0
    for q in (np.vstack([S, S]), np.vstack([3 * S, S / 3])):
        worst = max(worst, float(np.abs(balance_drift(aligned_at(T, q), T, eta=0.3, b=1).total[0]).max()))
    return Evidence("exact", worst > 1e-12,
                    f"no label noise: at the minimum E[Delta D_1] = {worst:.1e} for a balanced and an unbalanced gauge "
                    "(the noise vanishes with the loss): SGD leaves every gauge in place, no unique fixed point",
                    {"scope": scope, "max_drift": worst})


#: the condition under which a unique noise equilibrium exists (shared by both papers' statements)
NOISE = "with label noise (the gradient noise does not vanish at the minimum)"


def add_abstract_claim(paper, id, version, source, printed, *, check, condition, expected, severity, reason,
                       notes=""):
    """Register one abstract sentence of a Ziyin et al. paper: decided for DLNs at a global minimum under online
    SGD (``level="network"``), with its expected verdict and severity."""
    from ...paperkit import Location, Spec
    paper.add(id, Location(section=f"Abstract ({version})", detail=source), printed, kind="statement",
              level="network", assumptions=("deep linear network, online SGD, global minimum",), notes=notes,
              spec=Spec(check=check, condition=condition))
    paper.expect(id, expected, severity, reason)


def noise_equilibrium_check(claim, spec, *, seed=0, fast=False, paper=None):
    """A unique attracting noise-balanced gauge with label noise (condition); no flow at all without (printed)."""
    return [noiseless_no_flow(seed)] + noise_gauge_unique(seed, fast, scope="condition", condition=spec.condition), {}

"""Network-level part of ``symdln experiment stationary``: SGD's stationary mean and variance of the top mode,
measured with a design that resolves O(beta) shifts, against the 1-D law and the full-network first-order theory.

Design: every trajectory starts ON the minimum (aligned, balanced, ``W = M``), runs a burn-in of ``t_burn`` (many
relaxation times ``1 / (L s^(2(L-1)/L))``), then records ``w`` every ``rec`` steps for ``t_avg``; each trajectory
gives one time average (of ``w - s`` and of ``(w - s)^2``); the standard error is the spread of the ``S``
independent trajectory averages / ``sqrt(S)`` (autocorrelation inside a trajectory is then irrelevant; the
batch-means SE of the longest trajectory is reported as a check).  z-scores are taken both ways:
``z_1d = (measured - 1-D) / SE`` and ``z_net = (measured - network) / SE``.
"""
from __future__ import annotations

import numpy as np

from ..network import DLN, Teacher, aligned_balanced
from ..network_stationary import network_stationary_moments
from ..simulate import sgd

# (label, widths, s, sigma_q^2, eta, b[, rho]): rho (depth 2 only) puts mode amplitudes sqrt(s rho) on W_1 and
# sqrt(s / rho) on W_2 (rho = 1 balanced; rho = sqrt(d_0/d_L) is the gauge where the manifold drift vanishes)
SETTINGS_FAST = [("L2 d6 square", (6, 6, 6), (1.0, 0.7, 0.4), 0.1, 0.01, 1)]
SETTINGS = [
    ("L2 d6 square", (6, 6, 6), (1.0, 0.7, 0.4), 0.1, 0.005, 1),
    ("L2 d12 square", (12, 12, 12), (1.0, 0.7, 0.4), 0.1, 0.005, 1),
    ("L2 d6 beta/2", (6, 6, 6), (1.0, 0.7, 0.4), 0.1, 0.0025, 1),
    ("L2 rect 4-8-10", (4, 8, 10), (1.0, 0.7, 0.4), 0.1, 0.005, 1),
    ("L2 d6 s=(2,1,.5) sq=.4", (6, 6, 6), (2.0, 1.0, 0.5), 0.4, 0.005, 1),
    ("L3 d6 square", (6, 6, 6, 6), (1.0, 0.7, 0.4), 0.1, 0.005, 1),
    ("L4 d4 square", (4, 4, 4, 4, 4), (1.0, 0.7), 0.1, 0.005, 1),
    ("L2 d6 b=4 eta=.02", (6, 6, 6), (1.0, 0.7, 0.4), 0.1, 0.02, 4),
    ("L2 rect 4-8-10 rho=sqrt(.4)", (4, 8, 10), (1.0, 0.7, 0.4), 0.1, 0.005, 1, float(np.sqrt(0.4))),
]


def one_d_first_order(L: int, s: float, sigma_q2: float, beta: float) -> tuple[float, float]:
    """The 1-D law's first-order mean shift and variance (registered ``stationary_mean_expansion`` /
    ``stationary_variance_expansion``): ``-(beta sigma_q^2/2)(L-1) s^((L-2)/L)`` and ``L (beta sigma_q^2/2) s^(2(L-1)/L)``."""
    T = beta * sigma_q2 / 2
    return -T * (L - 1) * s ** ((L - 2) / L), T * L * s ** (2 * (L - 1) / L)


def _batch_means_se(x: np.ndarray, n_batches: int = 20) -> float:
    m = x[: (x.size // n_batches) * n_batches].reshape(n_batches, -1).mean(axis=1)
    return float(m.std(ddof=1) / np.sqrt(n_batches))


def measure(setting, *, n_traj: int, t_burn: float, t_avg: float, seed, progress=None) -> dict:
    """Run one setting; returns the row of the table (predictions, measured +- SE, z both ways)."""
    label, widths, s, sq2, eta, b = setting[:6]
    rho = setting[6] if len(setting) > 6 else 1.0
    L = len(widths) - 1
    s = np.asarray(s, float)
    T = Teacher.from_singular_values(s, widths[-1], widths[0], sigma_q=float(np.sqrt(sq2)), rng=[seed, 7])
    net = aligned_balanced(T, s, widths, rng=[seed, 8])
    if rho != 1.0:
        if L != 2:
            raise ValueError("a gauge rho is supported at depth 2 only")
        W1, W2 = net.layers                              # a scalar gauge: same end-to-end map, balance rho per mode
        net = DLN([np.sqrt(rho) * W1, W2 / np.sqrt(rho)])
    th = network_stationary_moments(net, T, eta=eta, b=b)
    beta = eta / b
    m1, v1 = one_d_first_order(L, float(s[0]), sq2, beta)
    burn, n_avg = int(round(t_burn / eta)), int(round(t_avg / eta))
    rec = max(1, int(round(0.05 / eta)))             # record every 0.05 time units
    ck = np.arange(burn, burn + n_avg + 1, rec)
    tr = sgd(net, T, eta=eta, b=b, steps=burn + n_avg, n_traj=n_traj, seed=seed, checkpoints=ck, progress=progress)
    x = tr.mode_amplitudes()[:, :, 0] - s[0]            # (time, traj)
    per_mean = x.mean(axis=0)
    per_m2 = (x ** 2).mean(axis=0)
    mean, se = float(per_mean.mean()), float(per_mean.std(ddof=1) / np.sqrt(n_traj))
    m2, se2 = float(per_m2.mean()), float(per_m2.std(ddof=1) / np.sqrt(n_traj))
    var = m2 - mean ** 2
    net_mean, net_var = float(th.mean_shift[0]), float(th.variance[0])
    net_mean_d, net_var_d = float(th.mean_shift_discrete[0]), float(th.variance_discrete[0])
    return {"setting": label, "widths": list(widths), "L": L, "rho": rho, "s": s.tolist(), "sigma_q2": sq2, "eta": eta, "b": b,
            "beta": beta, "n_traj": n_traj, "t_burn": t_burn, "t_avg": t_avg, "record_every_steps": rec,
            "pred_1d_mean_shift": m1, "pred_net_mean_shift": net_mean,
            "measured_mean_shift": mean, "se_mean_shift": se,
            "z_1d": (mean - m1) / se, "z_net": (mean - net_mean) / se,
            "batch_means_se_one_traj": _batch_means_se(x[:, 0]),
            "pred_1d_var": v1, "pred_net_var": net_var, "measured_var": var, "se_var": se2,
            "z_var_1d": (var - v1) / se2, "z_var_net": (var - net_var) / se2,
            "pred_net_mean_shift_discrete": net_mean_d, "z_net_discrete": (mean - net_mean_d) / se,
            "pred_net_var_discrete": net_var_d, "z_var_net_discrete": (var - net_var_d) / se2,
            "var_relative_excess_over_discrete": var / net_var_d - 1.0, "se_var_relative": se2 / net_var_d,
            "net_over_1d_mean": net_mean / m1}


def run(*, fast: bool, full: bool, seed: int, phases) -> dict:
    """The table over the settings (fast: one short setting; full: 4x the trajectories)."""
    if fast:
        sets, n_traj, t_burn, t_avg = SETTINGS_FAST, 16, 5.0, 20.0
    else:
        sets, n_traj, t_burn, t_avg = SETTINGS, (256 if full else 64), 15.0, 100.0
    rows = [measure(st, n_traj=n_traj, t_burn=t_burn, t_avg=t_avg, seed=[seed, 40 + i], progress=ph)
            for i, (st, ph) in enumerate(zip(sets, phases))]
    k = len(rows)
    z_crit = float(_z_bonferroni(0.01, k))
    return {"design": __doc__.split("\n\n", 1)[1].strip(), "rows": rows, "false_alarm": 0.01,
            "bonferroni_z": z_crit,
            "net_agrees": all(abs(r["z_net"]) < z_crit for r in rows),
            "one_d_rejected": [r["setting"] for r in rows if abs(r["z_1d"]) >= z_crit]}


def _z_bonferroni(alpha, k):
    from scipy import stats
    return stats.norm.isf(alpha / (2 * k))


def plot(ax, block) -> None:
    rows = block["rows"]
    xs = np.arange(len(rows))
    ax.errorbar(xs, [r["measured_mean_shift"] for r in rows], yerr=[2 * r["se_mean_shift"] for r in rows],
                fmt="o", color="k", label="SGD measured (+- 2 SE)")
    ax.plot(xs, [r["pred_net_mean_shift"] for r in rows], "s", mfc="none", color="C3", label="network theory")
    ax.plot(xs, [r["pred_1d_mean_shift"] for r in rows], "^", mfc="none", color="C0", label="1-D law")
    ax.axhline(0, color="0.7", lw=0.5)
    ax.set_xticks(xs)
    ax.set_xticklabels([r["setting"] for r in rows], rotation=30, ha="right", fontsize=8)
    ax.set_xlabel("setting")
    ax.set_ylabel(r"$E[w_0] - s_0$ (stationary, top mode; linear)")
    ax.legend()

"""The network-level block of ``symdln experiment stationary``: SGD started on the minimum, time averages,
SE across trajectories, z-scores against the 1-D law and the full-network first-order theory."""
from __future__ import annotations

import math

import pytest

from symdln.experiments import _stationary_network as sn


def test_measure_row_is_complete_and_finite():
    row = sn.measure(("tiny", (3, 4, 3), (1.0, 0.5), 0.1, 0.02, 1), n_traj=8, t_burn=1.0, t_avg=4.0, seed=[0, 1])
    for k in ("pred_1d_mean_shift", "pred_net_mean_shift", "measured_mean_shift", "se_mean_shift", "z_1d", "z_net",
              "pred_net_var", "measured_var", "se_var"):
        assert math.isfinite(row[k]), k
    assert row["se_mean_shift"] > 0
    # L = 2 balanced: network shift = (d_0 + d_L)/2 times the 1-D law (a float identity of the theory;
    # 1e-9: eigen-solves in float64)
    assert row["pred_net_mean_shift"] == pytest.approx(3 * row["pred_1d_mean_shift"], rel=1e-9)
    assert row["z_net"] == pytest.approx((row["measured_mean_shift"] - row["pred_net_mean_shift"])
                                         / row["se_mean_shift"], rel=1e-12)


@pytest.mark.slow
def test_network_theory_resolves_the_stationary_mean():
    """d = 12 (the setting where s - 0.003 was measured): the network prediction holds, the 1-D law does not."""
    rows = [sn.measure(st, n_traj=64, t_burn=15.0, t_avg=100.0, seed=[0, 40 + i])
            for i, st in enumerate(sn.SETTINGS[:2])]
    zc = sn._z_bonferroni(0.01, len(rows))
    for r in rows:
        assert abs(r["z_net"]) < zc, r
        assert abs(r["z_1d"]) > zc, r

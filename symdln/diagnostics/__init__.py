"""Assumption diagnostics (paper App. I; the misalignment metric).

Every function reads saved checkpoints: a :class:`symdln.simulate.Trajectory` or layer arrays with
leading axes ``(..., d_l, d_{l-1})``.

* :mod:`.balance` -- balance residual ``r_l`` (Eq. 33) and its numerator;
* :mod:`.decoupling` -- cross modes ``w_ab``, ``E_cross``, ``t_cross`` vs ``t_diag``;
* :mod:`.rank` -- partial products ``P_ij``, numerical ranks, gaps, multiplicity patterns;
* :mod:`.singular_values` -- top-K log-singular-value patterns;
* :mod:`.distances` -- GD-vs-SGD pattern, parameter- and function-space distances;
* :mod:`.checkpoint_rules` -- loss-aligned checkpoints, escape events and windows;
* :mod:`.misalignment` -- controlled misalignment and the diffusion-peak-timing metric;
* :mod:`.bootstrap` -- bootstrap bands and binomial intervals;
* :mod:`.runs` -- experiment settings (teachers, regimes, GD + SGD pairs, loss-aligned selections);
* :mod:`.figures` -- the plotting functions of the diagnostic experiments (``symdln.experiments.diagnostic_experiments``,
  ``symdln.experiments.pattern_experiments``).
"""
from .balance import BalanceResult, balance_residuals
from .bootstrap import BootstrapResult, binomial_ci, bootstrap
from .checkpoint_rules import (escape_events, escape_windows, first_crossing, log_time_rate, loss_aligned_indices,
                               plateau_midpoint_levels, select_checkpoints)
from .decoupling import CrossModes, DecouplingTimes, cross_modes, decoupling_times
from .distances import ParamDistances, gd_sgd_distances, pattern_distance, pattern_distance_band, split_gd_sgd
from .misalignment import (PeakTiming, empirical_diffusion, misaligned_init, peak_timing, rotation_by_angle,
                           w_star_numeric)
from .rank import (DEFAULT_EPS, RankPatterns, multiplicity_pattern, partial_products, partial_singular_values,
                   rank_from_multiplicity, rank_patterns, upper_mask)
from .singular_values import LogSVPatterns, length_weights, log_sv_patterns

__all__ = [
    "BalanceResult", "balance_residuals", "BootstrapResult", "binomial_ci", "bootstrap", "escape_events",
    "escape_windows", "first_crossing", "log_time_rate", "loss_aligned_indices", "plateau_midpoint_levels",
    "select_checkpoints", "CrossModes", "DecouplingTimes", "cross_modes", "decoupling_times", "ParamDistances",
    "gd_sgd_distances", "pattern_distance", "pattern_distance_band", "split_gd_sgd", "PeakTiming",
    "empirical_diffusion", "misaligned_init", "peak_timing", "rotation_by_angle", "w_star_numeric", "DEFAULT_EPS",
    "RankPatterns", "multiplicity_pattern", "partial_products", "partial_singular_values", "rank_from_multiplicity",
    "rank_patterns", "upper_mask", "LogSVPatterns", "length_weights", "log_sv_patterns",
]

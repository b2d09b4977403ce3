"""The one Monte Carlo decision rule of symdln, used by ``symdln verify`` (claims with a Monte Carlo plan,
:mod:`symdln.verify.montecarlo`) and ``symdln check`` (the numeric core's closed forms,
:mod:`symdln.verify.core_checks`).

Stage 1 (Bonferroni).  A family of ``m`` two-sided z-tests at family-wise level ``alpha`` fails a comparison
when ``|z| > z_crit = Phi^-1(1 - alpha / (2 m))`` (:func:`z_threshold`).

Stage 2 (confirmation).  A comparison that fails stage 1 is estimated again from an independent seed stream
(:func:`redraw_seed`) and is reported as a failure only if it fails the same threshold again
(:func:`confirmed`).  For a correct closed form the two stages are independent, so one comparison raises a
false alarm with probability ``(alpha/m)^2`` and the family with probability at most
``m (alpha/m)^2 = alpha^2 / m`` (:func:`two_stage_false_alarm_bound`; for ``alpha = 1 %`` and ``m = 100``,
``1e-6``).  A wrong form whose expected z is ``delta`` is rejected with probability ``P(|Z + delta| > z_crit)^2``
(:func:`two_stage_power`), i.e. the power is squared; the mutants of the test suite sit at ``|delta| >> z_crit``
where that is 1 to machine precision.  Measured rates: ``checks/false_alarm.json`` and ``checks/power.json``.
"""
from __future__ import annotations

import numpy as np

__all__ = ["ALPHA_FAMILY", "z_threshold", "redraw_seed", "confirmed", "two_stage_false_alarm_bound",
           "two_stage_power", "RULE"]

#: family-wise false-alarm level of stage 1
ALPHA_FAMILY = 0.01
#: the spawn key that separates the confirmation stream from every first-stage stream
_REDRAW_STREAM = 0x5EC0
RULE = ("two-stage: Bonferroni |z| > Phi^-1(1 - alpha/(2m)) at stage 1; a failure is re-drawn from an independent "
        "seed stream and reported only if it fails again (family-wise false-alarm rate <= alpha^2/m)")


def z_threshold(m: int, alpha: float = ALPHA_FAMILY) -> float:
    """Two-sided Bonferroni critical |z| for ``m`` comparisons at family-wise level ``alpha``."""
    from scipy.stats import norm          # imported here: a worker running a plan needs no scipy.stats
    return float(norm.isf(alpha / (2 * max(int(m), 1))))


def redraw_seed(seed: int, *key: int) -> int:
    """The seed of the confirmation draw for the comparison ``key`` of a run seeded ``seed``: a stream of
    :class:`numpy.random.SeedSequence` that no first-stage stream uses."""
    return int(np.random.SeedSequence([int(seed), *map(int, key), _REDRAW_STREAM]).generate_state(1)[0])


def confirmed(z1: float | None, z2: float | None, zcrit: float) -> bool:
    """A failure that stands: stage 1 failed and the independent re-draw failed too (``z2 is None``: no re-draw
    was made, so stage 1 decides)."""
    if z1 is None or abs(z1) <= zcrit:
        return False
    return z2 is None or abs(z2) > zcrit


def two_stage_false_alarm_bound(m: int, alpha: float = ALPHA_FAMILY) -> float:
    """Family-wise false-alarm rate of the two-stage rule for ``m`` correct comparisons: ``<= alpha^2 / m``."""
    return float(alpha ** 2 / max(int(m), 1))


def two_stage_power(delta: float, m: int, alpha: float = ALPHA_FAMILY) -> float:
    """Probability that a comparison with expected z ``delta`` is reported as a failure (both stages fail)."""
    from scipy.stats import norm
    zc = z_threshold(m, alpha)
    p = float(norm.sf(zc - delta) + norm.cdf(-zc - delta))
    return p * p

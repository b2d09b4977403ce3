"""Network-level claims: Prop. 5.2 (ii) for SGD on the full network, not inside the 1-D reduction.

The paper derives the stationary law of each mode from one scalar SDE per mode (balance A1, alignment A2).  These
claims record the same printed statements and decide them for SGD on the whole network near the minimum manifold
``W = M``: first-order theory in ``beta = eta / b`` (:func:`symdln.network_stationary_moments`; closed forms in
``derivations/network_stationary_depth2.md`` and ``network_stationary_depthL.md``) and a Monte Carlo of SGD started
on the minimum.  Every verdict here has ``level="network"`` and says so in its reason.

Why bespoke checks: each combines an exact network computation with an SGD ensemble of its own (burn-in,
time averages, z-scores under a stated false-alarm rate) -- a simulation plan, not a comparison of two named
quantities that a generic kind could own.
"""
from __future__ import annotations

from ...symbolic.symbols import L, b, eta, s, sigma_q
from . import _network_checks as nc
from ...paperkit import Location
from ._base import PAPER, SIGMA_READINGS, Spec

__all__ = ["NETWORK_CLAIMS"]

_LOC = Location("5", item="Prop. 5.2 (ii)", detail="for SGD on the full network")
_EQ18 = (r"\operatorname{Var}_{p_{\alpha}^{\star}}(w_{\alpha})=-\frac{D_{\alpha}(s_{\alpha})}{2\,\mu_{\alpha}^{\prime}"
         r"(s_{\alpha})}\;+\;"
         r"O(\eta^{2})=\frac{\eta\,L}{2B}\,\sigma_{q}^{2}\,s_{\alpha}^{\frac{2(L-1)}{L}}\;+\;O(\eta^{2}),")
_MEAN = (r"p_{\alpha}^{\star}\text{ is approximately Gaussian with mean }s_{\alpha}+O(\eta)\text{ (slightly above }"
         r"s_{\alpha}"
         r"\text{ due to the It\^o drift)}")
_NET = ("network level (SGD on the full network near W = M, first order in beta = eta/b; not the 1-D reduction)",)

PAPER.add("net.eq.18", Location("5", item="Prop. 5.2 (ii)", equation="18", detail="for SGD on the full network"), _EQ18, kind="statement", readings=SIGMA_READINGS[:1],
          expr=eta * L / (2 * b) * sigma_q ** 2 * s ** (2 * (L - 1) / L), restates=("eq.18",), assumptions=_NET,
          level="network", spec=Spec(check="network_variance",
                                     condition="when the minimum is balanced (A1) on mode alpha (sigma_q read "
                                               "as a standard deviation)"),
          notes="Eq. (18) read for SGD on the full network: Var(w_alpha) at stationarity.")
PAPER.add("net.prop5.2.mean", _LOC, _MEAN, kind="statement", restates=("prop5.2.mean-above",), assumptions=_NET,
          level="network", spec=Spec(check="network_mean_order"),
          notes="The first half of the sentence: the stationary mean of w_alpha is s_alpha + O(eta).")
PAPER.add("net.prop5.2.mean-above", _LOC, _MEAN, kind="statement", restates=("prop5.2.mean-above",),
          assumptions=_NET, level="network", spec=Spec(check="network_mean_above"),
          notes="The second half of the sentence: the O(eta) shift is positive (mean slightly above s_alpha).")

NETWORK_CLAIMS = ("net.eq.18", "net.prop5.2.mean", "net.prop5.2.mean-above")
PAPER.expected.update({"net.eq.18": "conditional", "net.prop5.2.mean": "confirmed",
                       "net.prop5.2.mean-above": "refuted"})
PAPER.severity.update({
    "net.eq.18": ("substantive", "on the full network the variance depends on the gauge: at depth 2, "
                  "Var(w_a) = (beta sigma_q^2/2) s_a (rho + 1/rho), rho the balance of mode a; Eq. (18) is the "
                  "balanced value rho = 1"),
    "net.prop5.2.mean-above": ("substantive", "for SGD on the full network the stationary mean is below s_a, by "
                               "(d_0 + d_L) beta sigma_q^2/4 at depth 2 (balanced), (d_0 + d_L)/2 times the 1-D law"),
})
PAPER.check("network_variance")(nc.check_variance)
PAPER.check("network_mean_order")(nc.check_mean_order)
PAPER.check("network_mean_above")(nc.check_mean_above)

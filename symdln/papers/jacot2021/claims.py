"""The claims of Jacot et al. (2021), recorded verbatim: the abstract (arXiv, ar5iv) and figure captions (quoted on
sciencestack.ai; see :mod:`._base` for every source and what could not be found).  All are about the full network
(level ``network``)."""
from __future__ import annotations

from ...paperkit import Spec
from ._base import ABSTRACT, PAPER, caption

A = PAPER.add
NO_BODY = (" Theorem 1, which the paper gives for these distances, could not be read: the public pages found hold "
           "the abstract, its hypothesis (1 - 1/L <= gamma < oo) and the figure captions, not its conclusion.  The "
           "distance laws used here are derived in symdln (init_scale_distances) and certified numerically.")

A("abstract.gamma-lt-1", ABSTRACT,
  r"for large variance ($γ<1$), $θ_0$ is very close to a global minimum but far from any saddle point",
  kind="statement", level="network", spec=Spec(check="regime_distances", params={"gamma": 0.5}),
  notes="Tested at gamma = 1/2, depth 3, widths 8..128: the distance to the nearest global minimum (GD upper bound) "
        "shrinks and the distance to the nearest saddle (certified lower bound) grows." + NO_BODY)
A("abstract.gamma-gt-1", ABSTRACT,
  r"for small variance ($γ>1$), $θ_0$ is close to a saddle point and far from any global minimum",
  kind="statement", level="network", spec=Spec(check="regime_distances", params={"gamma": 1.5}),
  notes="Tested at gamma = 3/2: the distance to the saddles {W_1 = W_L = 0} shrinks like n^((1-gamma)/2); the "
        "distance to every global minimum is bounded below by ||M||^(1/L) - max ||W_l||." + NO_BODY)
A("abstract.transition", ABSTRACT,
  r"we show a phase transition w.r.t. the scaling $γ$ of the variance $σ^2=w^{-γ}$ as $w\to\infty$",
  kind="statement", level="network", spec=Spec(check="transition_exponent"),
  notes="Decided as: the derived exponents of d_saddle and of d_min/d_saddle change sign at gamma = 1 (the origin, "
        "often taken as 'the' saddle, would put it at gamma = 2)." + NO_BODY)
A("abstract.saddle-to-saddle", ABSTRACT,
  r"we conjecture a Saddle-to-Saddle dynamics: throughout training, gradient descent visits the neighborhoods of a "
  r"sequence of saddles, each corresponding to linear maps of increasing rank, until reaching a sparse global minimum",
  kind="statement", level="network", spec=Spec(check="saddle_sequence"),
  notes="A conjecture; tested for one setting (L = 4, gamma = 3, rank-3 target with s = (3, 1.5, 0.7)): a "
        "confirmation covers that setting only.")
A("fig1.three-plateaus", caption(1),
  r"We observe three plateaus, corresponding to the three saddles visited.",
  kind="statement", level="network", spec=Spec(check="saddle_sequence"), restates=("abstract.saddle-to-saddle",),
  notes="Fig. 1 uses matrix completion (10 x 10, rank 3, L = 4, w = 100, gamma = 2); tested on the population loss "
        "with a rank-3 5 x 5 target (L = 4, gamma = 3).")
A("fig2.ntk-linear", caption(2, "a"),
  r"in the NTK regime, the training loss shows typical linear convergence behavior for $w=1000$ and $w=100$",
  kind="statement", level="network", spec=Spec(check="ntk_linear"),
  notes="The caption does not give gamma for panel (a); tested at gamma = 1/2 with widths 32/64.")
A("fig2.plateaus-longer", caption(2, "c"),
  r"in the saddle-to-saddle regime, the plateaus become longer as the width grows",
  kind="statement", level="network", spec=Spec(check="plateau_length"),
  notes="The caption does not give gamma for panel (c); tested at gamma = 2 (as in Fig. 1), widths 10, 20, 40.")


A("fig3.ntk-full-rank", caption(3),
  r"In the NTK regime, the solutions at convergence are almost full-rank and the test error is roughly the same or "
  r"worse than that of the zero predictor.",
  kind="statement", level="network", spec=Spec(check="completion", params={"regime": "ntk"}),
  notes="Matrix completion as in Fig. 3 (30 x 30, rank 1, 20% observed, L = 4); the caption does not give gamma: "
        "tested at gamma = 1/2, width 100 (fast: 60), 6 seeds (fast: 3).  Read as: GD converges, the test error "
        "is >= 0.8 (the zero predictor's is 1) and the rank is >= 15 of 30, for every seed.")
A("fig3.saddle-test-error", caption(3),
  r"On the other hand in the Saddle-to-Saddle regime the test error approaches zero.",
  kind="statement", level="network", spec=Spec(check="completion", params={"regime": "saddle"}),
  notes="The same task at gamma = 5/2: read as test error <= 0.01 (the zero predictor's is 1) at the target's "
        "rank 1, for every seed.")


def _e(item, kind, where, quote, claims=(), reason="", note=""):
    return {"item": item, "kind": kind, "where": where, "quote": quote, "claims": tuple(claims), "reason": reason,
            "note": note}


PAPER.coverage[:] = [
    _e("Abstract", "sentence", "Abstract", "for large variance (gamma<1) ... close to a global minimum",
       ("abstract.gamma-lt-1",)),
    _e("Abstract", "sentence", "Abstract", "for small variance (gamma>1) ... close to a saddle point",
       ("abstract.gamma-gt-1",)),
    _e("Abstract", "sentence", "Abstract", "a phase transition w.r.t. the scaling gamma", ("abstract.transition",)),
    _e("Abstract", "sentence", "Abstract", "we conjecture a Saddle-to-Saddle dynamics", ("abstract.saddle-to-saddle",)),
    _e("Fig. 1", "figure", "Fig. 1, caption", "three plateaus, corresponding to the three saddles visited",
       ("fig1.three-plateaus",)),
    _e("Fig. 2", "figure", "Fig. 2, caption, panel (a)", "(a) NTK regime: linear convergence", ("fig2.ntk-linear",)),
    _e("Fig. 2", "figure", "Fig. 2, caption, panel (c)", "(c) saddle-to-saddle regime: plateaus longer as the width grows",
       ("fig2.plateaus-longer",)),
    _e("Abstract", "sentence", "Abstract", "While the first case corresponds to the well-studied NTK regime, the second "
       "case is less understood.", reason="no checkable content", note="a statement about the literature"),
    _e("Abstract", "sentence", "Abstract", "We support this conjecture with a theorem for the dynamics between the first "
       "two saddles", reason="no checkable content", note="the theorem (Theorem 2) is in the body, which was not found"),
    _e("Theorem 1", "proposition", "Theorem 1 (hypothesis, quoted on sciencestack.ai)",
       "i.i.d. centered Gaussian r.v. of variance sigma^2 = w^-gamma where 1 - 1/L <= gamma < oo",
       reason="no checkable content",
       note="only the hypothesis is available; derived: 1 - 1/L is where E||W(theta_0)||^2 = d_in d_out "
            "w^(L-1-gamma L) stops growing (init_scale_distances)"),
    _e("Theorem 2, Conjecture 3", "proposition", "body", "not available", reason="no checkable content",
       note="the body of the paper could not be found (see symdln/papers/jacot2021/_base.py for the searches)"),
    _e("Fig. 2", "figure", "Fig. 2, caption, panel (b)", "(b) mean-field regime", reason="experimental observation",
       note="gamma of the panel not given; not decided"),
    _e("Fig. 3", "figure", "Fig. 3, caption", "In the NTK regime, the solutions at convergence are almost full-rank "
       "and the test error is roughly the same or worse than that of the zero predictor.", ("fig3.ntk-full-rank",)),
    _e("Fig. 3", "figure", "Fig. 3, caption", "in the Saddle-to-Saddle regime the test error approaches zero",
       ("fig3.saddle-test-error",)),
    _e("Fig. 3", "figure", "Fig. 3, caption", "As the width grows the transition between regimes becomes sharper and "
       "the test error becomes more consistent within each regimes.", reason="experimental observation",
       note="the curves over gamma and widths are run by `symdln experiment regimes`; not decided as a claim"),
    _e("Figs. 4-6", "figure", "Figs. 4-6, captions", "illustrations", reason="experimental observation", note="not decided"),
]

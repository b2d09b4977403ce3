"""``symdln check``: every closed form of the numeric core against Monte Carlo on sampled networks.

Networks: aligned + balanced ones (random and identity gauge) and generic random ones, depths 1..5,
rectangular (and one square) widths, without, with isotropic and with anisotropic label noise.
Quantities: population gradient (Prop. 3.1), blocks ``Sigma_lm`` (Prop. 3.2), ``D_alpha`` and
``D_{alpha beta}`` (Prop. 3.3), the Ito drift (Prop. 3.4); each against an independent Monte Carlo
estimator of :mod:`symdln.montecarlo` on real data ``(X, Y)``.

Multiple testing: every scalar entry compared is one two-sided z-test; with ``m`` entries in total the
family-wise false-alarm rate is held at ``alpha_family = 1 %`` by Bonferroni: an entry fails when
``|z| > Phi^-1(1 - alpha_family / (2 m))``.  An array quantity (gradient, ``Sigma_lm`` block) is one row whose
``z`` is the entry of largest ``|z|``.  ``se`` has a floor of ``1e-10 x`` the quantity's scale: entries that
vanish in exact arithmetic (aligned networks) otherwise give round-off / round-off.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
from scipy.stats import norm

from . import modes, montecarlo, noise
from .network import DLN, Teacher, aligned_balanced, random_orthogonal

__all__ = ["CheckRow", "CheckReport", "run_checks", "default_closed_forms", "false_alarm_study"]

ALPHA_FAMILY = 0.01
SE_FLOOR_REL = 1e-10
ETA, BATCH = 0.1, 4          # D and Ito rows use eta/b = 0.025 so a wrong eta/b factor is visible


def default_closed_forms() -> dict[str, Callable]:
    """Quantity -> closed-form evaluator (the numeric core).  ``CheckReport.rescore`` swaps one out."""
    return {
        "gradient": noise.population_gradient,
        "sigma_block": noise.sigma_block,
        "D_alpha": modes.diffusion,
        "D_alpha_beta": modes.diffusion,
        "ito_drift": modes.ito_drift,
    }


@dataclass
class CheckRow:
    quantity: str
    network: str
    estimate: Any                 # scalar, or the entry of largest |z| for an array quantity
    se: float
    closed_form: Any
    z: float                      # signed z (max-|z| entry for arrays)
    passed: bool
    entries: int
    n: int
    seed: int
    args: dict = field(default_factory=dict)
    full: dict | None = None      # arrays (value, se, closed form) for array quantities
    _setting: tuple = field(default=None, repr=False)

    @property
    def label(self) -> str:
        """``quantity`` with its arguments, e.g. ``sigma_block(3,1)``, ``D_alpha(0)``, ``D_alpha_beta(0,1)``."""
        keys = [k for k in ("l", "m", "alpha", "beta") if k in self.args]
        return self.quantity + (f"({','.join(str(self.args[k]) for k in keys)})" if keys else "")

    def to_json(self) -> dict:
        out = {k: getattr(self, k) for k in ("quantity", "label", "network", "estimate", "se", "closed_form", "z",
                                             "passed", "entries", "n", "seed", "args")}
        if self.full is not None:
            out["full"] = self.full
        return out


@dataclass
class CheckReport:
    rows: list[CheckRow]
    alpha_family: float
    threshold_z: float
    settings: dict
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.rows)

    @property
    def comparisons(self) -> int:
        return int(sum(r.entries for r in self.rows))

    def to_json(self) -> dict:
        return {"passed": self.passed, "alpha_family": self.alpha_family, "threshold_z": self.threshold_z,
                "comparisons": self.comparisons,
                "multiple_testing": (f"Bonferroni over all m={self.comparisons} scalar comparisons: "
                                     f"|z| > Phi^-1(1 - {self.alpha_family}/(2m)) = {self.threshold_z:.3f} fails; "
                                     f"family-wise false-alarm rate {self.alpha_family:.0%}"),
                "settings": self.settings, "seconds": round(self.seconds, 2),
                "rows": [r.to_json() for r in self.rows]}

    def rescore(self, quantity: str, closed_form: Callable) -> list[CheckRow]:
        """Re-run the comparison of every ``quantity`` row against another closed form (same MC estimates,
        same threshold): the mutation tests use this to show a wrong formula is rejected."""
        out = []
        for r in self.rows:
            if r.quantity == quantity:
                est, (net, t, kw) = r._setting
                out.append(_score(quantity, r.network, est, _evaluate(quantity, closed_form, net, t, kw),
                                  self.threshold_z, kw, (est, (net, t, kw))))
        return out

    def table(self) -> str:
        head = f"{'quantity':<17} {'network':<38} {'estimate':>12} {'SE':>10} {'closed form':>12} {'z':>7}  verdict"
        lines = [head, "-" * len(head)]
        for r in self.rows:
            lines.append(f"{r.label:<17} {r.network[:38]:<38} {r.estimate:>12.5g} {r.se:>10.3g} "
                         f"{r.closed_form:>12.5g} {r.z:>7.2f}  {'ok' if r.passed else 'FAIL'}")
        lines.append(f"{len(self.rows)} rows, m = {self.comparisons} scalar comparisons; Bonferroni threshold "
                     f"|z| <= {self.threshold_z:.3f} (family-wise false-alarm rate {self.alpha_family:.0%}); "
                     f"{sum(not r.passed for r in self.rows)} failed; {self.seconds:.1f} s")
        return "\n".join(lines)


# -- the networks ------------------------------------------------------------------------------------
def _teacher(rng, s, d_out, d_in, label) -> Teacher:
    t = Teacher.from_singular_values(s, d_out, d_in, rng=rng)
    if label == "iso":
        return t.with_label_noise(0.5)
    if label == "aniso":
        A = rng.standard_normal((d_out, d_out))
        return t.with_label_noise(0.4 * A @ A.T / d_out + 0.05 * np.eye(d_out))
    return t


def _generic(rng, widths) -> DLN:
    return DLN([random_orthogonal(max(widths[i:i + 2]), rng)[:widths[i + 1], :widths[i]] * 0.9
                + 0.3 * rng.standard_normal((widths[i + 1], widths[i])) for i in range(len(widths) - 1)])


#: (kind, widths, label, gauge) -- depths 1..5, rectangular, one square; aligned and generic
NETWORKS = [
    ("aligned", (3, 2), "iso", "random"),
    ("aligned", (3, 4, 5, 2), "none", "random"),
    ("aligned", (2, 3, 2, 4, 3, 3), "iso", "identity"),
    ("aligned", (3, 3, 4, 3), "aniso", "random"),
    ("aligned", (3, 5, 2), "aniso", "identity"),
    ("generic", (2, 3), "aniso", None),
    ("generic", (3, 2, 4, 2), "none", None),
    ("generic", (3, 4, 2), "iso", None),
    ("generic", (3, 3, 3, 3), "aniso", None),
    ("generic", (2, 3, 2, 3, 2, 3), "iso", None),
    ("generic", (2, 4, 3, 2, 3), "aniso", None),
]


def _w(widths) -> str:
    return "(" + ",".join(str(w) for w in widths) + ")"


def build_networks(seed: int) -> list[tuple[str, DLN, Teacher]]:
    rng = np.random.default_rng([seed, 7919])
    out = []
    for kind, widths, label, gauge in NETWORKS:
        r = min(widths[0], widths[-1], 2)
        s = np.sort(rng.uniform(0.6, 2.0, size=r))[::-1]
        t = _teacher(rng, s, widths[-1], widths[0], label)
        if kind == "aligned":
            net = aligned_balanced(t, s * rng.uniform(0.15, 0.85, size=r), widths, rng=rng, gauge=gauge)
            desc = f"aligned L={len(widths) - 1} {_w(widths)} {gauge[:4]}-gauge, {label}"
        else:
            net = _generic(rng, widths)
            desc = f"generic L={len(widths) - 1} {_w(widths)}, {label}"
        out.append((desc, net, t))
    return out


# -- scoring -----------------------------------------------------------------------------------------
def _evaluate(quantity, fn, net, t, kw):
    if quantity == "gradient":
        return np.concatenate([np.ravel(g, order="F") for g in fn(net, t)])
    if quantity == "sigma_block":
        return np.asarray(fn(net, t, kw["l"], kw["m"]))
    if quantity in ("D_alpha", "D_alpha_beta"):
        return float(fn(net, t, kw["alpha"], kw.get("beta"), eta=kw["eta"], b=kw["b"]))
    return float(fn(net, t, kw["alpha"], eta=kw["eta"], b=kw["b"]))


def _score(quantity, desc, est: montecarlo.Estimate, cf, thr, kw, setting) -> CheckRow:
    val, se, cf = (np.atleast_1d(np.asarray(x, dtype=float)).ravel() for x in (est.value, est.se, cf))
    scale = max(1.0, float(np.abs(cf).max()), float(np.abs(val).max()))
    se_eff = np.maximum(se, SE_FLOOR_REL * scale)
    z = (val - cf) / se_eff
    k = int(np.argmax(np.abs(z)))
    full = None
    if val.size > 1:
        full = {"estimate": val.tolist(), "se": se.tolist(), "closed_form": cf.tolist()}
    return CheckRow(quantity, desc, float(val[k]), float(se_eff[k]), float(cf[k]), float(z[k]),
                    bool(np.all(np.abs(z) <= thr)), int(val.size), est.n, est.seed,
                    {k_: v for k_, v in kw.items()}, full, setting)


def _plan(nets, fast: bool):
    """(quantity, network index, kwargs) for every comparison."""
    plan = []
    for i, (_, net, t) in enumerate(nets):
        L = net.depth
        plan.append(("gradient", i, {}))
        pairs = {(1, 1), (L, 1)} if fast else {(1, 1), (L, 1), (L, L), (max(L - 1, 1), 1)}
        for l, m in sorted(pairs):
            plan.append(("sigma_block", i, {"l": l, "m": m}))
        for a in range(t.n_modes):
            plan.append(("D_alpha", i, {"alpha": a, "eta": ETA, "b": BATCH}))
            plan.append(("ito_drift", i, {"alpha": a, "eta": ETA, "b": BATCH}))
        if t.n_modes >= 2:
            plan.append(("D_alpha_beta", i, {"alpha": 0, "beta": 1, "eta": ETA, "b": BATCH}))
    return plan


def _estimate(quantity, net, t, kw, n, rng):
    if quantity == "gradient":
        ests = montecarlo.mc_gradient(net, t, n, rng)
        return montecarlo.Estimate(np.concatenate([np.ravel(e.value, order="F") for e in ests]),
                                   np.concatenate([np.ravel(e.se, order="F") for e in ests]), n=n)
    if quantity == "sigma_block":
        return montecarlo.mc_sigma_block(net, t, kw["l"], kw["m"], n, rng)
    if quantity in ("D_alpha", "D_alpha_beta"):
        return montecarlo.mc_diffusion(net, t, kw["alpha"], kw.get("beta"), n=n, rng=rng, eta=kw["eta"], b=kw["b"])
    return montecarlo.mc_ito_drift(net, t, kw["alpha"], n=n, rng=rng, eta=kw["eta"], b=kw["b"])


def sample_sizes(fast: bool) -> dict[str, int]:
    base = 200_000 if fast else 1_500_000
    return {"gradient": base, "sigma_block": base // 2, "D_alpha": base, "D_alpha_beta": base, "ito_drift": base}


def run_checks(*, fast: bool = False, seed: int = 0, progress=None) -> CheckReport:
    """Run every comparison; returns a :class:`CheckReport` (``.passed``, ``.rows``, ``.to_json()``)."""
    t0 = time.perf_counter()
    nets = build_networks(seed)
    plan = _plan(nets, fast)
    sizes = sample_sizes(fast)
    cfs = default_closed_forms()
    results = []
    for j, (q, i, kw) in enumerate(plan):
        desc, net, t = nets[i]
        row_seed = int(np.random.SeedSequence([seed, j]).generate_state(1)[0])
        est = _estimate(q, net, t, kw, sizes[q], row_seed)
        est = montecarlo.Estimate(est.value, est.se, n=est.n, seed=row_seed)
        results.append((q, desc, est, _evaluate(q, cfs[q], net, t, kw), kw, (est, (net, t, kw))))
        if progress is not None:
            progress.update(j + 1, len(plan), q)
    m = int(sum(np.size(r[2].value) for r in results))
    thr = float(norm.isf(ALPHA_FAMILY / (2 * m)))
    rows = [_score(q, d, e, cf, thr, kw, s) for q, d, e, cf, kw, s in results]
    settings = {"fast": fast, "seed": seed, "sample_sizes": sizes, "eta": ETA, "b": BATCH,
                "networks": [d for d, _, _ in nets], "se_floor_rel": SE_FLOOR_REL,
                "row_seeds": "SeedSequence([seed, row index])"}
    return CheckReport(rows, ALPHA_FAMILY, thr, settings, time.perf_counter() - t0)


def false_alarm_study(n_seeds: int, *, fast: bool = True, first_seed: int = 1000, progress=None) -> dict:
    """Run the check over many seeds with the correct closed forms: the fraction of failing runs estimates the
    family-wise false-alarm rate (stated: 1 %).  Also pools every row's z to show calibration
    (fraction of |z| > 2 and > 3 vs 4.55 % and 0.27 % under N(0, 1); arrays give their max-|z| entry so only
    scalar rows are pooled; rows that are exactly 0 in both the estimate and the closed form are excluded)."""
    fails, zs, exact = 0, [], 0
    for k in range(n_seeds):
        rep = run_checks(fast=fast, seed=first_seed + k)
        fails += not rep.passed
        for r in rep.rows:
            if r.entries == 1 and r.estimate == 0.0 and r.closed_form == 0.0:
                exact += 1        # e.g. the Ito drift of a depth-1 network: 0 in both, not a random z
            elif r.entries == 1:
                zs.append(r.z)
        if progress is not None:
            progress.update(k + 1, n_seeds, f"{fails} failed")
    zs = np.abs(np.array(zs))
    rate = fails / n_seeds
    return {"runs": n_seeds, "failed_runs": fails, "false_alarm_rate": rate,
            "rate_95ci_upper": float(1 - 0.05 ** (1 / n_seeds)) if fails == 0 else None,
            "stated_rate": ALPHA_FAMILY, "fast": fast, "first_seed": first_seed,
            "scalar_z_count": int(zs.size), "exact_zero_rows_excluded": exact, "frac_abs_z_gt_2": float(np.mean(zs > 2)),
            "frac_abs_z_gt_3": float(np.mean(zs > 3)), "mean_z2": float(np.mean(zs ** 2))}

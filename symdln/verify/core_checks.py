"""``symdln check``: every closed form of the numeric core against Monte Carlo on sampled networks.

Networks: aligned + balanced ones (random and identity gauge) and generic random ones, depths 1..5,
rectangular (and one square) widths, without, with isotropic and with anisotropic label noise.
Quantities: population gradient (Prop. 3.1), blocks ``Sigma_lm`` (Prop. 3.2), ``D_alpha`` and
``D_{alpha beta}`` (Prop. 3.3), the Ito drift (Prop. 3.4); each against an independent Monte Carlo
estimator of :mod:`symdln.montecarlo` on real data ``(X, Y)``.

Multiple testing: every scalar entry compared is one two-sided z-test; with ``m`` entries in total stage 1
is Bonferroni at ``alpha_family = 1 %`` (an entry fails when ``|z| > Phi^-1(1 - alpha_family / (2 m))``), and a
row that fails is estimated again from an independent seed stream and reported as failed only if it fails
again (the rule of :mod:`symdln.verify.mc_evidence`: family-wise false-alarm rate <= ``alpha_family^2 / m``).
An array quantity (gradient, ``Sigma_lm`` block) is one row whose ``z`` is the entry of largest ``|z|``.  ``se`` has a floor of ``1e-10 x`` the quantity's scale: entries that
vanish in exact arithmetic (aligned networks) otherwise give round-off / round-off.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
from .. import modes, montecarlo, noise
from ..network import DLN, Teacher, aligned_balanced, random_orthogonal
from .mc_evidence import ALPHA_FAMILY, RULE, confirmed, redraw_seed, two_stage_false_alarm_bound, z_threshold

__all__ = ["CheckRow", "CheckReport", "run_checks", "default_closed_forms", "false_alarm_study", "power_study"]

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
    z_stage1: float | None = None  # the first-stage z when a re-draw was made (z is then the re-draw's)
    seed_redraw: int | None = None
    _setting: tuple = field(default=None, repr=False)

    @property
    def label(self) -> str:
        """``quantity`` with its arguments, e.g. ``sigma_block(3,1)``, ``D_alpha(0)``, ``D_alpha_beta(0,1)``."""
        keys = [k for k in ("l", "m", "alpha", "beta") if k in self.args]
        return self.quantity + (f"({','.join(str(self.args[k]) for k in keys)})" if keys else "")

    def to_json(self) -> dict:
        out = {k: getattr(self, k) for k in ("quantity", "label", "network", "estimate", "se", "closed_form", "z",
                                             "passed", "entries", "n", "seed", "args", "z_stage1", "seed_redraw")}
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
                                     f"|z| > Phi^-1(1 - {self.alpha_family}/(2m)) = {self.threshold_z:.3f} fails "
                                     f"stage 1; a stage-1 failure is re-drawn from an independent seed and fails only "
                                     f"if it fails again (family-wise false-alarm rate <= "
                                     f"{two_stage_false_alarm_bound(self.comparisons, self.alpha_family):.1e})"),
                "rule": RULE,
                "settings": self.settings, "seconds": round(self.seconds, 2),
                "rows": [r.to_json() for r in self.rows]}

    def rescore(self, quantity: str, closed_form: Callable) -> list[CheckRow]:
        """Re-run the comparison of every ``quantity`` row against another closed form (same MC estimates,
        same threshold): the mutation tests use this to show a wrong formula is rejected."""
        out = []
        for r in self.rows:
            if r.quantity == quantity:
                est, (net, t, kw), redraw = r._setting
                cf = _evaluate(quantity, closed_form, net, t, kw)
                out.append(_confirm(_score(quantity, r.network, est, cf, self.threshold_z, kw, r._setting), cf,
                                    self.threshold_z))
        return out

    def table(self) -> str:
        head = f"{'quantity':<17} {'network':<38} {'estimate':>12} {'SE':>10} {'closed form':>12} {'z':>7}  verdict"
        lines = [head, "-" * len(head)]
        for r in self.rows:
            lines.append(f"{r.label:<17} {r.network[:38]:<38} {r.estimate:>12.5g} {r.se:>10.3g} "
                         f"{r.closed_form:>12.5g} {r.z:>7.2f}  {'ok' if r.passed else 'FAIL'}")
        redrawn = sum(r.z_stage1 is not None for r in self.rows)
        lines.append(f"{len(self.rows)} rows, m = {self.comparisons} scalar comparisons; Bonferroni threshold "
                     f"|z| <= {self.threshold_z:.3f}; {redrawn} stage-1 failure(s) re-drawn from an independent seed; "
                     f"{sum(not r.passed for r in self.rows)} failed on both draws (family-wise false-alarm rate <= "
                     f"{two_stage_false_alarm_bound(self.comparisons, self.alpha_family):.1e}); {self.seconds:.1f} s")
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
    """Stage 1: the row's z (max-|z| entry for arrays) against the Bonferroni threshold ``thr``."""
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
                    {k_: v for k_, v in kw.items()}, full, None, None, setting)


def _confirm(row: CheckRow, cf, thr) -> CheckRow:
    """Stage 2: a row that failed stage 1 is scored again on its independent re-draw (computed once per row and
    cached, whichever closed form is scored); it fails only if the re-draw fails too."""
    if row.passed:
        return row
    est2 = row._setting[2]()
    again = _score(row.quantity, row.network, est2, cf, thr, row.args, row._setting)
    failed = confirmed(row.z, again.z, thr)
    return CheckRow(row.quantity, row.network, again.estimate, again.se, again.closed_form, again.z, not failed,
                    row.entries, row.n, row.seed, row.args, again.full, row.z, est2.seed, row._setting)


def _redraw(q, net, t, kw, n, seed):
    """A cached closure computing the independent second estimate of one row."""
    cache = []

    def get():
        if not cache:
            est = _estimate(q, net, t, kw, n, seed)
            cache.append(montecarlo.Estimate(est.value, est.se, n=est.n, seed=seed))
        return cache[0]
    return get


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
        redraw = _redraw(q, net, t, kw, sizes[q], redraw_seed(seed, j))
        results.append((q, desc, est, _evaluate(q, cfs[q], net, t, kw), kw, (est, (net, t, kw), redraw)))
        if progress is not None:
            progress.update(j + 1, len(plan), q)
    m = int(sum(np.size(r[2].value) for r in results))
    thr = z_threshold(m, ALPHA_FAMILY)
    rows = [_confirm(_score(q, d, e, cf, thr, kw, s), cf, thr) for q, d, e, cf, kw, s in results]
    settings = {"fast": fast, "seed": seed, "sample_sizes": sizes, "eta": ETA, "b": BATCH,
                "networks": [d for d, _, _ in nets], "se_floor_rel": SE_FLOOR_REL,
                "row_seeds": "SeedSequence([seed, row index]); re-draws SeedSequence([seed, row index, 0x5EC0])"}
    return CheckReport(rows, ALPHA_FAMILY, thr, settings, time.perf_counter() - t0)


def _clopper_pearson(k: int, n: int, level: float = 0.95) -> list[float]:
    """Exact two-sided binomial confidence interval for ``k`` successes in ``n`` trials."""
    from scipy.stats import binomtest
    ci = binomtest(k, n).proportion_ci(confidence_level=level, method="exact")
    return [float(ci.low), float(ci.high)]


def false_alarm_study(n_seeds: int, *, fast: bool = True, first_seed: int = 1000, progress=None) -> dict:
    """Run the check over many seeds with the correct closed forms.  The fraction of runs with a stage-1
    failure estimates the Bonferroni family-wise rate (stated 1 %); the fraction that still fails after the
    independent re-draw estimates the two-stage rate (bound ``alpha^2 / m``); both with exact 95 % intervals.
    Also pools every scalar row's z to show calibration (fraction of |z| > 2 and > 3 vs 4.55 % and 0.27 % under
    N(0, 1); rows that are exactly 0 in both the estimate and the closed form are excluded)."""
    stage1, fails, zs, exact, m = 0, 0, [], 0, 0
    for k in range(n_seeds):
        rep = run_checks(fast=fast, seed=first_seed + k)
        m = rep.comparisons
        fails += not rep.passed
        stage1 += any(r.z_stage1 is not None for r in rep.rows)
        for r in rep.rows:
            z = r.z if r.z_stage1 is None else r.z_stage1
            if r.entries == 1 and r.estimate == 0.0 and r.closed_form == 0.0:
                exact += 1        # e.g. the Ito drift of a depth-1 network: 0 in both, not a random z
            elif r.entries == 1:
                zs.append(z)
        if progress is not None:
            progress.update(k + 1, n_seeds, f"{stage1} stage-1, {fails} confirmed")
    zs = np.abs(np.array(zs))
    return {"runs": n_seeds, "failed_runs": fails, "false_alarm_rate": fails / n_seeds,
            "false_alarm_rate_95ci": _clopper_pearson(fails, n_seeds),
            "stage1_failed_runs": stage1, "stage1_false_alarm_rate": stage1 / n_seeds,
            "stage1_rate_95ci": _clopper_pearson(stage1, n_seeds),
            "stated_stage1_rate": ALPHA_FAMILY, "stated_rate_bound": two_stage_false_alarm_bound(m, ALPHA_FAMILY),
            "comparisons_per_run": m, "rule": RULE, "fast": fast, "first_seed": first_seed,
            "scalar_z_count": int(zs.size), "exact_zero_rows_excluded": exact, "frac_abs_z_gt_2": float(np.mean(zs > 2)),
            "frac_abs_z_gt_3": float(np.mean(zs > 3)), "mean_z2": float(np.mean(zs ** 2))}


def power_study(mutants, n_seeds: int, *, fast: bool = True, first_seed: int = 2000, progress=None) -> dict:
    """Power of the two-stage rule: for each wrong closed form ``(quantity, name, fn)`` and each seed, is it
    rejected (some row of its quantity fails both draws)?  Returns per-mutant and pooled rejection rates with
    exact 95 % intervals, at stage 1 alone and after confirmation."""
    per = {f"{q}: {name}": [0, 0] for q, name, _ in mutants}
    for k in range(n_seeds):
        rep = run_checks(fast=fast, seed=first_seed + k)
        for q, name, fn in mutants:
            rows = rep.rescore(q, fn)
            per[f"{q}: {name}"][0] += any(r.z_stage1 is not None or not r.passed for r in rows)
            per[f"{q}: {name}"][1] += any(not r.passed for r in rows)
        if progress is not None:
            progress.update(k + 1, n_seeds, "power")
    trials = n_seeds * len(mutants)
    rej = sum(v[1] for v in per.values())
    rej1 = sum(v[0] for v in per.values())
    return {"mutants": len(mutants), "runs": n_seeds, "trials": trials, "rejected": rej, "power": rej / trials,
            "power_95ci": _clopper_pearson(rej, trials), "stage1_rejected": rej1, "stage1_power": rej1 / trials,
            "per_mutant": {k: {"stage1_rejected": v[0], "rejected": v[1], "runs": n_seeds} for k, v in per.items()},
            "rule": RULE, "fast": fast, "first_seed": first_seed}

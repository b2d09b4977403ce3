"""Report figures made from the registries (matplotlib Agg; PNG + PDF, written atomically).

* One comparison figure per derived drift/diffusion quantity that the paper states as a formula of
  the mode amplitude ``w`` (Prop. 3.5, Eqs. (5)-(7); Prop. 5.2, Eqs. (13)-(15)): the derived
  expression (solid) against every printed claim of it (dashed: ``sigma_q`` read as a standard
  deviation; dotted: read as a variance, when the claim admits that reading), at depths 2 and 4.
* The stationary density of the aligned modewise SDE (Prop. 5.2, Eq. (16) with a valid reference
  point), computed by quadrature from the derived drift and diffusion, with the Gaussian
  approximations given by the small-``eta`` expansions (Eqs. (17)-(18)) as printed and as derived.

Nothing here is a hard-coded answer: every curve is ``sympy.lambdify`` of a registry expression.
"""
from __future__ import annotations

import io
import math
import shutil
from pathlib import Path

import numpy as np
import sympy as sp

from .._io import atomic_write_bytes
from ..symbolic.symbols import L, b, beta, eta, s, s_beta, sigma_q, w, w_beta
from .model import FigureInfo, ReportData

__all__ = ["PARAMS", "DEPTHS", "make_figures", "comparison_figures", "stationary_figure", "experiment_figures",
           "evaluate"]

#: parameter values used by the comparison figures (stated in every caption)
PARAMS = {s: 1.0, sigma_q: 0.3, beta: 0.01, eta: 0.01, b: 1, w_beta: 0.25, s_beta: 0.5}
DEPTHS = (2, 4)
_CURVE_DIMS = ("drift", "diffusion")
_YLABEL = {"drift": r"drift $\mu_\alpha(w_\alpha)$", "diffusion": r"diffusion $D_\alpha(w_\alpha)$"}
_trapz = getattr(np, "trapezoid", None) or np.trapz


def _plt():
    from ..diagnostics.figures import plt
    return plt()


def evaluate(expr, grid: np.ndarray, depth: int, params: dict | None = None):
    """``expr`` at ``L = depth`` and ``params`` (default :data:`PARAMS`) on a grid of ``w``;
    None if symbols other than ``w`` remain or the expression cannot be evaluated."""
    if not isinstance(expr, sp.Basic):
        return None
    e = expr.subs(L, depth).subs(params or PARAMS)
    e = e.doit() if e.has(sp.Sum, sp.Integral, sp.Product) else e
    if e.free_symbols - {w}:
        return None
    try:
        f = sp.lambdify([w], e, modules="numpy")
        with np.errstate(all="ignore"):
            y = np.asarray(f(grid), dtype=float)
    except (TypeError, ValueError, NameError, ZeroDivisionError):
        return None
    return np.broadcast_to(y, grid.shape).astype(float)


def _legend_below(fig, axes, title: str) -> None:
    """One legend for all panels (the labels are the same), under the axes, so no curve is hidden."""
    labels: dict[str, object] = {}
    for ax in np.atleast_1d(axes):
        for h, lab in zip(*ax.get_legend_handles_labels()):
            labels.setdefault(lab, h)
    fig.suptitle(title)
    fig.legend(list(labels.values()), list(labels), loc="outside lower center", ncol=1, frameon=False)


def _save(fig, out_dir: Path, name: str) -> tuple[Path, Path]:
    paths = []
    for ext in ("png", "pdf"):
        buf = io.BytesIO()
        fig.savefig(buf, format=ext, dpi=150 if ext == "png" else None, bbox_inches="tight",
                    metadata={"CreationDate": None} if ext == "pdf" else None)
        paths.append(atomic_write_bytes(Path(out_dir) / f"{name}.{ext}", buf.getvalue()))
    _plt().close(fig)
    return paths[0], paths[1]


def _derived_for(claim):
    """The derived expression a claim is compared with (``Derivation.expr``, or the part the
    verifier selects from a dict-valued result), or None."""
    from ..symbolic import derive, quantity_ids
    if not claim.quantity or claim.quantity not in quantity_ids():
        return None
    d = derive(claim.quantity)
    expr = d.expr
    spec = _spec(claim)
    if isinstance(expr, dict) or (spec is not None and spec.select):
        key = spec.select if spec is not None else None
        expr = expr.get(key) if isinstance(expr, dict) and key in expr else d.extra.get(key) if key else None
    if expr is not None and spec is not None and spec.transform is not None:
        expr = spec.transform(expr)
    return expr if isinstance(expr, sp.Expr) else None


def _spec(claim):
    try:
        from ..papers.corlouer2026._base import SPECS
    except ImportError:
        return None
    return SPECS.get(claim.id)


def _curve_claims(claims) -> dict[str, list]:
    """Claims that state a whole drift/diffusion quantity as a function of ``w`` (claims compared
    with a transformed or selected part of a derivation, e.g. the data part of D, are left out)."""
    groups: dict[str, list] = {}
    for c in claims:
        spec = _spec(c)
        direct = spec is None or (spec.transform is None and spec.select is None)
        if (direct and c.kind == "scalar" and c.dimension in _CURVE_DIMS and isinstance(c.expr, sp.Expr)
                and w in c.expr.free_symbols and c.quantity):
            groups.setdefault(c.quantity, []).append(c)
    return groups


def comparison_figures(claims, out_dir: Path) -> list[FigureInfo]:
    """Derived vs printed curves of each drift/diffusion quantity the claims state (see module doc)."""
    from ..symbolic import derive
    plt = _plt()
    grid = np.linspace(0.005, 1.5, 400)
    out = []
    for quantity, group in sorted(_curve_claims(claims).items()):
        derived = _derived_for(group[0])
        if derived is None or w not in derived.free_symbols:
            continue
        fig, axes = plt.subplots(1, len(DEPTHS), figsize=(3.4 * len(DEPTHS), 4.2), layout="constrained")
        plotted = False
        gaps: dict[str, dict[str, float]] = {}
        two_mode = False
        for ax, depth in zip(np.atleast_1d(axes), DEPTHS):
            y = evaluate(derived, grid, depth)
            if y is None:
                continue
            ax.plot(grid, y, "k-", lw=2.2, label="derived")
            two = derive(quantity).extra.get("full_two_mode")  # self + cross term with one more mode
            y2 = evaluate(two, grid, depth) if isinstance(two, sp.Expr) and w_beta in two.free_symbols else None
            if y2 is not None:
                two_mode = True
                ax.plot(grid, y2, "-.", color="0.35", lw=1.6,
                        label=rf"derived, with a second mode at $w_\beta$ = {PARAMS[w_beta]:g}, "
                              rf"$s_\beta$ = {PARAMS[s_beta]:g}")
            seen: list[tuple[np.ndarray, list[str]]] = []
            for c in group:
                variants = [("", c.expr)]
                if ("sigma_q", "variance") in c.readings and sigma_q in c.expr.free_symbols:
                    variants.append((r" ($\sigma_q$ as variance)", c.expr.subs(sigma_q, sigma_q ** 2)))
                for tag, e in variants:
                    yc = evaluate(e, grid, depth)
                    if yc is None:
                        continue
                    scale = float(np.nanmax(np.abs(y))) or 1.0
                    key = c.id + (" [sigma_q read as a variance]" if tag else "")
                    gaps.setdefault(key, {})[f"L={depth}"] = float(np.nanmax(np.abs(yc - y))) / scale
                    match = next((lab for yy, lab in seen if np.allclose(yy, yc, rtol=1e-10, atol=1e-14,
                                                                         equal_nan=True)), None)
                    if match is not None:
                        match.append(c.id + tag)
                        continue
                    seen.append((yc, [c.id + tag]))
            for i, (yc, labels) in enumerate(seen):
                style = ":" if "variance" in labels[0] else "--"
                ax.plot(grid, yc, style, lw=1.6, color=f"C{i}", label="printed " + " = ".join(labels))
            ax.axhline(0, color="0.7", lw=0.6)
            ax.set_title(f"L = {depth}: printed vs derived")
            ax.set_xlabel(r"mode amplitude $w_\alpha$ (units of $s_\alpha$)")
            ax.set_ylabel(_YLABEL.get(group[0].dimension, group[0].dimension or "value") + " (linear)")
            plotted = True
        if not plotted:
            plt.close(fig)
            continue
        title = derive(quantity).title
        _legend_below(fig, axes, f"{title}:\nthe paper's formula vs the derived one")
        name = f"compare-{quantity}".replace("_", "-")
        png, pdf = _save(fig, out_dir, name)
        caption = (f"{title}: derived (solid) vs the paper's printed formula (dashed; dotted where sigma_q is "
                   f"read as a variance), claims {', '.join(c.id for c in group)}, for L = "
                   f"{' and '.join(map(str, DEPTHS))}, s_alpha = {PARAMS[s]:g}, sigma_q = {PARAMS[sigma_q]:g}, "
                   f"beta = eta/b = {PARAMS[beta]:g}"
                   + (f"; dash-dot: derived including the cross term of one more mode at w_beta = "
                      f"{PARAMS[w_beta]:g}, s_beta = {PARAMS[s_beta]:g}." if two_mode else "."))
        out.append(FigureInfo(name, caption, png, pdf,
                              data={"max_relative_gap_printed_vs_derived": gaps, "grid": [0.005, 1.5, 400],
                                    "params": {str(k): v for k, v in PARAMS.items()}}))
    return out


def _density(mu, D, depth: int, params: dict, lo: float, hi: float, n: int = 4001):
    """Normalised zero-flux density (1/D) exp(int_{s}^{w} 2 mu/D) on [lo, hi] by quadrature
    (reference point s_alpha: any interior point is valid, unlike Eq. (16)'s 0)."""
    grid = np.linspace(lo, hi, n)
    m, d = evaluate(mu, grid, depth, params), evaluate(D, grid, depth, params)
    if m is None or d is None or np.any(~np.isfinite(d)) or np.any(d <= 0):
        return None
    f = 2 * m / d
    cum = np.concatenate([[0.0], np.cumsum(0.5 * (f[1:] + f[:-1]) * np.diff(grid))])
    logp = cum - np.log(d)
    p = np.exp(logp - logp.max())
    p /= _trapz(p, grid)
    return grid, p


def _expansion_claims(claims, dimension: str) -> list:
    return [c for c in claims if c.dimension == dimension and c.kind == "scalar" and isinstance(c.expr, sp.Expr)
            and "5.2" in (c.location or "")]


def _scalar_at(expr, depth: int, params: dict):
    if expr is None:
        return None
    v = evaluate(expr, np.array([1.0]), depth, params)  # w is the integration/mode variable: set to s below
    return None if v is None or not math.isfinite(v[0]) else float(v[0])


def stationary_figure(claims, out_dir: Path) -> FigureInfo | None:
    """Stationary density from the derived coefficients with the printed and derived Gaussian
    approximations (Eqs. (17)-(18)); None if the registry lacks the pieces."""
    from ..symbolic import quantity_ids
    try:
        from ..symbolic.fokker_planck import aligned_coefficient_exprs
    except ImportError:
        return None
    if "drift_aligned" not in quantity_ids() or "diffusion_aligned" not in quantity_ids():
        return None
    mu, D = aligned_coefficient_exprs("derived")
    params = {s: 1.0, sigma_q: 0.3, beta: 0.01, eta: 0.01, b: 1, w_beta: 0.0, s_beta: 0.5}
    plt = _plt()
    fig, axes = plt.subplots(1, len(DEPTHS), figsize=(3.4 * len(DEPTHS), 4.0), layout="constrained")
    drawn, kinds, numbers = False, [], {}
    loc_claims, var_claims = _expansion_claims(claims, "location"), _expansion_claims(claims, "variance")
    for ax, depth in zip(np.atleast_1d(axes), DEPTHS):
        dens = _density(mu, D, depth, params, 0.6, 1.4)
        if dens is None:
            continue
        grid, p = dens
        mean = float(_trapz(grid * p, grid))
        sd = math.sqrt(float(_trapz((grid - mean) ** 2 * p, grid)))
        lo, hi = mean - 6 * sd, mean + 6 * sd
        grid, p = _density(mu, D, depth, params, lo, hi)
        ax.plot(grid, p, "k-", lw=2.2, label=r"zero-flux density (derived $\mu_\alpha$, $D_\alpha$)")
        pairs = _expansion_pairs(loc_claims, var_claims, depth, params)
        mean = float(_trapz(grid * p, grid))
        numbers[f"L={depth}"] = {"density_mean": mean, "density_mode": float(grid[np.argmax(p)]),
                                 "density_var": float(_trapz((grid - mean) ** 2 * p, grid)),
                                 **{f"{kind}_center": m_ for kind, _, m_, _ in pairs},
                                 **{f"{kind}_var": v_ for kind, _, _, v_ in pairs}}
        for i, (kind, lab, m_, v_) in enumerate(pairs):
            if v_ is None or v_ <= 0 or m_ is None:
                continue
            if kind not in kinds:
                kinds.append(kind)
            ax.plot(grid, np.exp(-(grid - m_) ** 2 / (2 * v_)) / math.sqrt(2 * math.pi * v_), "--",
                    color=f"C{i}", lw=1.5, label=lab)
        ax.axvline(params[s], color="0.6", lw=0.8)
        ax.set_title(f"L = {depth}: density vs Gaussians")
        ax.set_xlabel(r"mode amplitude $w_\alpha$ (units of $s_\alpha$)")
        ax.set_ylabel(r"probability density $p(w_\alpha)$")
        drawn = True
    if not drawn:
        plt.close(fig)
        return None
    _legend_below(fig, axes, "Stationary law of the aligned modewise SDE:\nexact density vs small-$\\eta$ Gaussian approximations")
    png, pdf = _save(fig, out_dir, "stationary-density")
    caption = ("Stationary density of the aligned modewise SDE (zero probability current, reference point "
               "s_alpha) from the derived drift and diffusion, with Gaussian approximations N(w*, var) "
               "from the small-eta expansions (dashed; w* is the zero of the drift, Eq. (17), which is not the mean "
               "or the mode of the density at O(eta)): " + (" and ".join(kinds) or "none available")
               + " (claims " + (", ".join(c.id for c in loc_claims + var_claims) or "none") + "); "
               "s_alpha = 1, sigma_q = 0.3 (a standard deviation), eta = beta = 0.01, b = 1.")
    data = {"params": {str(k): v for k, v in params.items()}, "by_depth": numbers}
    return FigureInfo("stationary-density", caption, png, pdf, data=data)


def _expansion_pairs(loc_claims, var_claims, depth: int, params: dict):
    """(kind, label, mean, variance) of the Gaussian approximations: printed and derived."""
    out = []

    def value(expr):
        return _scalar_at(expr.subs(w, params[s]) if isinstance(expr, sp.Basic) else expr, depth, params)

    def mean_of(expr):
        v = value(expr)
        if v is None:
            return None
        # a "location" claim states either w* or the shift w* - s (Eq. (17)): a shift is small
        return v if abs(v - params[s]) < abs(v) else params[s] + v

    for kind in ("printed", "derived"):
        m = next((mean_of(c.expr if kind == "printed" else _derived_for(c)) for c in loc_claims
                  if (c.expr if kind == "printed" else _derived_for(c)) is not None), None)
        v = next((value(c.expr if kind == "printed" else _derived_for(c)) for c in var_claims
                  if (c.expr if kind == "printed" else _derived_for(c)) is not None), None)
        if m is not None and v is not None:
            ids = ", ".join(c.id for c in loc_claims + var_claims) if kind == "printed" else \
                ", ".join(dict.fromkeys(c.quantity for c in loc_claims + var_claims))
            out.append((kind, f"Gaussian, {kind} expansions ({ids})", m, v))
    return out


def experiment_figures(results_dir: Path, out_dir: Path) -> list[FigureInfo]:
    """Figures that ``symdln experiment NAME --out results_dir`` wrote (``results/<name>/*.png``,
    with the matching PDF when present), copied into ``out_dir``."""
    results_dir = Path(results_dir)
    if not results_dir.is_dir():
        return []
    try:
        from .. import experiments
        known = {n: experiments.get(n).help for n in experiments.names()}
    except Exception:  # an experiment module that fails to import must not sink the report
        known = {}
    out = []
    for sub in sorted(p for p in results_dir.iterdir() if p.is_dir()):
        for png in sorted(sub.glob("*.png")):
            name = f"exp-{sub.name}-{png.stem}".replace("_", "-")
            dst_png = Path(out_dir) / f"{name}.png"
            shutil.copy2(png, dst_png)
            pdf = png.with_suffix(".pdf")
            dst_pdf = None
            if pdf.exists():
                dst_pdf = Path(out_dir) / f"{name}.pdf"
                shutil.copy2(pdf, dst_pdf)
            caption = f"Experiment {sub.name}" + (f": {known[sub.name]}" if sub.name in known else "") + \
                f" (from {sub.name}/{png.name}; run `symdln experiment {sub.name}`)."
            out.append(FigureInfo(name, caption, dst_png, dst_pdf, origin=f"experiment:{sub.name}"))
    return out


def make_figures(data: ReportData, out_dir: Path) -> list[FigureInfo]:
    """All report figures made from the registries (the experiment figures are added separately)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    figs = comparison_figures(data.claims, out_dir)
    st = stationary_figure(data.claims, out_dir)
    if st is not None:
        figs.append(st)
    return figs

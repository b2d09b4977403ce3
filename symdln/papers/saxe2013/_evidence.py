"""Evidence builders shared by this paper's checks (symbolic identity, values at exact points, mpmath)."""
from __future__ import annotations

import mpmath as mp
import sympy as sp

from ...verdict import Evidence

__all__ = ["sym_equal", "points_equal", "N_l", "u", "u0", "uf", "tau", "eps"]

from ...symbolic.saxe_modes import eps, tau, uf  # noqa: E402
from ...symbolic.symbols import w as u  # noqa: E402  (Saxe's mode strength u is symdln's mode amplitude w)
from ...symbolic.symbols import w0 as u0  # noqa: E402

N_l = sp.Symbol("N_l", integer=True, positive=True)     # number of layers (N_l - 1 weight matrices)


def sym_equal(label: str, printed, derived, *, scope: str = "printed", extra: dict | None = None) -> Evidence:
    """``simplify(printed - derived) == 0`` (both SymPy expressions built in code, never parsed)."""
    diff = sp.simplify(sp.powsimp(sp.expand_log(sp.expand(printed - derived), force=True), force=True))
    ok = diff == 0
    return Evidence("symbolic", ok, f"{label}: printed {'=' if ok else '!='} derived"
                    + ("" if ok else f" (difference {sp.sstr(diff)[:120]})"),
                    {"scope": scope, "printed": sp.sstr(printed), "derived": sp.sstr(derived),
                     "difference": sp.sstr(diff), **(extra or {})})


def points_equal(label: str, printed, derived, points: list[dict], *, scope: str = "printed",
                 dps: int = 30, rtol: float = 1e-20) -> Evidence:
    """Printed and derived evaluated with mpmath at exact rational points; ``rtol`` relative (30-digit
    arithmetic leaves ~1e-28 of round-off, so 1e-20 separates equality from any genuine difference)."""
    worst, at = 0.0, None
    with mp.workdps(dps):
        for p in points:
            a = complex(sp.N(printed.subs(p), dps))
            b = complex(sp.N(derived.subs(p), dps))
            rel = abs(a - b) / max(abs(b), 1e-300)
            if rel > worst:
                worst, at = rel, {str(k): str(v) for k, v in p.items()}
    ok = worst <= rtol
    return Evidence("exact", ok, f"{label}: max relative difference {worst:.1e} at {len(points)} rational points "
                    f"({dps} digits; tolerance {rtol:g})", {"scope": scope, "max_rel_diff": worst, "worst_point": at})

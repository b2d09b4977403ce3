"""Evidence builders shared by this paper's checks (symbolic identity, values at exact points, mpmath)."""
from __future__ import annotations

import sympy as sp

from ...checkkit import points_equal, sym_equal  # noqa: F401  (re-exported)

__all__ = ["sym_equal", "points_equal", "N_l", "u", "u0", "uf", "tau", "eps"]

from ...symbolic.saxe_modes import eps, tau, uf  # noqa: E402
from ...symbolic.symbols import w as u  # noqa: E402  (Saxe's mode strength u is symdln's mode amplitude w)
from ...symbolic.symbols import w0 as u0  # noqa: E402

N_l = sp.Symbol("N_l", integer=True, positive=True)     # number of layers (N_l - 1 weight matrices)

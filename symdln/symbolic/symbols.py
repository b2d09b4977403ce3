"""Every symbol is declared once: SymPy assumptions, LaTeX form, domain and a typical range.

The LaTeX printer (``symdln.export``), the claim registry (``symdln.papers.corlouer2026``), the derivations
(``symdln.symbolic``) and the Hypothesis strategies (``tests/strategies.py``) all read this table.
Import the SymPy symbols from here, never create a same-named symbol elsewhere (SymPy treats
``Symbol('w', positive=True)`` and ``Symbol('w')`` as different objects).

Dimensions: the dynamics are invariant under ``w, s, sigma_q -> c w, c s, c sigma_q`` together with
``t -> c^(-2(L-1)/L) t`` and ``eta -> c^(-2(L-1)/L) eta`` (so ``beta = eta/b`` scales like ``eta``).
``scale_weight`` is the power of ``c`` each symbol carries; ``symdln.verify`` uses it for the
dimensional-homogeneity check.
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

__all__ = ["SymbolInfo", "SYMBOLS", "sym", "L", "w", "s", "sigma_q", "eta", "b", "beta", "t", "z",
           "w_beta", "s_beta", "w0", "c_frac", "latex_names", "time_weight"]


@dataclass(frozen=True)
class SymbolInfo:
    name: str
    symbol: sp.Symbol
    latex: str
    meaning: str
    domain: str                 # human-readable domain, e.g. "(0, inf)"
    typical: tuple[float, float]  # range Hypothesis draws from
    scale_weight: str           # power of c under the rescaling symmetry, as a SymPy-parsable *trusted* constant


L = sp.Symbol("L", integer=True, positive=True)
w = sp.Symbol("w", positive=True)
s = sp.Symbol("s", positive=True)
sigma_q = sp.Symbol("sigma_q", nonnegative=True)
eta = sp.Symbol("eta", positive=True)
b = sp.Symbol("b", integer=True, positive=True)
beta = sp.Symbol("beta", positive=True)
t = sp.Symbol("t", nonnegative=True)
z = sp.Symbol("z", positive=True)
w_beta = sp.Symbol("w_beta", nonnegative=True)
s_beta = sp.Symbol("s_beta", positive=True)
w0 = sp.Symbol("w_0", positive=True)
c_frac = sp.Symbol("c", positive=True)

#: the power of the rescaling constant carried by time and by eta (and beta)
time_weight = -2 * (L - 1) / L

SYMBOLS: dict[str, SymbolInfo] = {
    info.name: info for info in [
        SymbolInfo("L", L, "L", "depth (number of layers)", "{1, 2, ...}", (1, 6), "0"),
        SymbolInfo("w", w, "w_{\\alpha}", "mode amplitude u_a^T W v_a", "(0, inf)", (0.01, 2.0), "1"),
        SymbolInfo("s", s, "s_{\\alpha}", "teacher singular value of mode alpha", "(0, inf)", (0.1, 2.0), "1"),
        SymbolInfo("sigma_q", sigma_q, "\\sigma_{q}",
                   "label-noise scale; standard deviation (Sigma_q = sigma_q^2 I) unless a claim says otherwise",
                   "[0, inf)", (0.0, 0.5), "1"),
        SymbolInfo("eta", eta, "\\eta", "learning rate", "(0, inf)", (1e-4, 0.05), "time"),
        SymbolInfo("b", b, "b", "batch size", "{1, 2, ...}", (1, 64), "0"),
        SymbolInfo("beta", beta, "\\beta", "eta / b (the paper also uses beta as a mode index)", "(0, inf)",
                   (1e-4, 0.05), "time"),
        SymbolInfo("t", t, "t", "continuous time t = eta k", "[0, inf)", (0.0, 100.0), "time"),
        SymbolInfo("z", z, "z", "integration variable", "(0, inf)", (0.01, 2.0), "1"),
        SymbolInfo("w_beta", w_beta, "w_{\\beta}", "amplitude of another mode beta != alpha", "[0, inf)",
                   (0.0, 2.0), "1"),
        SymbolInfo("s_beta", s_beta, "s_{\\beta}", "teacher singular value of mode beta", "(0, inf)", (0.1, 2.0), "1"),
        SymbolInfo("w_0", w0, "w_{\\alpha}(0)", "initial mode amplitude", "(0, inf)", (1e-4, 0.5), "1"),
        SymbolInfo("c", c_frac, "c", "fraction of s_alpha that counts as learned", "(0, 1)", (0.1, 0.95), "0"),
    ]
}


def sym(name: str) -> sp.Symbol:
    """The declared SymPy symbol for ``name``; unknown names are an error, never a new symbol."""
    try:
        return SYMBOLS[name].symbol
    except KeyError:
        raise KeyError(f"unknown symbol {name!r}; declared: {sorted(SYMBOLS)}") from None


def latex_names() -> dict[sp.Symbol, str]:
    """``symbol_names`` mapping for ``sympy.latex`` (the paper's notation)."""
    return {info.symbol: info.latex for info in SYMBOLS.values()}


def scale_weights() -> dict[sp.Symbol, sp.Expr]:
    """Power of the rescaling constant ``c`` for each symbol (see the module docstring)."""
    out = {}
    for info in SYMBOLS.values():
        out[info.symbol] = time_weight if info.scale_weight == "time" else sp.Integer(int(info.scale_weight))
    return out

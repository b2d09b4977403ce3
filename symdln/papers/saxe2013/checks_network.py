"""Network-level checks: gradient dynamics (Eqs. 2, 5-6, 13) and the product convention of Sec. 2.

Eqs. 2 and 13 are data for the ``numeric_identity`` kind (the printed flow against central differences of the
loss), Eqs. 5-6 for ``symbolic_zero`` (the flow minus -tau grad E for three modes, and E against the matrix form);
the references are registered below.  Bespoke: the product convention (an index list read two ways).  Gradients are compared with central differences of the
loss: the squared error is a quadratic polynomial in each single weight, so the central difference is exact up to
round-off (``~ 1e-16 |loss| / h``).
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from ...checkkit import compare_arrays
from ...verdict import Evidence
from ._base import PAPER

RECT = (3, 4, 5, 2)           # N_1, hidden..., N_3: rectangular, so a transposed factor cannot multiply


def _data(widths, seed, P=7):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((widths[0], P))
    Y = rng.standard_normal((widths[-1], P))
    Ws = [rng.standard_normal((widths[i + 1], widths[i])) * 0.7 for i in range(len(widths) - 1)]
    return X, Y, Ws


def _loss(Ws, X, Y):
    W = Ws[0]
    for A in Ws[1:]:
        W = A @ W
    return 0.5 * float(np.sum((Y - W @ X) ** 2))


def _neg_grad(Ws, X, Y, h=1e-3):
    out = []
    for l, A in enumerate(Ws):
        G = np.zeros_like(A)
        for idx in np.ndindex(A.shape):
            Wp = [B.copy() for B in Ws]
            Wm = [B.copy() for B in Ws]
            Wp[l][idx] += h
            Wm[l][idx] -= h
            G[idx] = -(_loss(Wp, X, Y) - _loss(Wm, X, Y)) / (2 * h)
        out.append(G)
    return out


def prod(Ws, a, b):
    """``prod_{i=a}^{b} W^i = W^b ... W^(a+1) W^a`` (1-based; the identity when ``a > b``)."""
    n = Ws[0].shape[1] if a == 1 else Ws[a - 2].shape[0]
    if a > b:
        return np.eye(n)
    idx = list(range(b, a - 1, -1))
    M = Ws[idx[-1] - 1]
    for i in reversed(idx[:-1]):
        M = Ws[i - 1] @ M
    return M


def eq2_printed(W21, W32, S31, S11):
    """Eq. (2) as printed: ``[tau dW21/dt, tau dW32/dt]``."""
    return [W32.T @ (S31 - W32 @ W21 @ S11), (S31 - W32 @ W21 @ S11) @ W21.T]


def eq13_printed(Ws, S31, S11, l):
    """Eq. (13) as printed for layer ``l`` (1-based), the products read as W^b ... W^(a+1) W^a."""
    K = len(Ws)
    above = prod(Ws, l + 1, K) if l < K else np.eye(Ws[-1].shape[0])
    below = prod(Ws, 1, l - 1) if l > 1 else np.eye(Ws[0].shape[1])
    return above.T @ (S31 - prod(Ws, 1, K) @ S11) @ below.T


def _eq13(Ws, S31, S11, layer=eq13_printed):
    return [layer(Ws, S31, S11, l) for l in range(1, len(Ws) + 1)]


def _compare(label, printed, reference, scope="printed"):
    # central differences of a quadratic: round-off ~1e-16 |loss| / h ~ 1e-11 relative; tolerance 1e-7
    return compare_arrays(label, printed, reference, scope=scope, ref_name="-grad", rtol=1e-7)


# ---- references of the numeric_identity kind (Eqs. 2 and 13 are data on their claims) --------------------------
def _setting(widths, seed):
    X, Y, Ws = _data(widths, seed)
    return [(f"widths {widths}, P = 7 non-white inputs", {"X": X, "Y": Y, "Ws": Ws, "S11": X @ X.T, "S31": Y @ X.T})]


PAPER.reference("data_depth2")(lambda claim, seed, params: _setting((RECT[0], RECT[1], RECT[-1]), seed))
PAPER.reference("data_rect")(lambda claim, seed, params: _setting(RECT, seed))
PAPER.reference("minus_gradient")(lambda claim, env: _neg_grad(env["Ws"], env["X"], env["Y"]))
PAPER.reference("printed_eq2")(lambda claim, env: claim.expr(*env["Ws"], env["S31"], env["S11"]))
PAPER.reference("printed_eq13")(lambda claim, env: _eq13(env["Ws"], env["S31"], env["S11"], claim.expr))
#: Spec.params of Eqs. (2) and (13): the printed flow against central differences of the loss (rtol: see _compare)
GRADIENT_FLOW = {w: {"settings": f"data_{w}", "compare": [
    {"lhs": f"printed_eq{n}", "rhs": "minus_gradient", "label": f"Eq. ({n}) at {{label}}", "ref_name": "-grad",
     "rtol": 1e-7}]} for w, n in (("depth2", 2), ("rect", 13))}


@PAPER.check("product_convention")
def check_product_convention(claim, spec, *, seed=0, fast=False, paper=None, variant=None):
    """Sec. 2: the printed index list of prod_{i=a}^{b} W^i ends with W^(a-1) W^a: it names a factor outside a..b.
    ``variant``: an index list (as a function of a, b) to test instead of the printed one."""
    a, b = 2, 6
    listed = [b, b - 1, a - 1, a] if variant is None else variant(a, b)   # the explicit terms around the dots
    inside = all(a <= i <= b for i in listed)
    monotone = all(x > y for x, y in zip(listed, listed[1:]))
    ev = [Evidence("enumeration", inside and monotone,
                   f"explicit factors of the printed product for a={a}, b={b}: {['W^%d' % i for i in listed]}: "
                   f"all in {a}..{b}: {inside}; decreasing: {monotone}",
                   {"scope": "printed", "listed": listed, "enumerated": list(range(b, a - 1, -1))})]
    X, Y, Ws = _data(RECT, seed)
    S11, S31 = X @ X.T, Y @ X.T
    ev.append(_compare("Eq. (13) with prod = W^b ... W^(a+1) W^a", _eq13(Ws, S31, S11), _neg_grad(Ws, X, Y),
                       scope="condition"))
    return ev


def _modes(n_modes=3, n_hid=2):
    A = [sp.Matrix(n_hid, 1, lambda r, c, k=k: sp.Symbol(f"a{k}_{r}")) for k in range(n_modes)]
    B = [sp.Matrix(n_hid, 1, lambda r, c, k=k: sp.Symbol(f"b{k}_{r}")) for k in range(n_modes)]
    return A, B, sp.symbols(f"s1:{n_modes + 1}", positive=True), sp.Symbol("tau", positive=True)


def _dot(x, y):
    return (x.T * y)[0, 0]


def eq6_energy(A, B, sv, tau):
    """*printed* Eq. (6): E = 1/(2 tau) sum_a (s_a - a^a . b^a)^2 + 1/(2 tau) sum_(a != b) (a^a . b^b)^2."""
    n = len(A)
    return (sum((sv[k] - _dot(A[k], B[k])) ** 2 for k in range(n))
            + sum(_dot(A[k], B[j]) ** 2 for k in range(n) for j in range(n) if j != k)) / (2 * tau)


def eq5_printed(A, B, sv, k):
    """*printed* Eq. (5): (tau da^k/dt, tau db^k/dt) for mode k."""
    others = [g for g in range(len(A)) if g != k]
    zero = sp.zeros(A[k].rows, 1)
    pa = (sv[k] - _dot(A[k], B[k])) * B[k] - sum((B[g] * _dot(A[k], B[g]) for g in others), zero)
    pb = (sv[k] - _dot(A[k], B[k])) * A[k] - sum((A[g] * _dot(B[k], A[g]) for g in others), zero)
    return pa, pb


@PAPER.reference("eq5_minus_gradient_flow")
def eq5_minus_gradient_flow(claim):
    """For 3 modes and 2 hidden units: -tau grad of E (6) minus the printed flow (claim.expr), per mode and factor."""
    A, B, sv, tau = _modes()
    E = eq6_energy(A, B, sv, tau)
    out = []
    for k in range(len(A)):
        pa, pb = claim.expr(A, B, sv, k)
        out.append((f"mode {k + 1}: tau da/dt", sp.Matrix([-tau * sp.diff(E, x) for x in A[k]]) - pa))
        out.append((f"mode {k + 1}: tau db/dt", sp.Matrix([-tau * sp.diff(E, x) for x in B[k]]) - pb))
    return out


@PAPER.reference("eq6_energy_vs_matrix_form")
def eq6_energy_vs_matrix_form(claim):
    """E (6) minus 1/(2 tau) ||S - W32 W21||_F^2 (W21: columns a^a, W32: rows b^a)."""
    A, B, sv, tau = _modes()
    W21, W32 = sp.Matrix.hstack(*A), sp.Matrix.vstack(*[b.T for b in B])
    return sum((sp.diag(*sv) - W32 * W21).applyfunc(lambda e: e ** 2)) / (2 * tau) - eq6_energy(A, B, sv, tau)


#: Spec.params of Eqs. (5)-(6) (symbolic_zero): the flow is -tau grad E, and E is the matrix error
MODE_ENERGY = {"residuals": [
    {"ref": "eq5_minus_gradient_flow", "label": "Eq. (5) = -tau grad E (6) (3 modes, 2 hidden units)"},
    {"ref": "eq6_energy_vs_matrix_form", "label": "E (6) = 1/(2 tau) ||S - W32 W21||_F^2 (Eq. (4) is its gradient flow)"}]}

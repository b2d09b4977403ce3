"""Network-level checks: gradient dynamics (Eqs. 2, 5-6, 13) and the product convention of Sec. 2.

Eqs. 2 and 13 are data for the ``numeric_identity`` kind (references registered below: the printed flow against
central differences of the loss).  Bespoke: the product convention (an index list with a reading) and Eqs. 5-6 (a
flow and an energy compared symbolically for three modes).  Gradients are compared with central differences of the
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


@PAPER.check("mode_energy_eq5_6")
def check_mode_energy(claim, spec, *, seed=0, fast=False, paper=None, variant=None):
    """Eqs. (5)-(6): the connectivity-mode flow is -tau grad of E (6), and E (6) is 1/(2 tau)||S - W32 W21||^2."""
    tau = sp.Symbol("tau", positive=True)
    n_modes, n_hid = 3, 2
    A = [sp.Matrix(n_hid, 1, lambda r, c, k=k: sp.Symbol(f"a{k}_{r}")) for k in range(n_modes)]
    B = [sp.Matrix(n_hid, 1, lambda r, c, k=k: sp.Symbol(f"b{k}_{r}")) for k in range(n_modes)]
    sv = sp.symbols("s1:4", positive=True)
    dot = lambda x, y: (x.T * y)[0, 0]  # noqa: E731
    E = sum((sv[k] - dot(A[k], B[k])) ** 2 for k in range(n_modes)) / (2 * tau)
    E += sum(dot(A[k], B[j]) ** 2 for k in range(n_modes) for j in range(n_modes) if j != k) / (2 * tau)
    ok_flow = True
    for k in range(n_modes):
        pa = (sv[k] - dot(A[k], B[k])) * B[k] - sum((B[g] * dot(A[k], B[g]) for g in range(n_modes) if g != k),
                                                     sp.zeros(n_hid, 1))
        pb = (sv[k] - dot(A[k], B[k])) * A[k] - sum((A[g] * dot(B[k], A[g]) for g in range(n_modes) if g != k),
                                                     sp.zeros(n_hid, 1))
        if variant is not None:
            pa, pb = variant(A, B, sv, k)
        ga = sp.Matrix([-tau * sp.diff(E, x) for x in A[k]])
        gb = sp.Matrix([-tau * sp.diff(E, x) for x in B[k]])
        ok_flow = ok_flow and sp.expand(ga - pa).is_zero_matrix is True and sp.expand(gb - pb).is_zero_matrix is True
    W21 = sp.Matrix.hstack(*A)                      # columns a^alpha
    W32 = sp.Matrix.vstack(*[b.T for b in B])       # rows b^alpha
    S = sp.diag(*sv)
    E_mat = sum((S - W32 * W21).applyfunc(lambda e: e ** 2)) / (2 * tau)
    same = sp.expand(E_mat - E) == 0
    return [Evidence("symbolic", bool(ok_flow), f"Eq. (5) = -tau grad E(6) for {n_modes} modes, {n_hid} hidden units",
                     {"scope": "printed"}),
            Evidence("symbolic", bool(same), "E (6) = 1/(2 tau) ||S - W32 W21||_F^2 (Eq. (4) is its gradient flow)",
                     {"scope": "printed"})]

"""How SGD moves the balance matrices ``D_l = W_{l+1}^T W_{l+1} - W_l W_l^T`` of a DLN (exact, any network).

Gradient flow conserves every ``D_l``; SGD does not.  Write one SGD step (batch of size ``b``) as
``W_l <- W_l + eta G_l`` with ``G_l = W_{>l}^T E W_{<l}^T`` and ``E = (1/b) sum_i (y_i - W x_i) x_i^T`` the
batch error matrix.  For **any** matrix ``E``

    W_{l+1}^T G_{l+1} = W_{>l}^T E W_{<l+1}^T = G_l W_l^T,

so the first-order terms of ``D_l`` cancel sample by sample and one step changes ``D_l`` by exactly

    Delta D_l = eta^2 (G_{l+1}^T G_{l+1} - G_l G_l^T).

With ``E = Delta + S_bar`` (``Delta = M - W``, ``S_bar`` the batch mean of ``S = Delta (xx^T - I) + xi_q x^T``)
and the exact Gaussian contractions ``E[S^T P S] = Delta^T P Delta + tr(P Omega) I``,
``E[S Q S^T] = Delta Q Delta^T + tr(Q) Omega`` (``Omega = Delta Delta^T + Sigma_q``, ``P, Q`` symmetric)

    E[Delta D_l] = eta^2 (1 + 1/b) (Gbar_{l+1}^T Gbar_{l+1} - Gbar_l Gbar_l^T)
                 + (eta^2 / b) [tr(P_{l+1} Omega) W_{<=l} W_{<=l}^T - tr(Q_l) W_{>l}^T Omega W_{>l}],

``Gbar_l = W_{>l}^T Delta W_{<l}^T``, ``P_{l+1} = W_{>l+1} W_{>l+1}^T``, ``Q_l = W_{<l}^T W_{<l}``.  With
``t = eta k`` the rate ``E[Delta D_l] / eta`` splits into the Ito part (``O(beta)``, ``beta = eta/b``; the only
part an SDE with diffusion ``beta Sigma`` sees) and a discretisation part ``eta (Gbar^T Gbar - Gbar Gbar^T)``.
Cost ``O(L d^3)``; :func:`balance_drift_dense` is an independent reference through the dense ``Sigma``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import SymdlnInputError, as_matrix
from .modes import _check_eta_b
from .network import DLN, Teacher
from .noise import _check_n, _check_pair, psd_factor, sigma_dense

__all__ = ["BalanceDrift", "balance_matrices", "step_change", "balance_drift", "balance_drift_sde",
           "balance_drift_dense", "noise_gauge_force", "mc_balance_step", "sgd_step"]


@dataclass(frozen=True)
class BalanceDrift:
    """Expected one-step change of every ``D_l`` (lists indexed ``l-1``, ``l = 1..L-1``), split in parts.

    ``population``: ``eta^2 (Gbar_{l+1}^T Gbar_{l+1} - Gbar_l Gbar_l^T)`` (full-batch GD alone);
    ``noise``: ``(eta^2/b) E[xi_{l+1}^T xi_{l+1} - xi_l xi_l^T]`` (one-sample gradient noise ``xi``);
    ``total = population + noise`` (exact for online SGD with Gaussian inputs).
    """
    population: list
    noise: list
    eta: float
    b: int

    @property
    def total(self) -> list:
        return [p + q for p, q in zip(self.population, self.noise)]

    def ito_rate(self) -> list:
        """The ``O(beta)`` part of ``dD_l/dt`` (``t = eta k``): what the Ito SDE predicts."""
        return [q / self.eta for q in self.noise]

    def discretisation_rate(self) -> list:
        """The ``O(eta)`` part of ``dD_l/dt`` that the SDE drops: ``eta (Gbar^T Gbar - Gbar Gbar^T)``."""
        return [p / self.eta for p in self.population]


def balance_matrices(net: DLN) -> list[np.ndarray]:
    """``D_l = W_{l+1}^T W_{l+1} - W_l W_l^T`` (``d_l x d_l``) for ``l = 1..L-1``; list index ``l-1``."""
    if not isinstance(net, DLN):
        raise SymdlnInputError(f"net must be a symdln.DLN; got {type(net).__name__}")
    Ws = net.layers
    return [Ws[l].T @ Ws[l] - Ws[l - 1] @ Ws[l - 1].T for l in range(1, net.depth)]


def _update_directions(net: DLN, E: np.ndarray) -> list[np.ndarray]:
    aboves, belows = net.partials()
    return [A.T @ E @ B.T for A, B in zip(aboves, belows)]


def step_change(net: DLN, E, eta: float) -> list[np.ndarray]:
    """Exact change of every ``D_l`` under ``W_l <- W_l + eta W_{>l}^T E W_{<l}^T`` for a given error matrix
    ``E`` (``d_L x d_0``): ``eta^2 (G_{l+1}^T G_{l+1} - G_l G_l^T)`` (the first-order terms cancel)."""
    if not isinstance(net, DLN):
        raise SymdlnInputError(f"net must be a symdln.DLN; got {type(net).__name__}")
    E = as_matrix("E", E, (net.d_out, net.d_in))
    eta = float(eta)
    G = _update_directions(net, E)
    return [eta ** 2 * (G[l].T @ G[l] - G[l - 1] @ G[l - 1].T) for l in range(1, net.depth)]


def sgd_step(net: DLN, E, eta: float) -> DLN:
    """The network after ``W_l <- W_l + eta W_{>l}^T E W_{<l}^T`` (an SGD step when ``E`` is the batch error)."""
    E = as_matrix("E", E, (net.d_out, net.d_in))
    return DLN([W + eta * G for W, G in zip(net.layers, _update_directions(net, E))])


def balance_drift(net: DLN, teacher: Teacher, *, eta: float, b: int = 1) -> BalanceDrift:
    """Exact ``E[Delta D_l]`` for one online-SGD step of batch size ``b`` (fresh Gaussian samples), O(L d^3)."""
    _check_pair(net, teacher)
    _check_eta_b(eta, b)
    eta, b = float(eta), int(b)
    if net.depth < 2:
        return BalanceDrift([], [], eta, b)
    aboves, belows = net.partials()
    pop, noi = _drift_arrays(net.layers, aboves, belows, teacher.M, teacher.Sigma_q, eta, b)
    return BalanceDrift(pop, noi, eta, b)


def _partials(Ws):
    """``(aboves, belows)`` = ``([W_{>l}], [W_{<l}])`` for raw layer arrays (no validation; hot loops)."""
    belows = [np.eye(Ws[0].shape[1])]
    for W in Ws[:-1]:
        belows.append(W @ belows[-1])
    aboves = [np.eye(Ws[-1].shape[0])]
    for W in Ws[:0:-1]:
        aboves.append(aboves[-1] @ W)
    aboves.reverse()
    return aboves, belows


def _drift_arrays(Ws, aboves, belows, M, Sq, eta, b):
    """The two parts of ``E[Delta D_l]`` from raw arrays: lists ``(population, noise)`` over pairs."""
    Dl = M - aboves[0] @ Ws[0]
    Om = Dl @ Dl.T + Sq
    pop, noi = [], []
    for l in range(1, len(Ws)):                       # pair (l, l+1), 1-based
        A_l, A_up = aboves[l - 1], aboves[l]          # W_{>l}, W_{>l+1}
        B_low, B_l = belows[l - 1], belows[l]         # W_{<l}, W_{<=l}
        Y = A_up.T @ Dl @ B_l.T                       # Gbar_{l+1}
        Z = A_l.T @ Dl @ B_low.T                      # Gbar_l
        gg = Y.T @ Y - Z @ Z.T
        trP = float(np.sum(A_up * (Om @ A_up)))       # tr(W_{>l+1}^T Omega W_{>l+1})
        trQ = float(np.sum(B_low * B_low))            # ||W_{<l}||_F^2
        tr_part = trP * (B_l @ B_l.T) - trQ * (A_l.T @ Om @ A_l)
        pop.append(eta ** 2 * gg)
        noi.append(eta ** 2 / b * (gg + tr_part))
    return pop, noi


def balance_drift_sde(net: DLN, teacher: Teacher, *, eta: float, b: int = 1) -> dict:
    """``dD_l/dt`` with ``t = eta k``: ``{"ito": [...], "discretisation": [...], "beta": eta/b}``."""
    d = balance_drift(net, teacher, eta=eta, b=b)
    return {"ito": d.ito_rate(), "discretisation": d.discretisation_rate(), "beta": eta / b}


def noise_gauge_force(net: DLN, Sigma_q) -> list[np.ndarray]:
    """``F_l = tr(W_{>l+1}^T Sigma_q W_{>l+1}) W_{<=l} W_{<=l}^T - ||W_{<l}||_F^2 W_{>l}^T Sigma_q W_{>l}``.

    At a global minimum (``Delta = 0``) ``dD_l/dt = beta F_l`` (Ito part; the rest is ``O(eta beta)``): the
    gauges that SGD's label noise leaves in place are the zeros of every ``F_l``.
    """
    if not isinstance(net, DLN):
        raise SymdlnInputError(f"net must be a symdln.DLN; got {type(net).__name__}")
    Sq = as_matrix("Sigma_q", Sigma_q, (net.d_out, net.d_out))
    aboves, belows = net.partials()
    out = []
    for l in range(1, net.depth):
        A_l, A_up, B_low, B_l = aboves[l - 1], aboves[l], belows[l - 1], belows[l]
        out.append(float(np.sum(A_up * (Sq @ A_up))) * (B_l @ B_l.T)
                   - float(np.sum(B_low * B_low)) * (A_l.T @ Sq @ A_l))
    return out


# -- dense reference ------------------------------------------------------------------------------
def balance_drift_dense(net: DLN, teacher: Teacher, *, eta: float, b: int = 1) -> list[np.ndarray]:
    """Reference ``E[Delta D_l]`` from the dense one-sample covariance ``Sigma`` (small sizes only).

    ``E[g^T g] = Gbar^T Gbar + E[xi^T xi]`` with ``E[xi_l^T xi_l]_{ij} = sum_k Sigma_ll[(k,i),(k,j)]`` and
    ``E[xi_l xi_l^T]_{ij} = sum_k Sigma_ll[(i,k),(j,k)]`` (column-major ``vec``); independent of the closed
    form, which never forms ``Sigma``.
    """
    _check_pair(net, teacher)
    fac = _check_eta_b(eta, b)
    eta = float(eta)
    Sig = sigma_dense(net, teacher)
    ws = net.widths
    off = np.concatenate([[0], np.cumsum([ws[i] * ws[i + 1] for i in range(net.depth)])])
    aboves, belows = net.partials()
    Dl = teacher.M - net.end_to_end()
    Gbar = [A.T @ Dl @ B.T for A, B in zip(aboves, belows)]
    grams_tt, grams_t = [], []                     # E[xi^T xi], E[xi xi^T] per layer
    for l in range(net.depth):
        r, c = ws[l + 1], ws[l]
        blk = Sig[off[l]:off[l + 1], off[l]:off[l + 1]].reshape(c, r, c, r)   # [col i, row k, col j, row q]
        grams_tt.append(np.einsum("ikjk->ij", blk))
        grams_t.append(np.einsum("ikjq,ij->kq", blk, np.eye(c)))
    out = []
    for l in range(1, net.depth):
        pop = Gbar[l].T @ Gbar[l] - Gbar[l - 1] @ Gbar[l - 1].T
        out.append(eta ** 2 * pop + eta * fac * (grams_tt[l] - grams_t[l - 1]))
    return out


# -- Monte Carlo of explicit SGD steps ------------------------------------------------------------
def mc_balance_step(net: DLN, teacher: Teacher, *, eta: float, b: int = 1, n: int, rng=None,
                    chunk: int = 2048) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Monte Carlo of ``E[D_l(after one SGD step) - D_l]``: ``n`` independent batches of ``b`` fresh samples,
    each step taken explicitly (new layers formed, ``D_l`` recomputed; the cancellation identity is not used).

    Returns ``(mean, se)``: lists (index ``l-1``) of ``d_l x d_l`` arrays; ``se`` = sample std / sqrt(n).
    """
    _check_pair(net, teacher)
    _check_eta_b(eta, b)
    n, chunk = _check_n(n), _check_n(chunk, "chunk", 1)
    eta, b = float(eta), int(b)
    rng = np.random.default_rng(rng)
    R = psd_factor(teacher.Sigma_q) if teacher.Sigma_q.any() else None
    D0 = balance_matrices(net)
    s1 = [np.zeros_like(D) for D in D0]
    s2 = [np.zeros_like(D) for D in D0]
    aboves, belows = net.partials()
    Ws = net.layers
    M = teacher.M
    done = 0
    while done < n:
        k = min(chunk, n - done)
        X = rng.standard_normal((k, b, net.d_in))
        Y = X @ M.T
        if R is not None:
            Y = Y + rng.standard_normal((k, b, net.d_out)) @ R.T
        Eps = Y - X @ net.end_to_end().T
        E = np.einsum("kbi,kbj->kij", Eps, X) / b                 # batch error matrices (k, d_L, d_0)
        new = [W + eta * (A.T @ E @ B.T) for W, A, B in zip(Ws, aboves, belows)]
        for l in range(1, net.depth):
            Dn = np.swapaxes(new[l], -1, -2) @ new[l] - new[l - 1] @ np.swapaxes(new[l - 1], -1, -2)
            x = Dn - D0[l - 1]
            s1[l - 1] += x.sum(0)
            s2[l - 1] += (x * x).sum(0)
        done += k
    mean = [a / n for a in s1]
    se = [np.sqrt(np.clip(q / n - m * m, 0.0, None) / (n - 1)) for q, m in zip(s2, mean)]
    return mean, se

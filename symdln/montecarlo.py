"""Monte Carlo estimators, with standard errors, of the numeric core's closed forms.

Every estimator draws fresh data ``X ~ N(0, I)``, ``Y = M X + xi_q`` (the true, non-Gaussian one-sample
noise, not the Gaussian surrogate of :func:`symdln.noise.sample_S`), streams it in chunks (memory bounded
by ``chunk``), and returns an :class:`Estimate` whose ``se`` is the large-sample standard error:

* means: sample standard deviation / sqrt(n);
* covariances: the delta-method (fourth-moment) formula: for ``c_hat = mean((x - xbar)(y - ybar))``,
  ``Var(c_hat) ~ Var((x - mu_x)(y - mu_y)) / n``, with the fourth moment estimated from the same samples.

Comparisons use ``Estimate.z(reference) = (value - reference) / se``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .modes import _betweens, _check_alpha, _check_eta_b, mode_jacobian, mode_vectors
from .network import DLN, Teacher
from ._validation import as_rng
from .noise import _check_n, _check_pair, gradient_factors, population_gradient, sample_data

__all__ = ["Estimate", "mc_gradient", "mc_sigma_block", "mc_diffusion", "mc_ito_drift", "mc_one_step",
           "second_order_coefficient"]


@dataclass(frozen=True, eq=False)
class Estimate:
    """A Monte Carlo estimate: ``value`` and standard error ``se`` (scalars or same-shape arrays),
    sample size ``n`` and the ``seed`` that produced it (``None`` if a Generator was passed)."""

    value: Any
    se: Any
    n: int
    seed: Any = None

    def z(self, reference) -> Any:
        """``(value - reference) / se``; ``0`` where both the difference and ``se`` are 0, ``+-inf`` where only
        ``se`` is 0."""
        diff = np.asarray(self.value, dtype=float) - np.asarray(reference, dtype=float)
        se = np.broadcast_to(np.asarray(self.se, dtype=float), diff.shape)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.where(se > 0, diff / np.where(se > 0, se, 1.0), np.where(diff == 0, 0.0, np.sign(diff) * np.inf))
        return float(out) if out.ndim == 0 else out

    def max_abs_z(self, reference) -> float:
        return float(np.max(np.abs(self.z(reference))))

    def to_json(self) -> dict:
        conv = (lambda a: float(a) if np.ndim(a) == 0 else np.asarray(a, dtype=float).tolist())
        return {"value": conv(self.value), "se": conv(self.se), "n": int(self.n), "seed": self.seed}


def _rng_seed(rng):
    seed = rng if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool) else None
    return as_rng("rng", rng), (None if seed is None else int(seed))


class _MeanAcc:
    """Streaming per-entry mean and its SE, shifted by the first chunk's mean for stability."""

    def __init__(self):
        self.n, self.shift = 0, None

    def add(self, x: np.ndarray) -> None:
        if self.shift is None:
            self.shift = x.mean(axis=0)
            self.s1 = np.zeros_like(self.shift)
            self.s2 = np.zeros_like(self.shift)
        d = x - self.shift
        self.s1 += d.sum(axis=0)
        self.s2 += np.einsum("n...,n...->...", d, d)
        self.n += x.shape[0]

    def result(self) -> tuple[np.ndarray, np.ndarray]:
        m = self.s1 / self.n
        var = (self.s2 - self.n * m * m) / (self.n - 1)
        return self.shift + m, np.sqrt(np.clip(var, 0.0, None) / self.n)


class _CovAcc:
    """Streaming cross-covariance ``Cov(x_i, y_j)`` of two vector streams with delta-method SEs."""

    def __init__(self):
        self.n, self.cx = 0, None

    def add(self, x: np.ndarray, y: np.ndarray) -> None:
        if self.cx is None:
            self.cx, self.cy = x.mean(axis=0), y.mean(axis=0)
            p, q = x.shape[1], y.shape[1]
            self.sa, self.sb, self.sa2, self.sb2 = np.zeros(p), np.zeros(q), np.zeros(p), np.zeros(q)
            self.sab, self.sa2b2, self.sa2b, self.sab2 = (np.zeros((p, q)) for _ in range(4))
        a, b = x - self.cx, y - self.cy
        a2, b2 = a * a, b * b
        self.sa += a.sum(0); self.sb += b.sum(0); self.sa2 += a2.sum(0); self.sb2 += b2.sum(0)
        self.sab += a.T @ b; self.sa2b2 += a2.T @ b2; self.sa2b += a2.T @ b; self.sab2 += a.T @ b2
        self.n += x.shape[0]

    def result(self) -> tuple[np.ndarray, np.ndarray]:
        n = self.n
        da, db = (self.sa / n)[:, None], (self.sb / n)[None, :]
        mab = self.sab / n
        cov_b = mab - da * db                                     # biased (1/n) covariance
        # E[phi^2], phi = (a - da)(b - db), expanded in the accumulated raw moments
        e2 = (self.sa2b2 / n - 2 * db * self.sa2b / n - 2 * da * self.sab2 / n + 4 * da * db * mab
              + db ** 2 * (self.sa2 / n)[:, None] + da ** 2 * (self.sb2 / n)[None, :] - 3 * da ** 2 * db ** 2)
        var = np.clip(e2 - cov_b ** 2, 0.0, None)
        return cov_b * n / (n - 1), np.sqrt(var / n)


def _vec_rows(g: np.ndarray) -> np.ndarray:
    """``(n, d_l, d_{l-1})`` per-sample matrices -> ``(n, p_l)`` rows of column-major ``vec``."""
    return g.transpose(0, 2, 1).reshape(g.shape[0], -1)


def _chunks(teacher: Teacher, n: int, rng, chunk: int):
    done = 0
    while done < n:
        k = min(chunk, n - done)
        yield sample_data(teacher, k, rng)
        done += k


def _layer_grads(net: DLN, X, Y, layers, bufs: dict | None = None) -> dict[int, np.ndarray]:
    """Per-sample gradients of the given layers; written into ``bufs`` (reused across chunks) if given."""
    a, b = gradient_factors(net, X, Y)
    out = {}
    for l in layers:
        shape = (X.shape[0],) + net.layers[l - 1].shape
        if bufs is None:
            out[l] = np.einsum("ni,nj->nij", -b[l - 1], a[l - 1])
            continue
        if l not in bufs or bufs[l].shape != shape:
            bufs[l] = np.empty(shape)
        out[l] = np.einsum("ni,nj->nij", -b[l - 1], a[l - 1], out=bufs[l])
    return out


# -- estimators ----------------------------------------------------------------------------------
def mc_gradient(net: DLN, teacher: Teacher, n: int, rng=None, *, chunk: int = 4096) -> list[Estimate]:
    """Per layer, the sample mean of the one-sample gradients ``g_l(x, y)`` (an estimate of the population
    gradient ``G_l``, Prop. 3.1) with per-entry SEs."""
    _check_pair(net, teacher)
    n, chunk = _check_n(n), _check_n(chunk, "chunk", 1)
    rng, seed = _rng_seed(rng)
    accs = [_MeanAcc() for _ in range(net.depth)]
    bufs: dict = {}
    for X, Y in _chunks(teacher, n, rng, chunk):
        g = _layer_grads(net, X, Y, range(1, net.depth + 1), bufs)
        for l, acc in enumerate(accs, start=1):
            acc.add(g[l])
    return [Estimate(*acc.result(), n=n, seed=seed) for acc in accs]


def mc_sigma_block(net: DLN, teacher: Teacher, l: int, m: int, n: int, rng=None, *,
                   chunk: int = 4096) -> Estimate:
    """Sample cross-covariance of ``vec g_l(x)`` and ``vec g_m(x)`` (``p_l x p_m``), an estimate of ``Sigma_lm``
    (Prop. 3.2), with per-entry delta-method SEs.  Streamed."""
    _check_pair(net, teacher)
    l, m = net._check_l(l, "l"), net._check_l(m, "m")
    n, chunk = _check_n(n), _check_n(chunk, "chunk", 1)
    rng, seed = _rng_seed(rng)
    acc = _CovAcc()
    bufs: dict = {}
    for X, Y in _chunks(teacher, n, rng, chunk):
        g = _layer_grads(net, X, Y, {l, m}, bufs)
        acc.add(_vec_rows(g[l]), _vec_rows(g[m]))
    return Estimate(*acc.result(), n=n, seed=seed)


def _directional(net: DLN, a, b, As) -> np.ndarray:
    """``y(x) = sum_l <A_l, g_l(x)> = -sum_l b_l^T A_l a_l`` per sample (``g_l = -b_l a_l^T``): one GEMM
    ``b_l A_l`` and a row-wise dot per layer (a three-operand ``einsum`` ran a scalar triple loop, 10x slower)."""
    return -sum(np.einsum("ni,ni->n", bl @ Al, al) for Al, al, bl in zip(As, a, b))


def mc_diffusion(net: DLN, teacher: Teacher, alpha: int, beta: int | None = None, *, n: int, rng=None,
                 eta: float = 1.0, b: int = 1, chunk: int = 8192) -> Estimate:
    """``(eta/b) Cov(y_alpha, y_beta)`` with ``y_a(x) = sum_l <A_{l,a}, g_l(x)>`` the per-sample directional
    gradient: an estimate of ``D_{alpha beta} = (eta/b) a_alpha^T Sigma a_beta`` (Prop. 3.3).  SE from the
    fourth-moment (delta-method) formula for a sample covariance."""
    _check_pair(net, teacher)
    fac = _check_eta_b(eta, b)
    beta = alpha if beta is None else beta
    Aa = mode_jacobian(net, *mode_vectors(teacher, alpha))
    Ab = mode_jacobian(net, *mode_vectors(teacher, _check_alpha(teacher, beta, "beta")))
    n, chunk = _check_n(n), _check_n(chunk, "chunk", 1)
    rng, seed = _rng_seed(rng)
    acc = _CovAcc()
    for X, Y in _chunks(teacher, n, rng, chunk):
        fa, fb = gradient_factors(net, X, Y)
        acc.add(_directional(net, fa, fb, Aa)[:, None], _directional(net, fa, fb, Ab)[:, None])
    val, se = acc.result()
    return Estimate(fac * float(val[0, 0]), fac * float(se[0, 0]), n=n, seed=seed)


def second_order_coefficient(net: DLN, u, v, grads: list[np.ndarray]) -> np.ndarray:
    """``c2 = 0.5 g^T H g`` per sample for stacked per-sample gradients ``grads[l-1]`` of shape
    ``(n, d_l, d_{l-1})``, where ``H`` is the Hessian of ``w = u^T W v``; computed structurally (never ``H``)::

        c2 = sum_{l > m} u^T W_{>l} g_l W_{l-1:m+1} g_m W_{<m} v

    (App. D Eq. 25 with ``H_l = g_l``, ``H_m = g_m``).  It is the ``eta^2`` coefficient of the polynomial
    ``eta -> w(theta - eta g)``.  Returns shape ``(n,)``.
    """
    aboves, belows = net.partials()
    n = grads[0].shape[0]
    h = [np.einsum("nij,i->nj", g, A.T @ u) for g, A in zip(grads, aboves)]   # u^T W_{>l} g_l  (n, d_{l-1})
    out = np.zeros(n)
    for m in range(1, net.depth):
        y = np.einsum("nij,j->ni", grads[m - 1], belows[m - 1] @ v)              # g_m W_{<m} v  (n, d_m)
        for l in range(m + 1, net.depth + 1):
            if l > m + 1:
                y = y @ net.layers[l - 2].T                                       # W_{l-1:m+1} g_m W_{<m} v
            out += np.einsum("nj,nj->n", h[l - 1], y)
    return out


def mc_ito_drift(net: DLN, teacher: Teacher, alpha: int, *, n: int, rng=None, eta: float = 1.0, b: int = 1,
                 chunk: int = 4096) -> Estimate:
    """One-step SGD estimate of the Ito drift ``(eta/(2b)) tr(Sigma Hess w_alpha)`` (Prop. 3.4).

    Why this is the Ito drift: ``w_alpha`` is multilinear in the layers, so for one SGD step with a batch
    gradient ``g_B = g + xi_B`` (``Cov xi_B = Sigma / b``)::

        E[w(theta - eta g_B)] - w(theta) = -eta a^T g + eta^2 E[c2(g_B)] + O(eta^3),
        E[c2(g_B)] = 0.5 g^T H g + 0.5 tr(Sigma H) / b.

    Per unit time ``t = eta k`` (divide by ``eta``) the ``O(eta)`` correction to gradient flow is
    ``eta (E[c2(g_B)] - 0.5 g^T H g) + eta/2 g^T H g``: the first part is exactly the SDE's Ito drift
    ``(eta/(2b)) tr(Sigma H)``; the second, ``(eta/2) g^T H g``, is the deterministic discretisation error of
    GD, which the SDE (1) does not contain, and is subtracted here exactly (``c2`` of the population
    gradient).  Per sample (batch 1), ``c2(x) = 0.5 g_x^T H g_x`` from :func:`second_order_coefficient`;
    the estimate is ``(eta/b) (mean c2(x) - 0.5 g^T H g)`` with SE ``(eta/b) sd(c2)/sqrt(n)``, comparable to
    ``modes.ito_drift(net, teacher, alpha, eta=eta, b=b)``.
    """
    _check_pair(net, teacher)
    fac = _check_eta_b(eta, b)
    u, v = mode_vectors(teacher, alpha)
    n, chunk = _check_n(n), _check_n(chunk, "chunk", 1)
    rng, seed = _rng_seed(rng)
    acc = _MeanAcc()
    bufs: dict = {}
    for X, Y in _chunks(teacher, n, rng, chunk):
        g = _layer_grads(net, X, Y, range(1, net.depth + 1), bufs)
        acc.add(second_order_coefficient(net, u, v, [g[l] for l in range(1, net.depth + 1)]))
    mean, se = acc.result()
    gd = float(second_order_coefficient(net, u, v, [G[None] for G in population_gradient(net, teacher)])[0])
    return Estimate(fac * (float(mean) - gd), fac * float(se), n=n, seed=seed)


def mc_one_step(net: DLN, teacher: Teacher, alpha: int, *, eta: float, n: int, rng=None,
                chunk: int = 4096) -> Estimate:
    """Direct one-sample SGD step: estimate of ``E[w_alpha(theta - eta g_x)] - w_alpha(theta)``, evaluating the
    updated network per sample (``O(L n d^2)``, no expansion).  A cross-check of :func:`mc_ito_drift`."""
    _check_pair(net, teacher)
    eta = _check_eta_b(eta, 1)
    u, v = mode_vectors(teacher, alpha)
    n, chunk = _check_n(n), _check_n(chunk, "chunk", 1)
    rng, seed = _rng_seed(rng)
    w0 = float(u @ net.end_to_end() @ v)
    acc = _MeanAcc()
    bufs: dict = {}
    for X, Y in _chunks(teacher, n, rng, chunk):
        g = _layer_grads(net, X, Y, range(1, net.depth + 1), bufs)
        z = np.broadcast_to(v, (X.shape[0], v.shape[0]))
        for l, W in enumerate(net.layers, start=1):
            z = z @ W.T - eta * np.einsum("nij,nj->ni", g[l], z)
        acc.add(z @ u - w0)
    return Estimate(*(float(x) for x in acc.result()), n=n, seed=seed)


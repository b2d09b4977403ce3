"""Stationary moments of SGD on the full network near a minimum with label noise (first order in beta).

At a point ``theta*`` on the minimum manifold ``W(theta*) = M`` (any depth, any widths >= rank, any gauge,
balanced or not, any PSD ``Sigma_q``), SGD ``theta_{k+1} = theta_k - eta g_B(theta_k)`` fluctuates around
``theta*``.  With ``beta = eta / b``, ``J = [J_1 .. J_L]``, ``J_l = W_{<l}^T kron W_{>l}`` (the Jacobian of
``vec W``), ``H = J^T J`` (Gauss-Newton Hessian = Hessian at a minimum) and the per-sample gradient
covariance at the minimum ``Sigma_1 = J^T (I kron Sigma_q) J``:

* **Covariance** (order ``beta``): ``H C + C H = beta Sigma_1``.  Solved in function space: with
  ``K = J J^T`` (the NTK, ``d_L d_0`` square) and ``Q = I kron Sigma_q``, ``C = J^T A J`` where
  ``K A + A K = beta P Q P`` on ``range(K)`` (``P`` its projector).  So ``Cov(vec(W - M)) = K A K`` and,
  for ``Sigma_q = sigma_q^2 I``, ``A = (beta sigma_q^2 / 2) K^+``, ``Cov(vec(W - M)) = (beta sigma_q^2/2) K``
  and ``C = (beta sigma_q^2 / 2) Pi`` (``Pi`` the projector onto ``range(J^T)``).
* **Flat directions**: ``null(J)`` (the tangent of the minimum manifold -- the gauge -- plus, for a
  rank-deficient teacher, directions along which the loss is quartic).  The noise at the minimum is
  ``J^T xi`` with ``xi = -vec(xi_q x^T)``, so it lies in ``range(J^T)`` and does not reach ``null(J)`` at
  this order; the fluctuation lives in ``range(J^T)``.  What moves the flat directions is the ``O(beta)``
  mean gradient step below (a slow deterministic drift), not a diffusion.
* **Mean** (order ``beta``): the discrete chain satisfies exactly ``E[population gradient] = 0`` along the
  curved directions.  With ``g = J(theta)^T r(theta)``, ``r = vec(W - M) = J dtheta + q(dtheta)/2 + ...``,
  to second order ``J^T E[r] + E[J'[dtheta]^T J dtheta] = 0``, hence
  ``P E[r] = -K^+ J c`` with ``c = E[J'[dtheta]^T J dtheta]`` and ``(I - P) E[r] = (I - P) E[q]/2``.
  The mode amplitude shift is ``E[w_alpha] - s_alpha = (v_alpha kron u_alpha)^T E[r]``.
* **Drift along the manifold** (order ``beta``, per unit time ``t = eta k``): the component of the mean
  gradient in ``null(J)`` is not cancelled by any mean shift: ``d theta*/dt = -(I - Pi) c``.

The discrete chain solves ``H C + C H - eta H C H = beta Sigma_1`` instead (an ``O(eta beta)`` correction;
isotropic ``Sigma_q``: ``C = (beta sigma_q^2/2) (I - eta H/2)^{-1} Pi``).  Every result here is the
leading order: moments carry relative errors ``O(beta) + O(eta)``.

The hot path never forms a ``P x P`` matrix: it works with ``K`` (``d_L d_0`` square) and
``d x d`` products; :func:`network_stationary_dense` is the ``P x P`` reference for small sizes.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._validation import SymdlnInputError, check_positive
from .network import DLN, Teacher, vec

__all__ = ["NetworkStationaryMoments", "network_stationary_moments", "network_stationary_dense", "ntk"]

_REL_RANK_TOL = 1e-10     # eigenvalues of K below this fraction of the largest count as zero (float rounding of
                          # d x d products is ~1e-15 relative; a genuinely curved direction has eigenvalue
                          # >= s_min^(2(L-1)/L), far above this for any sensible teacher)
_MIN_TOL = 1e-8           # |W - M|_F / max(1, |M|_F) above this: the point is not on the minimum manifold

ORDERS = {
    "mean_shift": "beta (error O(beta^2) + O(eta beta))",
    "variance": "beta (error O(beta^2) + O(eta beta))",
    "drift": "beta per unit time t = eta k (error O(beta^2))",
    "function_covariance": "beta",
    "function_mean": "beta",
}


@dataclass(frozen=True)
class NetworkStationaryMoments:
    """First-order stationary moments near ``W = M`` (see the module docstring for the theory).

    ``mean_shift[a] = E[w_a] - s_a`` and ``variance[a] = Var(w_a)`` are ``O(beta)``; ``drift`` (one array per
    layer, shape of ``W_l``) is the ``O(beta)`` velocity ``d theta / dt`` of the base point along the flat
    directions (continuous time ``t = eta k``); ``function_covariance`` is ``Cov(vec(W - M))`` and
    ``function_mean`` is ``E[vec(W - M)]`` (column-major ``vec``).  ``orders`` states each order in beta;
    ``discrete_correction`` the difference between the discrete chain and the continuous Lyapunov equation;
    ``mean_shift_discrete`` / ``variance_discrete`` use the discrete chain's covariance (first order in beta,
    every order in eta: isotropic ``Var(w_a) = T kappa_a / (1 - eta kappa_a / 2)``).
    """
    beta: float
    eta: float
    b: int
    mean_shift: np.ndarray
    variance: np.ndarray
    drift: tuple
    function_covariance: np.ndarray
    function_mean: np.ndarray
    ntk_rank: int
    mean_shift_discrete: np.ndarray = None
    variance_discrete: np.ndarray = None
    orders: dict = field(default_factory=lambda: dict(ORDERS))
    discrete_correction: str = ("the discrete chain solves H C + C H - eta H C H = beta Sigma_1: an O(eta beta) "
                                "correction; for Sigma_q = sigma_q^2 I, C = (beta sigma_q^2/2)(I - eta H/2)^(-1) Pi")

    def balance_rate(self, net: DLN) -> list:
        """``d/dt (W_{l+1}^T W_{l+1} - W_l W_l^T)`` induced by :attr:`drift`, ``l = 1..L-1`` (order beta)."""
        out = []
        for l in range(net.depth - 1):
            A, dA = net.layers[l + 1], self.drift[l + 1]
            B, dB = net.layers[l], self.drift[l]
            out.append(dA.T @ A + A.T @ dA - dB @ B.T - B @ dB.T)
        return out


def _check(net, teacher, eta, b):
    if not isinstance(net, DLN):
        raise SymdlnInputError(f"net must be a symdln.DLN; got {type(net).__name__}")
    if not isinstance(teacher, Teacher):
        raise SymdlnInputError(f"teacher must be a symdln.Teacher; got {type(teacher).__name__}")
    teacher.check_compatible(net)
    eta = check_positive("eta", eta)
    if isinstance(b, bool) or not isinstance(b, (int, np.integer)) or b < 1:
        raise SymdlnInputError(f"b (batch size) must be an integer >= 1; got {b!r}")
    M = teacher.M
    gap = float(np.linalg.norm(net.end_to_end() - M)) / max(1.0, float(np.linalg.norm(M)))
    if gap > _MIN_TOL:
        raise SymdlnInputError(f"net must be on the minimum manifold W = M (relative |W - M|_F <= {_MIN_TOL}); "
                               f"got {gap:.3g}")
    return eta, int(b)


def ntk(net: DLN) -> np.ndarray:
    """``K = J J^T = sum_l (W_{<l}^T W_{<l}) kron (W_{>l} W_{>l}^T)``, shape ``(d_L d_0, d_L d_0)``."""
    above, below = net.partials()
    return sum(np.kron(B.T @ B, A @ A.T) for A, B in zip(above, below))


def _responses(net: DLN, Z: np.ndarray):
    """For ``dtheta = J^T vec(Z)`` (``Z`` of shape ``(..., d_L, d_0)``, a batch): ``J'[dtheta]^T J dtheta`` per
    layer and ``q(dtheta)/2`` as a matrix, batched over the leading axes."""
    L = net.depth
    W = net.layers
    above, below = net.partials()
    dW = [above[l].T @ Z @ below[l].T for l in range(L)]
    R1 = sum(above[l] @ dW[l] @ below[l] for l in range(L))
    batch = Z.shape[:-2]
    dA = [None] * L                           # d W_{>l}
    dA[L - 1] = np.zeros(batch + above[L - 1].shape)
    for l in range(L - 2, -1, -1):
        dA[l] = dA[l + 1] @ W[l + 1] + above[l + 1] @ dW[l + 1]
    dB = [np.zeros(batch + below[0].shape)]   # d W_{<l}
    for l in range(1, L):
        dB.append(dW[l - 1] @ below[l - 1] + W[l - 1] @ dB[l - 1])
    c = [np.swapaxes(dA[l], -1, -2) @ R1 @ below[l].T + above[l].T @ R1 @ np.swapaxes(dB[l], -1, -2)
         for l in range(L)]
    half_q = sum(above[l] @ dW[l] @ dB[l] for l in range(1, L)) if L > 1 else np.zeros_like(R1)
    return c, half_q


def _moments_from_A(net, teacher, Kvals, Kvecs, keep, A_t):
    """Moments from ``A`` (function-space, in K's eigenbasis restricted to ``keep``)."""
    dL, d0 = net.d_out, net.d_in
    Er = Kvecs[:, keep]
    lam = Kvals[keep]
    cov_r = Er @ ((lam[:, None] * A_t) * lam[None, :]) @ Er.T
    mu, F = np.linalg.eigh((A_t + A_t.T) / 2)
    mu = np.clip(mu, 0.0, None)
    L = net.depth
    pos = np.nonzero(mu > 0)[0]
    Ec = [np.zeros_like(w) for w in net.layers]
    Ehq = np.zeros((dL, d0))
    for chunk in np.array_split(pos, max(1, -(-pos.size // 256))):      # batches of <= 256 components
        cols = (Er @ F[:, chunk]) * np.sqrt(mu[chunk])                  # (n, k)
        Z = cols.T.reshape((chunk.size, d0, dL)).transpose(0, 2, 1)     # column-major unvec per component
        c, hq = _responses(net, Z)
        for l in range(L):
            Ec[l] += c[l].sum(axis=0)
        Ehq += hq.sum(axis=0)
    above, below = net.partials()
    Jc = vec(sum(above[l] @ Ec[l] @ below[l] for l in range(L)))
    coef = (Er.T @ Jc) / lam
    mean_range = -(Er @ coef)
    hq = vec(Ehq)
    mean_null = hq - Er @ (Er.T @ hq)
    Er_mean = mean_range + mean_null
    # drift: -(I - Pi) c with Pi = J^T K^+ J (projector onto range(J^T))
    Y = (Er @ coef).reshape((dL, d0), order="F")
    drift = tuple(-(Ec[l] - above[l].T @ Y @ below[l].T) for l in range(L))
    E = np.einsum("ia,ja->aij", teacher.U, teacher.V)          # u_a v_a^T
    ev = np.stack([vec(e) for e in E], axis=1)                 # (n, r)
    shift = ev.T @ Er_mean
    var = np.einsum("ia,ij,ja->a", ev, cov_r, ev)
    return shift, var, drift, cov_r, Er_mean


def network_stationary_moments(net: DLN, teacher: Teacher, *, eta: float, b: int = 1) -> NetworkStationaryMoments:
    """First-order stationary moments of SGD at the minimum ``net`` (``W = M``) with the teacher's label noise.

    Returns per-mode mean shift ``E[w_a] - s_a`` and variance ``Var(w_a)`` (both ``O(beta)``), the drift of
    the base point along the flat (gauge) directions (``O(beta)`` per unit time), and the function-space
    covariance and mean of ``W - M``.  Cost ``O(n^3 + n L^2 d^3)`` with ``n = d_L d_0``; no ``P x P`` matrix.
    """
    eta, b = _check(net, teacher, eta, b)
    with _one_blas_thread():
        return _network_stationary(net, teacher, eta, b)


def _one_blas_thread():
    """Single-threaded BLAS for the small dense algebra here: on a loaded 2-core machine multi-threaded OpenBLAS
    spin-waits (measured: eigh of a 400 x 400 matrix 7.4 s with 2 threads vs 0.08 s with one)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:                    # pragma: no cover - threadpoolctl is a dependency
        import contextlib
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _network_stationary(net, teacher, eta, b):
    beta = eta / b
    K = ntk(net)
    Kvals, Kvecs = np.linalg.eigh(K)
    keep = Kvals > _REL_RANK_TOL * max(float(Kvals.max()), 1e-300)
    Er = Kvecs[:, keep]
    Q = np.kron(np.eye(net.d_in), teacher.Sigma_q)
    lam = Kvals[keep]
    Qt = Er.T @ Q @ Er
    A_t = beta * Qt / (lam[:, None] + lam[None, :])
    shift, var, drift, cov_r, mean_r = _moments_from_A(net, teacher, Kvals, Kvecs, keep, A_t)
    # the discrete chain: K A + A K - eta K A K = beta P Q P (first order in beta, every order in eta)
    den = lam[:, None] + lam[None, :] - eta * lam[:, None] * lam[None, :]
    if np.any(den <= 0):
        raise SymdlnInputError(f"eta must satisfy eta * lambda_max(K) < 2 for SGD to be stable at this minimum; "
                               f"got eta * lambda_max = {eta * lam.max():.3g}")
    shift_d, var_d, _, _, _ = _moments_from_A(net, teacher, Kvals, Kvecs, keep, beta * Qt / den)
    return NetworkStationaryMoments(beta=beta, eta=eta, b=b, mean_shift=shift, variance=var, drift=drift,
                                    function_covariance=cov_r, function_mean=mean_r, ntk_rank=int(keep.sum()),
                                    mean_shift_discrete=shift_d, variance_discrete=var_d)


# -- dense P x P reference (small sizes, tests) ------------------------------------------------------------
def _jacobian_dense(net: DLN) -> np.ndarray:
    above, below = net.partials()
    return np.hstack([np.kron(B.T, A) for A, B in zip(above, below)])


def _second_dense(net: DLN) -> np.ndarray:
    """``T[i, a, b] = d^2 vec(W)_i / d theta_a d theta_b`` by the product rule, shape ``(n, P, P)``."""
    W = net.layers
    L = net.depth
    sizes = [w.size for w in W]
    offs = np.concatenate([[0], np.cumsum(sizes)])
    P = int(offs[-1])
    n = net.d_out * net.d_in
    T = np.zeros((n, P, P))
    for l in range(L):
        for m in range(l):                       # layer l (0-based) above layer m
            mid = np.eye(W[m].shape[0]) if l == m + 1 else net.between(l + 1, m + 1)
            A, B = net.above(l + 1), net.below(m + 1)
            for a in range(sizes[l]):
                Ea = np.zeros(sizes[l]); Ea[a] = 1.0
                Ea = Ea.reshape(W[l].shape, order="F")
                left = A @ Ea @ mid
                for bb in range(sizes[m]):
                    Eb = np.zeros(sizes[m]); Eb[bb] = 1.0
                    val = vec(left @ Eb.reshape(W[m].shape, order="F") @ B)
                    T[:, offs[l] + a, offs[m] + bb] = val
                    T[:, offs[m] + bb, offs[l] + a] = val
    return T


def network_stationary_dense(net: DLN, teacher: Teacher, *, eta: float, b: int = 1, discrete: bool = False) -> dict:
    """Reference: forms ``J``, ``H`` and ``Sigma_1`` (``P x P``), solves the Lyapunov equation on ``range(H)``
    with :func:`scipy.linalg.solve_continuous_lyapunov` (or the discrete one, ``discrete=True``) and the
    second-order stationarity identity with the dense second-derivative tensor.  Small sizes only."""
    eta, b = _check(net, teacher, eta, b)
    with _one_blas_thread():
        return _dense(net, teacher, eta, b, discrete)


def _dense(net, teacher, eta, b, discrete):
    from scipy.linalg import solve_continuous_lyapunov, solve_discrete_lyapunov
    beta = eta / b
    J = _jacobian_dense(net)
    if J.shape[1] > 400:
        raise SymdlnInputError(f"network_stationary_dense is a small-size reference (P <= 400); got P = {J.shape[1]}")
    H = J.T @ J
    Q = np.kron(np.eye(net.d_in), teacher.Sigma_q)
    S1 = J.T @ Q @ J
    hv, hV = np.linalg.eigh(H)
    rng_ = hv > _REL_RANK_TOL * hv.max()
    Pi = hV[:, rng_] @ hV[:, rng_].T
    N = np.eye(H.shape[0]) - Pi
    if discrete:
        Amat = np.eye(H.shape[0]) - eta * H - 0.5 * N          # flat directions damped by hand: no noise there
        C = solve_discrete_lyapunov(Amat, eta * beta * S1)     # C = A C A^T + eta^2 Sigma_1 / b
        C = Pi @ C @ Pi
    else:
        C = solve_continuous_lyapunov(H + N, beta * S1)       # (H+N) C + C (H+N) = beta S1; C lives on range(H)
    T = _second_dense(net)
    Eq = np.einsum("iab,ab->i", T, C)
    Ec = np.einsum("ipb,ic,bc->p", T, J, C)
    rhs = -(0.5 * J.T @ Eq + Ec)
    Edth = np.linalg.lstsq(H, Pi @ rhs, rcond=None)[0]
    Er = J @ Edth + 0.5 * Eq
    ev = np.stack([vec(np.outer(teacher.U[:, a], teacher.V[:, a])) for a in range(teacher.n_modes)], axis=1)
    cov_r = J @ C @ J.T
    drift_flat = -(N @ Ec)
    sizes = [w.size for w in net.layers]
    offs = np.concatenate([[0], np.cumsum(sizes)])
    drift = tuple(drift_flat[offs[l]:offs[l + 1]].reshape(w.shape, order="F") for l, w in enumerate(net.layers))
    return {"mean_shift": ev.T @ Er, "variance": np.einsum("ia,ij,ja->a", ev, cov_r, ev), "drift": drift,
            "function_covariance": cov_r, "function_mean": Er, "C": C, "H": H}

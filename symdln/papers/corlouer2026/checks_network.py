"""Checks of matrix formulas on sampled networks (Props. 3.1-3.4, Apps. B-E).

Every formula is evaluated on a square generic network ``(3,3,3,3)``, a rectangular generic network
``(3,5,2,4)`` (where transposed factors become shape errors) and an aligned + balanced rectangular network
``(3,5,4,2)``, and compared with the numeric core (:mod:`symdln.noise`, :mod:`symdln.modes`) and with the
derivation's closed form (``Derivation.extra["formula"]`` evaluated on the same matrices).
"""
from __future__ import annotations

import numpy as np

from ...verdict import Evidence
from ...checkkit import compare_arrays, shape_failure, try_build
from . import derived_forms
from ._base import PAPER
from .references import aligned_network
from ...checkkit import ALIGNED, symbolic_formula_value

from ...checkkit import matrix_claim as _matrix_claim, mode_uv as _uv, sampled_settings as settings


def _all_layers(net, fn):
    """Per-layer blocks (a list, so that a block of the wrong shape is reported as a shape error)."""
    return [np.asarray(fn(net, l)) for l in range(1, net.depth + 1)]


@PAPER.check("jacobian_x")
def _(claim, spec, *, seed, fast, paper=None):
    rng = np.random.default_rng(seed)

    def ref(net, l, x):
        cols = []
        for j in range(net.widths[l - 1]):
            for i in range(net.widths[l]):
                E = np.zeros((net.widths[l], net.widths[l - 1]))
                E[i, j] = 1.0
                cols.append(net.above(l) @ E @ net.below(l) @ x)
        return np.array(cols).T
    xs = {d: rng.standard_normal(d) for d in (3,)}
    evs = _matrix_claim(claim, spec, seed, lambda n, t: _all_layers(n, lambda nn, l: claim.expr(nn, l, xs[3])),
                        lambda n, t: _all_layers(n, lambda nn, l: ref(nn, l, xs[3])), ref_name="exact d(Wx)/d vec W_l")
    return evs, {"derived": derived_forms.jacobian_x()}


@PAPER.check("gradient")
def _(claim, spec, *, seed, fast, paper=None):
    from ...noise import population_gradient
    evs = _matrix_claim(claim, spec, seed, lambda n, t: _all_layers(n, lambda nn, l: claim.expr(nn, t, l)),
                        lambda n, t: list(population_gradient(n, t)),
                        ref_name="numeric core (the same closed form: agreement by construction)",
                        derived_ref=lambda n, t: [symbolic_formula_value("population_gradient", n, t, l)
                                                  for l in range(1, n.depth + 1)])
    # the numeric core's population_gradient is the same closed form as the printed G_l, so that comparison
    # is true by construction; central differences of the population loss are the independent check
    evs += [_fd_gradient_evidence(claim, label, net, t) for label, net, t in settings(seed, True)]
    return evs


def _fd_gradient_evidence(claim, label, net, t, h=1e-6):
    """Printed G_l against central differences of the population loss 0.5 ||M - W||_F^2 + 0.5 tr Sigma_q."""
    from ...network import population_loss
    fd = []
    for l in range(1, net.depth + 1):
        Wl = net.layers[l - 1]
        G = np.empty_like(Wl)
        for idx in np.ndindex(*Wl.shape):
            E = np.zeros_like(Wl)
            E[idx] = h
            up = [W + E if k == l - 1 else W for k, W in enumerate(net.layers)]
            dn = [W - E if k == l - 1 else W for k, W in enumerate(net.layers)]
            G[idx] = (population_loss(net.with_layers(up), t) - population_loss(net.with_layers(dn), t)) / (2 * h)
        fd.append(G)
    val, err = try_build(lambda n, tt: _all_layers(n, lambda nn, l: claim.expr(nn, tt, l)), net, t)
    if err is not None:
        return shape_failure(f"{label} (vs central differences)", err)
    # central differences of an O(1) polynomial loss: truncation O(h^2) ~ 1e-12, cancellation ~ 1e-16/h ~ 1e-10;
    # 1e-7 relative leaves three orders of headroom
    return compare_arrays(f"{label}: printed G_l vs central differences of the population loss", val, fd,
                          ref_name="finite differences", rtol=1e-7)


@PAPER.check("gl_invariance")
def _(claim, spec, *, seed, fast, paper=None):
    from ...network import population_loss
    rng = np.random.default_rng(seed)
    evs = []
    for label, net, t in settings(seed):
        for l in range(2, net.depth + 1):
            P = rng.standard_normal((net.widths[l], net.widths[l])) + 3 * np.eye(net.widths[l])
            val, err = try_build(claim.expr, net, l, P)
            ref = net.layer(l) @ net.layer(l - 1)
            evs.append(shape_failure(f"{label}, l={l}, P in GL_{{d_l}}", err) if err else
                       compare_arrays(f"{label}, l={l}", val, ref))
            Q = rng.standard_normal((net.widths[l - 1],) * 2) + 3 * np.eye(net.widths[l - 1])
            layers = list(net.layers)
            layers[l - 1], layers[l - 2] = layers[l - 1] @ np.linalg.inv(Q), Q @ layers[l - 2]
            new = net.with_layers(layers)
            evs.append(compare_arrays(f"{label}, l={l}: loss with P in GL_{{d_(l-1)}}", population_loss(new, t),
                                      population_loss(net, t), scope="condition", rtol=1e-8))
    return evs, {"derived": derived_forms.gl_invariance()}


def _A_all(net, t, fn):
    u, v = _uv(t)
    return np.concatenate([np.ravel(fn(net, u, v, l)) for l in range(1, net.depth + 1)])


@PAPER.check("mode_gradient")
def _(claim, spec, *, seed, fast, paper=None):
    from ...modes import mode_jacobian
    build = (lambda n, t: _A_all(n, t, claim.expr)) if callable(claim.expr) else \
        (lambda n, t: _A_all(n, t, lambda nn, u, v, l: np.outer(nn.above(l).T @ u, nn.below(l) @ v)))

    def fd(net, t):   # exact: w is linear in W_l, so the gradient is read off from basis perturbations
        u, v = _uv(t)
        out = []
        for l in range(1, net.depth + 1):
            G = np.zeros((net.widths[l], net.widths[l - 1]))
            for i in range(G.shape[0]):
                for j in range(G.shape[1]):
                    E = np.zeros_like(G)
                    E[i, j] = 1.0
                    G[i, j] = u @ net.above(l) @ E @ net.below(l) @ v
            out.append(np.ravel(G))
        return np.concatenate(out)
    evs = _matrix_claim(claim, spec, seed, build, fd, ref_name="exact derivative",
                        derived_ref=lambda n, t: np.concatenate([np.ravel(A) for A in mode_jacobian(n, *_uv(t))]))
    return evs


@PAPER.check("appE_a_vec")
def _(claim, spec, *, seed, fast, paper=None):
    from ...modes import mode_vector
    build = lambda n, t: _A_all(n, t, lambda nn, u, v, l: np.kron(nn.below(l) @ v, nn.above(l).T @ u))  # noqa: E731
    return _matrix_claim(claim, spec, seed, build, lambda n, t: mode_vector(n, *_uv(t)))


@PAPER.check("diffusion_general")
def _(claim, spec, *, seed, fast, paper=None):
    from ...modes import diffusion, mode_vector
    from ...noise import sigma_dense
    eta_ = 0.02

    def literal(net, t):
        a = [mode_vector(net, *_uv(t, k)) for k in (0, 1)]
        S = sigma_dense(net, t)
        return np.array([eta_ * a[i] @ S @ a[j] for i in (0, 1) for j in (0, 1)])
    ref = lambda n, t: np.array([diffusion(n, t, i, j, eta=eta_) for i in (0, 1) for j in (0, 1)])  # noqa: E731
    der = lambda n, t: np.array([symbolic_formula_value(  # noqa: E731
        "diffusion_general", n, t, t.U[:, i], t.V[:, i], t.U[:, j], t.V[:, j], scale=eta_)
        for i in (0, 1) for j in (0, 1)])
    evs = _matrix_claim(claim, spec, seed, literal, ref, ref_name="structured D (numeric core)", derived_ref=der)
    return evs


@PAPER.check("ntk_diffusion")
def _(claim, spec, *, seed, fast, paper=None):
    from ...modes import diffusion
    from .sec2_3 import J_correct, ntk_diffusion_with
    def nolabel(t):
        return t.with_label_noise(np.zeros_like(t.Sigma_q))
    b_p = lambda n, t: claim.expr(n, nolabel(t), *_uv(t, 0), *_uv(t, 1))  # noqa: E731
    b_c = lambda n, t: ntk_diffusion_with(J_correct)(n, nolabel(t), *_uv(t, 0), *_uv(t, 1))  # noqa: E731
    ref = lambda n, t: diffusion(n, nolabel(t), 0, 1)  # noqa: E731
    return _matrix_claim(claim, spec, seed, b_p, ref, cond_build=b_c)


@PAPER.check("langevin_diffusion")
def _(claim, spec, *, seed, fast, paper=None):
    from ...modes import mode_vector
    from .sec2_3 import J_correct, langevin_diffusion_with
    ref = lambda n, t: 0.3 * 2.0 * mode_vector(n, *_uv(t, 0)) @ mode_vector(n, *_uv(t, 1))  # noqa: E731
    b_p = lambda n, t: claim.expr(n, *_uv(t, 0), *_uv(t, 1), eta_=0.3, sigma2=2.0)  # noqa: E731
    b_c = lambda n, t: langevin_diffusion_with(J_correct)(n, *_uv(t, 0), *_uv(t, 1), eta_=0.3, sigma2=2.0)  # noqa
    return _matrix_claim(claim, spec, seed, b_p, ref, cond_build=b_c, ref_name="eta sigma^2 <a_a, a_b>")


def _hess_ref(net, u, v, l, m):
    """Exact block: entry [(i,j),(k,q)] = u^T W_{>l} E_ij W_{l-1:m+1} E_kq W_{<m} v (column-major vec)."""
    a = net.above(l).T @ u            # d_l
    c = net.below(m) @ v              # d_{m-1}
    Wb = net.between(l, m)            # d_{l-1} x d_m
    # D^2 f[E_ij, E_kq] = a_i Wb[j, k] c_q
    H = np.einsum("i,jk,q->jikq", a, Wb, c)   # index order (j, i) for column-major vec of W_l, (q, k) for W_m
    H = np.einsum("jikq->jiqk", H)
    return H.reshape(net.widths[l - 1] * net.widths[l], net.widths[m - 1] * net.widths[m])


@PAPER.check("hessian")
def _(claim, spec, *, seed, fast, paper=None):
    build = claim.expr if callable(claim.expr) else None
    from .sec2_3 import hessian_block_printed
    build = build or hessian_block_printed

    def allb(n, t, fn):
        u, v = _uv(t)
        return np.concatenate([np.ravel(fn(n, u, v, l, m)) for l in range(2, n.depth + 1) for m in range(1, l)])
    evs = _matrix_claim(claim, spec, seed, lambda n, t: allb(n, t, build), lambda n, t: allb(n, t, _hess_ref),
                        ref_name="exact second derivative",
                        derived_ref=lambda n, t: allb(n, t, lambda nn, u, v, l, m: symbolic_formula_value(
                            "mode_hessian_block", nn, t, u, v, l, m)))
    from .text import hessian_by_differences
    for label, net, t in settings(seed):
        # mode_hessian_dense builds H from Prop. 3.4's block formula, whose diagonal blocks are zero by
        # construction; the independent evidence is the Hessian from second differences of u^T W v
        H = hessian_by_differences(net, *_uv(t))
        offs = np.cumsum((0,) + tuple(net.widths[i] * net.widths[i + 1] for i in range(net.depth)))
        diag = max(float(np.max(np.abs(H[offs[i]:offs[i + 1], offs[i]:offs[i + 1]]))) for i in range(net.depth))
        scale = max(float(np.max(np.abs(H))), 1e-300)
        # second differences of an O(1) multilinear form: exact up to rounding (~1e-15 relative)
        evs.append(Evidence("consistency", diag <= 1e-10 * scale, f"{label}: diagonal blocks vanish (max |H_ll| = "
                            f"{diag:.1e} vs max |H| = {scale:.2f}; H from second differences, not the block formula)",
                            {}))
    return evs


@PAPER.check("gamma")
def _(claim, spec, *, seed, fast, paper=None):
    evs = []
    for widths in (ALIGNED, (2, 2, 2, 2)):
        net, t = aligned_network(seed, widths)
        u = t.U[:, 0]
        L = net.depth
        vals = []
        for l in range(1, L + 1):
            for m in range(1, L + 1):
                if l == m:
                    continue
                v, err = try_build(claim.expr, net, t, u, l, m)
                if err:
                    evs.append(shape_failure(f"aligned {widths}: Gamma_({l},{m})", err))
                    break
                vals.append(v)
            else:
                continue
            break
        else:
            sig2 = float(t.Sigma_q[0, 0])
            evs.append(compare_arrays(f"aligned {widths}: Gamma_lm = sigma_q^2", vals, [sig2] * len(vals)))
    # the label factor the derivation actually needs: u^T W_>l W_>l^T Sigma_q W_>m W_>m^T u / (norms)
    net, t = aligned_network(seed)
    u = t.U[:, 0]
    vals, refs = [], []
    for l in range(1, net.depth + 1):
        for m in range(1, net.depth + 1):
            pl, pm = net.above(l) @ (net.above(l).T @ u), net.above(m) @ (net.above(m).T @ u)
            vals.append(float(pl @ t.Sigma_q @ pm) / float(np.linalg.norm(pl) * np.linalg.norm(pm)))
            refs.append(float(t.Sigma_q[0, 0]))
    evs.append(compare_arrays("label factor p_l^T Sigma_q p_m / (|p_l||p_m|) (derived form)", vals, refs, scope="info"))
    return evs, {"derived": derived_forms.gamma_label_factor()}

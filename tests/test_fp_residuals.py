"""The 1-d Fokker-Planck residuals (Prop. 5.1) vanish for the true transition densities and reject mutants."""
import sympy as sp

from symdln.papers.corlouer2026.references_symbolic import _fp_over_p, fp_1d_gbm_residual, fp_1d_ou_residual


def test_true_densities_solve_the_printed_equation():
    assert fp_1d_ou_residual(None) == 0
    assert fp_1d_gbm_residual(None) == 0


def _ou(mean_rate_sign=1, var_factor=1):
    x, tt = sp.Dummy("x", real=True), sp.Dummy("tau", positive=True)
    k, m, d, x0 = (sp.Dummy(n, positive=True) for n in ("k", "m", "d", "x0"))
    mean = m + (x0 - m) * sp.exp(-k * tt)
    var = var_factor * d / (2 * k) * (1 - sp.exp(-2 * k * tt))
    log_p = -(x - mean) ** 2 / (2 * var) - sp.log(2 * sp.pi * var) / 2
    return sp.simplify(_fp_over_p(log_p, -mean_rate_sign * k * (x - m), d, x, tt))


def test_mutants_are_rejected():
    assert _ou() == 0
    assert _ou(mean_rate_sign=-1) != 0          # drift of the wrong sign
    assert _ou(var_factor=2) != 0               # diffusion off by a factor 2 (the 1/2 of the equation dropped)


def test_matches_dividing_the_derivatives_of_p():
    """The log-derivative route equals (p_t + (mu p)_x - (D p)_xx/2)/p computed directly, for a generic log p."""
    x, tt = sp.symbols("x tau", real=True)
    log_p = -x ** 2 * tt + sp.sin(x) * tt ** 2
    mu, D = -3 * x, 1 + x ** 2
    p = sp.exp(log_p)
    direct = (sp.diff(p, tt) + sp.diff(mu * p, x) - sp.diff(D * p, x, 2) / 2) / p
    assert sp.simplify(_fp_over_p(log_p, mu, D, x, tt) - direct) == 0

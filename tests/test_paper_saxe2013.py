"""The saxe2013 plug-in: registration, the expected verdict table from the claims' own evidence, and a mutation
(a wrong exponent, a dropped factor, a transposed matrix) rejected by every check."""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from symdln.papers import available, load
from symdln.symbolic.symbols import s, t
from symdln.verify.checks import load_kinds

from _paper_helpers import check_cli, decisive, outcome, run

P = load("saxe2013")


def test_registered_with_locations_checks_and_expected_table():
    assert "saxe2013" in available() and P.citation.arxiv == "1312.6120"
    assert len(P.claims()) == 22
    for c in P.claims():
        assert P.spec(c.id).check in set(P.checks) | set(load_kinds()), c.id
        assert c.id in P.expected and c.location.startswith("Sec. "), c.id
        if P.expected[c.id] != "confirmed":
            assert c.id in P.severity
    assert P.get("eq.15").location == "Sec. 2, Eq. (15) (from the energy of Eq. (14) on a_i(0) = a_0)"
    assert "@article{saxe2013" in P.citation.bibtex()
    from symdln.verify.coverage import problems
    assert problems(P) == []          # every claim named by a coverage entry; every other item has a reason


CHEAP = ["eq.2", "eq.5-6", "eq.8-9", "eq.10", "eq.11", "eq.11-limit", "eq.12", "eq.13", "sec2.product", "eq.15",
         "sec2.integrable",
         "eq.16", "eq.17", "sec2.time-to-zero", "sec2.alpha-opt", "sec2.depth-delay", "sec3.depth-independent",
         "sec3.orthogonal-products"]


@pytest.mark.parametrize("cid", CHEAP)
def test_expected_verdict_from_evidence(cid):
    assert outcome(run(P, cid)) == P.expected[cid]


@pytest.mark.slow
@pytest.mark.parametrize("cid", ["sec1.2.fixed-points", "eq.7", "sec3.gaussian-norm", "sec3.gaussian-products"])
def test_expected_verdict_from_evidence_sampled(cid):
    assert outcome(run(P, cid, fast=False)) == P.expected[cid]


def _fails(evs, scope="printed"):
    """Some decisive evidence failed (printed scope; condition scope for claims decided under a condition)."""
    d = decisive(evs, scope) or decisive(evs, "condition")
    return bool(d) and not all(e.passed for e in d)


from symdln.papers.saxe2013.checks_modes import _a, _b  # noqa: E402
from symdln.papers.saxe2013._evidence import N_l, eps, tau, u, u0, uf  # noqa: E402

MUTANTS = {
    "eq.2": lambda W21, W32, S31, S11: [W32.T @ (S31 - W32 @ W21), (S31 - W32 @ W21) @ W21.T],      # Sigma11 dropped
    "eq.8-9": (_a * (s - _a * _b), _b * (s - _a * _b)),                                               # a <-> b
    "eq.10": u * (s - u),                                                                              # factor 2 dropped
    "eq.11": tau / s * sp.log(uf * (s - u0) / (u0 * (s - uf))),                                       # 1/(2s) -> 1/s
    "eq.11-limit": tau / (2 * s) * sp.log(s / eps),
    "eq.12": s * sp.exp(s * t / tau) / (sp.exp(s * t / tau) - 1 + s / u0),                            # 2st -> st
    "eq.15": (N_l - 1) * u ** (2 - 2 / N_l) * (s - u),                                                # wrong exponent
    "eq.16": N_l * u ** 3 * (s - u),
    "eq.17": tau / N_l * (sp.log(uf * (u0 - s) / (u0 * (uf - s))) + 1 / (s * u0) - 1 / (s * uf)),    # 1/s^2 dropped
    "sec2.integrable": lambda K: 1.0,                                                                  # wrong time
    "sec2.time-to-zero": lambda n: 6.9,                                                                # no decay
    "sec2.depth-delay": sp.log(s / eps),                                                               # wrong order
    "sec3.depth-independent": 1e-3,                                                                    # small u_0
    "sec3.orthogonal-products": lambda K, rng: float(np.abs(np.linalg.svd(
        np.linalg.multi_dot([rng.standard_normal((40, 40)) / np.sqrt(40) for _ in range(max(K, 2))]),
        compute_uv=False) - 1).max()),                                                                 # Gaussian instead
}


@pytest.mark.parametrize("cid", sorted(MUTANTS))
def test_mutation_rejected(cid):
    assert _fails(run(P, cid, variant=MUTANTS[cid]))


def test_mutations_of_matrix_formulas_rejected():
    # Eq. (13) without the transpose of the upstream product: a shape failure at rectangular widths
    from symdln.papers.saxe2013.checks_network import prod
    bad = lambda Ws, S31, S11, l: (prod(Ws, l + 1, len(Ws)) @ (S31 - prod(Ws, 1, len(Ws)) @ S11)  # noqa: E731
                                   @ prod(Ws, 1, l - 1).T)
    ev = run(P, "eq.13", variant=bad)
    assert _fails(ev) and ev[0].kind == "shape"
    # the competition term of Eq. (5) with the wrong sign
    from symdln.papers.saxe2013 import checks_network as cn  # noqa: F401
    flip = lambda A, B, sv, k: ((sv[k] - (A[k].T * B[k])[0]) * B[k] + sum(  # noqa: E731
        (B[g] * (A[k].T * B[g])[0] for g in range(3) if g != k), sp.zeros(2, 1)),
        (sv[k] - (A[k].T * B[k])[0]) * A[k] - sum((A[g] * (B[k].T * A[g])[0] for g in range(3) if g != k),
                                                  sp.zeros(2, 1)))
    assert _fails(run(P, "eq.5-6", variant=flip))
    # the product convention: the reading W^b ... W^(a+1) W^a passes, the printed list does not
    assert not _fails(run(P, "sec2.product", variant=lambda a, b: [b, b - 1, a + 1, a]))
    assert _fails(run(P, "sec2.product"))
    # alpha_opt: a 1/(N_l^2 s^2) scale is rejected (condition-scope evidence)
    assert _fails(run(P, "sec2.alpha-opt", variant=1 / (N_l ** 2 * s ** 2)), "condition")


@pytest.mark.slow
def test_sampled_mutations_rejected():
    assert _fails(run(P, "sec1.2.fixed-points", variant=(0, 2)))
    assert _fails(run(P, "sec3.gaussian-norm", variant=lambda n: 1 / n))
    assert _fails(run(P, "sec3.gaussian-products", variant=(16, 4, 1)))


def _engine_takes_paper():
    from symdln.verify import engine
    return "paper" in inspect.signature(engine.verify_claim).parameters


def test_cli_verifies_one_claim_through_the_engine(capsys):
    check_cli(P, capsys, "sec2.product")


@pytest.mark.slow
def test_cli_verify_paper_end_to_end(capsys):
    check_cli(P, capsys)

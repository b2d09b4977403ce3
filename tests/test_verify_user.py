"""``symdln.verify(candidate, quantity)`` on a researcher's own formula (issue 10, defect 3).

An ``Eq`` is decided as an equation (both sides), the user's own symbols are matched by name onto the
library's declared symbols, unknown/ambiguous names and unknown quantities are refused with the valid
choices listed, and ``quantity`` is required.
"""
import pytest
import sympy as sp

import symdln
from symdln import SymdlnInputError
from symdln.symbolic import derive

Q = "diffusion_aligned"


@pytest.fixture(scope="module")
def D():
    return derive(Q).expr


@pytest.mark.parametrize("make", [lambda D: sp.Eq(2 * D, D), lambda D: sp.Eq(7, D), lambda D: sp.Eq(D, 7),
                                  lambda D: sp.Eq(D, D * (1 + sp.Symbol("w") / 1000))])
def test_wrong_equation_is_refuted(D, make):
    v = symdln.verify(make(D), quantity=Q)
    assert v.verdict == "refuted", v.reason
    assert "hand side" in v.reason


def test_right_equation_is_confirmed(D):
    v = symdln.verify(sp.Eq(D, sp.expand(D)), quantity=Q)
    assert v.verdict == "confirmed", v.reason
    assert {e.data.get("side") for e in v.evidence} == {"left", "right"}


def test_users_own_symbols_mean_the_library_symbols(D):
    L, beta, s, w, sigma_q = sp.symbols("L beta s w sigma_q")
    mine = L**2 * beta * w**((4 * L - 4) / L) * (sigma_q**2 + 2 * (s - w)**2)
    assert symdln.verify(mine, quantity=Q).verdict == "confirmed"
    # same verdict as with the library's symbols, for a wrong variant too (mutation: sigma_q^2 -> sigma_q)
    wrong_mine = mine.subs(sigma_q**2, sigma_q)
    wrong_lib = D.subs(sp.Symbol("sigma_q", positive=True) ** 2, sp.Symbol("sigma_q", positive=True))
    assert symdln.verify(wrong_mine, quantity=Q).verdict == "refuted"
    assert symdln.verify(D.xreplace({x: sp.Symbol(x.name) for x in D.free_symbols}), quantity=Q).verdict == \
        symdln.verify(D, quantity=Q).verdict == "confirmed"
    del wrong_lib


def test_unknown_and_ambiguous_symbols_are_refused_with_the_expected_list(D):
    with pytest.raises(SymdlnInputError, match=r"unknown symbol 'kappa'.*L, beta, s, sigma_q, w"):
        symdln.verify(D + sp.Symbol("kappa"), quantity=Q)
    with pytest.raises(SymdlnInputError, match=r"did you mean sigma_q"):
        symdln.verify(D + sp.Symbol("sigma_"), quantity=Q)
    with pytest.raises(SymdlnInputError, match="'s' is declared with assumptions that contradict"):
        symdln.verify(D + sp.Symbol("s", negative=True), quantity=Q)
    with pytest.raises(SymdlnInputError, match="undefined functions"):
        symdln.verify(D + sp.Function("f")(sp.Symbol("w")), quantity=Q)


def test_quantity_is_required_and_checked(D):
    with pytest.raises(TypeError):
        symdln.verify(D)  # no silent default quantity
    with pytest.raises(SymdlnInputError, match=r"valid: .*diffusion_aligned"):
        symdln.verify(D, quantity="difusion_aligned")
    with pytest.raises(SymdlnInputError, match="valid:"):
        symdln.verify(D, quantity=["diffusion_aligned"])


def test_other_relations_and_pre_evaluated_equations_are_refused(D):
    with pytest.raises(SymdlnInputError, match="relation"):
        symdln.verify(D < 1, quantity=Q)
    with pytest.raises(SymdlnInputError, match="evaluated to True"):
        symdln.verify(sp.Eq(D, D), quantity=Q)


def test_package_verify_is_the_user_function():
    import symdln.verify
    from symdln.verify.user import verify as user_verify
    assert symdln.verify.verify is user_verify

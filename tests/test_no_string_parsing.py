"""symdln never parses strings into SymPy expressions (no eval/sympify of untrusted text).

Each entry point that ends in ``sympify`` refuses a string; rational strings are read with
``fractions.Fraction`` only.  The payload would print a marker if it were ever evaluated.
"""
import pytest
import sympy as sp

from symdln import SymdlnInputError
from symdln._validation import rational_from_string

PAYLOAD = "__import__('os').system('echo PWNED')"


def test_rational_from_string_is_exact_and_parser_free():
    assert rational_from_string("x", "2/3") == sp.Rational(2, 3)
    assert rational_from_string("x", "0.25") == sp.Rational(1, 4)
    with pytest.raises(SymdlnInputError, match="rational number"):
        rational_from_string("x", PAYLOAD)


def test_entry_points_refuse_strings(capfd):
    import symdln
    from symdln.stationary_density import coefficient_callables
    from symdln.symbolic._aligned_check import exact_rational
    from symdln.symbolic._linalg import is_zero
    from symdln.verify.dimension import check_dimension

    with pytest.raises(SymdlnInputError):
        symdln.verify(PAYLOAD, quantity="diffusion_aligned")
    with pytest.raises(SymdlnInputError):
        coefficient_callables(PAYLOAD, "1", L=2, s=1, sigma_q="1/10", beta="1/100")
    with pytest.raises(SymdlnInputError):
        exact_rational(PAYLOAD)
    with pytest.raises(SymdlnInputError):
        is_zero(PAYLOAD)
    with pytest.raises(SymdlnInputError):
        check_dimension(PAYLOAD, "drift")
    assert "PWNED" not in capfd.readouterr().out


def test_mutation_sympify_would_evaluate_the_payload(capfd):
    """The refusal matters: SymPy's parser evaluates the payload (so a guard-free path is not safe)."""
    try:
        sp.sympify(PAYLOAD)
    except Exception:
        pass
    assert "PWNED" in capfd.readouterr().out

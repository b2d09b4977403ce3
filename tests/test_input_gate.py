"""The one gate to SymPy (``symdln._validation.to_sympy`` / ``reject_text``): text is refused at any depth.

The payload creates a file if SymPy's parser ever evaluates it; every test asserts a SymdlnInputError *and*
that the file was not created.  Each entry point below executed the nested payload before the gate was
made recursive (issue 10, defect 2).
"""
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

import symdln
from symdln import SymdlnInputError
from symdln._validation import to_sympy

MARK = "PWNED_gate_marker"
PAYLOAD = f"__import__('pathlib').Path('{MARK}').touch()"


def _shapes(p):
    """The payload inside every container shape the gate must walk."""
    return {
        "list": [p], "tuple": (1, p), "dict value": {1: p}, "dict key": {p: 1}, "set": {p},
        "nested list": [[1, [p]]], "tuple in dict": {"k": (0, [p])}, "frozenset": frozenset([p]),
        "object array": np.array([1, p], dtype=object), "str array": np.array([p]),
        "bytes": p.encode(), "nested bytes": [[p.encode()]],
    }


SHAPES = _shapes(PAYLOAD)


@pytest.fixture
def cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    assert not (tmp_path / MARK).exists(), "the payload ran"


def test_mutation_the_payload_runs_when_parsed(cwd):
    """Not vacuous: SymPy's parser does run the payload nested in a list (so a top-level-only check is unsafe)."""
    sp.sympify([PAYLOAD])
    assert (cwd / MARK).exists()
    (cwd / MARK).unlink()


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_gate_refuses_text_at_any_depth(cwd, shape):
    with pytest.raises(SymdlnInputError, match="not text"):
        to_sympy("x", SHAPES[shape])


def _entry_points():
    from symdln.stationary_density import coefficient_callables, expansion_check
    from symdln.symbolic._aligned_check import aligned_net, exact_rational
    from symdln.symbolic._linalg import is_zero
    from symdln.symbolic.symbols import s, w
    from symdln.verify.dimension import check_dimension
    return {
        "verify assumptions": lambda p: symdln.verify(w * s, quantity="diffusion_aligned", assumptions={s: p}),
        "verify candidate": lambda p: symdln.verify(p, quantity="diffusion_aligned"),
        "verify.user.verify": lambda p: __import__("symdln.verify.user", fromlist=["verify"]).verify(
            w, "diffusion_aligned", {s: p}),
        "exact_rational": exact_rational,
        "is_zero": is_zero,
        "check_dimension": lambda p: check_dimension(p, "drift"),
        "aligned_net r": lambda p: aligned_net((3, 3), [p], (1,)),
        "aligned_net sigma_q": lambda p: aligned_net((3, 3), (1,), (1,), sigma_q=p),
        "coefficient_callables": lambda p: coefficient_callables(p, w, L=2, s=1, sigma_q="1/10", beta="1/100"),
        "coefficient_callables L": lambda p: coefficient_callables(w, w, L=p, s=1, sigma_q="1/10", beta="1/100"),
        "expansion_check": lambda p: expansion_check("variance", 2, 1, "1/10", [0.01, 0.02],
                                                     coefficients=(w, p)),
    }


ENTRY = sorted(_entry_points())


@pytest.mark.parametrize("entry", ENTRY)
@pytest.mark.parametrize("shape", ["list", "tuple", "dict value", "dict key", "nested list", "object array"])
def test_entry_points_refuse_nested_text(cwd, entry, shape):
    fn = _entry_points()[entry]
    with pytest.raises(SymdlnInputError):
        fn(SHAPES[shape])


def _freeze(x):
    if isinstance(x, list | tuple):
        return tuple(_freeze(v) for v in x)
    if isinstance(x, dict):
        return frozenset((k, _freeze(v)) for k, v in x.items())
    if isinstance(x, set | frozenset):
        return frozenset(_freeze(v) for v in x)
    if isinstance(x, np.ndarray):
        return tuple(_freeze(v) for v in x.tolist())
    return x


def _containers(leaf):
    numbers = st.lists(st.integers(-3, 3) | st.fractions(max_denominator=5), max_size=3)

    def extend(c):
        insert = st.tuples(numbers, c, st.integers(0, 3)).map(lambda t: t[0][:t[2]] + [t[1]] + t[0][t[2]:])
        return (insert | insert.map(tuple) | st.builds(lambda x: {0: x}, c) | st.builds(lambda x: {_freeze(x): 1}, c)
                | st.builds(lambda x: {_freeze(x)}, c)
                | st.builds(lambda x: np.array([0, x, None], dtype=object)[:2], c))
    return st.recursive(st.just(leaf), extend, max_leaves=6)


@settings(max_examples=25, deadline=None)
@given(_containers(PAYLOAD))
def test_property_no_nested_text_reaches_sympy(tmp_path_factory, value):
    import os
    d = tmp_path_factory.mktemp("gate")
    old = os.getcwd()
    os.chdir(d)
    try:
        from symdln.symbolic._aligned_check import exact_rational
        from symdln.symbolic._linalg import is_zero
        for fn in (lambda v: to_sympy("v", v), exact_rational, is_zero):
            with pytest.raises(SymdlnInputError):
                fn(value)
        assert not (d / MARK).exists()
    finally:
        os.chdir(old)


def test_gate_keeps_numbers_exact():
    from fractions import Fraction
    out = to_sympy("v", [1, Fraction(2, 3), (np.int64(4),), {1: 0.5}])
    assert out[0] == 1 and out[1] == sp.Rational(2, 3) and out[2] == (4,) and out[3] == {1: sp.Float(0.5)}
    assert to_sympy("v", np.arange(4).reshape(2, 2)) == sp.Matrix([[0, 1], [2, 3]])
    with pytest.raises(SymdlnInputError, match="got object"):
        to_sympy("v", object())

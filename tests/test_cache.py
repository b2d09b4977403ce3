"""The on-disk derivation cache: safe storage, exact round trip, private folder, automatic invalidation."""
from __future__ import annotations

import json
import os
import stat

import pytest
import sympy as sp

from symdln import _diskcache
from symdln.symbolic import _cache, _serial, derive
from symdln.symbolic._simp import simplify as memo_simplify


@pytest.fixture
def private_cache(tmp_path, monkeypatch):
    root = tmp_path / "cache"
    monkeypatch.setenv("SYMDLN_CACHE_DIR", str(root))
    monkeypatch.setattr(_diskcache, "_enabled", None)
    monkeypatch.delenv("SYMDLN_NO_CACHE", raising=False)
    return root


@pytest.mark.parametrize("q", ["diffusion_aligned", "batch_covariance_online", "noise_covariance_block"])
def test_round_trip_is_exact(q):
    """decode(encode(d)) == d, including an unevaluated Eq(a, a) step and stored reference functions."""
    d = derive(q)
    back = _serial.decode(json.loads(json.dumps(_serial.encode(d))))
    assert back == d
    assert [sp.srepr(s.expr) for s in back.steps] == [sp.srepr(s.expr) for s in d.steps]


def test_store_load_private_and_atomic(private_cache):
    d = derive("diffusion_aligned")
    assert _cache.store("diffusion_aligned", d)
    folder = _cache._folder()
    assert stat.S_IMODE(os.stat(private_cache).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert sorted(p.name for p in folder.iterdir()) == ["diffusion_aligned.json"]   # no temp file left
    assert _cache.load("diffusion_aligned") == d


def test_stale_key_and_wrong_quantity_are_ignored(private_cache):
    d = derive("batch_covariance_online")
    assert _cache.store("batch_covariance_online", d)
    path = _cache._folder() / "batch_covariance_online.json"
    blob = json.loads(path.read_text())
    blob["key"] = "0" * 64
    path.write_text(json.dumps(blob))
    assert _cache.load("batch_covariance_online") is None
    blob["key"] = _cache.source_key()
    path.write_text(json.dumps(blob))
    assert _cache.load("batch_covariance_online") == d
    os.replace(path, _cache._folder() / "diffusion_aligned.json")     # right key, wrong quantity
    assert _cache.load("diffusion_aligned") is None


@pytest.mark.parametrize("payload", [
    {"f": "eval", "a": ["__import__('os').system('touch PWNED')"]},          # not a SymPy class
    {"fn": ["os", "system"]},                                                # callable outside symdln.symbolic
    {"fn": ["symdln.symbolic.result", "__class__.__subclasses__"]},         # not a plain name path
    {"U": "os.system", "a": []},                                             # function name not an identifier
    {"f": "Symbol", "a": [{"Str": "x"}]} | {"extra": 1},                     # unknown node
    "x+1",                                                                   # a string stays a string, never parsed
])
def test_tampered_entries_never_execute(private_cache, tmp_path, monkeypatch, payload):
    monkeypatch.chdir(tmp_path)
    d = derive("batch_covariance_online")
    assert _cache.store("batch_covariance_online", d)
    path = _cache._folder() / "batch_covariance_online.json"
    blob = json.loads(path.read_text())
    blob["value"]["v"]["expr"] = payload
    path.write_text(json.dumps(blob))
    got = _cache.load("batch_covariance_online")
    assert got is None or got.expr == payload          # rejected, or inert data (the plain string)
    assert not (tmp_path / "PWNED").exists()


def test_disabled_cache_reads_and_writes_nothing(private_cache):
    _cache.set_enabled(False)
    try:
        assert not _cache.store("diffusion_aligned", derive("diffusion_aligned"))
        assert _cache.load("diffusion_aligned") is None
        assert not private_cache.exists()
    finally:
        _cache.set_enabled(None)


def test_key_covers_new_modules_and_sympy_version(tmp_path):
    pkg = tmp_path / "symdln" / "symbolic"
    pkg.mkdir(parents=True)
    (pkg / "a.py").write_text("x = 1\n")
    (tmp_path / "symdln" / "_validation.py").write_text("v = 1\n")
    k0 = _cache.hash_sources(pkg, "1.14")
    (pkg / "sub").mkdir()
    (pkg / "sub" / "new_topic.py").write_text("y = 2\n")               # another helper adds a module
    k1 = _cache.hash_sources(pkg, "1.14")
    (pkg / "a.py").write_text("x = 2\n")
    k2 = _cache.hash_sources(pkg, "1.14")
    (tmp_path / "symdln" / "_validation.py").write_text("v = 2\n")
    k3 = _cache.hash_sources(pkg, "1.14")
    assert len({k0, k1, k2, k3, _cache.hash_sources(pkg, "1.15")}) == 5


def test_memoised_simplify_matches_sympy():
    x, L = sp.symbols("x L", positive=True)
    e = (x**2 - 1) / (x - 1) + sp.sin(L)**2 + sp.cos(L)**2
    a = memo_simplify(e)
    assert a == sp.simplify(e) and memo_simplify(e) is a
    assert memo_simplify(sp.Float(2.0) * x) != memo_simplify(2 * x)        # structural keys: 2.0 is not 2


def test_no_cache_flag_turns_the_disk_cache_off(private_cache, tmp_path, monkeypatch):
    """``symdln derive --no-cache`` computes instead of reading (render_all stubbed: the flag is what is tested)."""
    import symdln.symbolic.render as render
    from symdln.cli import main
    seen = []
    monkeypatch.setattr(render, "render_all", lambda progress=None: seen.append(_cache.enabled()) or {})
    try:
        assert main(["derive", "--no-cache", "--quiet", "--out", str(tmp_path / "d")]) == 0
        assert seen == [False]
        _cache.set_enabled(None)
        assert main(["derive", "--quiet", "--out", str(tmp_path / "d")]) == 0
        assert seen == [False, True]
    finally:
        _cache.set_enabled(None)

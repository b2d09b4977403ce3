"""The verdict cache of ``symdln verify`` (issue 13): same output as computing, keyed by options, bypassed by
--no-cache, JSON only and tamper-proof, and ``verify --list`` / a cached ``verify ID`` without SymPy."""
from __future__ import annotations

import json
import os
import pickle
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from symdln import _diskcache
from symdln.cli import main
from symdln.commands import verify_cache

ROOT = Path(__file__).resolve().parents[1]
CLAIM = "prop3.3.a"      # a quick claim (mode_gradient, confirmed)


@pytest.fixture
def vcache(tmp_path, monkeypatch):
    monkeypatch.setenv("SYMDLN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("SYMDLN_NO_CACHE", raising=False)
    verify_cache.set_enabled(True)
    try:
        yield tmp_path / "cache"
    finally:
        verify_cache.set_enabled(False)
        _diskcache.set_enabled(None)


@pytest.fixture
def computed(monkeypatch):
    """Count the claims the engine computes (the real engine still runs)."""
    import symdln.verify as engine
    calls, real = [], engine.verify_claim

    def counting(*a, **k):
        calls.append(a[0])
        return real(*a, **k)
    monkeypatch.setattr(engine, "verify_claim", counting)
    return calls


def _run(capsys, *args):
    rc = main(["verify", *args])
    return rc, capsys.readouterr().out


def _entry(root, tag="mc0-fast0-seed0"):
    (path,) = root.glob(f"verdicts-*/corlouer2026--{tag}--{CLAIM}.json")
    return path


def test_cached_verdict_is_the_computed_one_and_keyed_by_the_options(vcache, computed, capsys):
    first = _run(capsys, CLAIM, "--no-mc", "--json")
    assert first[0] == 0 and computed == [CLAIM]
    path = _entry(vcache)
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert json.loads(path.read_text())["verdict"]["id"] == CLAIM          # plain JSON
    assert _run(capsys, CLAIM, "--no-mc", "--json") == first and computed == [CLAIM]    # read, not computed
    other = _run(capsys, CLAIM, "--no-mc", "--seed", "1", "--json")       # another seed: another entry
    assert json.loads(other[1])[0]["verdict"] == "confirmed" and len(computed) == 2
    assert _run(capsys, CLAIM, "--no-mc", "--seed", "1", "--json") == other and len(computed) == 2
    assert _run(capsys, CLAIM, "--no-mc", "--no-cache", "--json") == first and len(computed) == 3   # bypassed
    _diskcache.set_enabled(None)
    text = _run(capsys, CLAIM, "--no-mc")
    assert "verdict:  confirmed" in text[1] and len(computed) == 3
    before = path.stat().st_mtime_ns
    os.utime(path, ns=(before - 10**9, before - 10**9))
    assert _run(capsys, CLAIM, "--no-mc", "--recompute", "--json") == first and len(computed) == 4   # recomputed
    assert path.stat().st_mtime_ns > before - 10**9 and _diskcache.enabled()     # ... and stored again
    assert _run(capsys, CLAIM, "--no-mc", "--json") == first and len(computed) == 4   # read again afterwards


PAYLOADS = {
    "not json": b"\x80\x04\x95 not json",
    "pickle": pickle.dumps(("os.system", "touch PWNED")),
    "wrong verdict word": None,       # filled in from the stored entry below
    "passed not a bool": None,
    "unknown evidence kind": None,
    "other claim": None,
    "other key": None,
    "deep nesting": None,
}


@pytest.mark.parametrize("payload", sorted(PAYLOADS))
def test_tampered_entries_are_ignored_and_never_run(vcache, computed, capsys, tmp_path, monkeypatch, payload):
    monkeypatch.chdir(tmp_path)
    first = _run(capsys, CLAIM, "--no-mc", "--json")
    path = _entry(vcache)
    blob = json.loads(path.read_text())
    if PAYLOADS[payload] is not None:
        path.write_bytes(PAYLOADS[payload])
    else:
        v = blob["verdict"]
        if payload == "wrong verdict word":
            v["verdict"] = "__import__('os')"
        elif payload == "passed not a bool":
            v["evidence"][0]["passed"] = "yes"
        elif payload == "unknown evidence kind":
            v["evidence"][0]["kind"] = "eval"
        elif payload == "other claim":
            v["id"] = "eq.7"
        elif payload == "other key":
            blob["key"] = "0" * 64
        else:
            deep = []
            for _ in range(60):
                deep = [deep]
            v["evidence"][0]["data"]["x"] = deep
        path.write_text(json.dumps(blob))
    assert _run(capsys, CLAIM, "--no-mc", "--json") == first      # recomputed: the same verdict
    assert computed == [CLAIM, CLAIM] and not (tmp_path / "PWNED").exists()
    assert _run(capsys, CLAIM, "--no-mc", "--json") == first and len(computed) == 2   # rewritten, read again


def test_list_and_cached_verdict_need_no_sympy(vcache, capsys):
    rc, listing = _run(capsys, "--list")
    assert rc == 0
    rc, full = _run(capsys, CLAIM, "--no-mc")
    assert rc == 0 and "verdict:" in full
    code = ("import sys, io, contextlib\n"
            "from symdln.cli import main\n"
            "outs = []\n"
            "for argv in (['verify', '--list'], ['verify', %r, '--no-mc']):\n"
            "    with contextlib.redirect_stdout(io.StringIO()) as f:\n"
            "        assert main(argv) == 0\n"
            "    outs.append(f.getvalue())\n"
            "heavy = [m for m in ('sympy', 'scipy', 'symdln.papers.corlouer2026', 'symdln.verify') if m in sys.modules]\n"
            "print(repr((heavy, outs)))") % CLAIM
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SYMDLN_CACHE_DIR": str(vcache)}
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, stdout=subprocess.PIPE, text=True,
                         timeout=120).stdout
    heavy, outs = eval(out)  # noqa: S307 - the test's own subprocess prints a repr of lists of strings
    assert heavy == [] and outs == [listing, full]


def test_unknown_id_with_a_cached_claim_list_is_one_line_exit_2(vcache, capsys):
    assert main(["verify", "--list"]) == 0
    capsys.readouterr()
    assert main(["verify", "eq.77"]) == 2
    err = capsys.readouterr().err
    assert "eq.77" in err and len(err.strip().splitlines()) == 1


def test_key_covers_a_plug_in_papers_own_package(tmp_path, monkeypatch):
    from symdln import papers
    pkg = tmp_path / "site" / "extpaper_pkg"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("PAPER = None\n")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.setattr(papers, "_entry_points", lambda: {"ext2026": "extpaper_pkg:PAPER", "lost": "no_such_pkg_zz"})
    monkeypatch.setattr(verify_cache, "_keys", {})
    k1 = verify_cache.source_key("ext2026")
    assert k1 and k1 != verify_cache.source_key("corlouer2026")
    (pkg / "claims.py").write_text("# a new claim module\n")         # the plug-in changed: a new key
    monkeypatch.setattr(verify_cache, "_keys", {})
    assert verify_cache.source_key("ext2026") not in (None, k1)
    assert verify_cache.source_key("lost") is None                     # sources not found: never cached

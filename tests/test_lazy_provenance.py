"""``import symdln`` and ``symdln --help`` stay light (issue 10, defect 8); provenance records symdln's own
commit only, never the current folder's repository (defect 7)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("sympy", "scipy", "matplotlib", "symdln.symbolic", "symdln.network", "symdln.verify")


def _py(code: str, cwd, pythonpath) -> str:
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, check=True,
                          stdout=subprocess.PIPE, text=True, timeout=120).stdout


def test_import_and_help_do_not_load_sympy_scipy_matplotlib(tmp_path):
    code = ("import sys, io, contextlib, symdln\n"
            "a = [m for m in %r if m in sys.modules]\n"
            "from symdln.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    rc = main(['--help'])\n"
            "b = [m for m in %r if m in sys.modules]\n"
            "print(a, b, rc, callable(symdln.verify))") % (HEAVY, HEAVY)
    out = _py(code, tmp_path, ROOT).split()
    assert out == ["[]", "[]", "0", "True"], out


def _git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env={**os.environ, "GIT_AUTHOR_NAME": "x", "GIT_AUTHOR_EMAIL": "x@x", "GIT_COMMITTER_NAME": "x",
                        "GIT_COMMITTER_EMAIL": "x@x"})
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=cwd, stdout=subprocess.PIPE, text=True).stdout.strip() \
        if args[0] == "commit" else None


def test_provenance_never_records_an_unrelated_repository(tmp_path):
    if shutil.which("git") is None:
        import pytest
        pytest.skip("git not installed")
    repo = tmp_path / "thesis"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "notes.txt").write_text("x")
    _git(repo, "add", "notes.txt")
    theirs = _git(repo, "commit", "-q", "-m", "unrelated")
    # symdln installed (copied) inside the unrelated repository, as a venv inside a project would be
    site = repo / "site"
    shutil.copytree(ROOT / "symdln", site / "symdln", ignore=shutil.ignore_patterns("__pycache__"))
    code = "import json; from symdln._io import provenance; print(json.dumps(provenance(seed=1)))"
    installed = json.loads(_py(code, repo, site))
    assert "git_commit" not in installed and installed["symdln"] and installed["seed"] == 1
    # run from the unrelated repository with symdln's own checkout: symdln's commit, not the cwd's
    own = json.loads(_py(code, repo, ROOT))
    assert own.get("git_commit") != theirs
    if (ROOT / ".git").exists():
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, stdout=subprocess.PIPE, text=True).stdout.strip()
        assert own.get("git_commit") == head

"""The package's layering: the engine never imports a paper, and the import-linter contract in
pyproject.toml (symbolic -> numeric core -> paperkit -> papers -> verify -> simulate/diagnostics ->
experiments -> export -> commands) holds -- and fails when a lower layer imports a higher one."""
from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = ("import sys; from importlinter.cli import lint_imports; "
        "sys.exit(lint_imports(config_filename='pyproject.toml', no_cache=True, no_logo=True))")


def _imported_modules(path: Path, package: str) -> set[str]:
    """Absolute names of every module a file imports (top-level and inside functions)."""
    tree = ast.parse(path.read_text())
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            out.add(mod)
            out |= {f"{mod}.{a.name}" for a in node.names}
    return out


def test_engine_imports_no_paper():
    """No module under symdln/verify imports symdln.papers (at any depth, lazily or not)."""
    offenders = []
    for f in sorted((ROOT / "symdln" / "verify").rglob("*.py")):
        pkg = "symdln.verify" + ("" if f.parent.name == "verify" else "." + f.parent.name)
        pkg = pkg if f.name == "__init__.py" else pkg + "." + f.stem
        mods = _imported_modules(f, pkg)
        bad = sorted(m for m in mods if m == "symdln.papers" or m.startswith("symdln.papers."))
        if bad:
            offenders.append((f.name, bad))
    assert not offenders, offenders


def test_grep_finds_no_paper_import_in_engine():
    """The same, as text: the words ``import`` and ``papers`` never share a line in symdln/verify."""
    hits = [f"{f.name}:{i}" for f in (ROOT / "symdln" / "verify").rglob("*.py")
            for i, line in enumerate(f.read_text().splitlines(), 1)
            if "import" in line and ("papers" in line or "corlouer" in line) and not line.lstrip().startswith("#")
            and "SymdlnInputError(" not in line and "load(" not in line]
    assert not hits, hits


def _lint(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", LINT], cwd=cwd, capture_output=True, text=True,
                          env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"}, timeout=120)


def test_import_linter_contract_is_kept():
    pytest.importorskip("importlinter")
    r = _lint(ROOT)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]
    assert "1 kept, 0 broken" in r.stdout or "kept, 0 broken" in r.stdout


def test_import_linter_contract_fails_on_an_upward_import(tmp_path):
    """A copy of the package where the numeric core lazily imports the engine breaks the contract."""
    pytest.importorskip("importlinter")
    shutil.copytree(ROOT / "symdln", tmp_path / "symdln", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    net = tmp_path / "symdln" / "network.py"
    net.write_text(net.read_text() + "\n\ndef _upward():\n    from .verify import engine  # noqa: F401\n")
    r = _lint(tmp_path)
    assert r.returncode != 0, r.stdout[-2000:]
    assert "BROKEN" in r.stdout and "symdln.network" in r.stdout and "symdln.verify" in r.stdout


def test_no_process_words_in_user_facing_text():
    """Words about how symdln was built ("engineer A", "the lead", "plan 003", "experiment plan", a "referee"
    the reader has never heard of) stay out of docs/, README.md and the package's docstrings and messages.
    (symdln/experiments/ is excluded: its registration help strings are edited with that module.)"""
    import re
    pat = re.compile(r"engineer [A-Z]\b|the lead\b|\breferee'?s?\b|plan 00\d|experiment plan|\bplan Sec\.", re.I)
    files = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")),
             *[f for f in sorted((ROOT / "symdln").rglob("*.py")) if "experiments" not in f.parts]]
    hits = [f"{f.relative_to(ROOT)}:{i}" for f in files for i, line in enumerate(f.read_text().splitlines(), 1)
            if pat.search(line)]
    assert not hits, hits

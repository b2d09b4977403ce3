"""Atomic file output: write to a temporary file in the same folder, then rename (permissions follow the
umask, see :mod:`symdln._output`), and the provenance recorded in every output.

A command that fails half-way leaves no partial file behind.
"""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

__all__ = ["atomic_write_text", "atomic_write_bytes", "atomic_write_json", "provenance", "source_checkout",
           "git_commit"]


def atomic_write_bytes(path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temp file in the same folder, then ``os.replace``)."""
    from ._output import write_bytes_atomic
    return write_bytes_atomic(path, data)


def atomic_write_text(path, text: str) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path, obj) -> Path:
    return atomic_write_text(path, json.dumps(obj, indent=2, sort_keys=True, default=_json_default) + "\n")


def _json_default(o):
    import numpy as np
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def source_checkout() -> Path | None:
    """The root of symdln's own source checkout, if the imported package lives in one, else None.

    That is: the folder above the imported ``symdln`` package has a ``.git`` entry and a ``pyproject.toml``
    whose project name is ``symdln``.  Never the current folder's repository."""
    import tomllib
    root = Path(__file__).resolve().parent.parent
    pyproject = root / "pyproject.toml"
    if not (root / ".git").exists() or not pyproject.is_file():
        return None
    try:
        name = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {}).get("name")
    except (OSError, ValueError):
        return None
    return root if name == "symdln" else None


def git_commit() -> str | None:
    """The commit of symdln's own checkout (None for an installed package or outside a checkout)."""
    root = source_checkout()
    if root is None:
        return None
    env = {**os.environ, "GIT_CEILING_DIRECTORIES": str(root.parent)}
    env.pop("GIT_DIR", None)
    env.pop("GIT_WORK_TREE", None)
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, timeout=10, env=env)
    except (OSError, subprocess.SubprocessError):
        return None
    commit = out.stdout.decode().strip()
    return commit if out.returncode == 0 and len(commit) >= 40 else None


def provenance(seed=None, **extra) -> dict:
    """Seed and library versions, recorded in every output so results can be reproduced."""
    import platform
    import sys

    import mpmath
    import numpy
    import scipy
    import sympy

    from ._version import __version__
    out = {
        "symdln": __version__,
        "python": sys.version.split()[0],
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "sympy": sympy.__version__,
        "mpmath": mpmath.__version__,
        "platform": platform.platform(),
    }
    commit = git_commit()
    if commit:
        out["git_commit"] = commit
    if seed is not None:
        out["seed"] = seed
    out.update(extra)
    return out

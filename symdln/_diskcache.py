"""Where symdln keeps its private on-disk caches, and the one switch that turns them all off.

Light on purpose (standard library only): the derivation cache (:mod:`symdln.symbolic._cache`) and the verdict
cache of ``symdln verify`` (:mod:`symdln.commands.verify_cache`) share the folder and the switch, and the
verdict cache is read before SymPy is imported.

Where: ``$SYMDLN_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/symdln``, else ``~/.cache/symdln``, created private
to the user (mode 0700).  Off: ``SYMDLN_NO_CACHE=1`` or :func:`set_enabled` ``(False)`` (the CLI's ``--no-cache``).
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["cache_dir", "enabled", "set_enabled", "private_mkdir", "write_atomic"]

_enabled: bool | None = None


def set_enabled(flag: bool | None) -> None:
    """Turn the on-disk caches on or off for this process (``--no-cache``); ``None``: back to the environment."""
    global _enabled
    _enabled = None if flag is None else bool(flag)


def enabled() -> bool:
    """Whether the on-disk caches are read and written in this process."""
    if _enabled is not None:
        return _enabled
    return os.environ.get("SYMDLN_NO_CACHE", "").strip() in ("", "0")


def cache_dir() -> Path:
    """The cache root (not created here)."""
    env = os.environ.get("SYMDLN_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "symdln"


def private_mkdir(path: Path) -> None:
    """Create ``path`` (and the cache root above it) with mode 0700 where missing."""
    for p in (path.parent, path):
        if not p.exists():
            p.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.chmod(p, 0o700)


def write_atomic(folder: Path, name: str, text: str) -> None:
    """Write ``text`` to ``folder/name`` through a temporary file in the same folder, then rename."""
    private_mkdir(folder)
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, folder / name)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise

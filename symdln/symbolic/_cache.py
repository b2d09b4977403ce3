"""On-disk cache of derivation results, so each derivation is computed once per version of its sources.

Key: SHA-256 of the source text of every ``symdln/symbolic/**.py`` file (path and content, so a new
derivation module, an edit anywhere in the package, or a new helper module invalidates it), of
``symdln/_validation.py`` (the only module outside the package a derivation imports), of the SymPy and
Python versions, and of the storage format.  A changed key simply means a different sub-folder: stale
entries are never read.

Where: ``$SYMDLN_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/symdln``, else ``~/.cache/symdln``; the folder is
created private to the user (mode 0700).  One JSON file per quantity, written to a temporary file in the same
folder and renamed (atomic).  Storage is the safe tree form of :mod:`symdln.symbolic._serial` (no pickle, no
``eval``): a tampered or truncated file is at worst a wrong *value*, which is why an entry is accepted only
when its recorded key and quantity match, and any read error falls back to computing.  A result is stored
only when it round-trips exactly (decoded == original), so the cached value equals the computed one.

Bypass: ``SYMDLN_NO_CACHE=1`` or :func:`set_enabled` ``(False)`` (the CLI's ``--no-cache``).
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from .._diskcache import cache_dir, enabled, set_enabled, write_atomic

__all__ = ["cache_dir", "hash_sources", "source_key", "load", "store", "set_enabled", "enabled"]

_FORMAT = 1
_key: str | None = None


def hash_sources(package: Path, sympy_version: str) -> str:
    """SHA-256 over every ``*.py`` under ``package`` (relative path + bytes), ``_validation.py`` beside it,
    and the SymPy / Python / format versions."""
    h = hashlib.sha256()
    h.update(f"format={_FORMAT};sympy={sympy_version};python={sys.version_info[:2]}".encode())
    files = sorted(package.rglob("*.py")) + [package.parent / "_validation.py"]
    for f in files:
        rel = f.relative_to(package.parent).as_posix()
        h.update(b"\0" + rel.encode() + b"\0")
        h.update(f.read_bytes() if f.exists() else b"<missing>")
    return h.hexdigest()


def source_key() -> str:
    """Hash of the derivation sources, SymPy and Python versions (computed once per process)."""
    global _key
    if _key is None:
        import sympy
        _key = hash_sources(Path(__file__).resolve().parent, sympy.__version__)
    return _key


def _folder() -> Path:
    return cache_dir() / f"derive-{source_key()[:32]}"


def _safe_name(quantity: str) -> str:
    if not quantity or not all(c.isalnum() or c in "_-." for c in quantity) or quantity.startswith("."):
        raise ValueError(f"quantity id not usable as a file name: {quantity!r}")
    return quantity + ".json"


def load(quantity: str):
    """The cached :class:`Derivation` of ``quantity``, or ``None`` (missing, stale, unreadable, disabled)."""
    if not enabled():
        return None
    from ._serial import Unserialisable, decode
    try:
        path = _folder() / _safe_name(quantity)
        with open(path, encoding="utf-8") as fh:
            blob = json.load(fh)
        if blob.get("key") != source_key() or blob.get("quantity") != quantity:
            return None
        result = decode(blob["value"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError, Unserialisable, RecursionError):
        return None
    if getattr(result, "quantity", None) != quantity:
        return None
    return result


def store(quantity: str, result) -> bool:
    """Write ``result`` for ``quantity`` atomically; ``False`` (nothing written) when it cannot round-trip."""
    if not enabled():
        return False
    from ._serial import decode, encode
    try:
        tree = encode(result)
        text = json.dumps({"format": _FORMAT, "key": source_key(), "quantity": quantity, "value": tree},
                          separators=(",", ":"))
        if decode(json.loads(text)["value"]) != result:
            return False
        write_atomic(_folder(), _safe_name(quantity), text)
    except Exception:  # noqa: BLE001 - a result that cannot be stored is computed next time, never an error
        return False
    return True

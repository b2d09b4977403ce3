"""On-disk cache of ``symdln verify``: verdicts and claim lists, so an unchanged question is answered at once.

Key: SHA-256 of the symdln version, of every ``*.py`` and ``*.json`` file of the ``symdln`` package (relative
path and bytes: the engine, the derivations, the numeric core, the paper plug-ins -- anything that can change a
verdict), of the files of the package that defines the paper when it is registered from outside ``symdln``
(entry point ``symdln.papers``), of the Python, SymPy, mpmath, NumPy, SciPy and numba versions and of the
storage format.
A verdict entry is further keyed by the run's options: paper, claim id, seed, Monte Carlo on or off, ``--fast``.
A changed source means a different sub-folder, so stale entries are never read; a claim's verdict does not
depend on which other claims run (:func:`symdln.verify.finish`), so one claim's entry serves ``verify ID`` and
the full run alike.

Storage is JSON only (``Verdict.to_json``; no pickle, no ``eval``), one file per entry, written atomically in
the private folder of the derivation cache (:mod:`symdln._diskcache`).  An entry is used only when its
recorded key, paper, claim and options match and every field has the type a verdict has; anything else
(truncated, tampered, foreign) is ignored and the verdict is computed.  A file can therefore at worst make
``verify`` print a wrong verdict for a claim someone wrote into the user's own private folder -- it can
never run code.  ``--no-cache`` or ``SYMDLN_NO_CACHE=1`` bypasses reading and writing.

Nothing here imports SymPy: ``verify --list`` and a cached ``verify ID`` answer without loading the paper.
"""
from __future__ import annotations

import hashlib
import json
import sys
from importlib import metadata
from pathlib import Path

from .._diskcache import cache_dir, write_atomic
from .._diskcache import enabled as _shared_enabled

__all__ = ["enabled", "set_enabled", "set_reading", "source_key", "load_index", "store_index", "load_verdict", "store_verdict",
           "options_tag"]

_FORMAT = 1
_DEPENDENCIES = ("sympy", "mpmath", "numpy", "scipy", "numba")
_SUFFIXES = (".py", ".json")
_keys: dict[str, str | None] = {}
_enabled: bool | None = None
_reading = True


def set_reading(flag: bool) -> None:
    """``False``: never answer from the verdict cache, but still store what is computed (``verify --recompute``:
    fresh verdicts that replace the cached ones, derivations still read from their own cache)."""
    global _reading
    _reading = bool(flag)


def set_enabled(flag: bool | None) -> None:
    """Turn the verdict cache alone on or off in this process (the test suite turns it off, because its tests
    change the engine in memory); ``None``: follow the shared switch (:func:`symdln._diskcache.enabled`)."""
    global _enabled
    _enabled = None if flag is None else bool(flag)


def enabled() -> bool:
    """Whether verdicts and claim lists are read from and written to disk in this process."""
    return _shared_enabled() if _enabled is None else (_enabled and _shared_enabled())


def _hash_tree(h, root: Path, label: str) -> int:
    """Feed every source file under ``root`` (sorted; relative path and bytes) into ``h``; returns how many."""
    files = sorted(p for p in root.rglob("*") if p.suffix in _SUFFIXES and "__pycache__" not in p.parts
                   and p.is_file()) if root.is_dir() else [root]
    for f in files:
        rel = f.relative_to(root).as_posix() if root.is_dir() else f.name
        h.update(b"\0" + label.encode() + b"/" + rel.encode() + b"\0")
        h.update(f.read_bytes())
    return len(files)


def _paper_root(name: str) -> Path | None | bool:
    """Folder (or file) of the package defining paper ``name`` when it lies outside symdln; ``False`` when it
    cannot be located without importing it (then nothing is cached)."""
    import importlib.util

    from .. import papers
    target = papers.BUILTIN.get(name) or papers._entry_points().get(name)
    if target is None:
        return False
    top = target.partition(":")[0].split(".")[0]
    if top == "symdln":
        return None
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return False
    if spec is None:
        return False
    if spec.submodule_search_locations:
        return Path(list(spec.submodule_search_locations)[0])
    return Path(spec.origin) if spec.origin else False


def source_key(paper: str) -> str | None:
    """Hash of every source that can change a verdict of ``paper`` and of the numeric libraries' versions
    (computed once per process); ``None`` when the paper's sources cannot be located."""
    if paper in _keys:
        return _keys[paper]
    extra = _paper_root(paper)
    key = None
    if extra is not False:
        h = hashlib.sha256()
        versions = []
        for dist in _DEPENDENCIES:
            try:
                versions.append(f"{dist}={metadata.version(dist)}")
            except metadata.PackageNotFoundError:
                versions.append(f"{dist}=none")
        from .._version import __version__
        h.update(f"format={_FORMAT};symdln={__version__};python={sys.version_info[:3]};{';'.join(versions)}"
                 .encode())
        n = _hash_tree(h, Path(__file__).resolve().parents[1], "symdln")
        if extra is not None:
            n = n and _hash_tree(h, extra, f"paper:{paper}")
        key = h.hexdigest() if n else None         # no source files to hash (compiled-only install): no cache
    _keys[paper] = key
    return key


def options_tag(*, mc: bool, fast: bool, seed: int) -> str:
    """The part of an entry's name and key that records the run's options."""
    return f"mc{int(bool(mc))}-fast{int(bool(fast))}-seed{int(seed)}"


def _safe(part: str) -> bool:
    return bool(part) and not part.startswith(".") and all(c.isalnum() or c in "_-." for c in part)


def _path(paper: str, name: str) -> Path | None:
    key = source_key(paper)
    if key is None or not _safe(paper) or not _safe(name):
        return None
    return cache_dir() / f"verdicts-{key[:32]}" / f"{paper}--{name}.json"


def _read(paper: str, name: str):
    """The entry's JSON object when its key and paper match, else ``None``."""
    if not (enabled() and _reading):
        return None
    path = _path(paper, name)
    if path is None:
        return None
    try:
        with open(path, encoding="utf-8") as fh:
            blob = json.load(fh)
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(blob, dict) or blob.get("format") != _FORMAT or blob.get("key") != source_key(paper) \
            or blob.get("paper") != paper or blob.get("entry") != name:
        return None
    return blob


def _write(paper: str, name: str, body: dict) -> bool:
    if not enabled():
        return False
    path = _path(paper, name)
    if path is None:
        return False
    blob = {"format": _FORMAT, "key": source_key(paper), "paper": paper, "entry": name, **body}
    try:
        write_atomic(path.parent, path.name, json.dumps(blob, sort_keys=True, separators=(",", ":")))
    except (OSError, TypeError, ValueError):   # a cache that cannot be written is recomputed next time
        return False
    return True


# ---- the claim list (``verify --list``, and resolving an id without loading the paper) ---------------------
def load_index(paper: str) -> list[dict] | None:
    """``[{"id", "kind", "location"}, ...]`` of ``paper`` in paper order, or ``None`` (not cached)."""
    blob = _read(paper, "claims")
    rows = blob.get("claims") if blob else None
    if not isinstance(rows, list) or not rows:
        return None
    for r in rows:
        if not isinstance(r, dict) or set(r) != {"id", "kind", "location"} or \
                not all(isinstance(v, str) for v in r.values()):
            return None
    return rows


def store_index(paper_obj) -> bool:
    """Record the claim list of a loaded paper (:class:`symdln.paperkit.Paper`)."""
    rows = [{"id": c.id, "kind": c.kind, "location": str(c.location)} for c in paper_obj.claims()]
    return _write(paper_obj.key, "claims", {"claims": rows})


# ---- verdicts ---------------------------------------------------------------------------------------------
def _json_value(x, depth: int = 0) -> bool:
    if depth > 50:
        return False
    if x is None or isinstance(x, (str, bool, int, float)):
        return True
    if isinstance(x, list):
        return all(_json_value(v, depth + 1) for v in x)
    if isinstance(x, dict):
        return all(isinstance(k, str) and _json_value(v, depth + 1) for k, v in x.items())
    return False


def _opt_str(x) -> bool:
    return x is None or isinstance(x, str)


def _decode(js: dict, local_id: str, paper: str):
    """A :class:`~symdln.verdict.Verdict` from its ``to_json`` form, or ``None`` when any field is off."""
    from ..verdict import EVIDENCE_KINDS, Evidence, Verdict
    strings = ("reason", "location", "printed_latex", "derived_latex", "level", "severity_reason")
    if not isinstance(js, dict) or js.get("id") != local_id or js.get("paper") != paper \
            or not all(isinstance(js.get(k), str) for k in strings + ("verdict",)) \
            or not _opt_str(js.get("condition")) or not _opt_str(js.get("severity")) \
            or not (js.get("counterexample") is None or isinstance(js["counterexample"], dict)) \
            or not _json_value(js.get("counterexample")) or not isinstance(js.get("evidence"), list):
        return None
    evidence = []
    for e in js["evidence"]:
        if not isinstance(e, dict) or set(e) != {"kind", "passed", "summary", "data"} \
                or e["kind"] not in EVIDENCE_KINDS or not isinstance(e["passed"], bool) \
                or not isinstance(e["summary"], str) or not isinstance(e["data"], dict) or not _json_value(e["data"]):
            return None
        evidence.append(Evidence(e["kind"], e["passed"], e["summary"], e["data"]))
    try:
        v = Verdict(claim_id=local_id, verdict=js["verdict"], reason=js["reason"], evidence=tuple(evidence),
                    printed_latex=js["printed_latex"], derived_latex=js["derived_latex"], location=js["location"],
                    counterexample=js["counterexample"], condition=js["condition"], paper=paper,
                    level=js["level"], severity=js["severity"], severity_reason=js["severity_reason"])
    except (TypeError, ValueError):
        return None
    return v


def load_verdict(paper: str, local_id: str, *, mc: bool, fast: bool, seed: int):
    """The cached verdict of claim ``local_id`` of ``paper`` for these options, or ``None``."""
    tag = options_tag(mc=mc, fast=fast, seed=seed)
    blob = _read(paper, f"{tag}--{local_id}")
    if blob is None or blob.get("options") != tag:
        return None
    return _decode(blob.get("verdict"), local_id, paper)


def store_verdict(v, *, mc: bool, fast: bool, seed: int) -> bool:
    """Record verdict ``v`` (of a registered paper) for these options; an engine failure is never stored."""
    if not v.paper or v.reason.startswith("engine error"):
        return False
    tag = options_tag(mc=mc, fast=fast, seed=seed)
    js = v.to_json()
    back = _decode(json.loads(json.dumps(js)), v.claim_id, v.paper)
    if back is None or back.to_json() != js:          # stored only when it reads back to the same verdict
        return False
    return _write(v.paper, f"{tag}--{v.claim_id}", {"options": tag, "verdict": js})

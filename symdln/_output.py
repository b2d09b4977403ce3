"""Output folders that symdln owns: it never deletes or overwrites what it did not write.

Every writing command (``report``, ``derive``, ``experiment``, ``check --record``, ``saddles``) goes through
:class:`OutputDir`:

* **ownership** -- a folder is symdln's only if it holds ``.symdln-manifest.json`` (the files symdln wrote
  there, with its version) or is empty/new.  A non-empty folder without the manifest, ``--out`` naming a
  regular file, ``""``, the current folder, the home folder or ``/`` is refused (one line, exit 2) *before*
  any computation, as is a folder that cannot be created or written.  Only manifest-listed files are
  ever replaced or removed.
* **atomicity** -- a run writes into a hidden build folder ``.symdln-build-*`` inside the target; on success
  a journal ``.symdln-journal.json`` lists the moves, each file is moved in with ``os.replace``, the
  manifest is rewritten, and the journal is deleted.  A run killed at any point leaves either the previous
  complete output (killed before the journal) or a journal the next run completes (rolled forward): never
  half-written files.  Leftover build folders and temp files are removed by the next run.
* **one writer** -- ``.symdln.lock`` is held with ``fcntl.flock`` from the checks to the end; a second
  concurrent run into the same folder is refused.
* **permissions** -- files are created ``0o666 & ~umask`` and folders ``0o777 & ~umask`` (not 0600).
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from ._validation import SymdlnInputError

__all__ = ["OutputDir", "MANIFEST", "file_mode", "dir_mode", "write_bytes_atomic", "split_timings"]

MANIFEST = ".symdln-manifest.json"
LOCK = ".symdln.lock"
JOURNAL = ".symdln-journal.json"
BUILD_PREFIX = ".symdln-build-"
TMP_PREFIX = ".symdln-tmp-"


def _umask() -> int:
    old = os.umask(0o022)
    os.umask(old)
    return old


def file_mode() -> int:
    """Mode of a new file: what ``open()`` would give (0o666 minus the umask)."""
    return 0o666 & ~_umask()


def dir_mode() -> int:
    return 0o777 & ~_umask()


def write_bytes_atomic(path, data: bytes) -> Path:
    """Write ``data`` to a temp file next to ``path``, set umask-respecting permissions, then rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, file_mode())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


_TIMING_KEYS = ("seconds", "timings", "timings_s", "wall_s", "cpu_s")


def split_timings(obj):
    """``(content, timings)``: run times (keys ``seconds``, ``timings``, ``timings_s``, ...) moved out of ``obj``.

    Same-seed outputs must be byte-identical; run times never are, so they go to a separate ``timings.json``."""
    if isinstance(obj, dict):
        content, timings = {}, {}
        for k, v in obj.items():
            if k in _TIMING_KEYS:
                timings[k] = v
                continue
            c, t = split_timings(v)
            content[k] = c
            if t not in (None, {}, []):
                timings[k] = t
        return content, timings
    if isinstance(obj, list):
        pairs = [split_timings(v) for v in obj]
        ts = [t for _, t in pairs]
        return [c for c, _ in pairs], (ts if any(t not in (None, {}, []) for t in ts) else None)
    return obj, None


class OutputDir:
    """A folder symdln writes into (see the module docstring).  Use as::

        with OutputDir(args.out, option="--out").open() as od:   # refuses bad folders before any work
            ... write files under od.build ...
            od.commit()                                          # moves them in; updates the manifest
    """

    def __init__(self, path, *, option: str = "--out", prune: bool = True):
        if path is None or (isinstance(path, str | os.PathLike) and str(path).strip() == ""):
            raise SymdlnInputError(f"{option} must name a folder; got {str(path)!r}")
        if not isinstance(path, str | os.PathLike):
            raise SymdlnInputError(f"{option} must be a folder path; got {type(path).__name__}")
        self.option, self.prune = option, prune
        self.path = Path(os.path.abspath(os.fspath(path)))
        self.build: Path | None = None
        self._lock_fd: int | None = None
        self._created = False
        self.removed: list[str] = []
        self.written: list[str] = []

    # ---- checks (no side effects) -------------------------------------------------------------------
    def _refuse(self, why: str):
        raise SymdlnInputError(f"{self.option}: {why}")

    def check(self) -> None:
        """Refuse a folder symdln may not write (one line naming the option); nothing is created."""
        p = self.path
        specials = {Path(os.getcwd()).resolve(): "the current folder", Path.home().resolve(): "your home folder",
                    Path(p.anchor): "the root folder"}
        rp = p.resolve()
        if rp in specials:
            self._refuse(f"refusing to write into {specials[rp]} ({p}); name a new folder, e.g. {self.option} out")
        if p.exists() and not p.is_dir():
            self._refuse(f"{p} is a file, not a folder; name a new folder")
        q = p
        while not q.exists() and q != q.parent:
            q = q.parent
        if not q.is_dir():
            self._refuse(f"cannot create {p}: {q} is a file")
        if not os.access(q, os.W_OK | os.X_OK):
            self._refuse(f"cannot write into {q} (permission denied)")
        if p.is_dir():
            self._check_owned()

    def _check_owned(self) -> None:
        p = self.path
        foreign = sorted(e for e in os.listdir(p) if not e.startswith(".symdln"))
        if foreign and not (p / MANIFEST).is_file():
            self._refuse(f"{p} is not empty and was not made by symdln (no {MANIFEST}); it holds "
                         f"{', '.join(foreign[:3])}{', ...' if len(foreign) > 3 else ''}; name a new or empty folder")
        if (p / MANIFEST).is_file():
            self._manifest()

    def _manifest(self) -> list[str]:
        f = self.path / MANIFEST
        if not f.is_file():
            return []
        try:
            data = json.loads(f.read_text(encoding="utf-8"))
            files = data["files"]
            if data.get("created_by") != "symdln" or not isinstance(files, list) or \
                    not all(isinstance(x, str) for x in files):
                raise ValueError
        except (ValueError, KeyError, TypeError, OSError):
            self._refuse(f"{f} is not a symdln manifest; name a new or empty folder")
        return [x for x in files if self._inside(x)]

    def _inside(self, rel: str) -> bool:
        """A manifest entry is honoured only if it names a path inside the folder (no '..', not absolute)."""
        parts = Path(rel).parts
        return bool(parts) and not Path(rel).is_absolute() and ".." not in parts and not parts[0].startswith(".symdln")

    # ---- lifecycle ------------------------------------------------------------------------------------
    def open(self) -> OutputDir:
        """Check, create the folder, take the lock, finish or clean up a killed run, make the build folder."""
        import fcntl
        self.check()
        self._created = not self.path.exists()
        self.path.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path / LOCK, os.O_RDWR | os.O_CREAT, file_mode())
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            self._refuse(f"another symdln run is writing to {self.path}; wait for it to finish")
        self._lock_fd = fd
        try:
            self._check_owned()
            self._recover()
            self.build = Path(tempfile.mkdtemp(prefix=BUILD_PREFIX, dir=self.path))
            os.chmod(self.build, dir_mode())
        except BaseException:
            self.close()
            raise
        return self

    def __enter__(self):
        if self._lock_fd is None:
            self.open()
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self) -> None:
        """Discard an uncommitted build folder and release the lock (the lock file itself stays).

        A commit interrupted after its journal was written (Ctrl-C) is completed instead of discarded."""
        try:
            if self.build is not None and (self.path / JOURNAL).is_file():
                self._recover()
            if self.build is not None and self.build.exists():
                shutil.rmtree(self.build, ignore_errors=True)
            self.build = None
        finally:
            if self._lock_fd is not None:
                try:
                    if self._created and not (self.path / MANIFEST).exists() and \
                            [e.name for e in self.path.iterdir()] == [LOCK]:   # a new folder that got nothing
                        (self.path / LOCK).unlink(missing_ok=True)
                        self.path.rmdir()
                finally:
                    os.close(self._lock_fd)
                    self._lock_fd = None

    def _recover(self) -> None:
        """Roll forward a commit that a kill interrupted; remove build folders and temp files of dead runs."""
        j = self.path / JOURNAL
        if j.is_file():
            try:
                journal = json.loads(j.read_text(encoding="utf-8"))
                build = self.path / journal["build"]
            except (ValueError, KeyError, TypeError):
                journal = None
            if journal is not None and build.is_dir() and build.name.startswith(BUILD_PREFIX):
                self._apply(journal)
            j.unlink(missing_ok=True)
        for e in self.path.iterdir():
            if e.name.startswith(BUILD_PREFIX) and e.is_dir() and not e.is_symlink():
                shutil.rmtree(e, ignore_errors=True)
        for root, _dirs, names in os.walk(self.path):
            for n in names:
                if n.startswith(TMP_PREFIX) and n.endswith(".tmp"):
                    Path(root, n).unlink(missing_ok=True)

    def commit(self) -> list[str]:
        """Move every file of the build folder into place; with ``prune`` remove manifest-listed files this
        run did not write (never anything else).  Returns the relative paths written."""
        assert self.build is not None, "commit() after close()"
        new = sorted(p.relative_to(self.build).as_posix() for p in self.build.rglob("*")
                     if p.is_file() and not p.name.startswith(TMP_PREFIX))
        old = self._manifest()
        remove = sorted(set(old) - set(new)) if self.prune else []
        journal = {"build": self.build.name, "files": new, "remove": remove,
                   "manifest": sorted((set(old) - set(remove)) | set(new))}
        write_bytes_atomic(self.path / JOURNAL, json.dumps(journal, indent=1).encode())
        self._apply(journal)
        (self.path / JOURNAL).unlink(missing_ok=True)
        self.build = None
        self.written, self.removed = new, remove
        return new

    def _apply(self, journal: dict) -> None:
        from . import __version__
        build = self.path / journal["build"]
        for rel in journal["files"]:
            if not self._inside(rel):
                continue
            src, dst = build / rel, self.path / rel
            if src.is_file():
                dst.parent.mkdir(parents=True, exist_ok=True)
                if dst.is_dir() and not dst.is_symlink():
                    continue  # never replace a folder by a file
                os.replace(src, dst)
        for rel in journal["remove"]:
            if self._inside(rel):
                f = self.path / rel
                if f.is_file() or f.is_symlink():
                    f.unlink()
                parent = f.parent
                while parent != self.path and parent.is_dir() and not any(parent.iterdir()):
                    parent.rmdir()
                    parent = parent.parent
        manifest = {"created_by": "symdln", "symdln": __version__,
                    "note": "files written by symdln; it replaces or removes only these",
                    "files": [f for f in journal["manifest"] if self._inside(f)]}
        write_bytes_atomic(self.path / MANIFEST, (json.dumps(manifest, indent=1) + "\n").encode())
        shutil.rmtree(build, ignore_errors=True)

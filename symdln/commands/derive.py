"""``symdln derive``: regenerate ``derivations/`` (one Markdown + one JSON file per derived quantity, and
``INDEX.md``), byte-for-byte deterministic; ``--check`` exits 1 listing stale, missing and extra files."""
from __future__ import annotations

import sys
from pathlib import Path

HELP = "regenerate derivations/ from the symbolic derivations (--check: fail if stale)"


def add_arguments(p):
    p.add_argument("--out", default="derivations", help="output folder (default: derivations/)")
    p.add_argument("--check", action="store_true", help="do not write; exit 1 if any file is stale, missing or extra")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.add_argument("--no-cache", action="store_true",
                   help="recompute every derivation instead of reading the on-disk cache")


def run(args) -> int:
    if args.no_cache:
        from ..symbolic.result import disable_disk_cache
        disable_disk_cache()
    from .._io import atomic_write_text
    from ..progress import Progress
    from ..verify.render import render_all
    out = Path(args.out)
    prog = Progress("derive", quiet=args.quiet)
    files = render_all(progress=prog)
    prog.close()
    if args.check:
        existing = {p.name for p in out.glob("*") if p.is_file()} if out.is_dir() else set()
        stale = sorted(n for n, text in files.items()
                       if n in existing and (out / n).read_text(encoding="utf-8") != text)
        missing = sorted(n for n in files if n not in existing)
        extra = sorted(existing - set(files))
        for label, names in (("stale", stale), ("missing", missing), ("extra", extra)):
            for n in names:
                print(f"{label}: {out / n}")
        if stale or missing or extra:
            print(f"derivations out of date: run `symdln derive` ({len(stale)} stale, {len(missing)} missing, "
                  f"{len(extra)} extra)", file=sys.stderr)
            return 1
        print(f"{out}/ is up to date ({len(files)} files)")
        return 0
    for n, text in sorted(files.items()):
        atomic_write_text(out / n, text)
    stale_extra = sorted({p.name for p in out.glob("*") if p.is_file()} - set(files))
    for n in stale_extra:
        (out / n).unlink()
    print(f"wrote {len(files)} files to {out}/" + (f" (removed {len(stale_extra)} obsolete)" if stale_extra else ""))
    return 0

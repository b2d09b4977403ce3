"""Same seed, same bytes: two runs of ``symdln report --fast --seed 0`` write identical ``report.tex``,
``report.md``, ``report.html``, ``results.json`` and figures (run times go to ``timings.json`` only).  ``report.pdf``
carries pdfTeX's creation date and a document ID derived from it, so it differs between runs unless
``SOURCE_DATE_EPOCH`` fixes that date; with it set, the PDF is identical too."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def _report(cwd: Path, out: str) -> Path:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SOURCE_DATE_EPOCH": "1700000000", "FORCE_SOURCE_DATE": "1"}
    p = subprocess.run([sys.executable, "-m", "symdln.cli", "report", "--fast", "--seed", "0", "--quiet",
                        "--out", out], cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-2000:]
    return cwd / out


def test_same_seed_report_is_byte_identical(tmp_path):
    a, b = _report(tmp_path, "a"), _report(tmp_path, "b")
    for name in ("report.tex", "report.md", "report.html", "results.json"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), f"{name} differs between same-seed runs"
    text = (a / "report.md").read_text()
    assert "see timings.json" in text and " s, " not in text.split("How to reproduce")[-1].split("\n#")[0]
    timings = json.loads((a / "timings.json").read_text())
    assert timings["timings_s"] and all(v >= 0 for v in timings["timings_s"].values())
    assert "seconds" not in (a / "results.json").read_text()       # the Monte Carlo run time moved out too
    figures = sorted(f.name for f in (a / "figures").iterdir())
    assert figures and figures == sorted(f.name for f in (b / "figures").iterdir())
    for name in figures:
        assert (a / "figures" / name).read_bytes() == (b / "figures" / name).read_bytes(), f"figures/{name} differs"
    if shutil.which("pdflatex"):
        assert (a / "report.pdf").read_bytes() == (b / "report.pdf").read_bytes(), \
            "report.pdf differs although SOURCE_DATE_EPOCH fixes its date"

"""A reader that stops early (``symdln verify --list | head -1``) ends symdln quietly: exit 141 (128 + SIGPIPE,
as other Unix tools exit on a closed pipe) and nothing on stderr -- no BrokenPipeError traceback, no
"Exception ignored" message from the interpreter's final flush."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def _run_into_closed_pipe(args):
    """Run the CLI with stdout a pipe whose reading end is already closed: the first write fails."""
    r, w = os.pipe()
    os.close(r)
    try:
        return subprocess.run([sys.executable, "-m", "symdln.cli", *args], stdout=w, stderr=subprocess.PIPE,
                              text=True, cwd=ROOT, env=ENV, timeout=120)
    finally:
        os.close(w)


# each case starts the CLI in a subprocess (~1 s CPU): slow tier
@pytest.mark.parametrize("args", [["verify", "--list"], ["latex", "--list"]],
                         ids=" ".join)
def test_closed_pipe_exits_141_without_traceback(args):
    p = _run_into_closed_pipe(args)
    assert p.stderr == "", p.stderr[-2000:]
    assert p.returncode == 141


def test_head_one_ends_quietly():
    """The shell form: ``| head -1`` prints one line; symdln exits 141 when head closed the pipe before the
    last write, or 0 when everything fitted into the pipe's buffer first -- never with a message."""
    cmd = f"{sys.executable} -m symdln.cli verify --list | head -1; echo rc=${{PIPESTATUS[0]}}"
    p = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, cwd=ROOT, env=ENV, timeout=120)
    lines = p.stdout.splitlines()
    assert len(lines) == 2 and lines[0].split()[0] == "eq.1", p.stdout
    assert lines[1] in ("rc=141", "rc=0"), lines[1]
    assert p.stderr == "", p.stderr[-2000:]

"""CI must fail when pytest selects no tests: pytest exits 5 ("no tests ran") for an empty selection, and
every pytest command in ``.ci/run`` (the README's default tier, the compiled kernels, the slow tier) has to
stop the script on that code.  Each command is run by bash under the script's own ``set`` line with pytest
replaced by a stub that exits 5; the next line must never be reached."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

CI = Path(__file__).resolve().parents[1] / ".ci" / "run"


def _pytest_lines(text):
    return [ln.strip() for ln in text.splitlines() if re.search(r"-m pytest\b", ln) and not ln.lstrip().startswith("#")]


def _stop_on(line, set_line, code):
    """Run ``line`` under ``set_line`` with every ``... -m pytest`` exiting ``code`` (other commands succeed);
    return (exit status, whether the line after it ran)."""
    stubs = ("function .venv/bin/python { if [ \"${1:-}\" = -m ] && [ \"${2:-}\" = pytest ]; then return %d; fi; }\n"
             "function python3 { return 0; }\nfunction .venv/bin/pip { return 0; }\n" % code)
    p = subprocess.run(["bash", "-c", f"{set_line}\n{stubs}{line}\necho REACHED"], capture_output=True, text=True,
                       timeout=30)
    return p.returncode, "REACHED" in p.stdout


def test_pytest_exit_code_for_an_empty_selection_is_5():
    assert int(pytest.ExitCode.NO_TESTS_COLLECTED) == 5


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash not installed")
def test_every_pytest_command_in_ci_fails_on_exit_5():
    text = CI.read_text()
    set_line = next(ln for ln in text.splitlines() if ln.startswith("set -"))
    assert "e" in set_line.split()[1], set_line
    lines = _pytest_lines(text)
    assert any("-m slow" in ln for ln in lines), "the slow tier is not run"
    assert any(ln.endswith("pytest -q -p no:cacheprovider") for ln in lines), "the README's default tier is not run"
    for ln in lines:
        assert _stop_on(ln, set_line, 5) == (5, False), ln
        assert _stop_on(ln, set_line, 0) == (0, True), ln             # the stub itself lets a passing run through
    # mutation: a swallowed exit code is caught by the same probe
    assert _stop_on(lines[0] + " || true", set_line, 5)[1]
    assert _stop_on(lines[0], "set -uo pipefail", 5)[1]

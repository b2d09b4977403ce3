"""CLI habits of the export commands: `symdln latex --help/--list` point to what exists; `symdln
experiment list` shows each experiment's measured runtime at --fast, default and --full."""
import json

from symdln import experiments
from symdln.cli import main
from symdln.commands.experiment import _duration, listing


def test_latex_help_points_to_what_exists(capsys):
    try:
        main(["latex", "--help"])
    except SystemExit as exc:
        assert exc.code == 0
    out = capsys.readouterr().out
    assert "--list" in out and "what exists" in out and "derivations/INDEX.md" in out and "symdln latex eq.7" in out


def test_latex_list_and_a_claim_snippet(capsys):
    assert main(["latex", "--list"]) == 0
    out = capsys.readouterr().out
    assert "diffusion_aligned" in out and "eq.7" in out and "Eq. (7)" in out
    assert main(["latex", "no-such-id"]) == 2
    assert "symdln latex --list" in capsys.readouterr().err


def test_experiment_list_shows_measured_runtimes():
    times = experiments.runtimes()
    names = experiments.names()
    assert set(names) <= set(times), "every experiment has a measured runtime (symdln/experiments/runtimes.json)"
    for n in names:
        assert {"fast", "default"} <= set(times[n]), n
        assert times[n]["fast"]["cpu_s"] <= times[n]["default"]["cpu_s"] or not times[n]["default"]["finished"], n
    text = listing()
    lines = text.splitlines()
    assert lines[0].split()[:4] == ["experiment", "--fast", "default", "--full"]
    assert all(any(line.startswith(n + " ") for line in lines) for n in names)
    assert _duration({"cpu_s": 42.0, "wall_s": 90, "finished": True}) == "~42 s"
    assert _duration({"cpu_s": 30.0, "wall_s": 400, "finished": False}) == ">6 min"  # stopped: a lower bound
    assert _duration(None) == "?"
    from pathlib import Path
    doc = json.loads((Path(experiments.__file__).with_name("runtimes.json")).read_text())
    assert "cpu_s" in doc["about"] and "measured" in doc["about"]

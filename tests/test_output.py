"""Output folders (issue 10, defects 1, 5, 6 (bad --out), 10): symdln replaces only what it wrote, refuses
before any computation, respects the umask, locks against concurrent runs and survives kills."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from symdln import SymdlnInputError
from symdln._output import MANIFEST, OutputDir
from symdln.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _no_work(monkeypatch):
    """Make every writing command's computation fail the test: refusals must come before it."""
    import symdln.verify.core_checks
    import symdln.experiments
    import symdln.export.report
    import symdln.saddles.pipeline
    import symdln.symbolic.render

    def boom(*a, **k):
        raise AssertionError("the computation ran before --out was checked")
    monkeypatch.setattr(symdln.export.report, "collect", boom)
    monkeypatch.setattr(symdln.symbolic.render, "render_all", boom)
    monkeypatch.setattr(symdln.verify.core_checks, "run_checks", boom)
    monkeypatch.setattr(symdln.saddles.pipeline, "sample_stratum", boom)
    exp = symdln.experiments.get("decoupling")
    monkeypatch.setattr(symdln.experiments, "get", lambda name: type(exp)(**{**exp.__dict__, "fn": boom}))


COMMANDS = {
    "report": lambda out: ["report", "--fast", "--no-pdf", "--quiet", "--out", out],
    "derive": lambda out: ["derive", "--quiet", "--out", out],
    "check --record": lambda out: ["check", "--fast", "--record", "--quiet", "--out", out],
    "saddles": lambda out: ["saddles", "--fast", "--quiet", "--out", out],
    "experiment": lambda out: ["experiment", "decoupling", "--fast", "--quiet", "--out", out],
}


@pytest.fixture
def cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("command", ["report", "derive", "check --record"])
def test_foreign_folder_is_refused_and_kept(cwd, monkeypatch, capsys, command):
    """`symdln report --fast --out u` deleted u/referee.txt; `derive --out .` deleted thesis.tex."""
    _no_work(monkeypatch)
    (cwd / "u").mkdir()
    (cwd / "u" / "referee.txt").write_text("draft")
    assert main(COMMANDS[command]("u")) == 2
    err = capsys.readouterr().err.strip()
    assert "--out" in err and "not made by symdln" in err and len(err.splitlines()) == 1
    assert sorted(p.name for p in (cwd / "u").iterdir()) == ["referee.txt"]
    assert (cwd / "u" / "referee.txt").read_text() == "draft"


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_bad_out_is_refused_before_any_work(cwd, monkeypatch, capsys, command):
    _no_work(monkeypatch)
    (cwd / "thesis.tex").write_text("mine")
    (cwd / "data.csv").write_text("1,2")
    bad = ["thesis.tex/sub", ""]
    if command in ("report", "derive", "check --record"):
        bad += [".", "thesis.tex", str(cwd)]
    for out in bad:
        assert main(COMMANDS[command](out)) == 2, out
        err = capsys.readouterr().err.strip()
        assert "--out" in err and len(err.splitlines()) == 1, err
    assert sorted(p.name for p in cwd.iterdir()) == ["data.csv", "thesis.tex"]   # nothing created or removed
    assert (cwd / "thesis.tex").read_text() == "mine"


def test_home_folder_is_refused(tmp_path, monkeypatch, capsys):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    with pytest.raises(SymdlnInputError, match="home folder"):
        OutputDir(home).check()


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can write read-only folders")
def test_read_only_parent_is_refused(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        with pytest.raises(SymdlnInputError, match="permission denied"):
            OutputDir(ro / "out").check()
    finally:
        ro.chmod(0o755)


def _write(d, files: dict, prune=True):
    with OutputDir(d, prune=prune) as od:
        for name, text in files.items():
            (od.build / name).parent.mkdir(parents=True, exist_ok=True)
            (od.build / name).write_text(text)
        od.commit()
    return od


def test_only_manifest_files_are_replaced_or_removed(tmp_path):
    d = tmp_path / "out"
    _write(d, {"a.txt": "1", "b.txt": "1", "sub/c.txt": "1"})
    (d / "mine.txt").write_text("user")                       # the user's file in symdln's folder
    od = _write(d, {"a.txt": "2"})
    assert od.removed == ["b.txt", "sub/c.txt"]
    assert (d / "a.txt").read_text() == "2" and (d / "mine.txt").read_text() == "user"
    assert not (d / "b.txt").exists() and not (d / "sub").exists()
    assert json.loads((d / MANIFEST).read_text())["files"] == ["a.txt"]
    # a manifest entry outside the folder is never honoured
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    m = json.loads((d / MANIFEST).read_text())
    m["files"] += ["../victim.txt", str(victim)]
    (d / MANIFEST).write_text(json.dumps(m))
    _write(d, {"a.txt": "3"})
    assert victim.read_text() == "keep"


def test_merge_mode_keeps_other_listed_files(tmp_path):
    d = tmp_path / "checks"
    _write(d, {"check.json": "{}"}, prune=False)
    _write(d, {"false_alarm.json": "{}"}, prune=False)
    assert json.loads((d / MANIFEST).read_text())["files"] == ["check.json", "false_alarm.json"]


def test_second_concurrent_run_is_refused(tmp_path, monkeypatch, capsys):
    _no_work(monkeypatch)
    d = tmp_path / "derivations"
    with OutputDir(d):
        assert main(["derive", "--quiet", "--out", str(d)]) == 2
        assert "another symdln run is writing" in capsys.readouterr().err
    with OutputDir(d) as od:   # released: the next run may write
        od.commit()


def test_commit_killed_half_way_is_rolled_forward(tmp_path, monkeypatch):
    d = tmp_path / "out"
    _write(d, {"a.txt": "old", "b.txt": "old"})
    real = os.replace
    moved = []

    def crash(src, dst):
        if Path(dst).parent == d and Path(dst).name in ("a.txt", "b.txt"):
            if moved:
                raise KeyboardInterrupt   # the run is killed after moving one file of two
            moved.append(dst)
        return real(src, dst)
    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        _write(d, {"a.txt": "new", "b.txt": "new"})
    monkeypatch.setattr(os, "replace", real)
    assert (d / ".symdln-journal.json").exists()
    with OutputDir(d) as od:                 # the next run completes the interrupted commit first
        assert (d / "a.txt").read_text() == (d / "b.txt").read_text() == "new"
        od.commit()
    assert not list(d.glob(".symdln-build-*")) and not (d / ".symdln-journal.json").exists()


def test_leftovers_of_a_killed_run_are_cleaned(tmp_path):
    d = tmp_path / "out"
    _write(d, {"a.txt": "1"})
    (d / ".symdln-build-dead").mkdir()
    (d / ".symdln-build-dead" / "half.pdf").write_text("x")
    (d / ".symdln-tmp-dead.tmp").write_text("x")
    with OutputDir(d) as od:
        assert sorted(p.name for p in d.iterdir() if p != od.build) == [MANIFEST, ".symdln.lock", "a.txt"]


@pytest.mark.parametrize("umask", [0o022, 0o002])
def test_files_and_folders_respect_the_umask(tmp_path, umask):
    """Files were written 0600 (mkstemp) whatever the umask: co-authors could not read them."""
    from symdln._io import atomic_write_json
    old = os.umask(umask)
    try:
        d = tmp_path / "out"
        with OutputDir(d) as od:
            atomic_write_json(od.build / "results.json", {"x": 1})
            atomic_write_json(od.build / "figures" / "f.json", {"x": 1})
            od.commit()
        atomic_write_json(tmp_path / "plain" / "x.json", {})
    finally:
        os.umask(old)
    for f in (d / "results.json", d / "figures" / "f.json", d / MANIFEST, tmp_path / "plain" / "x.json"):
        assert f.stat().st_mode & 0o777 == 0o666 & ~umask, f
    for f in (d, d / "figures"):
        assert f.stat().st_mode & 0o777 == 0o777 & ~umask, f


def test_report_results_json_has_no_run_times(tmp_path):
    """Same seed, same bytes: run times go to timings.json, not results.json (defect 10)."""
    sys.path.insert(0, str(Path(__file__).parent))
    from test_report import fixture_data

    from symdln.export.report import write_report
    outs = []
    for i, t in enumerate((0.25, 7.5)):
        data = fixture_data(tmp_path)
        data.timings = {"verdicts": t, "derivations": 2 * t}
        out = tmp_path / f"r{i}"
        assert write_report(out, data=data, pdf=False).exit_code == 0
        outs.append(out)
    assert (outs[0] / "results.json").read_bytes() == (outs[1] / "results.json").read_bytes()
    assert json.loads((outs[1] / "timings.json").read_text())["timings_s"]["verdicts"] == 7.5


@pytest.mark.slow
def test_tex_special_characters_in_the_folder_name(tmp_path):
    import shutil
    if shutil.which("pdflatex") is None:
        pytest.skip("no pdflatex")
    sys.path.insert(0, str(Path(__file__).parent))
    from test_report import fixture_data

    from symdln.export.report import write_report
    out = tmp_path / "a 50%_b#c&d$e~f"
    outcome = write_report(out, data=fixture_data(tmp_path))
    assert outcome.exit_code == 0 and (out / "report.pdf").stat().st_size > 0


def _cli(args, cwd, **kw):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    return subprocess.Popen([sys.executable, "-m", "symdln.cli", *args], cwd=cwd, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kw)


@pytest.mark.slow
def test_same_seed_experiment_is_byte_identical_and_kills_keep_previous_output(tmp_path):
    """Two same-seed runs give byte-identical JSON; a run killed (SIGKILL, SIGINT) mid-computation leaves the
    previous complete output intact with no half-written file; the next run cleans the leftovers."""
    args = ["experiment", "decoupling", "--fast", "--quiet", "--seed", "3", "--out"]
    assert _cli(args + ["a"], tmp_path).wait(300) == 0
    assert _cli(args + ["b"], tmp_path).wait(300) == 0
    ja, jb = (tmp_path / x / "decoupling" / "decoupling.json" for x in "ab")
    assert ja.read_bytes() == jb.read_bytes()
    d = tmp_path / "a" / "decoupling"
    before = {p.name: p.read_bytes() for p in d.iterdir() if p.is_file() and p.name != ".symdln.lock"}
    for sig in (signal.SIGKILL, signal.SIGINT):
        proc = _cli(args + ["a", "--seed", "4"], tmp_path)
        deadline = time.time() + 60
        while not list(d.glob(".symdln-build-*")) and time.time() < deadline and proc.poll() is None:
            time.sleep(0.05)
        time.sleep(0.1)                  # into the computation, well before its end (a fixed 0.5 s raced a fast machine)
        assert proc.poll() is None, "the run ended before it could be interrupted"
        proc.send_signal(sig)
        proc.wait(60)
        after = {p.name: p.read_bytes() for p in d.iterdir() if p.is_file() and p.name != ".symdln.lock"}
        assert after == before, sig
    assert _cli(args + ["a"], tmp_path).wait(300) == 0
    assert not list(d.glob(".symdln-build-*")) and not list(d.rglob(".symdln-tmp-*"))
    assert ja.read_bytes() == jb.read_bytes()

"""Every figure says what it shows: x and y labels on each data axis, legends at a readable size,
fonts embedded as TrueType (no Type 3 bitmaps in the PDF report).  Figures are read from matplotlib
before they are saved (``Figure.savefig`` is wrapped)."""
from pathlib import Path

import pytest
from matplotlib.figure import Figure

from symdln.diagnostics.figures import STYLE, plt, unlabelled_axes


def test_unlabelled_axes_finds_a_missing_label():
    P = plt()
    fig, (a, b) = P.subplots(1, 2)
    a.plot([0, 1], [0, 1]); a.set_xlabel("t"); a.set_ylabel("loss")
    b.plot([0, 1], [1, 0]); b.set_xlabel("t")                         # mutation: no y label
    twin = a.twinx(); twin.plot([0, 1], [1, 1]); twin.set_ylabel("fraction")  # shares a's x label
    assert unlabelled_axes(fig) == ["axes 1 (untitled): no y label"]
    b.set_ylabel("gap")
    assert unlabelled_axes(fig) == []
    P.close(fig)
    assert STYLE["pdf.fonttype"] == 42 and STYLE["legend.fontsize"] >= 9


def _audit(monkeypatch):
    """Record (figure file, unlabelled axes, legend font sizes < 8 pt) for every figure saved."""
    found = []
    orig = Figure.savefig

    def savefig(self, fname, *a, **k):
        small = [t.get_fontsize() for leg in [ax.get_legend() for ax in self.get_axes()] + list(self.legends)
                 if leg is not None for t in leg.get_texts() if t.get_fontsize() < 8]
        found.append((str(getattr(fname, "name", fname)), unlabelled_axes(self), small))
        return orig(self, fname, *a, **k)
    monkeypatch.setattr(Figure, "savefig", savefig)
    return found


@pytest.mark.slow
def test_report_figures_have_labelled_axes(monkeypatch, tmp_path):
    from symdln.export.figures import make_figures
    from symdln.export.model import ReportData
    from symdln.papers import load
    found = _audit(monkeypatch)
    figs = make_figures(ReportData(claims=load().claims()), tmp_path)
    assert figs and found
    assert all(not bad and not small for _, bad, small in found), found


@pytest.mark.slow
def test_experiment_figures_have_labelled_axes(monkeypatch, tmp_path):
    from symdln import experiments
    from symdln.progress import Progress
    found = _audit(monkeypatch)
    for name in experiments.names():
        experiments.get(name).fn(Path(tmp_path) / name, fast=True, full=False, seed=0,
                                 progress=Progress(name, quiet=True))
    assert len(found) >= len(experiments.names())
    problems = [(f, bad, small) for f, bad, small in found if bad or small]
    assert not problems, problems

"""What the paper-reproduction experiments share: the App. H teacher, the networks they start from, the
checkpoint grid, the progress phases, the figure writer and the ``paper`` rows of each JSON summary.

Used by :mod:`symdln.experiments.paper_experiments` (``diffusion-peak``, ``stagewise``) and
:mod:`symdln.experiments.stationary_experiments` (``stationary``, ``scaling``).
"""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from .._io import atomic_write_bytes
from ..network import small_gaussian_init

__all__ = ["S_DEFAULT", "nets", "uniform_checkpoints", "save", "phases", "claim", "pyplot"]

#: the teacher's singular values of App. H
S_DEFAULT = (1.0, 0.7, 0.4)


def nets(d, L, gamma, n, seed):
    """``n`` depth-``L`` networks of width ``d``, small Gaussian initialisation ``min(d_in, d_out)^-gamma``."""
    return [small_gaussian_init([d] * (L + 1), gamma, rng=[seed, 1000 + i]) for i in range(n)]


def uniform_checkpoints(steps, n=1000):
    """About ``n`` evenly spaced steps in ``0..steps`` (both ends included) at which a run is recorded."""
    return np.unique(np.round(np.linspace(0, steps, n + 1)).astype(np.int64))


def save(fig, out_dir: Path, name: str) -> list[str]:
    """Write ``fig`` as ``NAME.png`` and ``NAME.pdf`` into ``out_dir`` (atomically), close it, and return the names."""
    import matplotlib.pyplot
    files = []
    for ext in ("png", "pdf"):
        buf = io.BytesIO()
        fig.savefig(buf, format=ext, dpi=110, bbox_inches="tight")
        atomic_write_bytes(Path(out_dir) / f"{name}.{ext}", buf.getvalue())
        files.append(f"{name}.{ext}")
    matplotlib.pyplot.close(fig)
    return files


class _Phase:
    """Maps one simulator's ``update(done, total)`` into phase ``i`` of ``n`` of the experiment's progress bar."""

    def __init__(self, progress, i, n):
        self.p, self.i, self.n = progress, i, n

    def update(self, done, total, note=""):
        if self.p is not None and total > 0:
            self.p.update(self.i + min(done / total, 1.0), self.n, note)


def phases(progress, n):
    """One progress phase per simulator run of an experiment (``n`` of them)."""
    return [_Phase(progress, i, n) for i in range(n)]


def claim(statement, paper, measured, agrees, note=""):
    """One row of a summary's ``"paper"`` list: the statement, what the paper says, what was measured, and
    whether they agree (``None``: not comparable)."""
    return {"statement": statement, "paper": paper, "measured": measured,
            "verdict": {True: "agrees", False: "disagrees", None: "not comparable"}[agrees], "note": note}


def pyplot():
    """matplotlib.pyplot, configured for symdln's figures (imported on first use)."""
    from ..diagnostics import figures
    return figures.plt()

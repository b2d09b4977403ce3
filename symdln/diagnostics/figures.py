"""Plotting functions of the diagnostic experiments (matplotlib Agg; PNG + PDF written atomically)."""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from .._io import atomic_write_bytes

__all__ = ["plt", "save_figure", "band", "heatmap", "STYLE", "apply_style", "unlabelled_axes"]

#: figure style of every symdln plot: fonts embedded as TrueType (Type 42), never Type 3 bitmaps;
#: text sizes chosen so that a figure at its natural width (about 17 cm, the report's text width)
#: prints its legend at the body-text size (9-10 pt)
STYLE = {"pdf.fonttype": 42, "ps.fonttype": 42, "font.size": 10, "axes.titlesize": 10, "axes.labelsize": 10,
         "xtick.labelsize": 9, "ytick.labelsize": 9, "legend.fontsize": 9, "figure.titlesize": 11,
         "legend.frameon": False}


def apply_style() -> None:
    """Set :data:`STYLE` in matplotlib's rcParams (idempotent)."""
    import matplotlib
    matplotlib.rcParams.update(STYLE)


def plt():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as _plt
    apply_style()
    return _plt


def unlabelled_axes(fig) -> list[str]:
    """Descriptions of the data axes of ``fig`` that lack an x or y label (colour bars and empty
    panels are exempt); an empty list means every axis says what it shows."""
    bad = []
    for i, ax in enumerate(fig.get_axes()):
        if not ax.get_visible() or not ax.axison or getattr(ax, "_colorbar", None) is not None \
                or ax.get_label() == "<colorbar>":
            continue
        if not (ax.lines or ax.collections or ax.images or ax.patches or ax.texts):
            continue
        # a hidden axis (the shared x axis of a twinx panel) is labelled by its twin
        missing = [k for k, lab, axis in (("x", ax.get_xlabel(), ax.xaxis), ("y", ax.get_ylabel(), ax.yaxis))
                   if axis.get_visible() and not lab.strip()]
        if missing:
            bad.append(f"axes {i} ({ax.get_title() or 'untitled'}): no {'/'.join(missing)} label")
    return bad


def save_figure(fig, out_dir, name: str) -> list[str]:
    """Write ``name.png`` and ``name.pdf`` into ``out_dir`` atomically; returns the file names."""
    names = []
    for ext in ("png", "pdf"):
        buf = io.BytesIO()
        fig.savefig(buf, format=ext, dpi=130 if ext == "png" else None, bbox_inches="tight",
                    metadata={"CreationDate": None} if ext == "pdf" else None)
        atomic_write_bytes(Path(out_dir) / f"{name}.{ext}", buf.getvalue())
        names.append(f"{name}.{ext}")
    plt().close(fig)
    return names


def band(ax, t, mid, lo=None, hi=None, *, label=None, color=None, ls="-"):
    """Line with a shaded band (``lo``..``hi``), skipping non-positive times on log axes."""
    t = np.asarray(t, float)
    (line,) = ax.plot(t, mid, ls, label=label, color=color, lw=1.3)
    if lo is not None and hi is not None:
        ax.fill_between(t, lo, hi, color=line.get_color(), alpha=0.25, lw=0)
    return line


def heatmap(ax, P, *, title: str = "", vmin=None, vmax=None, fmt: str = "{:.2g}", cmap="viridis"):
    """Upper-triangular ``(L, L)`` pattern ``[i-1, j-1]`` as an annotated heatmap (``i`` rows, ``j`` columns)."""
    P = np.asarray(P, float)
    L = P.shape[0]
    M = np.where(np.triu(np.ones((L, L), bool)), P, np.nan)
    im = ax.imshow(M, vmin=vmin, vmax=vmax, cmap=cmap)
    for i in range(L):
        for j in range(i, L):
            ax.text(j, i, fmt.format(M[i, j]), ha="center", va="center", fontsize=8, color="w")
    ax.set_xticks(range(L), [str(j + 1) for j in range(L)])
    ax.set_yticks(range(L), [str(i + 1) for i in range(L)])
    ax.set_xlabel("end layer j of the product")
    ax.set_ylabel("start layer i")
    ax.set_title(title, fontsize=9)
    return im

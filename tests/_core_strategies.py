"""Shared random-network builders for the numeric-core tests (seeded; Hypothesis draws the seed)."""
from __future__ import annotations

import numpy as np

from symdln import DLN, Teacher, aligned_balanced


def random_setting(seed: int, *, min_depth: int = 1, max_depth: int = 4, max_width: int = 4, min_width: int = 1, label: str | None = None,
                   aligned: bool | None = None):
    """A (net, teacher) pair: depth 1..max_depth, rectangular widths, generic or aligned+balanced
    (random or identity gauge), label noise none / isotropic / anisotropic."""
    rng = np.random.default_rng(seed)
    L = int(rng.integers(min_depth, max_depth + 1))
    d0, dL = (int(x) for x in rng.integers(min_width, max_width + 1, size=2))
    r = int(rng.integers(1, min(d0, dL) + 1))
    label = label or ["none", "iso", "aniso"][int(rng.integers(3))]
    if label == "none":
        Sq = np.zeros((dL, dL))
    elif label == "iso":
        Sq = rng.uniform(0.1, 1.0) ** 2 * np.eye(dL)
    else:
        A = rng.standard_normal((dL, dL))
        Sq = 0.3 * A @ A.T
    s = np.sort(rng.uniform(0.3, 2.0, size=r))[::-1]
    t = Teacher.from_singular_values(s, dL, d0, rng=rng).with_label_noise(Sq)
    aligned = bool(rng.integers(2)) if aligned is None else aligned
    if aligned:
        widths = [d0] + [int(x) for x in rng.integers(r, r + 3, size=L - 1)] + [dL]
        net = aligned_balanced(t, rng.uniform(0.05, 1.0, size=r) * s, widths, rng=rng,
                               gauge=["random", "identity"][int(rng.integers(2))])
    else:
        widths = [d0] + [int(x) for x in rng.integers(1, max_width + 1, size=L - 1)] + [dL]
        net = DLN([rng.standard_normal((widths[i + 1], widths[i])) / np.sqrt(widths[i]) for i in range(L)])
    return net, t

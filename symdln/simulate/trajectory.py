"""The result type of every simulator: checkpoints of an ensemble of S trajectories.

Simulators (``symdln.simulate``) return a :class:`Trajectory`; the diagnostics
(``symdln.diagnostics``) and experiments read it.  Arrays only, so an ensemble is one array
computation and a run saves to one ``.npz``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .._io import atomic_write_bytes
from ..network import DLN, Teacher

__all__ = ["Trajectory"]


@dataclass
class Trajectory:
    """Checkpoints ``k = 0..T-1`` of ``S`` trajectories of a depth-``L`` network.

    ``layers[l-1]`` has shape ``(T, S, d_l, d_{l-1})``; ``times`` is continuous time ``t = eta * step``
    (for SDE simulations, the simulated time); ``steps`` the iteration count at each checkpoint.
    ``meta`` records the method, hyper-parameters, seeds and library versions.
    """

    times: np.ndarray
    steps: np.ndarray
    layers: list
    teacher: Teacher
    meta: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        """One line: depth, widths, ensemble size, checkpoints and time span, method (never the arrays)."""
        widths = (self.layers[0].shape[-1],) + tuple(Wl.shape[-2] for Wl in self.layers)
        t = self.times
        span = f"t in [{float(t[0]):g}, {float(t[-1]):g}]" if len(t) else "no checkpoints"
        method = self.meta.get("method")
        return (f"Trajectory(L={self.depth}, widths={widths}, S={self.n_traj} trajectories, "
                f"T={self.n_checkpoints} checkpoints, {span}" + (f", method={method!r}" if method else "") + ")")

    @property
    def n_checkpoints(self) -> int:
        return int(self.times.shape[0])

    @property
    def n_traj(self) -> int:
        return int(self.layers[0].shape[1])

    @property
    def depth(self) -> int:
        return len(self.layers)

    def end_to_end(self) -> np.ndarray:
        """``W = W_L ... W_1`` at every checkpoint, shape ``(T, S, d_L, d_0)``."""
        out = self.layers[0]
        for Wl in self.layers[1:]:
            out = Wl @ out
        return out

    def mode_amplitudes(self) -> np.ndarray:
        """``w_alpha = u_alpha^T W v_alpha``, shape ``(T, S, r)``."""
        return np.einsum("ia,tsij,ja->tsa", self.teacher.U, self.end_to_end(), self.teacher.V)

    def cross_mode_amplitudes(self) -> np.ndarray:
        """``U^T W V``, shape ``(T, S, r, r)``."""
        return np.einsum("ia,tsij,jb->tsab", self.teacher.U, self.end_to_end(), self.teacher.V)

    def population_loss(self) -> np.ndarray:
        """``0.5 ||M - W||_F^2 + 0.5 tr Sigma_q``, shape ``(T, S)``."""
        D = self.teacher.M - self.end_to_end()
        return 0.5 * np.sum(D * D, axis=(-2, -1)) + 0.5 * float(np.trace(self.teacher.Sigma_q))

    def summary(self) -> dict:
        """A small JSON-ready summary: ``meta`` plus final mode amplitudes and loss (mean, sd over trajectories)."""
        w = self.mode_amplitudes()[-1]
        loss = self.population_loss()[-1]
        sd = lambda x: (x.std(axis=0, ddof=1) if x.shape[0] > 1 else np.zeros_like(x[0])).tolist()  # noqa: E731
        return {**self.meta, "n_checkpoints": self.n_checkpoints, "t_final": float(self.times[-1]),
                "final_mode_amplitudes_mean": w.mean(axis=0).tolist(), "final_mode_amplitudes_sd": sd(w),
                "final_loss_mean": float(loss.mean()), "final_loss_sd": float(sd(loss[:, None])[0])}

    def net(self, k: int, s: int = 0) -> DLN:
        """The network of trajectory ``s`` at checkpoint ``k``."""
        return DLN([Wl[k, s] for Wl in self.layers])

    def save(self, path) -> Path:
        import io
        buf = io.BytesIO()
        arrays = {f"W{l + 1}": Wl for l, Wl in enumerate(self.layers)}
        np.savez_compressed(buf, times=self.times, steps=self.steps, U=self.teacher.U, s=self.teacher.s,
                            V=self.teacher.V, Sigma_q=self.teacher.Sigma_q,
                            meta=np.array(json.dumps(self.meta, default=str)), **arrays)
        return atomic_write_bytes(path, buf.getvalue())

    @classmethod
    def load(cls, path) -> "Trajectory":
        with np.load(path, allow_pickle=False) as f:
            L = sum(1 for k in f.files if k.startswith("W") and k[1:].isdigit())
            layers = [f[f"W{l + 1}"] for l in range(L)]
            teacher = Teacher(f["U"], f["s"], f["V"], f["Sigma_q"])
            return cls(f["times"], f["steps"], layers, teacher, json.loads(str(f["meta"])))

"""Task functions of the experiments (``symdln.tasks``) and the array codecs of their results.

A GD + SGD run of the diagnostics (:func:`symdln.diagnostics.runs.run_gd_sgd`) is one task: its
random stream is fixed by the configuration (the run's own ``seed`` argument, a pure function of the
experiment's base seed and the cell), so any runner reproduces it exactly.  Results travel as NumPy
arrays plus JSON (:func:`run_to_payload` / :func:`run_from_payload`), never as pickles.
"""
from __future__ import annotations

import json

import numpy as np

from ..network import DLN, Teacher
from ..tasks import task_function

__all__ = ["gd_sgd_task", "run_to_payload", "run_from_payload", "trajectory_to_payload", "trajectory_from_payload"]


def _teacher_payload(T: Teacher) -> dict:
    return {"U": np.asarray(T.U), "s": np.asarray(T.s), "V": np.asarray(T.V), "Sigma_q": np.asarray(T.Sigma_q)}


def _teacher(p: dict) -> Teacher:
    return Teacher(p["U"], p["s"], p["V"], p["Sigma_q"])


def trajectory_to_payload(tr) -> dict:
    return {"times": tr.times, "steps": tr.steps, "layers": list(tr.layers), "teacher": _teacher_payload(tr.teacher),
            "meta": json.dumps(tr.meta, sort_keys=True, default=str)}


def trajectory_from_payload(p: dict, teacher: Teacher | None = None):
    from ..simulate import Trajectory
    return Trajectory(times=p["times"], steps=p["steps"], layers=list(p["layers"]),
                      teacher=teacher if teacher is not None else _teacher(p["teacher"]), meta=json.loads(p["meta"]))


def run_to_payload(run) -> dict:
    return {"gd": trajectory_to_payload(run.gd), "sgd": trajectory_to_payload(run.sgd),
            "net0": list(run.net0.layers), "teacher": _teacher_payload(run.teacher),
            "setting": json.dumps(run.setting, sort_keys=True)}


def run_from_payload(p: dict):
    from ..diagnostics.runs import GdSgdRun
    T = _teacher(p["teacher"])
    return GdSgdRun(trajectory_from_payload(p["gd"], T), trajectory_from_payload(p["sgd"], T), DLN(p["net0"]), T,
                    json.loads(p["setting"]))


@task_function
def gd_sgd_task(config: dict, seed) -> dict:
    """One GD + ``n_sgd`` SGD run of the diagnostics; ``config`` holds :func:`run_gd_sgd`'s keywords (its
    ``seed`` entry fixes the run's random stream, so the task's own ``seed`` sequence is not used)."""
    from ..diagnostics.runs import run_gd_sgd
    return run_to_payload(run_gd_sgd(**config))

"""Experiments run by ``symdln experiment NAME``; each writes a figure and a JSON of numbers.

An experiment module registers itself with :func:`register`; the first paragraph of the docstring is the
one-line help that ``symdln experiment list`` shows::

    @register("diffusion-peak")
    def diffusion_peak(out_dir: Path, *, fast: bool, full: bool, seed: int, progress) -> dict:
        '''Modewise diffusion peaks vs mode-learning times, SGD and Langevin (Figs. 1, 3).'''

The function writes its files into ``out_dir`` (atomically, via ``symdln._io``) and returns the
summary dict that also goes to ``out_dir/<name>.json``.  ``fast=True`` is the small CI setting; ``full=True`` the largest one
where an experiment has one; ``progress`` is a :class:`symdln.progress.Progress`.
"""
from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass
from typing import Callable

__all__ = ["Experiment", "register", "EXPERIMENTS", "get", "names", "runtimes", "RUNTIMES_FILE"]

#: measured runtimes of every experiment at --fast / default / --full (``symdln experiment list``)
RUNTIMES_FILE = "runtimes.json"


@dataclass(frozen=True)
class Experiment:
    name: str
    help: str
    fn: Callable


EXPERIMENTS: dict[str, Experiment] = {}

#: modules that register experiments (imported lazily by ``names``/``get``)
_MODULES = ["paper_experiments", "stationary_experiments", "diagnostic_experiments", "pattern_experiments",
            "regimes"]


def register(name: str, *, help: str | None = None):
    """Decorator: register the decorated function as experiment ``name``.  ``help`` (one line, shown by
    ``symdln experiment list``) defaults to the first paragraph of the function's docstring."""
    def deco(fn):
        text = help
        if text is None:
            doc = inspect.cleandoc(fn.__doc__ or "")
            text = " ".join(doc.split("\n\n")[0].split()).rstrip(".")
            if not text:
                raise RuntimeError(f"experiment {name!r} needs help= or a docstring")
        if name in EXPERIMENTS:
            raise RuntimeError(f"experiment {name!r} registered twice")
        EXPERIMENTS[name] = Experiment(name, text, fn)
        return fn
    return deco


def _load() -> None:
    for m in _MODULES:
        try:
            importlib.import_module(f"{__name__}.{m}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{m}":
                raise


def names() -> list[str]:
    _load()
    return sorted(EXPERIMENTS)


def get(name: str) -> Experiment:
    _load()
    if name not in EXPERIMENTS:
        from .._validation import SymdlnInputError
        raise SymdlnInputError(f"unknown experiment {name!r}; known: {', '.join(sorted(EXPERIMENTS)) or '(none)'}")
    return EXPERIMENTS[name]


def runtimes() -> dict:
    """name -> {"fast"|"default"|"full": {"cpu_s", "wall_s", "finished"}} from :data:`RUNTIMES_FILE`
    (measured; ``{}`` when the file is absent)."""
    import json
    from pathlib import Path
    path = Path(__file__).with_name(RUNTIMES_FILE)
    if not path.is_file():
        return {}
    return dict(json.loads(path.read_text()).get("experiments", {}))

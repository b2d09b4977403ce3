"""Experiments as independent tasks plus a reduction: run in-process, on local workers, or on Dask.

A :class:`Task` is one unit of work of an experiment -- a configuration and a seed index -- named by a
JSON-able ``key``.  Its random stream is ``numpy.random.SeedSequence(base_seed, spawn_key=...)`` with the
spawn key computed from ``(experiment, key)`` alone (:func:`task_seed`), so a task's numbers depend
only on the base seed and its own key: not on which process runs it, in which order, or what else
runs.  Every task also runs with BLAS pinned to one thread (``threadpoolctl``), because a multi-threaded
BLAS may split a product differently and change the last bits.

Three runners, one result (:func:`run_tasks`):

* ``Runner()`` -- in-process (the default; nothing beyond the core dependencies);
* ``Runner(workers=N)`` -- ``N`` local processes (``concurrent.futures`` with the ``spawn`` start method);
* ``Runner(scheduler="tcp://host:8786")`` -- an existing ``dask.distributed`` scheduler (the optional
  extra ``pip install "symdln[dask]"``), e.g. a workstation ``LocalCluster``, SLURM via
  dask-jobqueue, or Kubernetes.

Finished tasks are cached under ``<out>/tasks/`` keyed by (experiment, key, base seed, code version)
(:class:`TaskCache`): an interrupted run resumes where it stopped, and a failed task is reported with
its key while the others finish.  Task functions are marked with :func:`task_function` (only
marked functions of symdln run; a task never names code by a string the user typed).
"""
from __future__ import annotations

import hashlib
import importlib
import json
import os
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np

__all__ = ["Task", "TaskResult", "TaskCache", "Runner", "run_tasks", "demo_task", "task_function", "task_ref", "task_seed",
           "code_version", "prepare_cache_dir", "encode_result", "decode_result", "current_runner", "current_cache_dir", "using_runner"]

def task_function(fn):
    """Mark ``fn(config: dict, seed: numpy.random.SeedSequence) -> result`` as a task function.

    Tasks name their function as ``"module:qualname"`` (:func:`task_ref`); a worker imports only modules
    of symdln and runs only functions carrying this mark, so no task can name arbitrary code.
    """
    fn.__symdln_task__ = True
    return fn


def task_ref(fn) -> str:
    """``"module:qualname"`` of a task function (what :class:`Task` stores)."""
    if not getattr(fn, "__symdln_task__", False):
        raise ValueError(f"{fn!r} is not marked with @task_function")
    return f"{fn.__module__}:{fn.__qualname__}"


def _resolve(ref: str) -> Callable:
    mod, _, qual = ref.partition(":")
    if not (mod == "symdln" or mod.startswith("symdln.")) or not qual:
        raise ValueError(f"task function must be a symdln function 'module:qualname'; got {ref!r}")
    obj = importlib.import_module(mod)
    for part in qual.split("."):
        obj = getattr(obj, part)
    if not getattr(obj, "__symdln_task__", False):
        raise ValueError(f"{ref!r} is not a task function")
    return obj


@task_function
def demo_task(config: dict, seed) -> dict:
    """The smallest task (docs and tests): ``n`` standard normals from the task's stream; raises when
    ``config["fail"]`` is true, to show how a failed task is reported."""
    if config.get("fail"):
        raise ValueError("deliberate failure (config fail=True)")
    return {"x": np.random.default_rng(seed).standard_normal(int(config.get("n", 3))), "c": config.get("c")}


def _canonical(x) -> str:
    from .._io import _json_default
    return json.dumps(x, sort_keys=True, separators=(",", ":"), default=_json_default)


def task_seed(base_seed: int, experiment: str, key) -> np.random.SeedSequence:
    """The task's random stream: ``SeedSequence(base_seed, spawn_key=<4 words of sha256(experiment, key)>)``.

    The spawn key is a pure function of ``(experiment, key)``, so two tasks never share a stream and a
    task gets the same stream in every runner and every order.
    """
    h = hashlib.sha256(_canonical([experiment, key]).encode()).digest()
    words = tuple(int.from_bytes(h[4 * i:4 * i + 4], "little") for i in range(4))
    return np.random.SeedSequence(int(base_seed), spawn_key=words)


@dataclass(frozen=True)
class Task:
    """One unit of an experiment: ``fn`` (a registered task function) applied to ``config`` with the
    stream ``task_seed(base_seed, experiment, key)``."""
    experiment: str
    key: tuple
    fn: str
    config: dict = field(default_factory=dict)
    #: relative cost estimate (scheduling only: never part of the task's seed or cache identity); workers
    #: start the costliest tasks first, so a long task does not start last and leave the other workers idle
    cost: float = field(default=0.0, compare=False)

    def label(self) -> str:
        return f"{self.experiment}[{', '.join(map(str, self.key))}]"


@dataclass
class TaskResult:
    task: Task
    value: Any = None
    error: str | None = None
    cached: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None


# ---- results on disk: JSON skeleton + arrays, never pickle --------------------------------------------
def encode_result(value) -> tuple[str, dict]:
    """Split a result (nested dicts/lists of JSON scalars and NumPy arrays) into a JSON text and arrays."""
    arrays: dict[str, np.ndarray] = {}

    def enc(x):
        if isinstance(x, np.ndarray):
            name = f"a{len(arrays)}"
            arrays[name] = x
            return {"__array__": name}
        if isinstance(x, dict):
            if any(not isinstance(k, str) for k in x):
                raise TypeError("task results may only have string keys")
            return {k: enc(v) for k, v in x.items()}
        if isinstance(x, (list, tuple)):
            return [enc(v) for v in x]
        if isinstance(x, np.generic):
            return x.item()
        if x is None or isinstance(x, (bool, int, float, str)):
            return x
        raise TypeError(f"task results hold JSON scalars and NumPy arrays; got {type(x).__name__}")
    return json.dumps(enc(value), sort_keys=True, allow_nan=True), arrays


def decode_result(text: str, arrays: dict) -> Any:
    def dec(x):
        if isinstance(x, dict):
            if set(x) == {"__array__"}:
                return np.asarray(arrays[x["__array__"]])
            return {k: dec(v) for k, v in x.items()}
        if isinstance(x, list):
            return [dec(v) for v in x]
        return x
    return dec(json.loads(text))


_CODE_VERSION: str | None = None


def code_version() -> str:
    """Package version plus a hash of symdln's own source files: a cached task result is reused only by
    the code that produced it."""
    global _CODE_VERSION
    if _CODE_VERSION is None:
        from .. import __version__
        root = Path(__file__).resolve().parent.parent
        h = hashlib.sha256()
        for p in sorted(root.rglob("*.py")):
            h.update(str(p.relative_to(root)).encode())
            h.update(p.read_bytes())
        _CODE_VERSION = f"{__version__}+{h.hexdigest()[:16]}"
    return _CODE_VERSION


CACHE_MARKER = ".symdln-task-cache"


def prepare_cache_dir(folder, *, option: str = "--out") -> Path:
    """Claim ``folder`` for the task cache before any work: a folder symdln made (it holds the marker
    ``.symdln-task-cache``), or a new or empty one; anything else is refused with one line (symdln never writes
    into a folder of the user's).  Returns the folder."""
    from .._output import write_bytes_atomic
    from .._validation import SymdlnInputError
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise SymdlnInputError(f"{option}: {folder} is a file; the task cache needs a folder there")
    if folder.is_dir() and not (folder / CACHE_MARKER).is_file() and any(folder.iterdir()):
        raise SymdlnInputError(f"{option}: {folder} exists and was not made by symdln (no {CACHE_MARKER}); "
                               "name another output folder")
    if not (folder / CACHE_MARKER).is_file():
        write_bytes_atomic(folder / CACHE_MARKER, b"symdln task cache: finished tasks, one .npz each\n")
    return folder


class TaskCache:
    """Finished tasks under ``folder`` (one ``.npz`` per task, written atomically, loaded without pickle).

    Commands claim the folder first with :func:`prepare_cache_dir`."""

    def __init__(self, folder: str | os.PathLike, base_seed: int):
        self.folder = Path(folder)
        self.base_seed = int(base_seed)

    def path(self, task: Task) -> Path:
        ident = _canonical([task.experiment, task.key, task.fn, task.config, self.base_seed, code_version()])
        h = hashlib.sha256(ident.encode()).hexdigest()[:32]
        return self.folder / task.experiment / f"{h}.npz"

    def load(self, task: Task):
        p = self.path(task)
        if not p.exists():
            return None
        try:
            with np.load(p, allow_pickle=False) as z:
                arrays = {k: z[k] for k in z.files if k != "__json__"}
                text = str(z["__json__"])
        except Exception:       # a damaged file (e.g. a disk-full write) is recomputed, never trusted
            return None
        return (decode_result(text, arrays),)

    def store(self, task: Task, value) -> None:
        from .._io import atomic_write_bytes
        import io
        text, arrays = encode_result(value)
        buf = io.BytesIO()
        np.savez(buf, __json__=np.array(text), **arrays)
        atomic_write_bytes(self.path(task), buf.getvalue())


# ---- execution ---------------------------------------------------------------------------------------
def execute(task: Task, base_seed: int):
    """Run one task (the function every runner calls, in whatever process): BLAS pinned to one thread."""
    from threadpoolctl import threadpool_limits
    fn = _resolve(task.fn)
    t0 = time.process_time()
    with threadpool_limits(1):
        value = fn(dict(task.config), task_seed(base_seed, task.experiment, task.key))
    return value, time.process_time() - t0


def _execute_safely(task: Task, base_seed: int):
    try:
        value, sec = execute(task, base_seed)
        return value, None, sec
    except Exception as exc:  # reported with the task's key; the other tasks go on
        tb = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return None, tb, 0.0


@dataclass(frozen=True)
class Runner:
    """Where tasks run: in-process (default), ``workers=N`` local processes, or a Dask ``scheduler``."""
    workers: int | None = None
    scheduler: str | None = None

    def __post_init__(self):
        from .._validation import SymdlnInputError
        if self.workers is not None and self.scheduler is not None:
            raise SymdlnInputError("give either workers (local processes) or scheduler (Dask), not both")
        if self.workers is not None and (isinstance(self.workers, bool) or not isinstance(self.workers, int)
                                         or not 1 <= self.workers <= 1024):
            raise SymdlnInputError(f"workers must be an integer from 1 to 1024; got {self.workers!r}")
        if self.scheduler is not None and (not isinstance(self.scheduler, str) or not self.scheduler.strip()):
            raise SymdlnInputError(f"scheduler must be a Dask scheduler address such as tcp://127.0.0.1:8786; "
                                   f"got {self.scheduler!r}")

    @property
    def kind(self) -> str:
        return "dask" if self.scheduler else "processes" if self.workers and self.workers > 1 else "in-process"

    def describe(self) -> dict:
        return {"runner": self.kind, **({"workers": self.workers} if self.workers else {}),
                **({"scheduler": self.scheduler} if self.scheduler else {})}


_CURRENT: list[tuple[Runner, Path | None]] = [(Runner(), None)]


def current_runner() -> Runner:
    """The runner experiments use for their tasks (set by ``symdln experiment --workers/--scheduler``)."""
    return _CURRENT[-1][0]


def current_cache_dir() -> Path | None:
    """Where experiments cache finished tasks (``<out>/tasks`` under ``symdln experiment``), or None."""
    return _CURRENT[-1][1]


class using_runner:
    """``with using_runner(Runner(workers=2), cache_dir=out / "tasks"): ...`` -- experiments run inside
    send their tasks to that runner and cache them there."""

    def __init__(self, runner: Runner, cache_dir=None):
        self.runner = runner
        self.cache_dir = None if cache_dir is None else Path(cache_dir)

    def __enter__(self):
        _CURRENT.append((self.runner, self.cache_dir))
        return self.runner

    def __exit__(self, *exc):
        _CURRENT.pop()
        return False


def dask_client(address: str):
    """A ``dask.distributed`` client for ``address``, or a one-line error saying how to install Dask."""
    from .._validation import SymdlnInputError
    try:
        from distributed import Client
    except ImportError:
        raise SymdlnInputError('--scheduler needs Dask: pip install "symdln[dask]" '
                               "(dask.distributed is not installed)") from None
    try:
        return Client(address, timeout="10s", set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise SymdlnInputError(f"scheduler: could not connect to a Dask scheduler at {address!r} ({exc})") from None


def run_tasks(tasks: Iterable[Task], *, base_seed: int = 0, runner: Runner | None = None,
              cache: TaskCache | None = None, progress=None) -> list[TaskResult]:
    """Run every task (cached ones are loaded, not rerun) and return their results in the given order.

    A task that raises is returned with ``error`` set (its key names it); the others still run.  Results are
    stored in ``cache`` as soon as each finishes, so a killed run loses at most the tasks in flight.
    """
    runner = runner or current_runner()
    if cache is None and current_cache_dir() is not None:
        cache = TaskCache(current_cache_dir(), base_seed)
    tasks = list(tasks)
    results: list[TaskResult | None] = [None] * len(tasks)
    todo = []
    for i, t in enumerate(tasks):
        hit = cache.load(t) if cache is not None else None
        if hit is not None:
            results[i] = TaskResult(t, hit[0], cached=True)
        else:
            todo.append(i)
    done = len(tasks) - len(todo)

    def finished(i, value, err, sec):
        nonlocal done
        if err is None and cache is not None:
            cache.store(tasks[i], value)
        results[i] = TaskResult(tasks[i], value, err, seconds=sec)
        done += 1
        if progress is not None:
            progress.update(done, len(tasks), tasks[i].label())

    if progress is not None and done:
        progress.update(done, len(tasks), f"{done} cached")
    todo.sort(key=lambda i: -tasks[i].cost)   # stable: equal costs keep their order; results keep theirs
    if runner.kind == "in-process" or len(todo) == 0:
        for i in todo:
            finished(i, *_execute_safely(tasks[i], base_seed))
    elif runner.kind == "processes":
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor, as_completed
        with ProcessPoolExecutor(max_workers=runner.workers, mp_context=mp.get_context("spawn")) as pool:
            futs = {pool.submit(_execute_safely, tasks[i], base_seed): i for i in todo}
            for f in as_completed(futs):
                finished(futs[f], *f.result())
    else:
        client = dask_client(runner.scheduler)
        from distributed import as_completed as dask_completed
        try:
            futs = client.map(_execute_safely, [tasks[i] for i in todo], base_seed=base_seed, pure=False)
            index = {f.key: i for f, i in zip(futs, todo)}
            for f in dask_completed(futs, loop=client.loop):
                finished(index[f.key], *f.result())
        finally:
            client.close()
    return results  # type: ignore[return-value]

"""Every speed target of symdln in one run: CPU time, both sides interleaved in this process, BLAS pinned to one
thread for both (threadpoolctl), malloc thresholds pinned for both (no page-fault lottery), minimum over
repeats, load average and BLAS kernel recorded.

    python benchmarks/bench_speed.py [--quick] [--with-tests] [--profile-misses] [--malloc pinned|default] [--out FILE]

Writes ``benchmarks/speed_results.json``: one row per figure with ``ours``, ``reference``, ``ratio``, ``target``
and ``met``, plus the load average before/after, the CPU count and ``threadpoolctl`` info (which OpenBLAS kernel
ran: ``OPENBLAS_CORETYPE`` / ``OPENBLAS_L2_SIZE`` are left as the environment sets them).  ``--profile-misses``
saves a cProfile summary of the measured side of every missed target to ``benchmarks/profiles/``.

Why CPU time and interleaving: the machine has 2 cores shared by many processes, so a wall-clock window
measures the neighbours; ``time.process_time`` of this process (and ``RUSAGE_CHILDREN`` for the CLI figures)
measures the work, and alternating reference/ours within each repeat exposes both to the same conditions.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

try:        # before the BLAS limit: imported after it, torch's runtime slowed NumPy's kernels ~10x (measured)
    import torch  # noqa: F401
except ImportError:
    torch = None

from threadpoolctl import threadpool_info, threadpool_limits  # noqa: E402

threadpool_limits(1)

import numpy as np  # noqa: E402

ROWS: list[dict] = []
PROFILES: dict[str, object] = {}


def pin_allocator() -> str:
    """Fix glibc's malloc thresholds for this process so that multi-MB arrays are reused from the heap.

    By default glibc serves arrays above a *moving* threshold (128 kB at start, raised to the size of the last
    freed mmapped chunk, with heap trimming at twice that) by fresh ``mmap`` calls, whose first touch costs a
    page fault per 4 kB: the dense references (a 2.6 MB ``Sigma`` per call) took 3.1-3.9 ms or 1.1-1.3 ms per
    call in the same process depending on the heap's history (measured 2026-11-30), which was the 7.6-30 ms
    spread of the noise reference.  With the thresholds fixed, neither side pays page faults after warm-up:
    the reference is at its fastest (the conservative choice) and repeats agree."""
    import ctypes
    import ctypes.util
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        ok = libc.mallopt(-3, 32 * 1024 * 1024) == 1 and libc.mallopt(-1, 1 << 30) == 1   # M_MMAP_, M_TRIM_THRESHOLD
    except (OSError, AttributeError):
        ok = False
    return "glibc mallopt: M_MMAP_THRESHOLD 32 MiB, M_TRIM_THRESHOLD 1 GiB" if ok else "default (mallopt unavailable)"


def cpu_min(fn, repeat: int, number: int = 1) -> float:
    best = np.inf
    for _ in range(repeat):
        t = time.process_time()
        for _ in range(number):
            fn()
        best = min(best, (time.process_time() - t) / number)
    return best


def interleaved(ref, ours, repeat: int, n_ref: int = 1, n_ours: int = 1) -> tuple[float, float]:
    """min CPU seconds per call of ``ref`` and ``ours``, alternating within each repeat."""
    ref(); ours()                                   # warm-up (caches, compiled kernels)
    br = bo = np.inf
    for _ in range(repeat):
        br = min(br, cpu_min(ref, 1, n_ref))
        bo = min(bo, cpu_min(ours, 1, n_ours))
    return br, bo


def row(figure, ours, reference, ratio, target, met, unit="s", note="", profile=None):
    ROWS.append({"figure": figure, "ours": ours, "reference": reference, "ratio": ratio, "target": target,
                 "met": bool(met), "unit": unit, "note": note})
    if profile is not None and not met:
        PROFILES[figure] = profile
    print(f"{figure:58s} ours={_fmt(ours)} ref={_fmt(reference)} ratio={_fmt(ratio)} target {target}: "
          f"{'met' if met else 'MISSED'}", flush=True)


def _fmt(x):
    if x is None:
        return "-"
    if isinstance(x, str):
        return x
    return f"{x:.3g}"


def speedup_row(figure, ref, ours, target, repeat, n_ref=1, n_ours=1, per=1.0, note=""):
    tr, to = interleaved(ref, ours, repeat, n_ref, n_ours)
    to /= per
    row(figure, to, tr, tr / to, f">= {target}x", tr / to >= target, note=note, profile=ours)


def both_backends(figure, ref, make, target, repeat, n_ref, n_ours, check=None, per=1.0):
    """Rows for the compiled kernel (``make("numba")``, when numba is installed) and the NumPy fallback
    (``make("numpy")``), each against the same reference and target; ``check(numba_result, numpy_result)``
    asserts that the two agree before anything is timed."""
    from symdln._core_numba import available
    if available():
        if check is not None:
            check(make("numba")(), make("numpy")())
        speedup_row(f"{figure} (numba kernel)", ref, make("numba"), target, repeat, n_ref, 3 * n_ours, per=per)
    speedup_row(f"{figure} (NumPy kernel{', the fallback' if available() else ''})", ref, make("numpy"), target,
                repeat, n_ref, n_ours, per=per)


# -- CLI figures (child CPU time) ---------------------------------------------------------------------------
def child_cpu(args, env=None) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, *args], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def cli_rows(repeat: int, cache_dir: str, with_tests: bool):
    env = {**os.environ, "SYMDLN_CACHE_DIR": cache_dir}
    cold = min(child_cpu(["-m", "symdln.cli", "derive", "--check", "--quiet", "--no-cache"], env) for _ in range(repeat))
    row("symdln derive --check, cold (no cache), CPU s", cold, None, cold / 8.0, "< 8 s", cold < 8.0,
        profile=("cli", ["-m", "symdln.cli", "derive", "--check", "--quiet", "--no-cache"], env))
    child_cpu(["-m", "symdln.cli", "derive", "--check", "--quiet"], env)            # fills the cache
    warm = min(child_cpu(["-m", "symdln.cli", "derive", "--check", "--quiet"], env) for _ in range(repeat))
    row("symdln derive --check, warm cache, CPU s", warm, cold, cold / warm, "(no target)", True)
    # verdicts computed (derivations read from the warm cache, the verdict cache switched off in the child):
    # what a researcher pays after changing a claim or a check; then the same answered from the verdict cache
    computed = ["-c", "import sys; from symdln.commands import verify_cache; verify_cache.set_enabled(False); "
                      "from symdln.cli import main; sys.exit(main(sys.argv[1:]))"]
    one = min(child_cpu([*computed, "verify", "eq.7", "--quiet"], env) for _ in range(repeat))
    row("symdln verify eq.7, derivations cached, verdict computed, CPU s", one, None, one / 2.0, "< 2 s", one < 2.0,
        profile=("cli", [*computed, "verify", "eq.7", "--quiet"], env))
    full = min(child_cpu([*computed, "verify", "--no-mc", "--quiet"], env) for _ in range(max(1, repeat - 1)))
    row("symdln verify --no-mc, derivations cached, verdicts computed, CPU s", full, None, full / 10.0, "< 10 s",
        full < 10.0, profile=("cli", [*computed, "verify", "--no-mc", "--quiet"], env))
    child_cpu(["-m", "symdln.cli", "verify", "--no-mc", "--quiet"], env)             # fills the verdict cache
    hit1 = min(child_cpu(["-m", "symdln.cli", "verify", "eq.7", "--quiet"], env) for _ in range(repeat))
    row("symdln verify eq.7, verdict cache warm, CPU s", hit1, one, one / hit1, "(information)", True)
    hit = min(child_cpu(["-m", "symdln.cli", "verify", "--no-mc", "--quiet"], env) for _ in range(repeat))
    row("symdln verify --no-mc, verdict cache warm, CPU s", hit, full, full / hit, "(information)", True)
    imp = min(child_cpu(["-c", "import symdln"], env) for _ in range(repeat))
    row("import symdln, CPU s", imp, None, imp / 0.3, "< 0.3 s", imp < 0.3)
    hlp = min(child_cpu(["-m", "symdln.cli", "--help"], env) for _ in range(repeat))
    row("symdln --help, CPU s", hlp, None, hlp / 0.5, "< 0.5 s", hlp < 0.5)
    if with_tests:
        t = child_cpu(["-m", "pytest", "-q", "-p", "no:cacheprovider"], env)
        row("default test tier (pytest, not slow), CPU s", t, None, t / 120.0, "< 120 s", t < 120.0)


# -- numeric core ---------------------------------------------------------------------------------------------
def setting(d, L, seed=0, n=1):
    from symdln import DLN, Teacher
    rng = np.random.default_rng(seed)
    nets = [DLN([rng.standard_normal((d, d)) / np.sqrt(d) for _ in range(L)]) for _ in range(n)]
    A = rng.standard_normal((d, d))
    t = Teacher.from_singular_values(np.linspace(2.0, 0.2, d // 2), d, d, rng=rng).with_label_noise(0.1 * A @ A.T / d)
    return nets, t


def dense_draw(net, t, rng):
    """Dense route of one exact draw at a new state: Sigma (P x P), Cholesky (jitter 1e-10 tr/P: Sigma has
    rank <= d_0 d_L < P), one matvec."""
    from symdln.noise import sigma_dense
    S = sigma_dense(net, t)
    P = S.shape[0]
    S[np.diag_indices(P)] += 1e-10 * np.trace(S) / P
    return np.linalg.cholesky(S) @ rng.standard_normal(P)


def core_rows(repeat: int):
    from symdln.batched import diffusion_batch, ito_drift_batch, sample_noise_batch, stack_states
    from symdln.modes import diffusion, diffusion_dense, ito_drift, ito_drift_dense
    from symdln.noise import sample_noise
    nets, t = setting(12, 4, n=256)
    net = nets[0]
    st = stack_states(nets)
    rng = np.random.default_rng(0)
    both_backends("D_alpha d=12 L=4, one state vs dense", lambda: diffusion_dense(net, t, 0),
                  lambda be: (lambda: diffusion(net, t, 0, backend=be)), 100, repeat, 3, 300)
    both_backends("Ito drift d=12 L=4, one state vs dense", lambda: ito_drift_dense(net, t, 0),
                  lambda be: (lambda: ito_drift(net, t, 0, backend=be)), 100, repeat, 3, 300)
    both_backends("D_alpha d=12 L=4, per state batched over 256", lambda: diffusion_dense(net, t, 0),
                  lambda be: (lambda: diffusion_batch(st, t, [0], backend=be)), 500, repeat, 3, 5, per=256)
    both_backends("Ito drift d=12 L=4, per state batched over 256", lambda: ito_drift_dense(net, t, 0),
                  lambda be: (lambda: ito_drift_batch(st, t, [0], backend=be)), 500, repeat, 3, 5, per=256)
    speedup_row("noise draw d=12 L=4, one state vs dense", lambda: dense_draw(net, t, rng),
                lambda: sample_noise(net, t, rng), 0, repeat, 3, 300, note="no target (information)")
    speedup_row("noise draw d=12 L=4, per state batched over 256", lambda: dense_draw(net, t, rng),
                lambda: sample_noise_batch(st, t, rng), 1500, 3 * repeat, 3, 10, per=256)
    nets32, t32 = setting(32, 4, n=1)
    speedup_row("noise draw d=32 L=4 (P=4096), one state vs dense", lambda: dense_draw(nets32[0], t32, rng),
                lambda: sample_noise(nets32[0], t32, rng), 1e4, max(2, repeat // 2), 1, 100)


# -- simulators ------------------------------------------------------------------------------------------------
def sim_rows(repeat: int, steps: int):
    from symdln import Teacher, small_gaussian_init
    from symdln.simulate import langevin, sgd, sgd_batchfree
    from symdln.simulate._compiled import available
    D, L, S = 12, 4, 256
    T = Teacher.from_singular_values([1.0, 0.7, 0.4], D, D, rng=0)
    nets = [small_gaussian_init([D] * (L + 1), 3.0, rng=i) for i in range(S)]
    eta, n = 0.005, steps
    backend = "numba" if available() else "numpy"

    def ens():
        sgd(nets, T, eta=eta, steps=n, n_traj=S, seed=0, checkpoints=[0, n], backend=backend)

    def seq():
        for i in range(S):
            sgd(nets[i], T, eta=eta, steps=n, n_traj=1, seed=i, checkpoints=[0, n])

    tr, to = interleaved(seq, ens, max(2, repeat // 2))
    row(f"SGD ensemble of 256 ({backend}) vs 256 sequential runs, b=1", to, tr, tr / to, ">= 25x", tr / to >= 25,
        note="sequential runs use the single-trajectory (NumPy) path", profile=ens)

    def ens_np():
        sgd(nets, T, eta=eta, steps=n, n_traj=S, seed=0, checkpoints=[0, n], backend="numpy")
    tr2, to2 = interleaved(seq, ens_np, 1)
    row("SGD ensemble of 256 (NumPy fallback) vs 256 sequential runs, b=1", to2, tr2, tr2 / to2, "(information)", True)

    m = max(n // 2, 10)

    def sgd8():
        sgd(nets, T, eta=eta, b=8, steps=m, n_traj=S, seed=0, checkpoints=[0, m], backend=backend)

    def lan():
        langevin(nets, T, eta=eta, b=8, dt=eta, t_end=eta * m, n_traj=S, seed=0, checkpoints=[0, m], backend=backend)
    ts, tl = interleaved(sgd8, lan, repeat)
    row(f"anisotropic Langevin step / SGD step, b=8, ensemble 256 ({backend})", tl, ts, tl / ts, "<= 2x",
        tl / ts <= 2.0, note="ratio = Langevin / SGD (lower is better)", profile=lan)
    ts1, tl1 = interleaved(lambda: sgd(nets[0], T, eta=eta, b=8, steps=m, seed=0, checkpoints=[0, m]),
                           lambda: langevin(nets[0], T, eta=eta, b=8, dt=eta, t_end=eta * m, seed=0, checkpoints=[0, m]),
                           repeat)
    row("anisotropic Langevin step / SGD step, b=8, one trajectory (NumPy)", tl1, ts1, tl1 / ts1, "(information)", True,
        note="ratio = Langevin / SGD")

    k = max(n // 10, 10)

    def explicit():
        sgd(nets, T, eta=eta, b=128, steps=k, n_traj=S, seed=0, checkpoints=[0, k], backend=backend)

    def free():
        sgd_batchfree(nets, T, eta=eta, b=128, steps=k, n_traj=S, seed=0, checkpoints=[0, k])
    speedup_row(f"batch-free SGD step vs explicit batch ({backend}), b=128, d=12, ensemble 256", explicit, free, 10,
                max(2, repeat // 2))


def torch_rows(repeat: int):
    """Per-sample gradients and a Monte Carlo diffusion estimate against torch.func (vmap of grad), float64,
    N = 4096, d = 12, L = 4, the same data on both sides; skipped when torch is not installed."""
    try:
        import torch
        from torch.func import grad, vmap
    except ImportError:
        row("per-sample gradients vs torch.func, float64, N=4096", None, None, None, ">= 1.5x", False,
            note="skipped: torch not installed (not a dependency)")
        return
    torch.set_num_threads(1)
    from symdln.modes import mode_jacobian, mode_vectors
    from symdln.montecarlo import _directional
    from symdln.noise import gradient_factors, per_sample_gradients, sample_data
    nets, t = setting(12, 4)
    net = nets[0]
    X, Y = sample_data(t, 4096, 0)
    Ws = [torch.tensor(w) for w in net.layers]
    Xt, Yt = torch.tensor(X), torch.tensor(Y)

    def loss(ws, x, y):
        h = x
        for w in ws:
            h = w @ h
        return 0.5 * torch.sum((y - h) ** 2)

    psg = vmap(grad(loss), in_dims=(None, 0, 0))

    def ref():
        return psg(Ws, Xt, Yt)

    bufs = [np.empty((4096,) + w.shape) for w in net.layers]

    def ours():
        return per_sample_gradients(net, t, X, Y, out=bufs)
    g_t, g_o = ref(), ours()
    threadpool_limits(1)                 # torch's own OpenBLAS is loaded by its first product: limit it too
    assert all(np.allclose(a.numpy(), b, rtol=1e-12, atol=1e-12) for a, b in zip(g_t, g_o))
    by_backend = {"numpy": bufs, "numba": [np.empty_like(b) for b in bufs]}

    def same(a, b):                      # one product per entry on both paths: bit-identical
        assert all(np.array_equal(x, y) for x, y in zip(a, b))
    both_backends("per-sample gradients vs torch.func vmap(grad), float64, N=4096, d=12, L=4", ref,
                  lambda be: (lambda: per_sample_gradients(net, t, X, Y, out=by_backend[be], backend=be)), 1.5,
                  repeat, 3, 3, check=same)
    A = [torch.tensor(a) for a in mode_jacobian(net, *mode_vectors(t, 0))]
    An = mode_jacobian(net, *mode_vectors(t, 0))

    def ref_cov():                       # torch route: N x P per-sample gradients, project on a_alpha, variance
        g = psg(Ws, Xt, Yt)
        y = sum(torch.einsum("nij,ij->n", gl, al) for gl, al in zip(g, A))
        return float(torch.var(y, correction=1))

    def ours_cov():                      # per-layer factors: y_n = -sum_l b_l^T A_l a_l, no N x P array
        a, b = gradient_factors(net, X, Y)
        return float(np.var(_directional(net, a, b, An), ddof=1))
    assert abs(ref_cov() - ours_cov()) <= 1e-9 * abs(ref_cov())
    speedup_row("MC estimate of a^T Sigma a (D_alpha), N=4096: factors vs torch.func N x P route", ref_cov, ours_cov,
                1.5, repeat, 3, 3)


def save_profiles(outdir: Path, only=None):
    outdir.mkdir(exist_ok=True)
    for fig, what in PROFILES.items():
        if only is not None and fig not in only:
            continue
        name = "".join(c if c.isalnum() else "_" for c in fig)[:60].strip("_") + ".txt"
        if isinstance(what, tuple) and what[0] == "cli":
            with tempfile.TemporaryDirectory() as tmp:
                prof = Path(tmp) / "p.prof"
                args = list(what[1])
                if args[0] == "-c":                     # cProfile runs scripts and modules, not -c code
                    script = Path(tmp) / "command.py"
                    script.write_text(args[1])
                    args = [str(script), *args[2:]]
                subprocess.run([sys.executable, "-m", "cProfile", "-o", str(prof), *args], cwd=ROOT, env=what[2],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
                s = io.StringIO()
                st = pstats.Stats(str(prof), stream=s)
                st.sort_stats("cumulative").print_stats(40)
                text = s.getvalue()
        else:
            pr = cProfile.Profile()
            t_end = time.process_time() + 1.0          # enough calls for the per-call costs to show
            pr.enable()
            while time.process_time() < t_end:
                what()
            pr.disable()
            s = io.StringIO()
            pstats.Stats(pr, stream=s).sort_stats("tottime").print_stats(25)
            text = s.getvalue()
        (outdir / name).write_text(f"# cProfile of: {fig}\n" + text.replace(str(ROOT) + "/", ""))
        print(f"profile: benchmarks/profiles/{name}")


def markdown_table(res: dict) -> str:
    """The README table of a results JSON."""
    def f(x, unit=""):
        if x is None:
            return "-"
        return f"{x:.3g}{unit}"
    out = ["| figure | ours | reference | ratio | target | met? |", "|---|---|---|---|---|---|"]
    for r in res["rows"]:
        sec = r["unit"] == "s"
        out.append(f"| {r['figure']}{' (' + r['note'] + ')' if r['note'] else ''} | {f(r['ours'], ' s' if sec else '')} | "
                   f"{f(r['reference'], ' s' if sec else '')} | {f(r['ratio'])} | {r['target']} | "
                   f"{'yes' if r['met'] else '**no**'} |")
    return "\n".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats and steps")
    ap.add_argument("--with-tests", action="store_true", help="also measure the default pytest tier (minutes)")
    ap.add_argument("--profile-misses", action="store_true", help="cProfile each missed target")
    ap.add_argument("--skip-cli", action="store_true")
    ap.add_argument("--only", default=None, help="comma list of groups to run: cli,core,sim,torch")
    ap.add_argument("--malloc", choices=("pinned", "default"), default="pinned",
                    help="pinned (default): fixed glibc malloc thresholds, no page faults for either side (see "
                         "pin_allocator); default: glibc's moving threshold (heap-history-dependent timings)")
    ap.add_argument("--out", default=str(Path(__file__).with_name("speed_results.json")))
    ap.add_argument("--table", metavar="JSON", help="print the Markdown table of an existing results file and exit")
    a = ap.parse_args(argv)
    if a.table:
        print(markdown_table(json.loads(Path(a.table).read_text())))
        return 0
    repeat = 2 if a.quick else 5
    allocator = pin_allocator() if a.malloc == "pinned" else "default (glibc moving mmap threshold)"
    load0 = os.getloadavg()
    t0 = time.time()
    with tempfile.TemporaryDirectory() as cache:
        groups = set((a.only or "cli,core,sim,torch").split(","))
        if a.skip_cli:
            groups.discard("cli")
        if "cli" in groups:
            cli_rows(max(1, repeat // 2), cache, a.with_tests)
        if "core" in groups:
            core_rows(repeat)
        if "sim" in groups:
            sim_rows(repeat, 400 if a.quick else 1000)
        if "torch" in groups:
            torch_rows(repeat)
        if a.profile_misses:
            save_profiles(Path(__file__).with_name("profiles"))
    import numpy
    import sympy
    res = {"rows": ROWS, "load_average_before": list(load0), "load_average_after": list(os.getloadavg()),
           "cpu_count": os.cpu_count(), "allocator": allocator, "wall_seconds": round(time.time() - t0, 1),
           "threadpool_info": threadpool_info(),
           "environment": {k: os.environ[k] for k in sorted(os.environ) if k.startswith(("OPENBLAS", "OMP_", "MKL"))},
           "versions": {"python": sys.version.split()[0], "numpy": numpy.__version__, "sympy": sympy.__version__},
           "method": "CPU time (time.process_time; RUSAGE_CHILDREN for CLI figures), reference and ours interleaved "
                     "in one process, BLAS limited to 1 thread by threadpoolctl, minimum over repeats, malloc "
                     "thresholds as recorded under 'allocator'"}
    try:
        import numba
        res["versions"]["numba"] = numba.__version__
    except ImportError:
        pass
    Path(a.out).write_text(json.dumps(res, indent=1, default=float) + "\n")
    print(f"wrote {a.out}; load average {load0} -> {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

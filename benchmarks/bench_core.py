"""Speed ratios of the numeric core (float64), measured in one run; writes benchmarks/results.json.

    python benchmarks/bench_core.py [--quick]

* per-sample gradients: samples/s at d = 12, L = 4 (P = 576); target >= 5e5 /s; peak memory of the
  streamed iterator vs the chunk size (bounded by the chunk, independent of n);
* one exact-covariance noise draw (symdln.noise.sample_noise) vs the dense route each SGD step would need
  (build Sigma, Cholesky, one matvec): target >= 1000x at d = 12 and >= 10000x at d = 32;
* D_alpha and the Ito drift, structured vs dense references: target >= 100x at d = 12, L = 4.

Timings are best-of-k wall-clock (time.perf_counter) on a shared machine: the load average is recorded
with the results, and ratios (both sides measured in the same run) are less sensitive to contention than
absolute numbers.
"""
from __future__ import annotations

import os

# Small GEMMs (4096 x 12 @ 12 x 12) gain nothing from BLAS threads, and on a loaded machine OpenBLAS's
# thread hand-off made the streamed per-sample gradients ~18x slower (measured); pin to one thread unless
# the caller chose otherwise.  Must happen before NumPy is imported.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np  # noqa: E402

from symdln import DLN, Teacher
from symdln._io import atomic_write_json, provenance
from symdln.modes import (  # noqa: E402
    diffusion, diffusion_dense, ito_drift, ito_drift_dense, mode_hessian_dense, mode_vector,
)
from symdln.noise import iter_per_sample_gradients, noise_matrix_covariance, per_sample_gradients, sample_data, sample_noise, sigma_dense


def best_time(fn, repeat: int = 5, number: int = 1) -> float:
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - t0) / number)
    return best


def setting(d: int, L: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    net = DLN([rng.standard_normal((d, d)) / np.sqrt(d) for _ in range(L)])
    A = rng.standard_normal((d, d))
    t = Teacher.from_singular_values(np.linspace(2.0, 0.2, d // 2), d, d, rng=rng).with_label_noise(0.1 * A @ A.T / d)
    return net, t


def dense_draw(net, t, rng):
    """Dense route: build Sigma (P x P), factor it, draw once.  Sigma has rank <= d_0 d_L < P, so a
    jitter of 1e-10 tr(Sigma)/P is added for the Cholesky (the cheapest dense factorisation)."""
    S = sigma_dense(net, t)
    P = S.shape[0]
    S[np.diag_indices(P)] += 1e-10 * np.trace(S) / P
    return np.linalg.cholesky(S) @ rng.standard_normal(P)


def kron_sigma(net, t):
    """Sigma = J^T Cov(vec S) J, J = [W_{<l}^T kron W_{>l}]_l built explicitly (Prop. 3.2 taken literally)."""
    J = np.hstack([np.kron(net.below(l).T, net.above(l)) for l in range(1, net.depth + 1)])
    return J.T @ noise_matrix_covariance(net, t) @ J


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats")
    ap.add_argument("--out", default=str(Path(__file__).with_name("results.json")))
    args = ap.parse_args(argv)
    rep = 2 if args.quick else 5
    res = {"load_average_before": list(os.getloadavg()), "cpu_count": os.cpu_count(),
           "blas_threads_env": {v: os.environ.get(v) for v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}}

    # 1. per-sample gradients
    net, t = setting(12, 4)
    chunk = 4096
    X, Y = sample_data(t, chunk, 1)
    sec_alloc = best_time(lambda: per_sample_gradients(net, t, X, Y), repeat=rep * 8, number=1)
    bufs = [np.empty((chunk,) + W.shape) for W in net.layers]
    sec = best_time(lambda: per_sample_gradients(net, t, X, Y, out=bufs), repeat=rep * 8, number=1)
    n_stream = 20 * chunk
    t0 = time.perf_counter()
    for _ in iter_per_sample_gradients(net, t, n_stream, 2, chunk=chunk, reuse=True):
        pass
    stream_rate = n_stream / (time.perf_counter() - t0)
    peaks = {}
    for n_chunks in (4, 16):
        tracemalloc.start()
        for _ in iter_per_sample_gradients(net, t, n_chunks * chunk, 3, chunk=chunk, reuse=True):
            pass
        peaks[n_chunks] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    res["per_sample_gradients"] = {
        "d": 12, "L": 4, "P": net.n_params, "chunk": chunk,
        "samples_per_s": chunk / sec, "target_samples_per_s": 5e5,
        "samples_per_s_fresh_allocation": chunk / sec_alloc,
        "streamed_samples_per_s_including_data_sampling": stream_rate,
        "peak_bytes_4_chunks": peaks[4], "peak_bytes_16_chunks": peaks[16],
        "one_chunk_of_gradients_bytes": chunk * net.n_params * 8,
    }

    # 2. exact-covariance noise draw vs dense Sigma + Cholesky
    res["noise_draw"] = {}
    for d in (12, 32):
        net, t = setting(d, 4)
        rng = np.random.default_rng(0)
        s_struct = best_time(lambda: sample_noise(net, t, rng), repeat=rep * 4, number=20)
        s_dense = best_time(lambda: dense_draw(net, t, rng), repeat=max(1, rep // (2 if d == 32 else 1)))
        s_batch = best_time(lambda: sample_noise(net, t, rng, size=1000), repeat=rep) / 1000
        res["noise_draw"][f"d={d}"] = {"P": net.n_params, "structured_s": s_struct, "dense_s": s_dense,
                                      "ratio": s_dense / s_struct, "target_ratio": 1000 if d == 12 else 10000,
                                      "structured_per_draw_in_batch_of_1000_s": s_batch,
                                      "ratio_batched": s_dense / s_batch}

    # 3. D_alpha and Ito drift, structured vs dense (d = 32 as well, to show the scaling)
    res["modewise_d32"] = {}
    net, t = setting(32, 4)
    for name, fs, fd in [("D_alpha", diffusion, diffusion_dense), ("ito_drift", ito_drift, ito_drift_dense)]:
        s_struct = best_time(lambda: fs(net, t, 0, eta=0.1, b=4), repeat=rep * 4, number=10)
        s_dense = best_time(lambda: fd(net, t, 0, eta=0.1, b=4), repeat=1)
        res["modewise_d32"][name] = {"P": net.n_params, "structured_s": s_struct, "dense_s": s_dense,
                                     "ratio": s_dense / s_struct}
    net, t = setting(12, 4)
    res["modewise"] = {}
    for name, fs, fd in [("D_alpha", diffusion, diffusion_dense), ("ito_drift", ito_drift, ito_drift_dense)]:
        s_struct = best_time(lambda: fs(net, t, 0, eta=0.1, b=4), repeat=rep * 4, number=10)
        s_dense = best_time(lambda: fd(net, t, 0, eta=0.1, b=4), repeat=rep)
        assert abs(fs(net, t, 0, eta=0.1, b=4) - fd(net, t, 0, eta=0.1, b=4)) <= 1e-10 * max(1, abs(fd(net, t, 0)))
        res["modewise"][name] = {"structured_s": s_struct, "dense_s": s_dense, "ratio": s_dense / s_struct,
                                 "target_ratio": 100}
    # the textbook dense route: Sigma = J^T Cov(vec S) J with explicit Kronecker Jacobians, then a^T Sigma a
    a = mode_vector(net, t.U[:, 0], t.V[:, 0])
    s_kron = best_time(lambda: float(a @ kron_sigma(net, t) @ a), repeat=rep)
    res["modewise"]["D_alpha"]["dense_kron_s"] = s_kron
    res["modewise"]["D_alpha"]["ratio_vs_kron"] = s_kron / res["modewise"]["D_alpha"]["structured_s"]
    H = mode_hessian_dense(net, t.U[:, 0], t.V[:, 0])
    s_kron = best_time(lambda: 0.5 * float(np.sum(kron_sigma(net, t) * mode_hessian_dense(net, t.U[:, 0], t.V[:, 0]))),
                       repeat=rep)
    assert H.shape == (net.n_params,) * 2
    res["modewise"]["ito_drift"]["dense_kron_s"] = s_kron
    res["modewise"]["ito_drift"]["ratio_vs_kron"] = s_kron / res["modewise"]["ito_drift"]["structured_s"]
    res["load_average_after"] = list(os.getloadavg())
    res["provenance"] = provenance(seed=0, command="benchmarks/bench_core.py", quick=args.quick)
    atomic_write_json(args.out, res)

    p = res["per_sample_gradients"]
    print(f"load average {res['load_average_before'][0]:.2f} -> {res['load_average_after'][0]:.2f} "
          f"on {res['cpu_count']} cores (shared machine: absolute times are noisy)")
    print(f"per-sample gradients d=12 L=4 P={p['P']}: {p['samples_per_s']:.3g} samples/s into reused buffers "
          f"(target >= 5e5), {p['samples_per_s_fresh_allocation']:.3g}/s allocating fresh arrays; "
          f"streamed incl. sampling {p['streamed_samples_per_s_including_data_sampling']:.3g}/s; "
          f"peak memory {p['peak_bytes_4_chunks'] / 1e6:.1f} MB (4 chunks) vs "
          f"{p['peak_bytes_16_chunks'] / 1e6:.1f} MB (16 chunks), one chunk = {p['one_chunk_of_gradients_bytes'] / 1e6:.1f} MB")
    for k, v in res["noise_draw"].items():
        print(f"noise draw {k} P={v['P']}: structured {v['structured_s'] * 1e6:.0f} us, dense {v['dense_s'] * 1e3:.1f} ms, "
              f"ratio {v['ratio']:.3g} (target >= {v['target_ratio']}); per draw in a batch of 1000 at one state "
              f"{v['structured_per_draw_in_batch_of_1000_s'] * 1e6:.2f} us, ratio {v['ratio_batched']:.3g}")
    for k, v in res["modewise_d32"].items():
        print(f"{k} d=32 L=4 P={v['P']}: structured {v['structured_s'] * 1e6:.0f} us, dense {v['dense_s'] * 1e3:.0f} ms, "
              f"ratio {v['ratio']:.3g}")
    for k, v in res["modewise"].items():
        print(f"{k} d=12 L=4: structured {v['structured_s'] * 1e6:.0f} us, dense {v['dense_s'] * 1e3:.1f} ms, "
              f"ratio {v['ratio']:.3g} (target >= 100)"
              + (f"; vs Kronecker-built Sigma {v['ratio_vs_kron']:.3g}" if "ratio_vs_kron" in v else ""))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Time NumPy's and PyTorch's N-d contractions on the shapes of strider's
blasbridge BenchmarkMatmul and BenchmarkEinsum, for comparison with
blasbridge.Matmul and blasbridge.Einsum.

Configurations (each in float64 and float32, impl=numpy and impl=torch):

    BenchmarkMatmul/shape=8x12x256x64/storage={bhsd,bshd}
        attention scores q @ kᵀ, B=8, H=12, S=256, D=64: np.matmul(q, kT,
        out=c) and torch.matmul(q, kT, out=c), where q and k are stored
        [B,H,S,D] (storage=bhsd), or [B,S,H,D] and viewed [B,H,S,D] with
        transpose(1, 2) (storage=bshd); kT is k.transpose(-1, -2), a view.
    BenchmarkEinsum/shape=8x256x12x64/spec=bshd,bthd->bhst
        np.einsum(spec, q, k, optimize=True, out=c) and torch.einsum(spec,
        q, k) on [B,S,H,D] storage (torch.einsum has no out argument).
    BenchmarkEinsum/shape=32x32x32x32x64/spec=ijkl,lkm->ijm
        a stored [i,j,l,k] and viewed [i,j,k,l] (a permuted view), b [l,k,m]
        contiguous, i=j=k=l=32, m=64 (134 MFLOP); NumPy with optimize=True
        and out=, torch.einsum.

The names are those of the Go benchmarks with impl=numpy or impl=torch, so
`benchstat -col /impl` puts them next to impl=plan. Every configuration is
warmed up, then timed --count times (default 10); each timing runs the call
enough times to take --min-time seconds and reports the mean per call, one
line per timing on stdout in Go's benchmark format:

    BenchmarkMatmul/shape=8x12x256x64/storage=bshd/dtype=f32/impl=numpy-2  12  9123456 ns/op  88.2 GFLOP/s  904 peak-B/op

The -2 suffix is the thread count, as GOMAXPROCS is in Go's names. Extra
units, measured once per configuration in a separate, untimed call:

- peak-B/op (NumPy): the peak of memory NumPy allocated during one call,
  from tracemalloc (NumPy reports every array buffer it allocates to
  tracemalloc). The output is passed as out=, so this is what the call
  copies or keeps as temporaries: for "ijkl,lkm->ijm" tensordot's copies of
  the operands it cannot reshape as views (a, 8 MiB in f64, and b) plus the
  GEMM's result, which einsum then copies into out; for the matmuls NumPy
  hands the strided views to BLAS as they are (a few hundred bytes of
  iterator state); "bshd,bthd->bhst" has batch labels, which tensordot
  cannot take, so optimize=True falls back to NumPy's C einsum loop (no
  BLAS, no copies, its iterator buffers only).
- copied-B/op (torch): the bytes torch's copies write (the destination of
  every aten::copy_, from the profiler with record_shapes): the .contiguous()
  / reshape copies matmul and einsum make of operands they cannot view as
  3-D batches, and any copy into out.

Threads: --threads (default 2) goes to torch.set_num_threads, and to
OpenBLAS (OPENBLAS_NUM_THREADS before NumPy loads it, and
openblas_set_num_threads), which NumPy's matmul and tensordot use (Debian's
NumPy links the system libblas, OpenBLAS here). stderr carries versions,
thread counts, the OpenBLAS core, the load average, and a median / spread /
GFLOP/s summary.

Run from the repo root with Debian's NumPy 1.24 and PyTorch 1.13
(apt-get install python3-numpy python3-torch):

    /usr/bin/python3 bench/torch/nd_bench.py > nd.txt
    go test -run '^$' -bench 'Matmul|Einsum' -count 10 ./blasbridge > go.txt
    benchstat -col /impl go.txt nd.txt
"""
import argparse
import ctypes
import ctypes.util
import math
import os
import platform
import statistics
import sys
import time
import tracemalloc

B, H, S, D = 8, 12, 256, 64
N, M = 32, 64  # "ijkl,lkm->ijm": i = j = k = l = N, m = M
DTYPES = ["f64", "f32"]


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def openblas():
    """The OpenBLAS library NumPy and torch call, or None."""
    for name in ("libopenblas.so.0", ctypes.util.find_library("openblas")):
        if not name:
            continue
        try:
            lib = ctypes.CDLL(name)
            lib.openblas_get_corename.restype = ctypes.c_char_p
            return lib
        except (OSError, AttributeError):
            continue
    return None


def time_calls(fn, iters):
    t0 = time.perf_counter_ns()
    for _ in range(iters):
        fn()
    return (time.perf_counter_ns() - t0) / iters


def numpy_peak(fn):
    """Peak bytes NumPy allocates during one call of fn (tracemalloc)."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        fn()
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


def torch_copied(torch, fn):
    """Bytes written by the aten::copy_ calls of one call of fn."""
    from torch.profiler import ProfilerActivity, profile
    with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
        fn()
    total = 0
    for e in prof.events():
        if e.name == "aten::copy_" and e.input_shapes and e.input_shapes[0]:
            total += math.prod(e.input_shapes[0])
    return total


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=10, help="timings per configuration (>= 10 recommended)")
    ap.add_argument("--min-time", type=float, default=0.1, help="seconds per timing (calls are repeated)")
    ap.add_argument("--threads", type=int, default=2, help="torch.set_num_threads and OpenBLAS threads")
    ap.add_argument("--run", default="", help="only names containing this substring")
    args = ap.parse_args()

    # OpenBLAS reads its thread count when it loads, with NumPy.
    os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    try:
        import numpy as np
        import torch
    except ImportError:  # pragma: no cover - environment fallback
        if os.path.exists("/usr/bin/python3") and sys.executable != "/usr/bin/python3":
            os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
        raise

    torch.set_num_threads(args.threads)
    threads = torch.get_num_threads()
    ob = openblas()
    if ob:
        ob.openblas_set_num_threads(args.threads)
    log(f"numpy {np.__version__}, torch {torch.__version__}; torch.get_num_threads() = {threads}; "
        f"load average {os.getloadavg()[0]:.2f} (other work on these 2 cores skews every figure)")
    if ob:
        log(f"OpenBLAS (NumPy's BLAS, and torch's): core={ob.openblas_get_corename().decode()} "
            f"threads={ob.openblas_get_num_threads()}")
    log("env: " + " ".join(f"{k}={os.environ[k]}" for k in sorted(os.environ)
                           if k.startswith(("OPENBLAS_", "OMP_", "MKL_"))))

    print(f"goos: {sys.platform}")
    print(f"goarch: {'amd64' if platform.machine() == 'x86_64' else platform.machine()}")
    print("pkg: github.com/strider-go/strider/bench/torch")
    print(f"cpu: {cpu_name()}")
    sys.stdout.flush()

    rng = np.random.default_rng(0)
    q64 = {"bhsd": rng.standard_normal((B, H, S, D)), "bshd": rng.standard_normal((B, S, H, D))}
    k64 = {"bhsd": rng.standard_normal((B, H, S, D)), "bshd": rng.standard_normal((B, S, H, D))}
    a64 = rng.standard_normal((N, N, N, N))  # stored [i,j,l,k]
    b64 = rng.standard_normal((N, N, M))     # [l,k,m]

    configs = []  # (name, flops, {impl: (call, memory metric)}, check)
    for dtype in DTYPES:
        nt = np.float64 if dtype == "f64" else np.float32
        tt = torch.float64 if dtype == "f64" else torch.float32
        # Attention scores through matmul, both storages.
        for storage in ("bhsd", "bshd"):
            qs, ks = q64[storage].astype(nt), k64[storage].astype(nt)
            tq, tk = torch.from_numpy(qs), torch.from_numpy(ks)
            if storage == "bshd":
                qs, ks = qs.transpose(0, 2, 1, 3), ks.transpose(0, 2, 1, 3)
                tq, tk = tq.transpose(1, 2), tk.transpose(1, 2)
            kT, tkT = ks.transpose(0, 1, 3, 2), tk.transpose(-1, -2)
            nc, tc = np.empty((B, H, S, S), dtype=nt), torch.empty((B, H, S, S), dtype=tt)
            configs.append((
                f"BenchmarkMatmul/shape={B}x{H}x{S}x{D}/storage={storage}/dtype={dtype}",
                2.0 * B * H * S * S * D,
                {"numpy": lambda qs=qs, kT=kT, nc=nc: np.matmul(qs, kT, out=nc),
                 "torch": lambda tq=tq, tkT=tkT, tc=tc: torch.matmul(tq, tkT, out=tc)},
                (nc, tc)))
        # Attention scores through einsum on [B,S,H,D] storage.
        qs, ks = q64["bshd"].astype(nt), k64["bshd"].astype(nt)
        tq, tk = torch.from_numpy(qs), torch.from_numpy(ks)
        nc = np.empty((B, H, S, S), dtype=nt)
        spec = "bshd,bthd->bhst"
        configs.append((
            f"BenchmarkEinsum/shape={B}x{S}x{H}x{D}/spec={spec}/dtype={dtype}",
            2.0 * B * H * S * S * D,
            {"numpy": lambda qs=qs, ks=ks, nc=nc: np.einsum(spec, qs, ks, optimize=True, out=nc),
             "torch": lambda tq=tq, tk=tk: torch.einsum(spec, tq, tk)},
            (nc, None)))
        # "ijkl,lkm->ijm" with a a permuted view.
        a = a64.astype(nt).transpose(0, 1, 3, 2)
        bm = b64.astype(nt)
        ta, tb = torch.from_numpy(a64.astype(nt)).transpose(2, 3), torch.from_numpy(bm)
        nc = np.empty((N, N, M), dtype=nt)
        spec2 = "ijkl,lkm->ijm"
        configs.append((
            f"BenchmarkEinsum/shape={N}x{N}x{N}x{N}x{M}/spec={spec2}/dtype={dtype}",
            2.0 * N ** 4 * M,
            {"numpy": lambda a=a, bm=bm, nc=nc: np.einsum(spec2, a, bm, optimize=True, out=nc),
             "torch": lambda ta=ta, tb=tb: torch.einsum(spec2, ta, tb)},
            (nc, None)))

    summary = []
    with torch.inference_mode():
        for prefix, flops, impls, (nout, tout) in configs:
            if args.run and args.run not in prefix:
                continue
            # The two libraries must agree before they are timed.
            impls["numpy"]()
            tres = impls["torch"]()
            tres = tout if tout is not None else tres
            tol = 1e-3 if "f32" in prefix else 1e-9
            if not np.allclose(nout, tres.numpy(), rtol=tol, atol=tol * math.sqrt(D)):
                raise SystemExit(f"{prefix}: numpy and torch disagree")
            for impl, call in impls.items():
                name = f"{prefix}/impl={impl}-{threads}"
                if impl == "numpy":
                    mem, unit = numpy_peak(call), "peak-B/op"
                else:
                    mem, unit = torch_copied(torch, call) * (8 if "f64" in prefix else 4), "copied-B/op"
                t = min(time_calls(call, 1) for _ in range(3))
                iters = max(1, math.ceil(args.min_time * 1e9 / t))
                runs = []
                for _ in range(args.count):
                    ns = time_calls(call, iters)
                    runs.append(ns)
                    print(f"{name} \t{iters:8d}\t{ns:14.0f} ns/op\t{flops / ns:8.2f} GFLOP/s\t{mem:10d} {unit}",
                          flush=True)
                med = statistics.median(runs)
                spread = max(med - min(runs), max(runs) - med) / med * 100
                summary.append((name, med, spread, flops / med, mem, unit))
                log(f"  {name}: median {med / 1e6:.2f} ms ±{spread:.0f}% ({flops / med:.1f} GFLOP/s), "
                    f"{mem} {unit}")
    log("")
    log(f"load average at the end: {os.getloadavg()[0]:.2f}")
    log(f"{'benchmark':88s} {'median':>10s} {'spread':>7s} {'GFLOP/s':>8s} {'memory':>22s}")
    for name, med, spread, gf, mem, unit in summary:
        log(f"{name:88s} {med / 1e6:8.2f}ms {spread:6.0f}% {gf:8.1f} {mem:10d} {unit}")


if __name__ == "__main__":
    main()

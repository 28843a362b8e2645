#!/usr/bin/env python3
"""Time torch.nn.functional.conv2d on ResNet-style layers, for comparison with
strider's window.Conv2D benchmarks.

Layers (batch N=8, stride 1, dilation 1):

    layer=56x64-3x3      H=W=56, C=64,  F=64,  3x3, pad 1
    layer=14x256-3x3     H=W=14, C=256, F=256, 3x3, pad 1
    layer=56x64-1x1-f256 H=W=56, C=64,  F=256, 1x1, pad 0  (ResNet-50 expand)
    layer=112x32-dw3x3   H=W=112, C=F=32,  3x3, pad 1, groups 32  (MobileNet depthwise)
    layer=56x128-dw3x3   H=W=56,  C=F=128, 3x3, pad 1, groups 128 (MobileNet depthwise)
    layer=224x3-7x7s2    H=W=224, C=3, F=64, 7x7, stride 2, pad 3 (ResNet's input layer)

and a 4x upsampler, timed as BenchmarkConv2DBackward/.../pass=data (strider
computes a transposed convolution as Conv2D.BackwardData):

    layer=up4x-56x32     conv_transpose2d of N=4, 32 channels 56x56 into 32
                         channels 224x224, 8x8 kernel, stride 4, padding 2

each in float64 and float32, and in torch's default NCHW memory format and
channels_last (NHWC in memory; the weights are converted to channels_last
too, as Module.to(memory_format=torch.channels_last) does).

Every configuration is warmed up, then timed --count times (default 10);
each timing runs the convolution enough times to take --min-time seconds
and reports the mean per call. Results go to stdout, one line per timing, in
Go's benchmark format, so benchstat reads them next to `go test -bench`
output:

    BenchmarkConv2D/layer=56x64-3x3/format=NCHW/dtype=f64/impl=torch-2  4  75123456 ns/op

(the -2 suffix is the thread count, as GOMAXPROCS is in Go's names). The
build configuration, thread counts, which ATen kernel each configuration
dispatches to, and a median / spread summary go to stderr.

Run from the repo root with Debian's PyTorch (apt-get install python3-torch):

    /usr/bin/python3 bench/torch/conv_bench.py > torch.txt
    benchstat torch.txt
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

try:
    import torch
    import torch.nn.functional as tnf
except ImportError:  # pragma: no cover - environment fallback
    if os.path.exists("/usr/bin/python3") and sys.executable != "/usr/bin/python3":
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise

# (name, N, H, W, C, F, K, pad, groups, stride)
LAYERS = [
    ("56x64-3x3", 8, 56, 56, 64, 64, 3, 1, 1, 1),
    ("14x256-3x3", 8, 14, 14, 256, 256, 3, 1, 1, 1),
    ("56x64-1x1-f256", 8, 56, 56, 64, 256, 1, 0, 1, 1),
    ("112x32-dw3x3", 8, 112, 112, 32, 32, 3, 1, 32, 1),
    ("56x128-dw3x3", 8, 56, 56, 128, 128, 3, 1, 128, 1),
    ("224x3-7x7s2", 8, 224, 224, 3, 64, 7, 3, 1, 2),
]
# Transposed convolutions: (name, N, H, W of the small input, C in, F out,
# K, stride, pad); the Conv2D whose BackwardData this is maps F·(H·s)×(W·s)
# back to C·H×W.
UPSAMPLERS = [
    ("up4x-56x32", 4, 56, 56, 32, 32, 8, 4, 2),
]
FORMATS = [("NCHW", torch.contiguous_format), ("NHWC", torch.channels_last)]
DTYPES = [("f64", torch.float64), ("f32", torch.float32)]


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


def openblas_info():
    """Core name and thread count of the OpenBLAS torch's float64 GEMMs use
    (Debian's torch links the system libblas, OpenBLAS here), or None."""
    for name in ("libopenblas.so.0", ctypes.util.find_library("openblas")):
        if not name:
            continue
        try:
            lib = ctypes.CDLL(name)
            lib.openblas_get_corename.restype = ctypes.c_char_p
            lib.openblas_get_config.restype = ctypes.c_char_p
            return (lib.openblas_get_corename().decode(), lib.openblas_get_num_threads(),
                    lib.openblas_get_config().decode())
        except (OSError, AttributeError):
            continue
    return None


def aten_ops(fn):
    """The aten:: ops one call of fn dispatches to, in order, deduplicated."""
    from torch.autograd import profiler
    with profiler.profile() as prof:
        fn()
    seen = []
    for e in prof.function_events:
        if e.name.startswith("aten::") and e.name not in seen:
            seen.append(e.name)
    return seen


def time_calls(fn, iters):
    t0 = time.perf_counter_ns()
    for _ in range(iters):
        fn()
    return (time.perf_counter_ns() - t0) / iters


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=10, help="timings per configuration (>= 10 recommended)")
    ap.add_argument("--min-time", type=float, default=0.1, help="seconds per timing (calls are repeated)")
    ap.add_argument("--threads", type=int, default=2, help="torch.set_num_threads")
    ap.add_argument("--layers", default="", help="comma-separated layer names to run (default all)")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    threads = torch.get_num_threads()
    cfg = torch.__config__.show().strip().splitlines()
    log(f"torch {torch.__version__}; torch.get_num_threads() = {threads}; "
        f"load average {os.getloadavg()[0]:.2f} (other work on these 2 cores skews every figure)")
    for line in cfg[:7]:
        log("  " + line.strip()[:160])
    ob = openblas_info()
    if ob:
        log(f"OpenBLAS (used by torch's float64 conv GEMMs): core={ob[0]} threads={ob[1]} config={ob[2]}")
    log("env: " + " ".join(f"{k}={os.environ[k]}" for k in sorted(os.environ)
                           if k.startswith(("OPENBLAS_", "OMP_", "MKL_", "DNNL_", "ONEDNN_"))))

    # Go's benchmark header lines; benchstat keys results by them.
    print(f"goos: {sys.platform}")
    print(f"goarch: {'amd64' if platform.machine() == 'x86_64' else platform.machine()}")
    print("pkg: github.com/strider-go/strider/bench/torch")
    print(f"cpu: {cpu_name()}")
    sys.stdout.flush()

    want = set(filter(None, args.layers.split(",")))
    torch.manual_seed(0)
    summary = []
    with torch.inference_mode():
        jobs = [(lname, n, h, w, c, f, k, pad, groups, stride, False) for lname, n, h, w, c, f, k, pad, groups, stride in LAYERS]
        jobs += [(lname, n, h, w, c, f, k, pad, 1, stride, True) for lname, n, h, w, c, f, k, stride, pad in UPSAMPLERS]
        for lname, n, h, w, c, f, k, pad, groups, stride, transposed in jobs:
            if want and lname not in want:
                continue
            cg = c // groups
            oh, ow = (h + 2 * pad - k) // stride + 1, (w + 2 * pad - k) // stride + 1
            if transposed:
                oh, ow = (h - 1) * stride - 2 * pad + k, (w - 1) * stride - 2 * pad + k
            flops = 2.0 * n * f * oh * ow * cg * k * k
            if transposed:  # every input element meets every k·k tap of f filters
                flops = 2.0 * n * c * h * w * f * k * k
            x0 = torch.randn(n, c, h, w, dtype=torch.float64)
            w0 = torch.randn(f, cg, k, k, dtype=torch.float64) / math.sqrt(cg * k * k)
            if transposed:  # ConvTranspose2d's weights: [in, out, k, k]
                w0 = torch.randn(c, f, k, k, dtype=torch.float64) / math.sqrt(c * k * k)
            for dname, dtype in DTYPES:
                for fname, mf in FORMATS:
                    x = x0.to(dtype).contiguous(memory_format=mf)
                    wt = w0.to(dtype).contiguous(memory_format=mf)

                    def call():
                        if transposed:
                            return tnf.conv_transpose2d(x, wt, stride=stride, padding=pad)
                        return tnf.conv2d(x, wt, stride=stride, padding=pad, groups=groups)

                    y = call()
                    assert y.shape == (n, f, oh, ow), y.shape
                    out_cl = y.is_contiguous(memory_format=torch.channels_last) and not y.is_contiguous()
                    ops = [o for o in aten_ops(call) if o not in ("aten::conv2d", "aten::convolution",
                                                                   "aten::_convolution", "aten::empty")]
                    name = f"BenchmarkConv2D/layer={lname}/format={fname}/dtype={dname}/impl=torch-{threads}"
                    if transposed:
                        name = (f"BenchmarkConv2DBackward/layer={lname}/format={fname}/dtype={dname}/pass=data/"
                                f"impl=torch-{threads}")
                    # Warm up (first calls allocate and pick kernels), then
                    # size each timing to take about --min-time.
                    t = min(time_calls(call, 1) for _ in range(3))
                    iters = max(1, math.ceil(args.min_time * 1e9 / t))
                    runs = []
                    for _ in range(args.count):
                        ns = time_calls(call, iters)
                        runs.append(ns)
                        print(f"{name} \t{iters:8d}\t{ns:14.0f} ns/op", flush=True)
                    med = statistics.median(runs)
                    spread = max(med - min(runs), max(runs) - med) / med * 100
                    summary.append((name, med, spread, flops / med, out_cl, ops))
                    log(f"  {name}: median {med / 1e6:.2f} ms ±{spread:.0f}% "
                        f"({flops / med:.1f} GFLOP/s), output {'channels_last' if out_cl else 'NCHW'}, "
                        f"ops: {' '.join(ops[:4])}")
    log("")
    log(f"load average at the end: {os.getloadavg()[0]:.2f}")
    log(f"{'benchmark':72s} {'median':>10s} {'spread':>7s} {'GFLOP/s':>8s}")
    for name, med, spread, gf, _, _ in summary:
        log(f"{name:72s} {med / 1e6:8.2f}ms {spread:6.0f}% {gf:8.1f}")


if __name__ == "__main__":
    main()

"""Lab 5 benchmark: the im2col convolution against PyTorch's conv2d and against the naive loops.

Two layers from the lab, forward + backward with an upstream gradient of ones:
  A: x (50, 3, 32, 32), 32 filters 3x3, stride 1, pad 1 (the first layer on CIFAR-10)
  B: x (50, 32, 16, 16), 64 filters 3x3, stride 1, pad 1 (a second layer after pooling)

* fast vs PyTorch: ``conv_forward_fast`` + ``conv_backward_fast`` (the reference solution)
  against ``torch.nn.functional.conv2d`` forward + ``backward`` on the CPU, in the same run,
  with the same number of threads for both (``--threads``: OpenBLAS/OpenMP through the
  environment before numpy loads, ``torch.set_num_threads`` for torch), float32 for both (the
  dtype torch uses by default) and float64 for both. Goal: within 2x of PyTorch.
* fast vs naive: the naive loops are timed on ``--naive-images`` of the 50 images and the
  time scaled to 50 (it grows linearly with the batch; the full run would take minutes).
  Goal: the fast layer at least 100x faster.

Medians of ``--repeats`` runs after one warm-up. PyTorch is optional: without it the
comparison with PyTorch is skipped with a message, and the script still exits 0.

Usage: python benchmarks/lab5_convnets.py [--threads N] [--repeats N] [--naive-images N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2,
                        help="threads for both numpy's BLAS and torch (default 2)")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--naive-images", type=int, default=2)
    return parser.parse_args()


ARGS = parse_args()
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = str(ARGS.threads)  # before numpy (and torch) load their thread pools

import numpy as np  # noqa: E402

from autograder.reference import solution_namespace  # noqa: E402

try:
    import torch
except ImportError:  # optional benchmark dependency
    torch = None

LAYERS = {
    "A": ((50, 3, 32, 32), (32, 3, 3, 3)),
    "B": ((50, 32, 16, 16), (64, 32, 3, 3)),
}
CONV_PARAM = {"stride": 1, "pad": 1}


def median_seconds(fn, repeats: int, warmup: bool = True) -> float:
    if warmup:
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def numpy_step(forward, backward, x, w, b):
    def run():
        out, cache = forward(x, w, b, CONV_PARAM)
        backward(np.ones_like(out), cache)
    return run


def torch_step(x, w, b):
    xt = torch.from_numpy(x).requires_grad_()
    wt = torch.from_numpy(w).requires_grad_()
    bt = torch.from_numpy(b).requires_grad_()

    def run():
        xt.grad = wt.grad = bt.grad = None
        out = torch.nn.functional.conv2d(xt, wt, bt, stride=1, padding=1)
        out.backward(torch.ones_like(out))
    return run


def main() -> None:
    ref = solution_namespace("lab5_convnets")
    fast = (ref["conv_forward_fast"], ref["conv_backward_fast"])
    naive = (ref["conv_forward_naive"], ref["conv_backward_naive"])
    if torch is None:
        print("PyTorch is not installed: skipping the comparison with torch.nn.functional.conv2d"
              " (pip install torch to include it; it is an optional benchmark dependency).")
    else:
        torch.set_num_threads(ARGS.threads)
        print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads")
    print(f"numpy {np.__version__}, BLAS threads {ARGS.threads} (OPENBLAS_NUM_THREADS), "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
          f"medians of {ARGS.repeats} runs, forward + backward")
    print()
    header = f"{'layer':<40} {'dtype':<8} {'fast s':>9} {'torch s':>9} {'fast/torch':>11}"
    print(header)
    rng = np.random.default_rng(0)
    results = {}
    for name, (x_shape, w_shape) in LAYERS.items():
        for dtype in (np.float32, np.float64):
            x = rng.standard_normal(x_shape).astype(dtype)
            w = rng.standard_normal(w_shape).astype(dtype)
            b = rng.standard_normal(w_shape[0]).astype(dtype)
            t_fast = median_seconds(numpy_step(*fast, x, w, b), ARGS.repeats)
            t_torch = median_seconds(torch_step(x, w, b), ARGS.repeats) if torch else None
            results[name, dtype] = (x, w, b, t_fast)
            label = f"{name}: x {x_shape}, w {w_shape}"
            ratio = f"{t_fast / t_torch:10.2f}x" if t_torch else f"{'-':>11}"
            torch_s = f"{t_torch:9.4f}" if t_torch else f"{'-':>9}"
            print(f"{label:<40} {np.dtype(dtype).name:<8} {t_fast:9.4f} {torch_s} {ratio}")
    print("goal: fast/torch <= 2x")
    print()
    k = ARGS.naive_images
    print(f"naive loops timed on {k} of the 50 images (one run) and scaled by 50/{k}:")
    print(f"{'layer':<40} {'naive s':>10} {'fast s':>9} {'naive/fast':>11}")
    for name in LAYERS:
        x, w, b, t_fast = results[name, np.float64]
        t_naive = median_seconds(numpy_step(*naive, x[:k], w, b), 1, warmup=False)
        t_naive *= len(x) / k
        label = f"{name}: x {x.shape}, float64"
        print(f"{label:<40} {t_naive:10.2f} {t_fast:9.4f} {t_naive / t_fast:10.0f}x")
    print("goal: naive/fast >= 100x")


if __name__ == "__main__":
    main()

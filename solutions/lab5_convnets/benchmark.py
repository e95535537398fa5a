"""Lab 5 benchmark: the im2col convolution against PyTorch's conv2d and against the naive loops.

Three layers, forward + backward with an upstream gradient of ones:
  A: x (50, 3, 32, 32), 32 filters 3x3, stride 1, pad 1 (the first layer on CIFAR-10)
  B: x (50, 32, 16, 16), 64 filters 3x3, stride 1, pad 1 (a second layer after pooling)
  C: x (50, 3, 32, 32), 32 filters 7x7, stride 1, pad 3 (the lab's ThreeLayerConvNet default)

* fast vs PyTorch: ``conv_forward_fast`` + ``conv_backward_fast`` (the reference solution)
  against ``torch.nn.functional.conv2d`` forward + ``backward`` on the CPU, with the same
  number of threads for both (OpenBLAS/OpenMP through the environment before numpy loads,
  ``torch.set_num_threads`` for torch), in float32 and in float64 for both. The two take turns
  within every repeat (in alternating order), so load from other jobs on the machine hits both
  alike; the figure is the median over the repeats of each repeat's ratio. Goal: fast/torch
  at most 1.5x on every row, at every thread count.
* fast vs naive: the naive loops are timed on ``--naive-images`` of the 50 images and the
  time scaled to 50 (it grows linearly with the batch; the full run would take minutes).
  Goal: the fast layer at least 100x faster.

Each thread count runs in its own process (BLAS reads its thread count when numpy loads).
PyTorch is optional: without it the comparison with PyTorch is skipped with a message, and
the script still exits 0.

Usage: python solutions/lab5_convnets/benchmark.py [--threads 1 2] [--repeats N] [--naive-images N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

GOAL_VS_TORCH = 1.5
GOAL_VS_NAIVE = 100


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2],
                        help="thread counts for both numpy's BLAS and torch (default 1 2)")
    parser.add_argument("--repeats", type=int, default=41,
                        help="timed repeats per row, after one warm-up (default 41)")
    parser.add_argument("--naive-images", type=int, default=2)
    parser.add_argument("--no-naive", action="store_true", help="skip the naive loops")
    return parser.parse_args()


ARGS = parse_args()
if len(ARGS.threads) > 1:  # one process per thread count, each with its own BLAS pool
    for threads in ARGS.threads:
        command = [sys.executable, __file__, "--threads", str(threads),
                   "--repeats", str(ARGS.repeats), "--naive-images", str(ARGS.naive_images)]
        subprocess.run(command + (["--no-naive"] if ARGS.no_naive else []), check=True)
        print()
    sys.exit(0)
THREADS = ARGS.threads[0]
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = str(THREADS)  # before numpy (and torch) load their thread pools

import numpy as np  # noqa: E402

from autograder.reference import solution_namespace  # noqa: E402

try:
    import torch
except ImportError:  # optional benchmark dependency
    torch = None

LAYERS = {  # x shape, w shape, pad (stride 1 everywhere)
    "A": ((50, 3, 32, 32), (32, 3, 3, 3), 1),
    "B": ((50, 32, 16, 16), (64, 32, 3, 3), 1),
    "C": ((50, 3, 32, 32), (32, 3, 7, 7), 3),
}


def seconds(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def paired_times(fast, baseline, repeats: int) -> tuple[list[float], list[float]]:
    """Times of ``fast`` and ``baseline``, taking turns within each repeat (the order
    alternates, so neither always runs right after the other's allocations)."""
    fast(), baseline()  # warm up: allocations, thread pools, torch's kernel choice
    fast_times, baseline_times = [], []
    for repeat in range(repeats):
        if repeat % 2:
            baseline_times.append(seconds(baseline))
            fast_times.append(seconds(fast))
        else:
            fast_times.append(seconds(fast))
            baseline_times.append(seconds(baseline))
    return fast_times, baseline_times


def numpy_step(forward, backward, x, w, b, conv_param):
    def run():
        out, cache = forward(x, w, b, conv_param)
        backward(np.ones_like(out), cache)
    return run


def torch_step(x, w, b, pad):
    xt = torch.from_numpy(x).requires_grad_()
    wt = torch.from_numpy(w).requires_grad_()
    bt = torch.from_numpy(b).requires_grad_()

    def run():
        xt.grad = wt.grad = bt.grad = None
        out = torch.nn.functional.conv2d(xt, wt, bt, stride=1, padding=pad)
        out.backward(torch.ones_like(out))
    return run


def compare_with_torch(fast, rng) -> dict:
    header = (f"{'layer':<44} {'dtype':<8} {'fast s':>8} {'torch s':>8} {'fast/torch':>11} "
              f"{'(quartiles)':>13}")
    print(header)
    arrays, worst = {}, 0.0
    for name, (x_shape, w_shape, pad) in LAYERS.items():
        for dtype in (np.float32, np.float64):
            x = rng.standard_normal(x_shape).astype(dtype)
            w = rng.standard_normal(w_shape).astype(dtype)
            b = rng.standard_normal(w_shape[0]).astype(dtype)
            arrays[name, dtype] = (x, w, b, pad)
            label = f"{name}: x {x_shape}, w {w_shape}"
            if torch is None:
                continue
            ours, theirs = paired_times(numpy_step(*fast, x, w, b, {"stride": 1, "pad": pad}),
                                        torch_step(x, w, b, pad), ARGS.repeats)
            ratios = [a / b for a, b in zip(ours, theirs, strict=True)]
            ratio = statistics.median(ratios)
            low, _, high = statistics.quantiles(ratios, n=4)
            worst = max(worst, ratio)
            print(f"{label:<44} {np.dtype(dtype).name:<8} {statistics.median(ours):8.4f} "
                  f"{statistics.median(theirs):8.4f} {ratio:10.2f}x {f'{low:.2f}-{high:.2f}':>13}")
    if torch is not None:
        verdict = "met" if worst <= GOAL_VS_TORCH else "NOT met"
        print(f"worst row {worst:.2f}x; goal fast/torch <= {GOAL_VS_TORCH}x: {verdict}")
    return arrays


def compare_with_naive(fast, naive, arrays) -> None:
    k = ARGS.naive_images
    print(f"naive loops timed on {k} of the 50 images (one run) and scaled by 50/{k}, "
          "against the fast layer's median of 5:")
    print(f"{'layer':<44} {'naive s':>10} {'fast s':>9} {'naive/fast':>11}")
    for name in LAYERS:
        x, w, b, pad = arrays[name, np.float64]
        conv_param = {"stride": 1, "pad": pad}
        t_naive = seconds(numpy_step(*naive, x[:k], w, b, conv_param)) * len(x) / k
        step = numpy_step(*fast, x, w, b, conv_param)
        step()
        t_fast = statistics.median(seconds(step) for _ in range(5))
        label = f"{name}: x {x.shape}, float64"
        print(f"{label:<44} {t_naive:10.2f} {t_fast:9.4f} {t_naive / t_fast:10.0f}x")
    print(f"goal: naive/fast >= {GOAL_VS_NAIVE}x")


def main() -> None:
    ref = solution_namespace("lab5_convnets")
    fast = (ref["conv_forward_fast"], ref["conv_backward_fast"])
    if torch is None:
        print("PyTorch is not installed: skipping the comparison with torch.nn.functional.conv2d"
              " (pip install torch to include it; it is an optional benchmark dependency).")
    else:
        torch.set_num_threads(THREADS)
        print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} thread(s)")
    print(f"numpy {np.__version__}, BLAS threads {THREADS} (OPENBLAS_NUM_THREADS), "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
          f"{ARGS.repeats} paired repeats per row, forward + backward")
    arrays = compare_with_torch(fast, np.random.default_rng(0))
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    if not ARGS.no_naive:
        print()
        compare_with_naive(fast, (ref["conv_forward_naive"], ref["conv_backward_naive"]),
                           arrays)


if __name__ == "__main__":
    main()

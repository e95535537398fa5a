"""Lab 3 benchmark: training throughput of the NumPy two-layer network against PyTorch.

One training step is what ``TwoLayerNet.train`` does per iteration: gather a batch of 200
examples, forward pass, softmax loss with L2 penalty, backward pass, SGD update of every
parameter. The NumPy side is the lab's reference solution (the instructor notebook's
``TwoLayerNet``); the PyTorch side is the same 3072-H-10 ReLU network (``nn.Linear``, ReLU,
``cross_entropy`` plus the same penalty, ``torch.optim.SGD``) on the CPU, in the same run, with
the same number of threads. Both run in float64 (NumPy's default, what students use) and in
float32. Prints examples per second (median of several repeats) and the ratio NumPy / PyTorch;
the course's goal is at least 0.8x. PyTorch is an optional dependency
(``pip install torch==2.13.0`` finds a CPU build); without it the script says so and exits 0.

Usage: python -m solutions.lab3_two_layer.benchmark [--threads N] [--repeats N] [--hidden 100 500]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1,
                        help="threads for both libraries (default: all cores)")
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--hidden", type=int, nargs="+", default=[100, 500])
    parser.add_argument("--batch", type=int, default=200)
    return parser.parse_args()


ARGS = parse_args()
# BLAS reads its thread count when NumPy is first imported.
for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = str(ARGS.threads)

import numpy as np  # noqa: E402

from autograder.reference import solution_namespace  # noqa: E402

D, C, N_DATA, REG, LR = 3072, 10, 5000, 0.25, 1e-3


def median_step_seconds(steps_by_name: dict, steps: int, repeats: int) -> dict:
    """Median seconds per step of each implementation. The implementations take turns within
    every repeat, so a burst of load from elsewhere on the machine hits both alike."""
    for step in steps_by_name.values():
        step()  # warm up (allocations, thread pools)
    times = {name: [] for name in steps_by_name}
    for _ in range(repeats):
        for name, step in steps_by_name.items():
            start = time.perf_counter()
            for _ in range(steps):
                step()
            times[name].append((time.perf_counter() - start) / steps)
    return {name: statistics.median(values) for name, values in times.items()}


def numpy_step(net_class, hidden, dtype, X, y, batches):
    net = net_class(D, hidden, C, std=1e-2, seed=0)
    net.params = {k: v.astype(dtype) for k, v in net.params.items()}
    X = X.astype(dtype)
    order = iter(batches * 1000)

    def step():
        idx = next(order)
        loss, grads = net.loss(X[idx], y[idx], reg=REG)
        for name, param in net.params.items():
            param -= LR * grads[name]

    return step


def torch_step(torch, hidden, dtype, X, y, batches):
    nn, functional = torch.nn, torch.nn.functional
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(D, hidden), nn.ReLU(), nn.Linear(hidden, C)).to(dtype)
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    Xt, yt = torch.from_numpy(X).to(dtype), torch.from_numpy(y)
    order = iter([torch.from_numpy(b) for b in batches] * 1000)

    def step():
        idx = next(order)
        optimizer.zero_grad(set_to_none=True)
        scores = model(Xt[idx])
        penalty = model[0].weight.square().sum() + model[2].weight.square().sum()
        loss = functional.cross_entropy(scores, yt[idx]) + REG * penalty
        loss.backward()
        optimizer.step()

    return step


def main() -> None:
    try:
        import torch
    except ImportError:
        print("PyTorch is not installed, so there is no baseline to compare with; skipping the "
              "Lab 3 benchmark.\nInstall the CPU build with: pip install torch==2.13.0")
        return
    torch.set_num_threads(ARGS.threads)
    net_class = solution_namespace("lab3_two_layer")["TwoLayerNet"]
    rng = np.random.default_rng(0)
    X = rng.uniform(-128, 128, (N_DATA, D))
    y = rng.integers(0, C, N_DATA)
    batches = [rng.choice(N_DATA, ARGS.batch) for _ in range(50)]

    print(f"3072-H-10 ReLU network, softmax + L2, SGD; batch {ARGS.batch}; "
          f"{ARGS.threads} thread(s) for both; NumPy {np.__version__}, PyTorch "
          f"{torch.__version__}; median of {ARGS.repeats} repeats")
    print(f"{'hidden':>6} {'dtype':>8} {'NumPy ex/s':>12} {'PyTorch ex/s':>13} "
          f"{'NumPy/PyTorch':>14}")
    ratios = []
    for hidden in ARGS.hidden:
        steps = max(4, 2000 // hidden)
        for dtype_name in ("float64", "float32"):
            np_dtype = np.dtype(dtype_name)
            torch_dtype = getattr(torch, dtype_name)
            medians = median_step_seconds({
                "numpy": numpy_step(net_class, hidden, np_dtype, X, y, batches),
                "torch": torch_step(torch, hidden, torch_dtype, X, y, batches),
            }, steps, ARGS.repeats)
            ours, theirs = medians["numpy"], medians["torch"]
            ratio = theirs / ours
            ratios.append(ratio)
            print(f"{hidden:>6} {dtype_name:>8} {ARGS.batch / ours:>12,.0f} "
                  f"{ARGS.batch / theirs:>13,.0f} {ratio:>13.2f}x")
    print(f"\nNumPy / PyTorch throughput: {min(ratios):.2f}x to {max(ratios):.2f}x "
          "(goal >= 0.8x)")


if __name__ == "__main__":
    sys.exit(main())

"""Lab 2 benchmark: the SVM and softmax losses (loss and gradient), naive against vectorised,
and vectorised against the floor of the two matrix products every version needs.

Shapes as in the lab: 500 x 3073 inputs (CIFAR-10 with the bias column) and 10 classes, random
data of that size (the timing does not depend on the values). The floor is ``X @ W`` (the
scores, 500 x 10) plus ``X.T @ G`` (the gradient from a 500 x 10 coefficient matrix), timed in
the same run; everything else a vectorised loss does is overhead on top of it. Prints medians
of several runs and the ratios the course aims for: vectorised at least 50x faster than naive,
and within 2.5x of the floor.

Usage: python solutions/lab2_linear/benchmark.py [--repeats N] [--naive-repeats N]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from autograder.reference import solution_namespace


def median_seconds(fn, *args, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=31)
    parser.add_argument("--naive-repeats", type=int, default=5)
    args = parser.parse_args()

    ref = solution_namespace("lab2_linear")
    rng = np.random.default_rng(0)
    N, D, C = 500, 3073, 10
    X = rng.uniform(-128, 128, (N, D))
    X[:, -1] = 1.0
    y = rng.integers(0, C, N)
    W = 1e-4 * rng.standard_normal((D, C))
    G = rng.standard_normal((N, C))
    reg = 2.5e4

    def floor(X, W, G):
        return X @ W, X.T @ G

    floor_s = median_seconds(floor, X, W, G, repeats=args.repeats)
    rows = []
    for kind in ("svm", "softmax"):
        vec = median_seconds(ref[f"{kind}_loss_vectorized"], W, X, y, reg, repeats=args.repeats)
        naive = median_seconds(ref[f"{kind}_loss_naive"], W, X, y, reg,
                               repeats=args.naive_repeats)
        rows.append((kind, naive, vec))

    print(f"shapes: X {X.shape}, W {W.shape}, float64; median of {args.repeats} runs "
          f"({args.naive_repeats} for the naive versions)")
    print(f"{'version':<32} {'ms':>9}")
    print(f"{'X @ W + X.T @ G (floor)':<32} {1000 * floor_s:9.3f}")
    for kind, naive, vec in rows:
        print(f"{kind + ' naive':<32} {1000 * naive:9.3f}")
        print(f"{kind + ' vectorised':<32} {1000 * vec:9.3f}")
    print()
    for kind, naive, vec in rows:
        print(f"{kind:<8} naive / vectorised: {naive / vec:7.1f}x  (goal >= 50x)   "
              f"vectorised / floor: {vec / floor_s:5.2f}x  (goal <= 2.5x)")


if __name__ == "__main__":
    main()

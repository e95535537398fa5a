"""Lab 1 benchmark: the three distance implementations against the matrix-multiply floor.

Shapes as in the lab: 500 x 3072 test and 5,000 x 3072 train (random data of the same size;
timing does not depend on the values). Prints the median of several runs for each version and
the ratios the course aims for: no loops within 1.5x of ``X @ X_train.T`` alone, and at least
100x faster than two loops. The two-loop version is timed on a slice of the test points and
scaled up, since a full run takes minutes; the slice size is printed.

Usage: python -m solutions.lab1_knn.benchmark [--repeats N] [--two-loop-rows N]
"""

from __future__ import annotations

import argparse

import numpy as np

from autograder.reference import solution_namespace
from benchmarks.timing import median_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--two-loop-rows", type=int, default=20)
    args = parser.parse_args()

    ref = solution_namespace("lab1_knn")
    rng = np.random.default_rng(0)
    X = rng.uniform(0, 255, (500, 3072))
    X_train = rng.uniform(0, 255, (5000, 3072))

    floor = median_seconds(lambda a, b: a @ b.T, X, X_train, repeats=args.repeats)
    no_loops = median_seconds(ref["compute_distances_no_loops"], X, X_train, repeats=args.repeats)
    rows = args.two_loop_rows
    scale = X.shape[0] / rows
    one_loop = scale * median_seconds(ref["compute_distances_one_loop"], X[:rows], X_train,
                                      repeats=3)
    two_loops = scale * median_seconds(ref["compute_distances_two_loops"], X[:rows], X_train,
                                       repeats=1)

    print(f"shapes: X {X.shape}, X_train {X_train.shape}, float64; median of {args.repeats}")
    print(f"{'version':<28} {'seconds':>10}")
    print(f"{'X @ X_train.T (floor)':<28} {floor:10.4f}")
    print(f"{'no loops':<28} {no_loops:10.4f}")
    print(f"{'one loop (scaled from ' + str(rows) + ')':<28} {one_loop:10.4f}")
    print(f"{'two loops (scaled from ' + str(rows) + ')':<28} {two_loops:10.4f}")
    print()
    print(f"no loops / floor:      {no_loops / floor:6.2f}x   (goal <= 1.5x)")
    print(f"two loops / no loops:  {two_loops / no_loops:6.0f}x   (goal >= 100x)")
    print(f"one loop / no loops:   {one_loop / no_loops:6.0f}x")


if __name__ == "__main__":
    main()

"""Timing for the benchmarks: the median wall time of repeated calls, one way everywhere.

The machine may be shared, so a benchmark quotes medians of repeats, never a single run.
"""

from __future__ import annotations

import statistics
import time


def median_seconds(fn, *args, repeats: int) -> float:
    """The median over ``repeats`` calls of ``fn(*args)``, in seconds of wall time."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - start)
    return statistics.median(times)

"""Lab 4 benchmark: backprop on a graph of scalar Values against the vectorised layers, and the
layers' forward+backward throughput against the matrix products they cannot avoid.

1. The same 10-16-3 tanh network with a squared-error loss on a batch of 8, forward and
   backward: once as a graph of ``Value`` nodes (one Python object per number), once with
   ``affine_*`` / ``tanh_*``. Prints both times and the ratio.
2. ``affine_forward`` + ``affine_backward`` at CIFAR-10 size (N=200, D=3072, M=100) against the
   floor of its three matrix products (x @ w, dout @ w.T, x.T @ dout), and the examples per
   second of a full ``FullyConnectedNet([100]).loss`` (forward, backward, L2) at batch 200.

Medians of repeats; all figures come from this run. Usage:
python solutions/lab4_backprop/benchmark.py [--repeats N]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from autograder.reference import solution_namespace


def median_seconds(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def value_network(ns, X, T, params):
    """Forward and backward of the network as a graph of Values; returns the loss."""
    Value = ns["Value"]
    V = {k: [[Value(x) for x in np.atleast_2d(a)[i]] for i in range(np.atleast_2d(a).shape[0])]
         for k, a in params.items()}
    total = Value(0.0)
    n, d = X.shape
    hidden, out = len(V["b1"][0]), len(V["b2"][0])
    for i in range(n):
        h = [sum((V["W1"][k][j] * X[i, k] for k in range(d)), V["b1"][0][j]).tanh()
             for j in range(hidden)]
        for c in range(out):
            o = sum((V["W2"][j][c] * h[j] for j in range(hidden)), V["b2"][0][c])
            total = total + (o - T[i, c]) ** 2
    total.backward()
    return total.data


def layer_network(ns, X, T, params):
    a, c1 = ns["affine_forward"](X, params["W1"], params["b1"])
    h, ct = ns["tanh_forward"](a)
    out, c2 = ns["affine_forward"](h, params["W2"], params["b2"])
    dh, _, _ = ns["affine_backward"](2 * (out - T), c2)
    ns["affine_backward"](ns["tanh_backward"](dh, ct), c1)
    return float(np.sum((out - T) ** 2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    ns = solution_namespace("lab4_backprop")
    rng = np.random.default_rng(0)

    X, T = rng.standard_normal((8, 10)), rng.standard_normal((8, 3))
    params = {"W1": rng.standard_normal((10, 16)) * 0.3, "b1": np.zeros(16),
              "W2": rng.standard_normal((16, 3)) * 0.3, "b2": np.zeros(3)}
    assert np.isclose(value_network(ns, X, T, params), layer_network(ns, X, T, params))
    t_value = median_seconds(lambda: value_network(ns, X, T, params), args.repeats)
    t_layers = median_seconds(lambda: layer_network(ns, X, T, params), args.repeats * 20)

    x, w = rng.standard_normal((200, 3, 32, 32)), rng.standard_normal((3072, 100)) * 0.02
    b, dout = np.zeros(100), rng.standard_normal((200, 100))
    flat = x.reshape(200, -1)

    def floor():
        flat @ w
        dout @ w.T
        flat.T @ dout

    def affine():
        _, cache = ns["affine_forward"](x, w, b)
        ns["affine_backward"](dout, cache)

    t_floor = median_seconds(floor, args.repeats)
    t_affine = median_seconds(affine, args.repeats)
    net = ns["FullyConnectedNet"]([100], 3072, 10, reg=1e-4, weight_scale="fan_in", seed=0)
    y = rng.integers(0, 10, 200)
    t_net = median_seconds(lambda: net.loss(x, y), args.repeats)

    print(f"median of {args.repeats} runs (layers: {args.repeats * 20} for the tiny network)")
    print("1. 10-16-3 tanh network, batch 8, squared error, forward + backward")
    print(f"   graph of Values:                    {t_value * 1e3:9.2f} ms")
    print(f"   vectorised layers:                  {t_layers * 1e3:9.3f} ms")
    print(f"   Values / layers:                    {t_value / t_layers:9.0f}x")
    print("2. affine layer at N=200, D=3072, M=100, float64")
    print(f"   three matrix products (floor):      {t_floor * 1e3:9.2f} ms")
    print(f"   affine_forward + affine_backward:   {t_affine * 1e3:9.2f} ms")
    print(f"   affine / floor:                     {t_affine / t_floor:9.2f}x")
    print(f"   FullyConnectedNet([100]).loss, batch 200: {t_net * 1e3:.1f} ms, "
          f"{200 / t_net:,.0f} examples/s (forward + backward)")


if __name__ == "__main__":
    main()

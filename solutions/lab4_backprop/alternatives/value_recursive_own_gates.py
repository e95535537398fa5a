"""Value written like micrograd: a recursive topological sort, and subtraction, division and
negation as gates with their own local gradients instead of compositions."""

import math


class Value:
    def __init__(self, data, _children=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self._prev = set(_children)
        self._op = _op
        self._backward = lambda: None

    @staticmethod
    def _as_value(other):
        return other if isinstance(other, Value) else Value(other)

    def _unary(self, value, local):
        out = Value(value, (self,))

        def _backward():
            self.grad += local(out) * out.grad

        out._backward = _backward
        return out

    def _binary(self, other, value, local_self, local_other):
        other = Value._as_value(other)
        out = Value(value(self.data, other.data), (self, other))

        def _backward():
            self.grad += local_self(self.data, other.data) * out.grad
            other.grad += local_other(self.data, other.data) * out.grad

        out._backward = _backward
        return out

    def __add__(self, other):
        return self._binary(other, lambda a, b: a + b, lambda a, b: 1.0, lambda a, b: 1.0)

    def __mul__(self, other):
        return self._binary(other, lambda a, b: a * b, lambda a, b: b, lambda a, b: a)

    def __sub__(self, other):
        return self._binary(other, lambda a, b: a - b, lambda a, b: 1.0, lambda a, b: -1.0)

    def __truediv__(self, other):
        return self._binary(other, lambda a, b: a / b, lambda a, b: 1 / b, lambda a, b: -a / b**2)

    def __rsub__(self, other):
        return Value._as_value(other) - self

    def __rtruediv__(self, other):
        return Value._as_value(other) / self

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __neg__(self):
        return self._unary(-self.data, lambda out: -1.0)

    def __pow__(self, n):
        return self._unary(self.data**n, lambda out: n * self.data ** (n - 1))

    def exp(self):
        return self._unary(math.exp(self.data), lambda out: out.data)

    def tanh(self):
        return self._unary(math.tanh(self.data), lambda out: 1 - out.data**2)

    def relu(self):
        return self._unary(self.data if self.data > 0 else 0.0, lambda out: float(out.data > 0))

    def sigmoid(self):
        s = 0.5 * (1 + math.tanh(0.5 * self.data))
        return self._unary(s, lambda out: out.data * (1 - out.data))

    def backward(self):
        topo, visited = [], set()

        def build(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build(child)
                topo.append(v)

        build(self)
        self.grad = 1.0
        for v in reversed(topo):
            v._backward()

"""backward() walks the graph recursively from the output instead of in reverse topological order:
a shared intermediate node passes its gradient on too early."""
# ruff: noqa: F401, F821, F841

import math

BREAKS = "test_value_backward"


class Value:
    """A scalar node of a computational graph that knows its gradient.

    Value(data) wraps one number. Combining Values with +, -, *, /, ** (a plain number as the
    exponent) or the methods exp(), tanh(), relu(), sigmoid() returns a new Value that
    remembers its inputs (_prev) and how to send a gradient back to them (_backward). Plain
    numbers mix in on either side: 2 * x, x + 1, 1 / x all work.

    After out.backward(), every node's .grad holds d(out)/d(node).
    Attributes: data (float), grad (float, 0.0 until backward runs).
    """

    def __init__(self, data, _children=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self._prev = tuple(_children)  # the nodes this one was computed from
        self._op = _op  # the operation's name, for printing
        self._backward = lambda: None  # adds this node's local gradients times self.grad

    def __repr__(self):
        return f"Value(data={self.data:.4g}, grad={self.grad:.4g})"

    @staticmethod
    def _as_value(other):
        return other if isinstance(other, Value) else Value(other)

    # ----- gates with their own local gradient -------------------------------------------
    def __add__(self, other):
        """self + other. Local gradients: 1 for both inputs."""
        other = Value._as_value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():  # given as the example: the add gate distributes the gradient
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        """self * other. Local gradients: other for self, self for other."""
        other = Value._as_value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, n):
        """self ** n for a plain number n. Local gradient: n * self ** (n - 1)."""
        assert isinstance(n, (int, float)), "only a plain number is supported as the exponent"
        out = Value(self.data**n, (self,), f"**{n}")

        def _backward():
            self.grad += n * self.data ** (n - 1) * out.grad

        out._backward = _backward
        return out

    def exp(self):
        """e ** self. Local gradient: e ** self, the output itself."""
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad

        out._backward = _backward
        return out

    def tanh(self):
        """tanh(self). Local gradient: 1 - tanh(self) ** 2, from the output."""
        out = Value(math.tanh(self.data), (self,), "tanh")

        def _backward():
            self.grad += (1.0 - out.data**2) * out.grad

        out._backward = _backward
        return out

    def relu(self):
        """max(0, self). Local gradient: 1 where self > 0, else 0."""
        out = Value(max(0.0, self.data), (self,), "relu")

        def _backward():
            self.grad += (self.data > 0) * out.grad

        out._backward = _backward
        return out

    def sigmoid(self):
        """1 / (1 + e ** -self) as one gate. Local gradient: s * (1 - s) with s the output."""
        if self.data >= 0:
            s = 1.0 / (1.0 + math.exp(-self.data))
        else:  # the same number, without overflow for very negative inputs
            z = math.exp(self.data)
            s = z / (1.0 + z)
        out = Value(s, (self,), "sigmoid")

        def _backward():
            self.grad += out.data * (1.0 - out.data) * out.grad

        out._backward = _backward
        return out

    # ----- gates built from the ones above (their gradients come for free) --------------
    def __neg__(self):
        """-self."""
        return self * -1.0

    def __sub__(self, other):
        """self - other."""
        return self + (-Value._as_value(other))

    def __rsub__(self, other):
        """other - self, for a plain number other (as in 1 - x)."""
        return Value._as_value(other) + (-self)

    def __truediv__(self, other):
        """self / other."""
        return self * Value._as_value(other) ** -1

    def __rtruediv__(self, other):
        """other / self, for a plain number other (as in 1 / x)."""
        return Value._as_value(other) * self**-1

    def __radd__(self, other):  # other + self, for a plain number other
        return self + other

    def __rmul__(self, other):  # other * self, for a plain number other
        return self * other

    # ----- the whole graph ----------------------------------------------------------------
    def backward(self):
        """Fill in .grad of every node this one depends on, with self.grad = 1.

        Visit the nodes in reverse topological order (every node after all nodes that use
        it), so each node's gradient is complete before it is passed on.
        """
        self.grad = 1.0

        def visit(node):
            node._backward()
            for child in node._prev:
                visit(child)

        visit(self)

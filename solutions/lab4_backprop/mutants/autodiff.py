"""Typical mistakes in autodiff.ipynb (the ``Value`` class), as edits of the solution (see
:mod:`autograder.mutants`)."""

from autograder.mutants import Edit, mutant

V = "Value"
# The local gradient of each gate, accumulated as every _backward must do.
ACCUMULATED = ("self.grad += out.grad\n            other.grad += out.grad",
               "self.grad += other.data * out.grad\n            other.grad += self.data * out.grad",
               "self.grad += n * self.data ** (n - 1) * out.grad",
               "self.grad += out.data * out.grad",
               "self.grad += (1.0 - out.data**2) * out.grad",
               "self.grad += (self.data > 0) * out.grad",
               "self.grad += out.data * (1.0 - out.data) * out.grad")
TOPOLOGICAL_ORDER = '''order, visited = [], set()
        stack = [(self, False)]
        while stack:  # depth-first, without recursion (deep graphs would hit the limit)
            node, children_done = stack.pop()
            if children_done:
                order.append(node)
            elif node not in visited:
                visited.add(node)
                stack.append((node, True))
                stack.extend((child, False) for child in node._prev)
        self.grad = 1.0
        for node in reversed(order):
            node._backward()'''
RECURSIVE_WALK = '''self.grad = 1.0

        def visit(node):
            node._backward()
            for child in node._prev:
                visit(child)

        visit(self)'''

MUTANTS = (
    # the forward values (each also breaks backward: the gradients are of the wrong function)
    mutant("value_sub_reversed", "test_value_forward", "a - b computed as b - a.",
           Edit(V, "return self + (-Value._as_value(other))",
                "return Value._as_value(other) + (-self)"),
           also_breaks=("test_value_backward",)),
    mutant("value_rsub_reversed", "test_value_forward",
           "1 - a computed as a - 1: __rsub__ returns self - other.",
           Edit(V, "return Value._as_value(other) + (-self)", "return self - other"),
           also_breaks=("test_value_backward",)),
    mutant("value_truediv_without_inverse", "test_value_forward",
           "a / b computed as a * b: the ** -1 is forgotten.",
           Edit(V, "return self * Value._as_value(other) ** -1", "return self * other"),
           also_breaks=("test_value_backward",)),
    mutant("value_rtruediv_reversed", "test_value_forward",
           "2 / a computed as a / 2: __rtruediv__ returns self / other.",
           Edit(V, "return Value._as_value(other) * self**-1", "return self / other"),
           also_breaks=("test_value_backward",)),
    # the local gradients
    mutant("value_pow_grad_wrong", "test_value_backward",
           "The local gradient of x ** n is taken as n * x ** n.",
           Edit(V, "n * self.data ** (n - 1) * out.grad", "n * self.data**n * out.grad")),
    mutant("value_tanh_grad_from_input", "test_value_backward",
           "The tanh gate's local gradient is 1 - x**2 with the input x instead of the output.",
           Edit(V, "(1.0 - out.data**2) * out.grad", "(1.0 - self.data**2) * out.grad")),
    mutant("value_sigmoid_grad_from_input", "test_value_backward",
           "The sigmoid gate's local gradient is computed from its input x instead of its "
           "output.",
           Edit(V, "out.data * (1.0 - out.data) * out.grad",
                "self.data * (1.0 - self.data) * out.grad")),
    mutant("value_grad_overwritten", "test_value_backward",
           "Every _backward assigns (=) instead of accumulating (+=): a node used twice keeps "
           "only the last contribution.",
           *(Edit(V, line, line.replace("+=", "=")) for line in ACCUMULATED)),
    # the order of the whole graph
    mutant("value_backward_leaves_first", "test_value_backward",
           "backward() runs the _backward functions in topological order (inputs first) "
           "instead of reverse topological order.",
           Edit(V, "for node in reversed(order):", "for node in order:")),
    mutant("value_no_topological_order", "test_value_backward",
           "backward() walks the graph recursively from the output instead of in reverse "
           "topological order: a shared intermediate node passes its gradient on too early.",
           Edit(V, TOPOLOGICAL_ORDER, RECURSIVE_WALK)),
)

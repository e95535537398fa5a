"""Lab 4's own tests of its hidden checks (the tests every lab shares are in
``tests/test_checks.py``): where a backward test's driver runs the student's forward, a
forward that raises is named as the cause and never costs the backward's points."""

from __future__ import annotations

import pytest

from autograder.checks import run_check
from autograder.reference import solution_namespace
from autograder.samples import find_variant


def test_blame_lands_on_the_function_that_raised():
    """A forward crashing inside a backward test's driver is named as the cause, and the
    backward is then judged on a correct forward's cache: right passes, wrong fails."""
    lab = "lab4_backprop"
    crashing = find_variant(lab, "mutants/dropout_forward_crashes_in_train_mode")
    namespace = crashing.namespace(solution_namespace(lab))
    run_check(lab, "test_dropout_backward", namespace)  # the backward itself is right
    exec("def dropout_forward(x, param):\n"
         "    raise ValueError('no') if param['mode'] == 'train' else None\n"
         "    return x, (param, None)\n", namespace)
    run_check(lab, "test_dropout_backward", namespace)
    exec("def dropout_backward(dout, cache):\n"
         "    param, mask = cache\n"
         "    return dout * mask * 2 if param['mode'] == 'train' else dout\n", namespace)
    with pytest.raises(AssertionError, match="your dropout_forward raised ValueError while "
                                             "testing dropout_backward"):
        run_check(lab, "test_dropout_backward", namespace)
    exec("def relu_forward(x):\n    raise KeyError('oops')\n\n\n"
         "def relu_backward(dout, cache):\n    return dout * (cache > 0)\n", namespace)
    run_check(lab, "test_relu_backward", namespace)  # judged on a correct forward's cache
    exec("def relu_backward(dout, cache):\n    return dout * (cache >= -1)\n", namespace)
    with pytest.raises(AssertionError, match="your relu_forward raised KeyError while testing "
                                             "relu_backward, so this case used a correct"):
        run_check(lab, "test_relu_backward", namespace)

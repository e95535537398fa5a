"""Lab 5's own tests of its hidden checks (the tests every lab shares are in
``tests/test_checks.py``)."""

from __future__ import annotations

import pytest

from autograder.checks import attempt, expected_result, judge, lab_checks, partial_credit
from autograder.reference import solution_namespace

LAB = "lab5_convnets"


def test_partial_credit_keeps_the_groups_that_pass():
    """A convolution without the ValueError for settings that do not tile keeps 2 of 3."""
    check = lab_checks(LAB)["test_conv_forward_naive"]
    ref = solution_namespace(LAB)
    namespace = dict(ref)
    exec("def conv_forward_naive(x, w, b, conv_param):\n"
         "    try:\n        return _solution(x, w, b, conv_param)\n"
         "    except ValueError:\n        return np.zeros(1), None\n", namespace)
    namespace["_solution"] = ref["conv_forward_naive"]
    cases = list(check.cases())
    problems = [judge(check, case, expected_result(check, case, ref),
                      attempt(check, case, namespace, {}), n)
                for n, case in enumerate(cases, start=1)]
    earned, message = partial_credit(check, cases, problems)
    assert earned == pytest.approx(2 / 3)
    assert message.startswith("partial credit, main behaviour passed; refusals failed: ")
    assert "ValueError" in message


def test_a_pooling_crash_on_a_valid_setting_gets_the_window_hints():
    """Offset loops with pool_height and pool_width swapped index past the input on
    non-square windows and crash inside numpy; the message still names the swap."""
    check = lab_checks(LAB)["test_max_pool_forward_naive"]
    ref = solution_namespace(LAB)
    namespace = dict(ref)
    exec("def max_pool_forward_naive(x, pool_param):\n"
         "    if pool_param['pool_height'] != pool_param['pool_width']:\n"
         "        raise ValueError('operands could not be broadcast together')\n"
         "    return _solution(x, pool_param)\n", namespace)
    namespace["_solution"] = ref["max_pool_forward_naive"]
    problems = [judge(check, case, expected_result(check, case, ref),
                      attempt(check, case, namespace, {}), n)
                for n, case in enumerate(check.cases(), start=1)]
    first = next(p for p in problems if p)
    assert "raised ValueError: operands could not be broadcast" in first
    assert "These settings tile the input" in first
    assert "pool_height goes with the rows and pool_width with the columns" in first

"""Tests of the hidden tests: the solution passes, the blank fails, every known mistake fails
on the test it breaks (and only there), and correct alternatives get full marks."""

from __future__ import annotations

import ast
import inspect
import re
from collections import Counter

import numpy as np
import pytest

from autograder.checks import attempt, expected_result, judge, lab_checks, partial_credit, run_check
from autograder.course import all_labs
from autograder.notebook import (
    graded_cells,
    read_notebook,
    solution_cells,
    strip_solution_markers,
    visible_part,
)
from autograder.reference import solution_namespace
from autograder.samples import variants

LABS = [lab.name for lab in all_labs()]
MUTANTS = [(lab, v) for lab in LABS for v in variants(lab, "mutants")]
ALTERNATIVES = [(lab, v) for lab in LABS for v in variants(lab, "alternatives")]


def function_checks(lab: str) -> dict:
    """The checks that grade code; artifact checks (a saved file) are tested on their own."""
    return {t: c for t, c in lab_checks(lab).items() if c.artifact is None}


def failing_tests(lab: str, namespace: dict) -> dict[str, str]:
    failed = {}
    for test_id in function_checks(lab):
        try:
            run_check(lab, test_id, namespace)
        except AssertionError as exc:
            failed[test_id] = str(exc)
    return failed


@pytest.mark.parametrize("lab", LABS)
def test_solution_passes_every_check(lab):
    assert failing_tests(lab, dict(solution_namespace(lab))) == {}


@pytest.mark.parametrize("lab", LABS)
def test_blank_fails_every_check(lab):
    def not_implemented(*args, **kwargs):
        raise NotImplementedError

    blank = {name: not_implemented for name in solution_namespace(lab) if not name.startswith("_")}
    failed = failing_tests(lab, blank)
    assert set(failed) == set(function_checks(lab))
    assert all("not implemented" in message for message in failed.values())


@pytest.mark.parametrize("lab", LABS)
def test_missing_function_is_reported_by_name(lab):
    for test_id, check in function_checks(lab).items():
        with pytest.raises(AssertionError, match=f"{check.function} is not defined"):
            run_check(lab, test_id, {})


@pytest.mark.parametrize(("lab", "mutant"), MUTANTS, ids=[f"{lab}/{v.name}" for lab, v in MUTANTS])
def test_mutant_loses_points_on_the_test_it_breaks(lab, mutant):
    assert mutant.breaks in function_checks(lab), f"{mutant.id}: breaks names no test"
    failed = failing_tests(lab, mutant.namespace(solution_namespace(lab)))
    assert set(failed) == {mutant.breaks, *mutant.also_breaks}, failed
    assert len(failed[mutant.breaks]) > 40, "the message should explain the mistake"


@pytest.mark.parametrize(
    ("lab", "variant"), ALTERNATIVES, ids=[f"{lab}/{v.name}" for lab, v in ALTERNATIVES]
)
def test_correct_alternative_gets_full_marks(lab, variant):
    assert failing_tests(lab, variant.namespace(solution_namespace(lab))) == {}


@pytest.mark.parametrize("lab", LABS)
def test_at_least_three_mutants_per_graded_function(lab):
    per_test = Counter(v.breaks for v in variants(lab, "mutants"))
    assert {t: per_test[t] for t in function_checks(lab) if per_test[t] < 3} == {}


@pytest.mark.parametrize("lab", LABS)
def test_notebook_cells_and_checks_match(lab):
    """Every graded cell runs the check of its own id, and every check has a graded cell."""
    cells = {}
    for path in next(x for x in all_labs() if x.name == lab).notebooks:
        nb = read_notebook(path)
        cells.update({c.name: c for c in graded_cells(nb)})
        for grade_id, cell in solution_cells(nb).items():
            defined = [n for n in ast.parse(cell.source).body if isinstance(n, ast.FunctionDef)]
            assert len(defined) <= 1, f"{grade_id}: one graded function per solution cell"
    assert set(cells) == set(lab_checks(lab))
    for test_id, cell in cells.items():
        calls = re.findall(r'run_check\("([^"]+)", "([^"]+)", globals\(\)\)', cell.source)
        assert calls == [(lab, test_id)], f"{test_id} runs {calls}"
        assert "### BEGIN HIDDEN TESTS" in cell.source and cell.points > 0


def failing_visible_checks(lab: str, namespace: dict) -> dict[str, str]:
    """Run the visible part of every graded cell, which may use only numpy and the function
    under test: anything more (notebook data, other graded functions) would make a mistake
    elsewhere cost points here too."""
    failed = {}
    for path in next(x for x in all_labs() if x.name == lab).notebooks:
        for cell in graded_cells(read_notebook(path)):
            if cell.name not in function_checks(lab):
                continue  # a saved-file check needs the student's file, not just the code
            try:
                exec(visible_part(cell.source), {**namespace, "print": lambda *a, **k: None})
            except AssertionError as exc:
                failed[cell.name] = f"AssertionError: {exc}"
            except Exception as exc:  # a NameError here means the cell depends on more
                failed[cell.name] = f"{type(exc).__name__}: {exc}"
    return failed


@pytest.mark.parametrize("lab", LABS)
def test_visible_checks_pass_for_the_solution(lab):
    assert failing_visible_checks(lab, dict(solution_namespace(lab))) == {}


@pytest.mark.parametrize(
    ("lab", "variant"), ALTERNATIVES, ids=[f"{lab}/{v.name}" for lab, v in ALTERNATIVES]
)
def test_visible_checks_pass_for_correct_alternatives(lab, variant):
    assert failing_visible_checks(lab, variant.namespace(solution_namespace(lab))) == {}


@pytest.mark.parametrize(("lab", "mutant"), MUTANTS, ids=[f"{lab}/{v.name}" for lab, v in MUTANTS])
def test_visible_checks_fail_only_where_the_mistake_is(lab, mutant):
    failed = failing_visible_checks(lab, mutant.namespace(solution_namespace(lab)))
    assert set(failed) <= {mutant.breaks, *mutant.also_breaks}, failed


def _low_precision(value, dtype):
    """``value`` with every float array zeroed and cast to ``dtype`` (float16, complex)."""
    if isinstance(value, np.ndarray) and np.issubdtype(value.dtype, np.floating):
        return np.zeros(value.shape, dtype)
    if isinstance(value, tuple | list):
        return type(value)(_low_precision(v, dtype) for v in value)
    if isinstance(value, dict):
        return {k: _low_precision(v, dtype) for k, v in value.items()}
    if isinstance(value, float):
        return dtype(0)
    return value


@pytest.mark.parametrize("dtype", [np.float16, np.complex128])
@pytest.mark.parametrize("lab", LABS)
def test_zero_answers_in_low_precision_fail(lab, dtype):
    """Tolerances come from the question, never the answer: all-zero answers in float16 (once
    16/16 in Lab 2) or complex fail every test of a function that returns floats, saying so."""
    ref = solution_namespace(lab)
    namespace = dict(ref)
    # Defined inside the namespace, so a driver finds the other functions in its globals.
    exec("def _wrap(fn, cast, dtype):\n    return lambda *a, **k: cast(fn(*a, **k), dtype)",
         namespace)
    for name, fn in ref.items():
        if inspect.isfunction(fn) and not name.startswith("_"):
            namespace[name] = namespace["_wrap"](fn, _low_precision, dtype)
    failed = failing_tests(lab, namespace)
    floats_out = [t for t, c in function_checks(lab).items()
                  if inspect.isfunction(ref[c.function]) and t not in INTEGER_ANSWERS]
    assert set(floats_out) <= set(failed), set(floats_out) - set(failed)
    word = "float16" if dtype is np.float16 else "complex"
    assert all(word in failed[t] for t in floats_out), {t: failed[t] for t in floats_out}


# Tests whose graded function answers with labels, counts or a dict of accuracies.
INTEGER_ANSWERS = {"test_predict_labels", "test_cross_validate_k", "test_count_parameters"}


@pytest.mark.parametrize("lab", LABS)
def test_case_groups_are_declared_and_shares_sum_to_one(lab):
    for test_id, check in lab_checks(lab).items():
        used = {case.group for case in check.cases()}
        assert used == set(check.groups), f"{test_id}: cases use {used}, declared {check.groups}"
        assert abs(sum(check.groups.values()) - 1) < 1e-9, test_id
        assert "main" in check.groups, test_id


def test_partial_credit_keeps_the_groups_that_pass():
    """A convolution without the ValueError for settings that do not tile keeps 2 of 3."""
    lab = "lab5_convnets"
    check = lab_checks(lab)["test_conv_forward_naive"]
    ref = solution_namespace(lab)
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


def test_lab3_loss_stub_is_checkable_part_by_part():
    """The forward pass and the loss of TwoLayerNet.loss earn their tests while the backward
    pass is still the release's stub (each part is a stub of its own)."""
    lab = "lab3_two_layer"
    cell = solution_cells(read_notebook(next(
        x for x in all_labs() if x.name == lab).notebooks[0]))["two_layer_net"]
    parts = cell.source.split("### BEGIN SOLUTION")
    backward = 3  # the third region of loss: forward, loss, backward
    end = parts[backward].index("### END SOLUTION")
    indent = parts[backward][:end].splitlines()[-1]
    parts[backward] = ("\n" + indent + "raise NotImplementedError()\n" + indent
                       + parts[backward][end:])
    source = strip_solution_markers("### BEGIN SOLUTION".join(parts))
    namespace = dict(solution_namespace(lab))
    exec(source, namespace)
    failed = failing_tests(lab, namespace)
    assert set(failed) == {"test_backward"}, failed
    assert "backward pass is not implemented yet" in failed["test_backward"]


@pytest.mark.parametrize("lab", LABS)
def test_at_least_three_correct_alternatives_per_graded_function(lab):
    graded = {c.function for c in function_checks(lab).values()}
    per_function = Counter(f for v in variants(lab, "alternatives") for f in v.functions)
    assert {f: per_function[f] for f in graded if per_function[f] < 3} == {}


@pytest.mark.parametrize("kind", ["mutants", "alternatives"])
def test_variants_hold_only_what_travels_into_a_notebook(kind):
    """A sample submission gets a variant's functions, classes and imports only
    (samples.make_submission), so module-level constants or statements would be lost."""
    for lab in LABS:
        for variant in variants(lab, kind):
            for node in ast.parse(variant.source).body:
                kept = isinstance(node, ast.Import | ast.ImportFrom | ast.FunctionDef
                                  | ast.ClassDef) or (
                    isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)) or (
                    isinstance(node, ast.Assign)
                    and [t.id for t in node.targets] in (["BREAKS"], ["ALSO_BREAKS"]))
                assert kept, f"{variant.id}:{node.lineno} would not reach the notebook"

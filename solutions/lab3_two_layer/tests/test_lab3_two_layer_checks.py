"""Lab 3's hidden checks on a part-written ``TwoLayerNet``: each part of ``loss`` (forward pass,
loss, backward pass) is a stub of its own in the release, so a student who has written the
first two earns their tests while the third is still the stub."""

from __future__ import annotations

from autograder.checks import lab_checks, run_check
from autograder.course import get_lab
from autograder.notebook import read_notebook, solution_cells, strip_solution_markers
from autograder.reference import solution_namespace

LAB = "lab3_two_layer"


def _failing_tests(namespace: dict) -> dict[str, str]:
    """The message of every code-grading hidden test that fails on ``namespace``."""
    failed = {}
    for test_id, check in lab_checks(LAB).items():
        if check.artifact is None:
            try:
                run_check(LAB, test_id, namespace)
            except AssertionError as exc:
                failed[test_id] = str(exc)
    return failed


def test_loss_stub_is_checkable_part_by_part():
    """The forward pass and the loss of TwoLayerNet.loss earn their tests while the backward
    pass is still the release's stub (each part is a stub of its own)."""
    cell = solution_cells(read_notebook(get_lab(LAB).notebooks[0]))["two_layer_net"]
    parts = cell.source.split("### BEGIN SOLUTION")
    backward = 3  # the third region of loss: forward, loss, backward
    end = parts[backward].index("### END SOLUTION")
    indent = parts[backward][:end].splitlines()[-1]
    parts[backward] = ("\n" + indent + "raise NotImplementedError()\n" + indent
                       + parts[backward][end:])
    source = strip_solution_markers("### BEGIN SOLUTION".join(parts))
    namespace = dict(solution_namespace(LAB))
    exec(source, namespace)
    failed = _failing_tests(namespace)
    assert set(failed) == {"test_backward"}, failed
    assert "backward pass is not implemented yet" in failed["test_backward"]

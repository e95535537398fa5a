"""Reference helpers answered in their own limited process: right answers, refused sizes,
deadlines, and a fresh process after one dies."""

from __future__ import annotations

import subprocess
import sys
import time

import numpy as np

from autograder.protocol import HelperCall
from autograder.reference import solution_namespace
from autograder.reference_helper import ReferenceHelpers

LAB = "lab1_knn"


def test_answers_as_the_reference_and_reports_its_errors_with_their_type():
    helpers = ReferenceHelpers()
    try:
        x, y = np.random.default_rng(0).random((3, 4)), np.random.default_rng(1).random((5, 4))
        answer = helpers.call(LAB, HelperCall("compute_distances_no_loops", (x, y), {}),
                              time.monotonic() + 60, 2**20)
        expected = solution_namespace(LAB)["compute_distances_no_loops"](x, y)
        assert answer.error is None and np.array_equal(answer.value, expected)
        broken = helpers.call(LAB, HelperCall("predict_labels", ("not an array",), {}),
                              time.monotonic() + 60, 2**20)
        assert broken.value is None and broken.error and broken.error_type
    finally:
        helpers.close()


def test_an_answer_over_the_cap_is_an_error_and_the_next_call_still_works():
    helpers = ReferenceHelpers()
    try:
        points = np.random.default_rng(0).random((4000, 1))  # a 128 MB N x N answer
        big = helpers.call(LAB, HelperCall("compute_distances_no_loops", (points, points), {}),
                           time.monotonic() + 60, 32 * 2**20)
        assert big.error_type == "MemoryError" and "too large" in big.error
        small = helpers.call(LAB, HelperCall("compute_distances_no_loops",
                                             (points[:2], points[:3]), {}),
                             time.monotonic() + 60, 32 * 2**20)
        assert small.error is None and small.value.shape == (2, 3)
    finally:
        helpers.close()


def test_a_missed_deadline_is_an_error_answer():
    helpers = ReferenceHelpers()
    try:
        points = np.zeros((3, 1))
        answer = helpers.call(LAB, HelperCall("compute_distances_no_loops", (points, points),
                                              {}), time.monotonic() - 1, 2**20)
        assert answer.error_type == "TimeoutError"
    finally:
        helpers.close()


def test_two_jobs_at_once_get_two_processes_and_give_them_back():
    helpers = ReferenceHelpers()
    try:
        with helpers.reserved(LAB) as first, helpers.reserved(LAB) as second:
            assert first.process is not second.process  # neither waits for the other's
            pids = {first.process.proc.pid, second.process.proc.pid}
            x = np.zeros((2, 3))
            for lease in (first, second):
                answer = lease.call(LAB, HelperCall("compute_distances_no_loops", (x, x), {}),
                                    time.monotonic() + 60, 2**20)
                assert answer.error is None and answer.value.shape == (2, 2)
        with helpers.reserved(LAB) as again:  # an idle one is reused, not started anew
            assert again.process.proc.pid in pids
    finally:
        helpers.close()


def test_the_helper_process_reads_no_notebook():
    # It gets the solution code from the grader; nbformat (jsonschema's format checkers
    # included) costs seconds at import, once per helper process.
    code = ("import sys, autograder.reference_helper, autograder.reference; "
            "print('nbformat' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr[-1000:]
    assert proc.stdout.strip() == "False"

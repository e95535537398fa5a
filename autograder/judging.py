"""Judge one submission: the sandbox's plain-data answers against the reference results.

It names, per graded test, the points and the message the student sees, and for the whole
submission one outcome (``graded``, ``timed out``, ``tampered`` ...) with its reason.
"""

from __future__ import annotations

from dataclasses import asdict

from .checks import judge, partial_credit
from .results import TestResult
from .runner import RunRecord
from .safe_text import plain


class Judge:
    """Judges the submissions of one lab: ``tests`` maps each notebook to its graded cells,
    ``checks`` each test id to its :class:`~autograder.checks.Check`."""

    def __init__(self, lab_name: str, tests: dict, checks: dict):
        self.lab_name, self.tests, self.checks = lab_name, tests, checks

    def rows(self, prepared, record: RunRecord | None, expected: dict) -> list[TestResult]:
        """Rows for every test of the lab, from what the sandbox returned; ``expected`` maps a
        test id to its cases and the reference results on them."""
        rows, memory = [], []
        for name, tests in self.tests.items():
            if name in prepared.unreadable:
                status, why = prepared.unreadable[name]
                rows += [self._row(prepared, name, t, 0, status, why) for t in tests]
                continue
            for test in tests:
                outcomes = record.tests.get(test.name, "not run") if record else "not run"
                if isinstance(outcomes, str):
                    rows.append(self._row(prepared, name, test, 0, "failed", outcomes))
                    continue
                earned, problem = self._problem(test.name, expected[test.name], outcomes,
                                                record)
                memory += [test.name for o in outcomes
                           if isinstance(o, dict) and o.get("kind") == "memory"]
                points = round(test.points * earned, 2)
                if problem and earned:
                    problem = f"{points:g} of {test.points:g} points: {problem}"
                rows.append(self._row(prepared, name, test, points,
                                      "passed" if not problem else "failed",
                                      problem or "passed"))
        outcome = plain(self._outcome(prepared, record, memory))
        return [TestResult(**{**asdict(r), "outcome": outcome}) for r in rows]

    def _problem(self, test_id: str, expected, outcomes: list, record: RunRecord
                 ) -> tuple[float, str | None]:
        """The fraction of the test's points earned (per case group, ``partial_credit``) and
        the message, ``None`` when every case passed."""
        cases, results = expected
        check = self.checks[test_id]
        malformed = 0.0, "the grader received a malformed answer for this test"
        if len(outcomes) != len(cases) or not all(isinstance(o, dict) for o in outcomes):
            return malformed
        problems = []
        answers = zip(cases, results, outcomes, strict=True)
        for number, (case, want, got) in enumerate(answers, start=1):
            try:
                problem = judge(check, case, want, got, number)
            except Exception as exc:  # a value the comparison cannot handle is a wrong answer
                problem = f"hidden case {number}: the result could not be compared ({exc})"
            if problem and got.get("kind") in ("missing", "not implemented", "artifact"):
                cell_errors = [f"{c}: {e}" for c, e in record.cells.items() if e]
                if got.get("kind") == "missing" and cell_errors:
                    problem += f" (a solution cell failed: {cell_errors[0]})"
                return 0.0, problem
            problems.append(problem)
        return partial_credit(check, cases, problems)

    def _row(self, prepared, notebook, test, points, status, message) -> TestResult:
        # One line, capped once here, so grades.csv, the store, the gradebook and the feedback
        # all hold the same text (a message may quote the student's exception).
        return TestResult(prepared.student, self.lab_name, notebook, test.name, float(points),
                          test.points, status, plain(message))

    def _outcome(self, prepared, record: RunRecord | None, memory: list) -> str:
        cell_memory = [c for c, e in (record.cells.items() if record else []) if e
                       and e.startswith("MemoryError")]
        invalid = [f"{n}: {why}" for n, (s, why) in prepared.unreadable.items()
                   if s == "invalid" and why not in prepared.invalid]
        missing = [f"{n} is missing" for n, (s, _) in prepared.unreadable.items()
                   if s == "missing"]
        reasons = [
            ("tampered", record.tampering if record else []),  # with the grading channel
            ("invalid submission", prepared.invalid),
            ("invalid notebook", invalid),
            ("missing notebook", missing if len(missing) == len(self.tests) else []),
            ("timed out", record.timeouts if record else []),
            ("out of memory", [f"in {m}" for m in [*memory, *cell_memory]]),
            ("kernel died", record.crashes if record else []),
            ("tampered", prepared.tampering),
        ]
        for label, found in reasons:
            if found:
                more = f" (+{len(found) - 1} more)" if len(found) > 1 else ""
                return f"{label}: {found[0]}{more}"
        return "graded" + (f"; note: {'; '.join(prepared.notes)}" if prepared.notes else "")


"""The sandboxed side of grading: run a submission's solution cells, then its hidden cases.

Started by :mod:`autograder.sandbox` as ``python -I -m autograder.worker IN_FD OUT_FD``. It
reads one job from IN_FD (the solution cells to run and, per test, the cases the grader
chose) and streams plain-data events to OUT_FD (:mod:`autograder.wire`). It never sees a
reference result: the grader computes those itself and judges what arrives here. Student
output is discarded, so printing cannot fake anything or flood the grader.
"""

from __future__ import annotations

import builtins
import importlib
import os
import sys

import numpy as np

from .checks import Case, attempt
from .wire import WireError, encode, read_frame, write_frame


def main(argv: list[str]) -> int:
    inbox, outbox = os.fdopen(int(argv[1]), "rb"), os.fdopen(int(argv[2]), "wb")
    _silence_output()

    def send(event: dict) -> None:
        write_frame(outbox, event)

    job = read_frame(inbox)
    namespace: dict = {"__name__": "__main__", "__builtins__": builtins, "np": np}
    for cell in job["cells"]:
        send({"event": "cell_start", "id": cell["id"]})
        send({"event": "cell_done", "id": cell["id"], "error": _run_cell(cell, namespace)})
    for test in job["tests"]:
        send({"event": "test_start", "id": test["id"]})
        send({"event": "test_done", "id": test["id"],
              "results": _run_test(test, namespace, send, inbox)})
    send({"event": "done"})
    return 0


def _silence_output() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 (lives as long as we do)


def _run_cell(cell: dict, namespace: dict) -> str | None:
    # IPython magics and shell escapes (% and ! lines) have no meaning outside a kernel.
    source = "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                       for line in cell["source"].splitlines())
    try:
        exec(compile(source, f"<cell {cell['id']}>", "exec"), namespace)
    except BaseException as exc:  # noqa: BLE001 - even SystemExit: report it, run the rest
        return f"{type(exc).__name__}: {_text(exc)}"
    return None


def _run_test(test: dict, namespace: dict, send, inbox) -> list[dict]:
    check = importlib.import_module(f"autograder.checks.{test['lab']}").CHECKS[test["id"]]
    stand_ins = {name: _oracle(name, send, inbox) for name in check.use_reference_for}
    results = []
    for case_data in test["cases"]:
        case = Case(tuple(case_data["args"]), dict(case_data["kwargs"]),
                    max_bytes=case_data["max_bytes"])
        try:
            outcome = attempt(check, case, namespace, stand_ins)
        except BaseException as exc:  # noqa: BLE001 - SystemExit from student code included
            outcome = {"kind": "exception", "error": f"stopped with {type(exc).__name__}"}
        try:
            encode(outcome)
        except WireError as exc:
            outcome = {"kind": "exception", "error": f"returned something that is not plain "
                       f"data ({exc}); return numbers or numpy arrays"}
        except (MemoryError, ValueError, OverflowError) as exc:
            outcome = {"kind": "exception", "error": f"returned data that cannot be sent: {exc}"}
        results.append(outcome)
    return results


def _oracle(name: str, send, inbox):
    """A stand-in for a graded helper: the grader answers with its reference, as data."""

    def stand_in(*args, **kwargs):
        send({"event": "oracle", "name": name, "args": list(args), "kwargs": kwargs})
        reply = read_frame(inbox)
        if "error" in reply:
            # The reference's own error type (a ValueError for a shape that does not tile),
            # so code that expects it behaves as it would with the real helper.
            kind = getattr(builtins, str(reply.get("type")), None)
            if not (isinstance(kind, type) and issubclass(kind, Exception)):
                kind = RuntimeError
            raise kind(f"{name}: {reply['error']}")
        return reply["value"]

    stand_in.__name__ = name
    return stand_in


def _text(exc: BaseException) -> str:
    try:
        return str(exc)[:300]
    except Exception:  # noqa: BLE001 - a hostile __str__
        return "(no message)"


if __name__ == "__main__":
    sys.exit(main(sys.argv))

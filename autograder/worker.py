"""The sandboxed side of grading: do what the grader asks, one request at a time.

Started by :mod:`autograder.sandbox` as ``python -I -m autograder.worker IN_FD OUT_FD``. It
learns the lab from a :class:`~autograder.protocol.Start` message, then answers each
:class:`~autograder.protocol.RunCell` (a student's solution cell) and
:class:`~autograder.protocol.RunCase` (one hidden case, sent only after every cell ran) as
:mod:`autograder.protocol` lays out. It never holds a case before the grader sends it, and
never sees a reference result: the grader judges what arrives. Everything here shares a
process with student code, so the grader trusts nothing it says beyond the reply it asked
for. Student output is discarded, so printing cannot fake anything or flood the grader.
"""

from __future__ import annotations

import builtins
import os
import sys
from dataclasses import dataclass

import numpy as np

from .checks import Case, attempt, exception_text, find_driver
from .protocol import (
    CaseResult,
    CellDone,
    Channel,
    HelperAnswer,
    HelperCall,
    Ready,
    RunCase,
    RunCell,
    Start,
    parse,
    to_wire,
)
from .wire import MAX_MESSAGE_BYTES, WireError, decode, encode


def main(argv: list[str]) -> int:
    channel = Channel(int(argv[1]), int(argv[2]), MAX_MESSAGE_BYTES)
    _silence_output()
    start = parse(channel.receive(), Start)
    channel.send(Ready())
    namespace: dict = {"__name__": "__main__", "__builtins__": builtins, "np": np}
    while True:
        try:
            request = parse(channel.receive(), RunCell, RunCase)
        except EOFError:  # the grader has all it asked for
            return 0
        if isinstance(request, RunCell):
            channel.send(CellDone(request.id, _run_cell(request, namespace)))
        else:
            stand_ins = {name: _reference_helper(name, channel) for name in request.helpers}
            outcome = _run_case(start.lab, request, namespace, stand_ins,
                                start.max_message_bytes)
            channel.send(CaseResult(request.test, request.index, outcome))


def _silence_output() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 (lives as long as we do)


def _run_cell(cell: RunCell, namespace: dict) -> str | None:
    # IPython magics and shell escapes (% and ! lines) have no meaning outside a kernel.
    source = "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                       for line in cell.source.splitlines())
    try:
        exec(compile(source, f"<cell {cell.id}>", "exec"), namespace)
    except BaseException as exc:  # noqa: BLE001 - even SystemExit: report it, run the rest
        return f"{type(exc).__name__}: {exception_text(exc)}"
    return None


@dataclass(frozen=True)
class _Subject:
    """What :func:`~autograder.checks.attempt` uses of a check, from a :class:`RunCase`."""

    function: str | None
    driver: object
    artifact: str | None


def _run_case(lab: str, request: RunCase, namespace: dict, stand_ins: dict, max_bytes: int
              ) -> dict:
    # Memory is measured by the grader from outside this process, so no budget here.
    case = Case(request.args, dict(request.kwargs))
    try:
        subject = _Subject(request.function, find_driver(lab, request.driver),
                           request.artifact)
        outcome = attempt(subject, case, namespace, stand_ins)
    except BaseException as exc:  # noqa: BLE001 - SystemExit from student code included
        outcome = {"kind": "exception", "error": f"stopped with {type(exc).__name__}"}
    try:
        # what the grader would refuse as tampering is this code's error instead
        decode(encode(to_wire(CaseResult(request.test, request.index, outcome))), max_bytes)
    except WireError as exc:
        outcome = {"kind": "exception", "error": f"returned something the grader cannot "
                   f"take ({exc}); return numbers or numpy arrays of a sensible size"}
    except (MemoryError, ValueError, OverflowError) as exc:
        outcome = {"kind": "exception", "error": f"returned data that cannot be sent: {exc}"}
    return outcome


def _reference_helper(name: str, channel: Channel):
    """A stand-in for a graded helper: the grader answers with its reference, as data."""

    def stand_in(*args, **kwargs):
        channel.send(HelperCall(name, args, kwargs))
        answer = parse(channel.receive(), HelperAnswer)
        if answer.error is not None:
            # The reference's own error type (a ValueError for a shape that does not tile),
            # so code that expects it behaves as it would with the real helper.
            kind = getattr(builtins, str(answer.error_type), None)
            if not (isinstance(kind, type) and issubclass(kind, Exception)):
                kind = RuntimeError
            raise kind(f"{name}: {answer.error}")
        return answer.value

    stand_in.__name__ = name
    return stand_in


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""The grader-worker protocol: the job, every message as a typed structure, and one framing.

Both sides import this module. The grader drives: it starts a worker with :class:`Start`
(the lab's name, nothing else), then sends one request at a time and accepts only the reply
it asked for:

====================  =======================================  ===========================
grader sends          worker replies                           when
====================  =======================================  ===========================
``Start``             ``Ready``                                once, before any student code
``RunCell``           ``CellDone``                             each solution cell, in order
``RunCase``           ``CaseResult`` (or ``HelperCall`` first)  each hidden case, one by one
``HelperAnswer``      (the case goes on)                       only to a ``HelperCall``
====================  =======================================  ===========================

A reference-helper process (:mod:`autograder.reference_helper`, trusted) first gets one
``LoadReference``, then answers each ``HelperCall`` with a ``HelperAnswer``.

The worker runs student code in its own process, so a message that arrives from it may have
been written by that code: :func:`parse` checks every field's type, and the grader decides
what is acceptable next. :class:`Job` is the grader's plan and never crosses the wall; the
hidden cases go over one :class:`RunCase` at a time, after the student's cells ran.

Framing: an 8-byte big-endian length, then :func:`autograder.wire.encode` bytes.
:class:`Channel` is the only reader and writer of frames (worker, runner, reference helper).
"""

from __future__ import annotations

import dataclasses
import fcntl
import os
import select
import struct
import time
from dataclasses import dataclass

import numpy as np

from .wire import WireError, decode, encode

_LENGTH = struct.Struct(">Q")


class ProtocolError(WireError):
    """A message that is malformed, unexpected, out of order or over a limit."""


class ChannelTimeout(Exception):
    """A deadline passed before a whole message could be read or written."""


# --------------------------------------------------------------------------- the plan
@dataclass(frozen=True)
class Cell:
    """One solution cell: its grade id and the student's source."""

    id: str
    source: str


@dataclass(frozen=True)
class CasePlan:
    """The inputs of one hidden case, and its memory budget if the lab grades memory."""

    args: tuple
    kwargs: dict
    max_bytes: int | None = None


@dataclass(frozen=True)
class Exercise:
    """What the worker does with one case: call the graded ``function`` (or pass it to the
    ``driver``, named inside the lab's sandbox package), or read the saved ``artifact``.
    ``helpers``: the graded functions replaced by reference stand-ins meanwhile."""

    function: str | None = None
    driver: str | None = None
    artifact: str | None = None
    helpers: tuple[str, ...] = ()


@dataclass(frozen=True)
class TestPlan:
    """One hidden test: its cases, what the worker does with each, and the largest total
    argument size of one request for a reference helper."""

    id: str
    cases: tuple[CasePlan, ...]
    exercise: Exercise = Exercise()
    helper_max_bytes: int = 0

    @property
    def helpers(self) -> tuple[str, ...]:
        return self.exercise.helpers


@dataclass(frozen=True)
class Job:
    """Everything one submission's run needs. Held by the grader only."""

    lab: str
    cells: tuple[Cell, ...] = ()
    tests: tuple[TestPlan, ...] = ()


@dataclass(frozen=True)
class ChannelLimits:
    """What the grader accepts from one submission's workers (restarts included)."""

    message_bytes: int = 32 * 2**20  # one message, as sent and as inflated
    total_bytes: int = 256 * 2**20  # all messages of the submission, inflated
    messages: int = 50_000  # all messages of the submission (helper calls included)
    helper_seconds: float = 30.0  # one reference-helper answer


# --------------------------------------------------------------------------- the messages
@dataclass(frozen=True)
class Start:
    """The lab to grade, and the largest message the grader accepts (the worker turns a
    larger result into an error outcome instead of sending it)."""

    lab: str
    max_message_bytes: int


@dataclass(frozen=True)
class Ready:
    pass


@dataclass(frozen=True)
class RunCell:
    id: str
    source: str


@dataclass(frozen=True)
class CellDone:
    id: str
    error: str | None


@dataclass(frozen=True)
class RunCase:
    """One hidden case and what to do with it (:class:`Exercise`'s fields, flattened)."""

    test: str
    index: int
    args: tuple
    kwargs: dict
    function: str | None
    driver: str | None
    artifact: str | None
    helpers: tuple


@dataclass(frozen=True)
class CaseResult:
    """``outcome`` is :func:`autograder.checks.attempt`'s dict (value and peak, or error)."""

    test: str
    index: int
    outcome: dict


@dataclass(frozen=True)
class HelperCall:
    name: str
    args: tuple
    kwargs: dict


@dataclass(frozen=True)
class HelperAnswer:
    """The reference helper's ``value``, or its ``error`` and builtin exception type."""

    value: object = None
    error: str | None = None
    error_type: str | None = None


@dataclass(frozen=True)
class LoadReference:
    """The grader's first message to a reference-helper process (never to a worker): the
    lab's solution code as ``(where, source)`` pairs, so that process reads no notebook."""

    code: tuple


MESSAGES = {cls.__name__: cls for cls in (Start, Ready, RunCell, CellDone, RunCase,
                                          CaseResult, HelperCall, HelperAnswer, LoadReference)}
_FIELD_TYPES = {"str": (str,), "str | None": (str, type(None)), "int": (int,),
                "tuple": (tuple, list), "dict": (dict,), "object": (object,)}


def to_wire(message) -> dict:
    """A message as plain data: its kind and its fields."""
    return {"kind": type(message).__name__,
            **{f.name: getattr(message, f.name) for f in dataclasses.fields(message)}}


def parse(value, *expected: type):
    """The message in ``value`` if it is one of the ``expected`` kinds with well-typed
    fields, else :class:`ProtocolError` saying what arrived instead."""
    names = " or ".join(cls.__name__ for cls in expected)
    if not isinstance(value, dict) or not isinstance(value.get("kind"), str):
        raise ProtocolError(f"expected {names}, got something that is not a message")
    cls = MESSAGES.get(value["kind"])
    if cls not in expected:
        raise ProtocolError(f"expected {names}, got {value['kind'][:40]!r}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    if set(value) - {"kind"} != set(fields):
        raise ProtocolError(f"a {cls.__name__} message with the wrong fields")
    for name, spec in fields.items():
        if not isinstance(value[name], _FIELD_TYPES[str(spec.type)]) or (
                spec.type == "int" and isinstance(value[name], bool)):
            raise ProtocolError(f"a {cls.__name__} message whose {name} is not {spec.type}")
        if spec.type == "dict" and not all(isinstance(k, str) for k in value[name]):
            raise ProtocolError(f"a {cls.__name__} message whose {name} has non-text keys")
    return cls(**{name: tuple(value[name]) if fields[name].type == "tuple" else value[name]
                  for name in fields})


def data_size(value) -> int:
    """Roughly how many bytes ``value`` (plain data) holds: what a size cap counts."""
    if isinstance(value, np.ndarray | np.generic):
        return int(np.asarray(value).nbytes)
    if isinstance(value, str | bytes):
        return len(value)
    if isinstance(value, list | tuple):
        return 8 + sum(data_size(v) for v in value)
    if isinstance(value, dict):
        return 8 + sum(data_size(k) + data_size(v) for k, v in value.items())
    if isinstance(value, int):
        return 8 + value.bit_length() // 8
    return 8


# --------------------------------------------------------------------------- the framing
class Channel:
    """Length-prefixed messages over a pair of pipe descriptors.

    With a ``deadline`` (a :func:`time.monotonic` value) neither :meth:`send` nor
    :meth:`receive` waits past it (:class:`ChannelTimeout`); without one they block, which
    only the worker does. Frames longer than ``max_bytes`` are refused before being read.
    """

    def __init__(self, read_fd: int, write_fd: int, max_bytes: int):
        self.read_fd, self.write_fd, self.max_bytes = read_fd, write_fd, max_bytes
        self._buffer = bytearray()

    def send(self, message, deadline: float | None = None) -> None:
        payload = encode(to_wire(message))
        data = memoryview(_LENGTH.pack(len(payload)) + payload)
        if deadline is not None:
            flags = fcntl.fcntl(self.write_fd, fcntl.F_GETFL)
            fcntl.fcntl(self.write_fd, fcntl.F_SETFL, flags | os.O_NONBLOCK)
        while data:
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([], [self.write_fd], [], left)[1]:
                    raise ChannelTimeout("the other side stopped reading")
            try:
                data = data[os.write(self.write_fd, data):]
            except BlockingIOError:
                continue

    def receive(self, deadline: float | None = None):
        """The next message as plain data (check it with :func:`parse`); ``EOFError`` when
        the other side closed its end."""
        while True:
            if len(self._buffer) >= _LENGTH.size:
                (length,) = _LENGTH.unpack_from(self._buffer)
                if length > self.max_bytes:
                    raise ProtocolError(f"a message of {length / 2**20:.1f} MB, over the "
                                        f"{self.max_bytes / 2**20:.0f} MB limit")
                end = _LENGTH.size + length
                if len(self._buffer) >= end:
                    payload = bytes(self._buffer[_LENGTH.size:end])
                    del self._buffer[:end]
                    return decode(payload, self.max_bytes)
                want = end - len(self._buffer)
            else:
                want = _LENGTH.size - len(self._buffer)
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([self.read_fd], [], [], left)[0]:
                    raise ChannelTimeout("no message before the deadline")
            chunk = os.read(self.read_fd, min(max(want, 1 << 16), 1 << 20))
            if not chunk:
                raise EOFError("the other side closed the channel")
            self._buffer += chunk

    def close(self) -> None:
        for fd in (self.read_fd, self.write_fd):
            try:
                os.close(fd)
            except OSError:
                pass

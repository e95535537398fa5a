"""The trusted side of one submission's run: start the sandbox, feed it, watch it, restart it.

:func:`run_job` hands the worker its job, reads its events with a deadline per cell, per test
and per submission, answers its requests for reference helpers, and kills the whole sandbox
when a deadline passes or the channel is abused. After a cell or test that timed out or
crashed the worker, a fresh worker runs the rest (that cell skipped), so one runaway function
costs only its own points. The result is plain data for the judge (:mod:`autograder.grade`).
"""

from __future__ import annotations

import os
import select
import signal
import struct
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import sandbox
from .wire import MAX_MESSAGE_BYTES, WireError, decode, encode

_LENGTH = struct.Struct(">Q")


@dataclass
class RunRecord:
    """What happened in the sandbox, as data: per cell an error or None, per test the case
    outcomes or a reason it has none, and the events that shape the submission's outcome."""

    cells: dict[str, str | None] = field(default_factory=dict)
    tests: dict[str, list[dict] | str] = field(default_factory=dict)
    timeouts: list[str] = field(default_factory=list)
    crashes: list[str] = field(default_factory=list)
    seconds: float = 0.0  # wall time of the whole run, restarts included
    busy: float = 0.0  # of which the student's cells and the hidden cases ran
    starts: int = 0


def run_job(job: dict, job_dir: Path, slot: int, limits: sandbox.Limits, hide: list[Path],
            oracle=None, log_path: Path | None = None) -> RunRecord:
    """Run ``job`` (``{"cells": [...], "tests": [...]}``) in a sandbox over ``job_dir``.

    ``oracle(test_id, name, args, kwargs)`` answers a test's request for a reference helper
    with ``{"value": ...}`` or ``{"error": ...}``.
    """
    record = RunRecord()
    started = time.monotonic()
    skip_cells: set[str] = set()
    while True:
        remaining = [t for t in job["tests"] if t["id"] not in record.tests]
        cells = [c for c in job["cells"] if c["id"] not in skip_cells]
        budget = limits.submission_seconds - (time.monotonic() - started)
        if budget <= 0:
            for test in remaining:
                record.tests[test["id"]] = "not run: the submission's time limit was reached"
            record.timeouts.append("the submission's total time limit")
            break
        record.starts += 1
        stuck = _one_worker(dict(job, cells=cells, tests=remaining), job_dir, slot, limits,
                            hide, record, budget, oracle, log_path)
        if stuck is None:
            break
        kind, item = stuck
        if kind == "cell":
            skip_cells.add(item)
        elif kind == "test":
            pass  # recorded by _one_worker
        else:  # the worker died before running anything: retrying would do the same
            for test in remaining:
                record.tests.setdefault(test["id"], f"not run: {item}")
            break
    record.seconds = time.monotonic() - started
    return record


def _one_worker(job, job_dir, slot, limits, hide, record: RunRecord, budget: float, oracle,
                log_path) -> tuple[str, str] | None:
    """Run one worker until it is done (None) or stuck on an item (``(kind, id)``)."""
    sandbox.prepare_job_dir(job_dir, slot)
    to_worker_r, to_worker_w = os.pipe()
    from_worker_r, from_worker_w = os.pipe()
    argv, workdir = sandbox.command(job_dir, slot, limits, hide,
                                    [str(to_worker_r), str(from_worker_w)])
    log = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115
    try:
        proc = subprocess.Popen(
            argv, cwd=job_dir if workdir == str(job_dir)
            else "/", env=sandbox.environment(workdir), stdin=subprocess.DEVNULL,
            stdout=log, stderr=log, pass_fds=(to_worker_r, from_worker_w),
            start_new_session=True)
    finally:
        os.close(to_worker_r)
        os.close(from_worker_w)
        if log is not subprocess.DEVNULL:
            log.close()
    channel = _Channel(from_worker_r, to_worker_w)
    current: tuple[str, str] | None = None
    item_started = time.monotonic()
    try:
        channel.send(job)
        deadline_total = time.monotonic() + budget
        item_deadline = deadline_total
        while True:
            timeout = min(item_deadline, deadline_total) - time.monotonic()
            event = channel.receive(timeout)
            if event is None:  # deadline passed
                what = f"{current[0]} {current[1]!r}" if current else "start-up"
                if current and item_deadline < deadline_total:
                    record.timeouts.append(what)
                    _fail(record, current, f"timed out after {limits.cell_seconds:.0f} s "
                          "(an endless loop, or far too slow?)")
                    return current
                record.timeouts.append("the submission's total time limit")
                if current:
                    _fail(record, current, "stopped: the submission's time limit was reached")
                for test in job["tests"]:
                    record.tests.setdefault(test["id"], "not run: the time limit was reached")
                return None
            kind = event.get("event") if isinstance(event, dict) else None
            if kind in ("cell_start", "test_start"):
                current = (kind.split("_")[0], str(event.get("id")))
                item_started = time.monotonic()
                item_deadline = item_started + limits.cell_seconds
            elif kind == "cell_done":
                record.cells[str(event.get("id"))] = event.get("error")
                record.busy += time.monotonic() - item_started
                current, item_deadline = None, deadline_total
            elif kind == "test_done" and current == ("test", event.get("id")):
                results = event.get("results")
                if not isinstance(results, list):
                    raise WireError("malformed test result")
                record.tests.setdefault(current[1], results)  # first answer stands
                record.busy += time.monotonic() - item_started
                current, item_deadline = None, deadline_total
            elif kind == "oracle" and current and current[0] == "test" and oracle:
                channel.send(oracle(current[1], event.get("name"), event.get("args"),
                                    event.get("kwargs")))
            elif kind == "done":
                return None
            else:
                raise WireError(f"unexpected message {kind!r}")
    except (EOFError, OSError):
        status = _wait(proc)
        reason = _death(status)
        if current is None:
            return ("start", f"the worker {reason} before running anything"
                    + _log_tail(log_path))
        record.crashes.append(f"{current[0]} {current[1]!r}: {reason}")
        _fail(record, current, f"the Python process running it {reason} (os._exit, a crash, "
              "or killing its own process?)")
        return current
    except WireError as exc:
        where = f"{current[0]} {current[1]!r}" if current else "start-up"
        record.crashes.append(f"{where}: garbage on the grading channel ({exc})")
        if current is None:
            return ("start", "the grading channel was tampered with")
        _fail(record, current, "the grading channel was tampered with")
        return current
    finally:
        channel.close()
        _kill(proc)
        sandbox.kill_slot_processes(slot)


def _fail(record: RunRecord, item: tuple[str, str], reason: str) -> None:
    kind, name = item
    if kind == "cell":
        record.cells[name] = reason
    else:
        record.tests.setdefault(name, reason)


def _death(status: int | None) -> str:
    if status is None:
        return "stopped responding"
    if status < 0:
        return f"was killed by signal {signal.Signals(-status).name}"
    return f"exited with status {status}"


def _log_tail(log_path: Path | None) -> str:
    if not log_path or not Path(log_path).is_file():
        return ""
    lines = Path(log_path).read_text(errors="replace").strip().splitlines()
    return f" ({lines[-1][:200]})" if lines else ""


def _wait(proc: subprocess.Popen) -> int | None:
    try:
        return proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        return None


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


class _Channel:
    """Length-prefixed frames over two pipes, read with a deadline (never blocking forever)."""

    def __init__(self, read_fd: int, write_fd: int):
        self.read_fd, self.write_fd = read_fd, write_fd
        self.buffer = bytearray()

    def send(self, value) -> None:
        payload = encode(value)
        data = memoryview(_LENGTH.pack(len(payload)) + payload)
        while data:
            written = os.write(self.write_fd, data)
            data = data[written:]

    def receive(self, timeout: float):
        """The next message, or None once ``timeout`` seconds have passed without one."""
        deadline = time.monotonic() + max(timeout, 0)
        while True:
            if len(self.buffer) >= _LENGTH.size:
                (length,) = _LENGTH.unpack_from(self.buffer)
                if length > MAX_MESSAGE_BYTES:
                    raise WireError(f"a message of {length / 2**20:.0f} MB is over the limit")
                end = _LENGTH.size + length
                if len(self.buffer) >= end:
                    payload = bytes(self.buffer[_LENGTH.size:end])
                    del self.buffer[:end]
                    return decode(payload)
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.read_fd], [], [], left)
            if not ready:
                return None
            chunk = os.read(self.read_fd, 1 << 20)
            if not chunk:
                raise EOFError("the worker closed the channel")
            self.buffer += chunk

    def close(self) -> None:
        for fd in (self.read_fd, self.write_fd):
            try:
                os.close(fd)
            except OSError:
                pass

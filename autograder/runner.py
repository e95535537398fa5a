"""The trusted side of one submission's run: start the sandbox, drive it, time it, restart it.

:func:`run_job` starts a worker and drives it (:mod:`autograder.protocol`): one solution cell
at a time, then one hidden case at a time, each reply checked before the next request goes
out. Deadlines come from this process's clock: per cell, per test and per submission, on
reads and on writes. Reference-helper calls are answered only during a case of a test that
declared that helper (by :mod:`autograder.reference_helper`, in a process of its own). Peak
memory of a memory-graded case is read from the worker's ``/proc`` entry, which student code
cannot patch. After a cell or test that timed out or crashed the worker, a fresh worker runs
the rest (that cell skipped), so one runaway function costs only its own points; a message
the grader did not ask for ends the run and makes the submission ``tampered``. The result is
plain data for the judge (:mod:`autograder.judging`).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import sandbox
from .protocol import (
    CaseResult,
    CellDone,
    Channel,
    ChannelLimits,
    ChannelTimeout,
    HelperAnswer,
    HelperCall,
    Job,
    ProtocolError,
    Ready,
    RunCase,
    RunCell,
    Start,
    TestPlan,
    data_size,
    parse,
)
from .wire import WireError

MAX_ERROR_CHARS = 1000  # of a cell's or case's error text kept from the worker


@dataclass
class RunRecord:
    """What happened in the sandbox, as data: per cell an error or None, per test the case
    outcomes or a reason it has none, and the events that shape the submission's outcome."""

    cells: dict[str, str | None] = field(default_factory=dict)
    tests: dict[str, list[dict] | str] = field(default_factory=dict)
    timeouts: list[str] = field(default_factory=list)
    crashes: list[str] = field(default_factory=list)
    tampering: list[str] = field(default_factory=list)  # messages the grader did not ask for
    seconds: float = 0.0  # wall time of the whole run, restarts included
    busy: float = 0.0  # of which the student's cells and the hidden cases ran
    starts: int = 0


def run_job(job: Job, job_dir: Path, slot: int, limits: sandbox.Limits, helpers=None,
            log_path: Path | None = None,
            channel_limits: ChannelLimits | None = None) -> RunRecord:
    """Run ``job`` in a sandbox over ``job_dir``; ``helpers`` (anything with the ``call`` of
    :class:`~autograder.reference_helper.ReferenceHelpers`) answers reference-helper calls."""
    record = RunRecord()
    started = time.monotonic()
    deadline = started + limits.submission_seconds
    intake = _Intake(channel_limits or ChannelLimits())
    skip_cells: set[str] = set()
    while True:
        remaining = [t for t in job.tests if t.id not in record.tests]
        if time.monotonic() >= deadline:
            for test in remaining:
                record.tests[test.id] = "not run: the submission's time limit was reached"
            record.timeouts.append("the submission's total time limit")
            break
        record.starts += 1
        run = _Run(job, [c for c in job.cells if c.id not in skip_cells], remaining, limits,
                   record, deadline, helpers, intake)
        stuck = run.start(job_dir, slot, log_path)
        if stuck is None:
            break
        kind, item = stuck
        if kind == "cell":
            skip_cells.add(item)
        elif kind == "start":  # the worker died before running anything: retrying would too
            record.crashes.append(item)
            for test in remaining:
                record.tests.setdefault(test.id, f"not run: {item}")
            break
    record.seconds = time.monotonic() - started
    return record


class _Intake:
    """Counts what one submission's workers sent, against :class:`ChannelLimits`."""

    def __init__(self, limits: ChannelLimits):
        self.limits, self.messages, self.bytes = limits, 0, 0

    def receive(self, channel: Channel, deadline: float, *expected: type):
        value = channel.receive(deadline)
        self.messages += 1
        self.bytes += data_size(value)
        if self.messages > self.limits.messages:
            raise ProtocolError(f"more than {self.limits.messages} messages")
        if self.bytes > self.limits.total_bytes:
            raise ProtocolError(f"more than {self.limits.total_bytes / 2**20:.0f} MB of data")
        return parse(value, *expected)


class _Run:
    """One worker's life: the cells and tests it is given, until done or stuck."""

    def __init__(self, job, cells, tests, limits, record: RunRecord, deadline: float,
                 helpers, intake: _Intake):
        self.job, self.cells, self.tests, self.limits = job, cells, tests, limits
        self.record, self.deadline, self.helpers, self.intake = record, deadline, helpers, intake
        self.current: tuple[str, str] | None = None
        self.item_deadline = deadline

    def start(self, job_dir, slot, log_path) -> tuple[str, str] | None:
        """Run the worker until it is done (None) or stuck on an item (``(kind, id)``)."""
        to_worker_r, to_worker_w = os.pipe()
        from_worker_r, from_worker_w = os.pipe()
        argv, workdir = sandbox.command(job_dir, slot, self.limits,
                                        [str(to_worker_r), str(from_worker_w)], self.job.lab)
        log = open(log_path, "ab") if log_path else subprocess.DEVNULL
        try:
            proc = subprocess.Popen(
                argv, cwd=job_dir if workdir == str(job_dir) else "/",
                env=sandbox.environment(workdir), stdin=subprocess.DEVNULL, stdout=log,
                stderr=log, pass_fds=(to_worker_r, from_worker_w), start_new_session=True)
        finally:
            os.close(to_worker_r)
            os.close(from_worker_w)
            if log is not subprocess.DEVNULL:
                log.close()
        channel = Channel(from_worker_r, to_worker_w, self.intake.limits.message_bytes)
        try:
            return self._drive(channel, proc, log_path)
        finally:
            channel.close()
            _kill(proc)
            sandbox.kill_slot_processes(slot)

    def _drive(self, channel: Channel, proc, log_path) -> tuple[str, str] | None:
        record = self.record
        try:
            channel.send(Start(self.job.lab, self.intake.limits.message_bytes), self.deadline)
            self.intake.receive(channel, self.deadline, Ready)
            memory = _Memory(_worker_pid(proc))
            for cell in self.cells:
                started = self._begin("cell", cell.id)
                channel.send(RunCell(cell.id, cell.source), self.item_deadline)
                done = self.intake.receive(channel, self.item_deadline, CellDone)
                if done.id != cell.id:
                    raise ProtocolError(f"a reply for cell {done.id[:40]!r} while cell "
                                        f"{cell.id!r} ran")
                record.cells[cell.id] = None if done.error is None else done.error[
                    :MAX_ERROR_CHARS]
                record.busy += time.monotonic() - started
            for test in self.tests:
                started = self._begin("test", test.id)
                outcomes = [self._case(channel, test, index, memory)
                            for index in range(len(test.cases))]
                record.tests[test.id] = outcomes
                record.busy += time.monotonic() - started
            return None
        except ChannelTimeout:
            return self._timed_out()
        except (EOFError, OSError):
            reason = _death(_wait(proc))
            if self.current is None:
                return ("start", f"the worker {reason} before running anything"
                        + _log_tail(log_path))
            kind, name = self.current
            record.crashes.append(f"{kind} {name!r}: {reason}")
            self._fail(f"the Python process running it {reason} (os._exit, a crash, or "
                       "killing its own process?)")
            return self.current
        except WireError as exc:  # ProtocolError included: a message not asked for
            where = f"{self.current[0]} {self.current[1]!r}" if self.current else "start-up"
            record.tampering.append(f"the grading channel, during {where}: {exc}")
            if self.current:
                self._fail(f"stopped: the grading channel was tampered with ({exc})")
            for test in self.tests:
                record.tests.setdefault(test.id, "not run: grading stopped because the "
                                        "grading channel was tampered with")
            return None

    def _begin(self, kind: str, name: str) -> float:
        self.current = (kind, name)
        now = time.monotonic()
        self.item_deadline = min(now + self.limits.cell_seconds, self.deadline)
        return now

    def _case(self, channel: Channel, test: TestPlan, index: int, memory: _Memory) -> dict:
        case = test.cases[index]
        measured = case.max_bytes is not None
        if measured:
            memory.reset()
        exercise = test.exercise
        channel.send(RunCase(test.id, index, case.args, case.kwargs, exercise.function,
                             exercise.driver, exercise.artifact, exercise.helpers),
                     self.item_deadline)
        expected = (CaseResult, HelperCall) if test.helpers else (CaseResult,)
        while True:
            reply = self.intake.receive(channel, self.item_deadline, *expected)
            if isinstance(reply, CaseResult):
                break
            channel.send(self._helper(test, reply), self.item_deadline)
        if (reply.test, reply.index) != (test.id, index):
            raise ProtocolError(f"a result for {reply.test[:40]!r} case {reply.index} while "
                                f"{test.id!r} case {index} ran")
        outcome = _checked(reply.outcome)
        if measured and "value" in outcome:
            outcome["peak"] = memory.peak()
            if outcome["peak"] is None:
                outcome = {"kind": "exception", "error": "the grader could not measure the "
                           f"call's memory on this machine ({memory.problem})"}
        return outcome

    def _helper(self, test: TestPlan, call: HelperCall) -> HelperAnswer:
        if call.name not in test.helpers:
            raise ProtocolError(f"a request for the reference of {call.name[:60]!r}, which "
                                f"{test.id!r} does not provide")
        size = data_size(call.args) + data_size(call.kwargs)
        if size > test.helper_max_bytes:
            return HelperAnswer(error=f"arguments of {size:,} bytes are more than this test "
                                f"ever needs ({test.helper_max_bytes:,})", error_type="ValueError")
        if self.helpers is None:
            return HelperAnswer(error="no reference helpers here", error_type="RuntimeError")
        asked = time.monotonic()
        answer = self.helpers.call(self.job.lab, call,
                                   min(self.deadline, asked + self.intake.limits.helper_seconds),
                                   self.intake.limits.message_bytes)
        # The reference's time is the grader's, not the student's: the test's clock stops.
        self.item_deadline = min(self.deadline, self.item_deadline + time.monotonic() - asked)
        return answer

    def _timed_out(self) -> tuple[str, str] | None:
        record = self.record
        if self.current and self.item_deadline < self.deadline:
            record.timeouts.append(f"{self.current[0]} {self.current[1]!r}")
            self._fail(f"timed out after {self.limits.cell_seconds:.0f} s (an endless loop, "
                       "or far too slow?)")
            return self.current
        record.timeouts.append("the submission's total time limit")
        if self.current:
            self._fail("stopped: the submission's time limit was reached")
        for test in self.tests:
            record.tests.setdefault(test.id, "not run: the time limit was reached")
        return None

    def _fail(self, reason: str) -> None:
        kind, name = self.current
        if kind == "cell":
            self.record.cells[name] = reason
        else:
            self.record.tests.setdefault(name, reason)


def _checked(outcome: dict) -> dict:
    """A case outcome as :func:`autograder.checks.attempt` makes it, or ProtocolError. The
    peak is never taken from the worker."""
    if set(outcome) <= {"value", "peak"} and "value" in outcome:
        return {"value": outcome["value"], "peak": None}
    if set(outcome) == {"error", "kind"} and all(isinstance(v, str) for v in outcome.values()):
        return {"error": outcome["error"][:MAX_ERROR_CHARS], "kind": outcome["kind"][:40]}
    raise ProtocolError("a case result that is neither a value nor an error")


class _Memory:
    """The worker's peak resident memory during one case, from ``/proc`` (outside the
    worker's reach): ``clear_refs`` resets the high-water mark, ``VmHWM`` reads it."""

    def __init__(self, pid: int | None):
        self.pid, self.baseline = pid, None
        self.problem = "" if pid else "the worker's process id is unknown"

    def reset(self) -> None:
        self.baseline = None
        if not self.pid:
            return
        try:
            Path(f"/proc/{self.pid}/clear_refs").write_text("5")
            self.baseline = self._hwm()
        except OSError as exc:
            self.problem = f"/proc/{self.pid}: {exc.strerror or exc}"

    def peak(self) -> int | None:
        if self.baseline is None:
            return None
        try:
            return max(0, self._hwm() - self.baseline)
        except OSError as exc:
            self.problem = f"/proc/{self.pid}: {exc.strerror or exc}"
            return None

    def _hwm(self) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
        raise OSError("no VmHWM line")


def _worker_pid(proc: subprocess.Popen) -> int | None:
    """The worker's process id on this host: ``proc`` itself without namespaces, else the
    one child of ``unshare`` (the namespace's first process, which became the worker)."""
    if sandbox.isolation() == "limits-only":
        return proc.pid
    try:
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
    except OSError:
        return None
    return int(children[0]) if len(children) == 1 else None


def _death(status: int | None) -> str:
    if status is None:
        return "stopped responding"
    if status < 0:
        return f"was killed by signal {signal.Signals(-status).name}"
    return f"exited with status {status}"


def _log_tail(log_path: Path | None) -> str:
    if not log_path or not Path(log_path).is_file():
        return ""
    with open(log_path, "rb") as handle:
        handle.seek(max(0, os.fstat(handle.fileno()).st_size - 4096))
        lines = handle.read().decode(errors="replace").strip().splitlines()
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

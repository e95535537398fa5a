"""Reference helpers answered in a process of their own, with its own memory, CPU and time.

A hidden test may replace some graded helpers with the reference (``use_reference_for``);
the sandboxed worker then asks the grader, and the grader asks this: a long-lived
``python -m autograder.reference_helper LAB`` process under ``prlimit`` (address space
:data:`MEMORY_BYTES`, CPU time :data:`CPU_SECONDS`), reused across requests and restarted when
it dies or misses a deadline. Inputs chosen by student code can thus make the reference
fail, never grow the grading process. The grader sends the lab's solution code as the first
message (:class:`~autograder.protocol.LoadReference`), so the process imports no notebook
reader and is ready in a fraction of a second. :class:`ReferenceHelpers` is the grader's
side: a job :meth:`~ReferenceHelpers.reserved` one process for its whole run, started as the
job starts, so it loads while the sandbox starts and the student's cells run, and two jobs
at once never wait for each other's process. :func:`main` is the process's side.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator

from .checks import exception_text
from .protocol import (
    Channel,
    ChannelTimeout,
    HelperAnswer,
    HelperCall,
    LoadReference,
    ProtocolError,
    parse,
)
from .wire import WireError

MEMORY_BYTES = 2 * 2**30
CPU_SECONDS = 600  # over the process's life; it is restarted when it runs out
PIPE_BYTES = 2**20  # the code message fits in the pipe, so starting a process never blocks


def main(argv: list[str]) -> int:
    from .reference import namespace_of

    channel = Channel(0, 1, 2**31)  # the grader is trusted; its own caps apply to replies
    sys.stdout = sys.stderr = open(os.devnull, "w")  # lives as long as we do
    try:
        load = parse(channel.receive(), LoadReference)
    except EOFError:
        return 0
    reference = namespace_of(argv[1], tuple(tuple(pair) for pair in load.code))
    while True:
        try:
            call = parse(channel.receive(), HelperCall)
        except EOFError:
            return 0
        try:
            answer = HelperAnswer(value=reference[call.name](*call.args, **call.kwargs))
            channel.send(answer)
        except Exception as exc:  # the inputs broke the reference: their problem
            channel.send(HelperAnswer(error=exception_text(exc), error_type=type(exc).__name__))


class ReferenceHelpers:
    """The grader's side: a pool of idle processes per lab, lent to one job at a time."""

    def __init__(self):
        self._idle: dict[str, list[_Process]] = {}
        self._lock = threading.Lock()
        atexit.register(self.close)

    @contextlib.contextmanager
    def reserved(self, lab: str) -> Iterator[_Lease]:
        """A process for ``lab`` held for one job: an idle one, or one started now."""
        lease = _Lease(lab, self._checkout(lab))
        try:
            yield lease
        finally:
            if lease.process is not None and lease.process.alive():
                with self._lock:
                    self._idle.setdefault(lab, []).append(lease.process)

    def call(self, lab: str, call: HelperCall, deadline: float, max_bytes: int
             ) -> HelperAnswer:
        """One call outside a job's reservation (see :meth:`_Lease.call`)."""
        with self.reserved(lab) as lease:
            return lease.call(lab, call, deadline, max_bytes)

    def _checkout(self, lab: str) -> _Process:
        with self._lock:
            idle = self._idle.setdefault(lab, [])
            while idle:
                process = idle.pop()
                if process.alive():
                    return process
        return _Process(lab)

    def close(self) -> None:
        with self._lock:
            for processes in self._idle.values():
                for process in processes:
                    process.kill()
            self._idle.clear()


class _Lease:
    """One job's process; replaced by a fresh one after it dies or misses a deadline."""

    def __init__(self, lab: str, process: _Process):
        self.lab, self.process = lab, process

    def call(self, lab: str, call: HelperCall, deadline: float, max_bytes: int
             ) -> HelperAnswer:
        """``call`` answered by the reference; an answer over ``max_bytes``, a crash or a
        missed deadline is an error answer and the process is replaced."""
        if lab != self.lab:
            raise ValueError(f"this reservation is for {self.lab}, not {lab}")
        if self.process is None or not self.process.alive():
            self.process = _Process(lab)
        process = self.process
        process.channel.max_bytes = max_bytes
        try:
            process.channel.send(call, deadline)
            return parse(process.channel.receive(deadline), HelperAnswer)
        except ChannelTimeout:
            error = HelperAnswer(error="the reference took too long on these inputs",
                                 error_type="TimeoutError")
        except ProtocolError as exc:  # an answer over the size cap
            error = HelperAnswer(error=f"the reference's answer is too large ({exc})",
                                 error_type="MemoryError")
        except (EOFError, OSError, WireError):
            error = HelperAnswer(error="the reference could not answer for these inputs (it "
                                 "ran out of memory or CPU time, or failed to start)",
                                 error_type="MemoryError")
        process.kill()
        self.process = None
        return error


class _Process:
    def __init__(self, lab: str):
        from .reference import solution_code

        limits = ([shutil.which("prlimit"), f"--as={MEMORY_BYTES}", f"--cpu={CPU_SECONDS}",
                   "--core=0", "--"] if shutil.which("prlimit") else [])
        env = {k: v for k, v in os.environ.items() if not k.startswith("NNLABS_")}
        env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
        self.proc = subprocess.Popen(
            [*limits, sys.executable, "-m", "autograder.reference_helper", lab],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env=env, start_new_session=True)
        self.channel = Channel(self.proc.stdout.fileno(), self.proc.stdin.fileno(), 0)
        with contextlib.suppress(OSError):  # not Linux, or over the system's pipe maximum
            fcntl.fcntl(self.proc.stdin.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        try:
            self.channel.send(LoadReference(solution_code(lab)))
        except OSError:  # it died at once: the first call finds it dead and says so
            pass

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()
        self.proc.stdin.close()
        self.proc.stdout.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv))

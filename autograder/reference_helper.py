"""Reference helpers answered in a process of their own, with its own memory, CPU and time.

A hidden test may replace some graded helpers with the reference (``use_reference_for``);
the sandboxed worker then asks the grader, and the grader asks this: a long-lived
``python -m autograder.reference_helper LAB`` process under ``prlimit`` (address space
:data:`MEMORY_BYTES`, CPU time :data:`CPU_SECONDS`), reused across requests and restarted when
it dies or misses a deadline. Inputs chosen by student code can thus make the reference
fail, never grow the grading process. :class:`ReferenceHelpers` is the grader's side (one
process per thread that needs one); :func:`main` is the process's.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import sys
import threading

from .protocol import Channel, ChannelTimeout, HelperAnswer, HelperCall, ProtocolError, parse
from .wire import WireError

MEMORY_BYTES = 2 * 2**30
CPU_SECONDS = 600  # over the process's life; it is restarted when it runs out


def main(argv: list[str]) -> int:
    from .reference import solution_namespace

    reference = solution_namespace(argv[1])
    channel = Channel(0, 1, 2**31)  # the grader is trusted; its own caps apply to replies
    sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 (lives as long as we do)
    while True:
        try:
            call = parse(channel.receive(), HelperCall)
        except EOFError:
            return 0
        try:
            answer = HelperAnswer(value=reference[call.name](*call.args, **call.kwargs))
            channel.send(answer)
        except Exception as exc:  # noqa: BLE001 - the inputs broke the reference: their problem
            channel.send(HelperAnswer(error=_text(exc), error_type=type(exc).__name__))


def _text(exc: BaseException) -> str:
    try:
        return str(exc)[:300]
    except Exception:  # noqa: BLE001
        return "(no message)"


class ReferenceHelpers:
    """The grader's side: ``call(lab, name, args, kwargs, deadline, max_bytes)`` returns a
    :class:`HelperAnswer`; an answer over ``max_bytes``, a crash or a missed deadline is an
    error answer and the process is replaced."""

    def __init__(self):
        self._idle: dict[str, list[_Process]] = {}
        self._lock = threading.Lock()
        atexit.register(self.close)

    def call(self, lab: str, call: HelperCall, deadline: float, max_bytes: int
             ) -> HelperAnswer:
        process = self._checkout(lab, max_bytes)
        try:
            process.channel.send(call, deadline)
            answer = parse(process.channel.receive(deadline), HelperAnswer)
        except ChannelTimeout:
            process.kill()
            return HelperAnswer(error="the reference took too long on these inputs",
                                error_type="TimeoutError")
        except ProtocolError as exc:  # an answer over the size cap
            process.kill()
            return HelperAnswer(error=f"the reference's answer is too large ({exc})",
                                error_type="MemoryError")
        except (EOFError, OSError, WireError):
            process.kill()
            return HelperAnswer(error="the reference could not answer for these inputs (it "
                                "ran out of memory or CPU time, or failed to start)",
                                error_type="MemoryError")
        with self._lock:
            self._idle.setdefault(lab, []).append(process)
        return answer

    def warm(self, lab: str) -> None:
        """Start a process for ``lab`` now if none is idle, so it loads the reference while
        the student's cells run."""
        with self._lock:
            idle = self._idle.setdefault(lab, [])
            if not any(p.alive() for p in idle):
                idle.append(_Process(lab, 0))

    def _checkout(self, lab: str, max_bytes: int) -> _Process:
        with self._lock:
            idle = self._idle.setdefault(lab, [])
            while idle:
                process = idle.pop()
                if process.alive():
                    process.channel.max_bytes = max_bytes
                    return process
        return _Process(lab, max_bytes)  # the first for this lab, or one per thread

    def close(self) -> None:
        with self._lock:
            for processes in self._idle.values():
                for process in processes:
                    process.kill()
            self._idle.clear()


class _Process:
    def __init__(self, lab: str, max_bytes: int):
        limits = ([shutil.which("prlimit"), f"--as={MEMORY_BYTES}", f"--cpu={CPU_SECONDS}",
                   "--core=0", "--"] if shutil.which("prlimit") else [])
        env = {k: v for k, v in os.environ.items() if not k.startswith("NNLABS_")}
        env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
        self.proc = subprocess.Popen(
            [*limits, sys.executable, "-m", "autograder.reference_helper", lab],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env=env, start_new_session=True)
        self.channel = Channel(self.proc.stdout.fileno(), self.proc.stdin.fileno(), max_bytes)

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

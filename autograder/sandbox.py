"""How student code runs: one sandboxed process per submission, with limits and isolation.

The worker (``python -I -m autograder.worker``) is started through util-linux tools:

- ``unshare --net --pid --fork --kill-child --mount --ipc --uts``: no network (only a
  loopback device that is down), its own process tree (when the worker ends or is killed,
  the kernel kills every process it started, even ones in a new session), its own mounts;
- inside, a short shell script hides the instructor's and other students' files behind empty
  tmpfs mounts (the repository, the grading folder, the submissions folder, home folders and
  /tmp), re-exposes only what the worker needs (Python, the installed packages, the
  ``autograder`` and ``course_utils`` code) and binds the submission's job folder as the
  working directory;
- ``setpriv`` drops to an unprivileged user id of its own (one per parallel slot, so the
  process-count limit is per submission) with no capabilities and no new privileges;
- ``prlimit`` sets address-space, CPU-time, process-count, file-size and core limits.

Without root the same runs in a user namespace (``--user --map-root-user``); where namespaces
are unavailable it falls back to limits and a process group only, and :func:`isolation`
says so (the grades table and README show which level was used).
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import autograder
import course_utils

from .course import REPO_ROOT

SANDBOX_UID_BASE = 61000  # slot k runs as uid 61000 + k; these ids own nothing on the machine
WORKDIR = "/mnt/nnlabs-work"


@dataclass(frozen=True)
class Limits:
    """Resource limits for one submission (per process where the kernel counts per process)."""

    memory_gb: float = float(os.environ.get("NNLABS_GRADING_MEMORY_GB", 4))
    cpu_seconds: int = 600
    processes: int = 64
    file_mb: int = 64
    cell_seconds: float = 60.0  # one solution cell or one hidden test
    submission_seconds: float = 300.0  # everything of one submission, restarts included


@functools.cache
def isolation() -> str:
    """``"namespaces"`` (root: own user id too), ``"user-namespaces"`` or ``"limits-only"``."""
    if shutil.which("unshare") is None or shutil.which("prlimit") is None:
        return "limits-only"
    probe = ["unshare", "--net", "--pid", "--fork", "--kill-child", "--mount", "--ipc", "--uts"]
    if os.geteuid() == 0 and shutil.which("setpriv") and _works([*probe, "true"]):
        return "namespaces"
    if _works([probe[0], "--user", "--map-root-user", *probe[1:], "true"]):
        return "user-namespaces"
    return "limits-only"


def _works(argv: list[str]) -> bool:
    try:
        return subprocess.run(argv, capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def hidden_paths(extra: list[Path]) -> list[Path]:
    """Folders a submission must not see: the repository (solutions, tests, git), the given
    grading and submission folders, home folders and shared temporary folders."""
    candidates = [REPO_ROOT, *extra, Path.home(), Path("/root"), Path("/home"), Path("/tmp"),
                  Path("/var/tmp"), Path("/dev/shm")]
    found: list[Path] = []
    for path in sorted({Path(p).resolve() for p in candidates}, key=lambda p: len(p.parts)):
        # a folder inside one already hidden disappears with it
        if path.is_dir() and path != Path("/") and not any(f in path.parents for f in found):
            found.append(path)
    return found


def kept_paths() -> list[Path]:
    """What the worker needs to run, re-exposed read-only if it sits inside a hidden folder."""
    paths = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(),
             Path(autograder.__file__).resolve().parent,
             Path(course_utils.__file__).resolve().parent}
    return sorted(paths)


def command(job_dir: Path, slot: int, limits: Limits, hide: list[Path],
            worker_args: list[str]) -> tuple[list, str]:
    """The argv that runs the worker on ``job_dir``, and the working directory it sees."""
    level = isolation()
    python = [sys.executable, "-I", "-m", "autograder.worker", *worker_args]
    rlimits = [
        "prlimit", f"--as={int(limits.memory_gb * 2**30)}", f"--cpu={limits.cpu_seconds}",
        f"--nproc={limits.processes}", f"--fsize={limits.file_mb * 2**20}", "--core=0", "--",
    ]
    if level == "limits-only":
        return [*rlimits, *python], str(job_dir)
    uid = SANDBOX_UID_BASE + slot
    drop = (["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
             "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"]
            if level == "namespaces" else [])
    script = _mount_script(job_dir, hide, kept_paths()) + "exec " + shlex.join(
        [*drop, *rlimits, *python])
    unshare = ["unshare", "--net", "--pid", "--fork", "--kill-child", "--mount-proc", "--mount",
               "--ipc", "--uts"]
    if level == "user-namespaces":
        unshare[1:1] = ["--user", "--map-root-user"]
    return [*unshare, "sh", "-ec", script], WORKDIR


def _mount_script(job_dir: Path, hide: list[Path], keep: list[Path]) -> str:
    q = shlex.quote
    lines = ["mount --make-rprivate /", "mkdir -p /mnt",
             "mount -t tmpfs -o mode=755 nnlabs-stage /mnt",
             f"mkdir {WORKDIR}", f"mount --bind {q(str(job_dir))} {WORKDIR}"]
    under_hidden = [k for k in keep if any(k == h or h in k.parents for h in hide)]
    for i, path in enumerate(under_hidden):
        lines += [f"mkdir /mnt/keep{i}", f"mount --bind {q(str(path))} /mnt/keep{i}"]
    for path in hide:
        mode = "1777" if path.name in ("tmp", "shm") else "755"
        lines.append(f"mount -t tmpfs -o mode={mode},size=64m nnlabs-hidden {q(str(path))}")
    for i, path in enumerate(under_hidden):
        lines += [f"mkdir -p {q(str(path))}", f"mount --move /mnt/keep{i} {q(str(path))}",
                  f"mount -o remount,bind,ro {q(str(path))}"]
    lines.append(f"cd {WORKDIR}")
    return "\n".join(lines) + "\n"


def environment(workdir: str) -> dict[str, str]:
    """A minimal environment: nothing from the grader's, nothing that names grading."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": workdir,
        "LANG": "C.UTF-8",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": f"{workdir}/.config/matplotlib",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def prepare_job_dir(job_dir: Path, slot: int) -> None:
    """Hand the job folder to the slot's user id, so the worker can write only there."""
    if isolation() == "namespaces":
        uid = SANDBOX_UID_BASE + slot
        for path in [job_dir, *job_dir.rglob("*")]:
            os.lchown(path, uid, uid)


def kill_slot_processes(slot: int) -> None:
    """Belt and braces after a submission: no process of the slot's user id survives."""
    if isolation() != "namespaces":
        return
    uid = SANDBOX_UID_BASE + slot
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if entry.stat().st_uid == uid:
                os.kill(int(entry.name), 9)
        except (OSError, ProcessLookupError):
            continue


@contextlib.contextmanager
def claim_slot(preferred: int | None = None):
    """A slot number no other grading process on this machine is using (a lock file each),
    so two sandboxes never share a user id, its process limit or its clean-up."""
    folder = Path(tempfile.gettempdir()) / "nnlabs-slots"
    folder.mkdir(exist_ok=True)
    order = ([preferred] if preferred is not None else []) + list(range(1024))
    for slot in order:
        handle = open(folder / f"{slot}.lock", "a")  # noqa: SIM115 (held while in use)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            continue
        try:
            yield slot
        finally:
            handle.close()
        return
    raise RuntimeError("no free sandbox slot: more than 1,024 submissions running at once")

"""How student code runs: one sandboxed process per submission, with limits and isolation.

The worker (``python -I -m autograder.worker``) is started through util-linux tools:

- ``unshare --net --pid --fork --kill-child --mount --ipc --uts``: no network (only a
  loopback device that is down), its own process tree (when the worker ends or is killed,
  the kernel kills every process it started, even ones in a new session), its own mounts;
- inside, a short shell script builds an **allow-listed root** and ``pivot_root``\\ s into it:
  a fresh tmpfs holding read-only bind mounts of only what the worker needs (``/usr`` and the
  ``/lib*`` links for Python's shared libraries, the Python environment, the ``autograder``
  and ``course_utils`` package code, and each lab's ``sandbox`` package of drivers; never a
  lab's notebooks or its ``grader`` package), ``/dev/null``,
  ``/dev/zero`` and ``/dev/urandom``, and no ``/proc`` (the grader reads the worker's
  memory from its own, which the worker must not reset). Its working folder and ``/tmp`` share
  one fresh tmpfs of ``Limits.disk_mb``; the submission's data files are copied into it. The
  rest of the host (other checkouts, homes, ``/srv``, ``/var/tmp``, ``/run/lock``, the grading
  folders) is simply not there, and ``/`` itself is read-only;
- ``setpriv`` drops to an unprivileged user id of its own (one per parallel slot, so the
  process-count limit is per submission) with no capabilities and no new privileges;
- ``prlimit`` sets address-space, CPU-time, process-count, file-size and core limits.

Without root the same runs in a user namespace (``--user --map-root-user``); where namespaces
are unavailable it falls back to limits and a process group only. :func:`isolation` names the
level and :func:`describe` says in one line what it lacks (the CLI prints it).
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import importlib.util
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

SANDBOX_UID_BASE = 61000  # slot k runs as uid 61000 + k; these ids own nothing on the machine
WORKDIR = "/submission"  # the working folder inside the sandbox's root
NEW_ROOT = "/mnt"  # where the root is assembled, inside the sandbox's private mount namespace

DESCRIPTIONS = {
    "namespaces": "allow-listed read-only root, tmpfs working folder and /tmp capped in size, "
                  "no network, own process tree, unprivileged user id per slot, resource limits",
    "user-namespaces": "allow-listed read-only root, capped tmpfs, no network, own process tree "
                       "and resource limits; lacks a user id per slot (the process limit counts "
                       "all of the grader user's processes)",
    "limits-only": "resource limits and a process group only; lacks all isolation: the code "
                   "sees the whole file system and the network as the grader's user, and its "
                   "disk use is capped per file only",
}


@dataclass(frozen=True)
class Limits:
    """Resource limits for one submission (per process where the kernel counts per process)."""

    memory_gb: float = float(os.environ.get("NNLABS_GRADING_MEMORY_GB", 4))
    cpu_seconds: int = 600
    processes: int = 64
    file_mb: int = 64
    disk_mb: int = 256  # the sandbox's tmpfs: working folder, /tmp and the copied data files
    cell_seconds: float = 60.0  # one solution cell or one hidden test
    submission_seconds: float = 300.0  # everything of one submission, restarts included


@functools.cache
def isolation() -> str:
    """``"namespaces"`` (root: own user id too), ``"user-namespaces"`` or ``"limits-only"``."""
    if not all(shutil.which(tool) for tool in ("unshare", "prlimit", "pivot_root")):
        return "limits-only"
    probe = ["unshare", "--net", "--pid", "--fork", "--kill-child", "--mount", "--ipc", "--uts"]
    if os.geteuid() == 0 and shutil.which("setpriv") and _works([*probe, "true"]):
        return "namespaces"
    if _works([probe[0], "--user", "--map-root-user", *probe[1:], "true"]):
        return "user-namespaces"
    return "limits-only"


def describe(level: str | None = None) -> str:
    """One line: the isolation level and what it guarantees or lacks."""
    level = level or isolation()
    return f"{level} ({DESCRIPTIONS[level]})"


def _works(argv: list[str]) -> bool:
    try:
        return subprocess.run(argv, capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def kept_paths() -> list[Path]:
    """Host folders the worker needs, bound read-only at the same place in its root: the
    system's programs and libraries, the Python environment, the two packages' code and the
    labs' ``sandbox`` packages (the only part of a lab folder the worker may import).
    A folder inside another kept folder comes with it."""
    wanted = {Path("/usr"), Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(),
              Path(autograder.__file__).resolve().parent,
              Path(course_utils.__file__).resolve().parent}
    wanted |= {lab.sandbox_dir.resolve() for lab in _labs()}
    wanted |= {Path(p).resolve() for p in ("/lib", "/lib32", "/lib64", "/libx32")
               if Path(p).is_dir() and not Path(p).is_symlink()}
    kept: list[Path] = []
    for path in sorted(wanted, key=lambda p: len(p.parts)):
        if path.is_dir() and not any(k == path or k in path.parents for k in kept):
            kept.append(path)
    return kept


def _labs():
    from .course import CourseError, all_labs

    try:
        return all_labs()
    except CourseError:  # an installed grader without a checkout grades nothing anyway
        return []


def unavailable_files(lab_name: str | None) -> list[Path]:
    """The files of the modules a lab declares unavailable to its graded code (the
    ``UNAVAILABLE`` module names of its sandbox package), with their compiled copies: inside
    the sandbox each is replaced by :mod:`autograder.unavailable`, which raises ImportError."""
    if lab_name is None:
        return []
    from .course import SANDBOX_PART, get_lab

    found = []
    for name in getattr(get_lab(lab_name).part(SANDBOX_PART), "UNAVAILABLE", ()):
        source = Path(importlib.util.find_spec(name).origin).resolve()
        found += [source, *sorted(source.parent.glob(f"__pycache__/{source.stem}.*.pyc"))]
    return found


def command(job_dir: Path, slot: int, limits: Limits, worker_args: list[str],
            lab_name: str | None = None) -> tuple[list, str]:
    """The argv that runs the worker on a copy of ``job_dir``'s files, and the working
    directory it sees. With an allow-listed root nothing of the host is visible unless
    :func:`kept_paths` lists it."""
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
    owner = uid if level == "namespaces" else None
    inside_stage = [p for p in [*kept_paths(), Path(job_dir).resolve()]
                    if Path(NEW_ROOT) == p or Path(NEW_ROOT) in p.parents]
    if inside_stage:  # the root is assembled on NEW_ROOT, which would hide them first
        raise RuntimeError(f"{inside_stage[0]} is under {NEW_ROOT}, where the sandbox root is "
                           "assembled: install the environment and run the grader elsewhere")
    script = root_script(job_dir, limits.disk_mb, owner, unavailable_files(lab_name))
    script += "exec " + shlex.join([*drop, *rlimits, *python])
    unshare = ["unshare", "--net", "--pid", "--fork", "--kill-child", "--mount", "--ipc",
               "--uts"]
    if level == "user-namespaces":
        unshare[1:1] = ["--user", "--map-root-user"]
    return [*unshare, "sh", "-ec", script], WORKDIR


def root_script(job_dir: Path, disk_mb: int, owner: int | None,
                unavailable: list[Path] = ()) -> str:
    """Shell commands that assemble the allow-listed root, copy ``job_dir``'s files into its
    capped tmpfs (owned by ``owner`` if given), replace each ``unavailable`` file of the kept
    folders by :mod:`autograder.unavailable`, pivot into it and enter the working folder."""
    q = shlex.quote
    root = NEW_ROOT
    lines = ["mount --make-rprivate /",
             f"mount -t tmpfs -o mode=755,size=1m nnlabs-root {root}",
             f"mkdir {root}/dev {root}/proc {root}/tmp {root}{WORKDIR} {root}/.old "
             f"{root}/.scratch"]
    # One tmpfs for the working folder and /tmp, so together they stay under disk_mb. It is
    # mounted before the kept folders are bound, so a checkout under /tmp stays visible.
    scratch = f"{root}/.scratch"
    lines += [f"mount -t tmpfs -o size={int(disk_mb)}m,mode=755,nosuid,nodev nnlabs-work "
              f"{scratch}",
              f"mkdir {scratch}/work && mkdir -m 1777 {scratch}/tmp",
              f"cp -R {q(str(job_dir))}/. {scratch}/work/"]
    if owner is not None:
        lines.append(f"chown -R {owner}:{owner} {scratch}/work")
    lines += [f"mount --bind {scratch}/work {root}{WORKDIR}",
              f"mount --bind {scratch}/tmp {root}/tmp",
              f"umount {scratch}", f"rmdir {scratch}"]
    # Every program started here is start-up time of every submission: one mkdir for all
    # the mount points, and one mount per kept folder (mount(8) since util-linux 2.27 makes
    # the bind and its read-only remount in one call).
    kept = kept_paths()
    lines.append("mkdir -p " + " ".join(q(root + str(path)) for path in kept))
    lines += [f"mount --bind -o ro,nosuid,nodev {q(str(path))} {q(root + str(path))}"
              for path in kept]
    stub = Path(__file__).resolve().parent / "unavailable.py"
    lines += [f"mount --bind -o ro {q(str(stub))} {q(root + str(path))}" for path in unavailable]
    links = {link: os.readlink(link) for link in
             ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32") if Path(link).is_symlink()}
    # "ln -s usr/bin usr/lib /mnt/" makes /mnt/bin and /mnt/lib: one program for the usual case
    same_name = [target for link, target in links.items() if Path(target).name == link[1:]]
    if same_name:
        lines.append(f"ln -s {' '.join(q(t) for t in same_name)} {root}/")
    lines += [f"ln -s {q(target)} {root}{link}" for link, target in links.items()
              if target not in same_name]
    devices = ("null", "zero", "urandom")
    lines.append("touch " + " ".join(f"{root}/dev/{device}" for device in devices))
    lines += [f"mount --bind /dev/{device} {root}/dev/{device}" for device in devices]
    # /proc serves the mount tools only and is gone before the worker starts: the grader
    # measures the worker's memory from its own /proc, and a /proc inside would let the
    # worker reset that measurement (its clear_refs, any thread's).
    lines.append(f"mount -t proc -o nosuid,nodev,noexec proc {root}/proc")
    lines += [f"mount -o remount,ro {root}",
              f"cd {root}", f"{shutil.which('pivot_root')} . .old", "umount -l /.old",
              "umount /proc", f"cd {WORKDIR}"]
    return "\n".join(lines) + "\n"


def environment(workdir: str) -> dict[str, str]:
    """A minimal environment: nothing from the grader's, nothing that names grading."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": workdir,
        "TMPDIR": "/tmp",
        "LANG": "C.UTF-8",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": f"{workdir}/.config/matplotlib",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


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
        handle = open(folder / f"{slot}.lock", "a")  # held while in use
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

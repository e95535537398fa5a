"""Reading files that came from a submission as data: never through a link, regular files
only, never more than a cap.

Every hand-in file the grader opens goes through :func:`read_capped` (or :func:`digest_capped`
for fingerprints): it opens without following a symbolic link (``O_NOFOLLOW``), without
blocking on a FIFO (``O_NONBLOCK``), checks with ``fstat`` on the open descriptor that it is
a regular file (so nothing can be swapped in between a check and the read), and refuses a
file over the cap before reading a byte. Whatever it refuses is :class:`UnsafeFile`, whose
message names the file and the reason; the grader makes it that student's outcome
``invalid submission``.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

_CHUNK = 1 << 20
_KINDS = [(stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket")]


class UnsafeFile(Exception):
    """A hand-in file the grader will not read: a link, not a regular file, or too large."""


def _open_regular(path: Path, max_bytes: int) -> tuple[int, os.stat_result]:
    """An open descriptor of ``path`` and its fstat, or :class:`UnsafeFile` (FileNotFoundError
    passes through: a missing file is not unsafe)."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        if os.path.islink(path):
            raise UnsafeFile(f"{path.name} is a symbolic link (hand in the file itself)"
                             ) from None
        raise UnsafeFile(f"{path.name} cannot be opened ({exc.strerror})") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        kind = next((name for test, name in _KINDS if test(info.st_mode)), "not a file")
        raise UnsafeFile(f"{path.name} is {kind}, not a regular file")
    if info.st_size > max_bytes:
        os.close(fd)
        raise UnsafeFile(f"{path.name} is {_mb(info.st_size)}, over the {_mb(max_bytes)} "
                         "limit for one file")
    return fd, info


def read_capped(path: Path, max_bytes: int) -> bytes:
    """The bytes of the regular file ``path`` (not a link), at most ``max_bytes`` of them."""
    path = Path(path)
    fd, _ = _open_regular(path, max_bytes)
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(max_bytes + 1)  # a file that grew since fstat is caught here
    if len(data) > max_bytes:
        raise UnsafeFile(f"{path.name} is over the {_mb(max_bytes)} limit for one file")
    return data


def checked_size(path: Path, max_bytes: int) -> int:
    """The size of the regular file ``path`` (not a link, at most ``max_bytes``), unread."""
    fd, info = _open_regular(Path(path), max_bytes)
    os.close(fd)
    return info.st_size


def digest_capped(path: Path, max_bytes: int) -> bytes:
    """A sha256 of a regular file read in chunks, for fingerprints. A link, a non-regular or
    an oversized file is digested by its kind, size and modification time instead of read
    (a 2 GB sparse file costs one ``stat``)."""
    path = Path(path)
    try:
        fd, info = _open_regular(path, max_bytes)
    except (UnsafeFile, OSError):
        info = os.lstat(path)
        return hashlib.sha256(f"{info.st_mode}:{info.st_size}:{info.st_mtime_ns}".encode()
                              ).digest()
    digest = hashlib.sha256()
    with os.fdopen(fd, "rb") as handle:
        left = max_bytes
        while left > 0 and (chunk := handle.read(min(_CHUNK, left))):
            digest.update(chunk)
            left -= len(chunk)
    return digest.digest()


def is_real_folder(path: Path) -> bool:
    """Whether ``path`` is a directory and not a link to one."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _mb(size: int) -> str:
    return f"{size / 2**20:,.0f} MB" if size >= 2**20 else f"{size:,} bytes"

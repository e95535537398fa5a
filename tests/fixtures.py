"""Shared pytest fixtures, for the framework's tests (``tests/``) and each lab's
(``solutions/<lab>/tests/``): both folders' ``conftest.py`` import them from here.

- ``shared_data``: ../shared/data beside the checkout (real MNIST and CIFAR-10), or a skip.
- ``cifar10_official_dir``: CIFAR-10 rebuilt in its official python layout from shared data.
- ``nnlabs_cache`` + an autouse fixture that isolates every test from the user's data setup:
  ``NNLABS_CACHE`` is a fresh temporary folder, ``NNLABS_OFFLINE=1`` (no test reaches the
  network), ``NNLABS_DATA`` is unset. A test overrides these with ``monkeypatch``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NNLABS_SHARED", REPO.parent / "shared"))  # a worktree elsewhere


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real data sets in ../shared/data (see its README); skips when absent."""
    folder = SHARED / "data"
    if not folder.is_dir():
        pytest.skip(f"real data not found: no {folder} (../shared/data beside the checkout)")
    return folder


def _rebuild_stamp(source: Path, script: Path) -> str:
    st = source.stat()
    h = hashlib.sha256(script.read_bytes())
    h.update(f"{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()


@pytest.fixture(scope="session")
def cifar10_official_dir(shared_data: Path, request, tmp_path_factory) -> Path:
    """A folder holding ``cifar-10-batches-py/`` and ``cifar-10-python.tar.gz``, rebuilt once
    from ../shared/data/cifar10 with ../shared/bin/cifar10-from-jpg --tarball (about 25 s).

    The result is kept in pytest's cache folder (.pytest_cache/, git-ignored) keyed by the
    source archive and the script, so later sessions reuse it. Treat it as read-only: copy
    or symlink files into ``tmp_path`` before changing anything.
    """
    script = SHARED / "bin" / "cifar10-from-jpg"
    source = shared_data / "cifar10" / "cifar10-jpg.tar.gz"
    if not script.is_file() or not source.is_file():
        pytest.skip(f"cannot rebuild CIFAR-10: {script} or {source} is missing")
    if importlib.util.find_spec("PIL") is None:
        pytest.skip("cannot rebuild CIFAR-10: Pillow is not installed (pip install -e '.[dev]')")

    stamp = _rebuild_stamp(source, script)
    cache = getattr(request.config, "cache", None)
    out = cache.mkdir("nnlabs-cifar10-official") if cache else tmp_path_factory.mktemp("cifar")
    stamp_file = out / "STAMP"
    done = (
        stamp_file.is_file()
        and stamp_file.read_text() == stamp
        and (out / "cifar-10-python.tar.gz").is_file()
        and (out / "cifar-10-batches-py" / "test_batch").is_file()
    )
    if not done:
        stamp_file.unlink(missing_ok=True)
        proc = subprocess.run(
            [sys.executable, str(script), str(out), "--tarball"],
            capture_output=True, text=True,
        )
        if proc.returncode != 0:
            pytest.fail(f"{script} failed:\n{proc.stdout}\n{proc.stderr}")
        stamp_file.write_text(stamp)
    return out


@pytest.fixture
def nnlabs_cache(tmp_path_factory) -> Path:
    """A fresh, empty folder used as NNLABS_CACHE for this test."""
    return tmp_path_factory.mktemp("nnlabs-cache")


@pytest.fixture(autouse=True)
def _isolate_nnlabs_env(nnlabs_cache: Path, monkeypatch):
    monkeypatch.setenv("NNLABS_CACHE", str(nnlabs_cache))
    monkeypatch.setenv("NNLABS_OFFLINE", "1")
    monkeypatch.delenv("NNLABS_DATA", raising=False)

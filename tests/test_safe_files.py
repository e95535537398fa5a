"""Hand-in files and names as data (safe_files, submission, results.file_name) and text made
safe for each output (safe_text), without running anything."""

from __future__ import annotations

import os

import pytest

from autograder.results import file_name
from autograder.safe_files import UnsafeFile, checked_size, digest_capped, read_capped
from autograder.safe_text import for_csv, for_markdown, for_terminal
from autograder.submission import fingerprint, student_folders, student_id_problem


def test_a_regular_file_is_read_and_everything_else_refused(tmp_path):
    (tmp_path / "ok.npz").write_bytes(b"12345")
    assert read_capped(tmp_path / "ok.npz", 5) == b"12345"
    (tmp_path / "link").symlink_to(tmp_path / "ok.npz")
    (tmp_path / "zero").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "fifo")  # reading it would block forever
    cases = {"link": "is a symbolic link", "zero": "is a symbolic link",
             "fifo": "is a named pipe (FIFO)", "ok.npz": "over the 4 bytes limit"}
    for name, reason in cases.items():
        with pytest.raises(UnsafeFile, match=reason.replace("(", r"\(").replace(")", r"\)")):
            read_capped(tmp_path / name, 4)
    with pytest.raises(UnsafeFile, match="a character device"):
        checked_size("/dev/null", 4)
    with pytest.raises(FileNotFoundError):
        read_capped(tmp_path / "missing", 4)


def test_a_sparse_2gb_file_is_fingerprinted_without_being_read(tmp_path):
    path = tmp_path / "big.npz"
    with open(path, "wb") as f:
        f.truncate(2 * 2**30)
    before = digest_capped(path, 64 * 2**20)
    info = os.stat(path)
    with open(path, "r+b") as f:  # change a byte far past the cap, keep the times
        f.seek(2**30)
        f.write(b"x")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert digest_capped(path, 64 * 2**20) == before  # only metadata was used
    os.mkfifo(tmp_path / "fifo")
    assert fingerprint("v", tmp_path)  # returns: the FIFO was not opened for reading


def test_every_name_nbgrader_accepts_is_an_id_and_gets_its_own_safe_file_name(tmp_path):
    names = ["alice", "Jane Doe", "José", "=HYPERLINK(x)", "a.b", "a_b", "a b", "a-b"]
    assert [n for n in names if student_id_problem(n)] == []
    safe = {file_name(n) for n in names}
    assert len(safe) == len(set(names))
    assert all("/" not in s and not s.startswith(".") and s.isascii() for s in safe)
    for bad in ["bad\x1b[2Jname", "tab\tname", " padded", "x" * 101,
                b"caf\xe9".decode("utf-8", "surrogateescape")]:
        assert student_id_problem(bad), bad
    (tmp_path / "Jane Doe").mkdir()
    (tmp_path / "linked").symlink_to(tmp_path / "Jane Doe")
    found = {s: p for s, _, p in student_folders(tmp_path, "lab1_knn")}
    assert found == {"Jane Doe": "", "linked": "the student folder 'linked' is a link, not a "
                                               "folder"}


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cells_never_start_a_formula(start):
    assert for_csv(f'{start}HYPERLINK("http://evil")')[0] not in "=+-@\t\r"


def test_terminal_and_markdown_text_is_inert():
    shown = for_terminal("\x1b[2J\x1b[32mall submissions graded\x1b[0m\r\nreal")
    assert shown == "all submissions graded real"
    md = for_markdown("<script>x</script> [a](http://evil) ![i](y) https://evil www.evil")
    assert "<script>" not in md and "](" not in md and "://" not in md and "www." not in md
    assert len(for_terminal("x" * 10_000)) == 500


def test_fingerprints_see_changes_and_survive_any_depth(tmp_path):
    (tmp_path / "a.ipynb").write_text("1")
    first = fingerprint("v", tmp_path)
    (tmp_path / "a.ipynb").write_text("2")
    assert fingerprint("v", tmp_path) != first
    chain = [tmp_path / "d"]
    for _ in range(1499):  # deeper than Python's recursion limit
        chain.append(chain[-1] / "d")
    try:
        for folder in chain:
            folder.mkdir()
        assert fingerprint("v", tmp_path)
    finally:  # bottom-up, since pytest's own clean-up of old runs recurses and would fail
        for folder in reversed(chain):
            if folder.is_dir():
                folder.rmdir()

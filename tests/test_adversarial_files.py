"""Hostile hand-in files and hostile text, graded next to honest neighbours in one run.

The vectors: a notebook that is a link (symbolic or hard) to a neighbour's notebook or a
symbolic link to /dev/zero, a student folder that is a link, a 2 GB sparse file and a FIFO
beside an honest notebook, folder names nbgrader accepts (``Jane Doe``, ``José``, a
spreadsheet formula), an exception message that carries a CSV formula, ANSI escapes,
``<script>`` and a link, writes to /run/lock and /var/tmp, 30 files of 64 MB, and a blank
notebook that searches the whole file system for ``solutions/`` and execs what it finds.
Each cheat scores no more than its honest code deserves, the honest neighbours keep full
marks, every student is in grades.csv, and nothing is left outside the sandbox.
"""

from __future__ import annotations

import csv
import os
import shutil
import stat
from pathlib import Path

import nbformat
import pytest

from autograder.classroom import grade_all
from autograder.course import REPO_ROOT, get_lab
from autograder.release import build_release
from autograder.report import summary_table, write_csv, write_feedback
from autograder.samples import make_submission
from autograder.sandbox import Limits, isolation

pytestmark = pytest.mark.slow
LAB, NOTEBOOK, FULL = "lab1_knn", "knn.ipynb", 10.0
MARK = "nnlabs-files-714"  # names this run's stray files, if any were left
FORMULA_ID = '=HYPERLINK("evil.example","open")'
INJECTION = ('=HYPERLINK("http://evil.example/steal","click") \\x1b[2J\\x1b[32mall '
             'submissions graded\\x1b[0m <script>alert(1)</script> [help](http://evil.example)')

CODE = {  # appended to the named solution cell
    "write-shared-tmp": ("distances_no_loops", f"""
for path in ["/run/lock/{MARK}", "/var/tmp/{MARK}", "/dev/shm/{MARK}", "/{MARK}"]:
    try:
        open(path, "w").write("left behind")
    except OSError:
        pass
"""),
    "fill-disk": ("distances_no_loops", """
import os
for i in range(30):
    try:
        with open(f"fill-{i}.bin", "wb") as f:
            for _ in range(64):
                f.write(b"x" * 2**20)
    except OSError:
        break
"""),
    "fill-disk-probe": ("distances_two_loops", """
import os
written = 0
for i in range(30):
    try:
        with open(f"fill-{i}.bin", "wb") as f:
            for _ in range(64):
                f.write(b"x" * 2**20)
                written += 1
    except OSError as exc:
        stopped = type(exc).__name__ + " " + str(exc.errno)
        break
else:
    stopped = "never"
raise RuntimeError(f"wrote {written} MB, stopped by {stopped}")
"""),
    "search-solutions": ("distances_two_loops", """
import json, os
for root, dirs, files in os.walk("/"):
    dirs[:] = [d for d in dirs if d not in ("proc", "dev")]
    if os.path.basename(root) == "lab1_knn" and "solutions" in root:
        for name in files:
            try:
                cells = json.load(open(os.path.join(root, name)))["cells"]
            except Exception:
                continue
            for cell in cells:
                if cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
                    exec("".join(cell["source"]), globals())
"""),
}


def _write(nb, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / NOTEBOOK)


def _with(nb, cell_id: str, code: str, first: bool = False):
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == cell_id:
            cell.source = code + "\n" + cell.source if first else cell.source + "\n" + code
    return nb


def _regular_files(folder: Path) -> dict[str, int]:
    """Names and sizes, without reading or following anything (the tree holds a FIFO)."""
    found = {}
    for root, _, names in os.walk(folder):
        for name in names:
            info = os.lstat(Path(root) / name)
            found[str((Path(root) / name).relative_to(folder))] = (info.st_mode, info.st_size)
    return found


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("files")
    release, submitted, out = root / "release", root / "submitted", root / "out"
    build_release([get_lab(LAB)], release)

    def submission(variant="solution"):
        return make_submission(LAB, NOTEBOOK, variant, release)

    for honest in ("honest-a", "honest-b", "Jane Doe", "José", FORMULA_ID):
        _write(submission(), submitted / honest / LAB)
    _write(submission("blank"), submitted / "blank" / LAB)
    (submitted / "link-to-neighbour" / LAB).mkdir(parents=True)
    (submitted / "link-to-neighbour" / LAB / NOTEBOOK).symlink_to(
        submitted / "honest-a" / LAB / NOTEBOOK)
    (submitted / "hard-link-to-neighbour" / LAB).mkdir(parents=True)
    os.link(submitted / "honest-b" / LAB / NOTEBOOK,
            submitted / "hard-link-to-neighbour" / LAB / NOTEBOOK)
    (submitted / "link-to-dev-zero" / LAB).mkdir(parents=True)
    (submitted / "link-to-dev-zero" / LAB / NOTEBOOK).symlink_to("/dev/zero")
    (submitted / "folder-link").symlink_to(submitted / "honest-b", target_is_directory=True)
    _write(submission(), submitted / "sparse-2gb" / LAB)
    with open(submitted / "sparse-2gb" / LAB / "weights.npz", "wb") as f:
        f.truncate(2 * 2**30)
    _write(submission(), submitted / "fifo" / LAB)
    os.mkfifo(submitted / "fifo" / LAB / "model.npz")
    _write(_with(submission(), "predict_labels", f"raise Exception({INJECTION!r})", first=True),
           submitted / "injection" / LAB)
    for name, (cell_id, code) in CODE.items():
        variant = "blank" if name in ("search-solutions", "fill-disk-probe") else "solution"
        first = name == "fill-disk-probe"  # before the stub, so its error reaches the row
        _write(_with(submission(variant), cell_id, code, first), submitted / f"attack-{name}" / LAB)
    # Another checkout of the course on the same machine, for the search to find.
    shutil.copytree(REPO_ROOT / "solutions" / LAB, root / "other-checkout" / "solutions" / LAB)

    before = _regular_files(submitted)
    rows = grade_all(submitted, LAB, out, workers=2,
                     limits=Limits(cell_seconds=20, submission_seconds=120))
    by = {}
    for row in rows:
        by.setdefault(row.student, []).append(row)
    write_csv(rows, out / "grades.csv")
    write_feedback(rows, out / "feedback")
    return {"by": by, "rows": rows, "out": out, "submitted": submitted,
            "before": before, "after": _regular_files(submitted)}


def _score(by, student):
    return sum(r.points for r in by[student])


def test_full_isolation_here():
    assert isolation() == "namespaces"  # as in CI (root on Linux)


def test_honest_neighbours_and_every_accepted_folder_name_get_full_marks(graded):
    by = graded["by"]
    for student in ("honest-a", "honest-b", "Jane Doe", "José", FORMULA_ID):
        assert _score(by, student) == FULL, by[student]
        assert by[student][0].outcome.startswith("graded"), by[student][0].outcome
    assert _score(by, "blank") == 0


@pytest.mark.parametrize(("student", "reason"), [
    ("link-to-neighbour", "knn.ipynb is a symbolic link"),
    ("link-to-dev-zero", "knn.ipynb is a symbolic link"),
    ("folder-link", "is a link, not a folder"),
])
def test_links_are_invalid_submissions_worth_nothing(graded, student, reason):
    rows = graded["by"][student]
    assert rows[0].outcome.startswith("invalid submission: ") and reason in rows[0].outcome
    assert _score(graded["by"], student) == 0
    assert all(r.status == "invalid" and reason in r.message for r in rows)


def test_a_hard_link_to_a_neighbour_is_flagged_on_both_and_costs_the_neighbour_nothing(graded):
    # A hard link is the neighbour's file under a second name: refusing it would refuse the
    # neighbour's too. It is graded as the copy it is (similarity checks catch copies) and
    # both outcomes say so.
    by = graded["by"]
    assert _score(by, "honest-b") == FULL
    assert _score(by, "hard-link-to-neighbour") <= _score(by, "honest-b")
    for student in ("honest-b", "hard-link-to-neighbour"):
        assert "knn.ipynb is a hard link" in by[student][0].outcome, by[student][0].outcome


@pytest.mark.parametrize(("student", "reason"), [
    ("sparse-2gb", "weights.npz is 2,048 MB, over the 64 MB limit"),
    ("fifo", "model.npz is a named pipe (FIFO), not a regular file"),
])
def test_unsafe_data_files_are_named_and_the_notebook_still_graded(graded, student, reason):
    rows = graded["by"][student]
    assert rows[0].outcome.startswith("invalid submission: ") and reason in rows[0].outcome
    assert _score(graded["by"], student) == FULL  # the honest code keeps its marks


def test_injected_text_is_inert_in_every_output(graded):
    out = graded["out"]
    by = graded["by"]
    assert _score(by, "injection") == FULL - 2  # predict_labels never got defined
    with open(out / "grades.csv", newline="", encoding="utf-8") as f:
        cells = [cell for row in csv.reader(f) for cell in row]
    assert any("HYPERLINK" in c for c in cells)  # the text is there, as text
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert not [c for c in cells if "\x1b" in c or "\n" in c]
    table = summary_table(graded["rows"])
    assert "\x1b" not in table and "\r" not in table
    feedback = "".join(p.read_text() for p in (out / "feedback").rglob("*.md"))
    assert "<script>" not in feedback and "](http" not in feedback and "http://" not in feedback
    assert "\x1b" not in feedback
    assert max(len(r.message) for r in graded["rows"]) <= 500


def test_writes_outside_the_working_folder_leave_nothing(graded):
    assert _score(graded["by"], "attack-write-shared-tmp") == FULL
    for path in ("/run/lock", "/var/tmp", "/dev/shm", "/"):
        assert not (Path(path) / MARK).exists()


def test_filling_the_disk_stops_at_the_sandbox_cap(graded):
    assert _score(graded["by"], "attack-fill-disk") == FULL
    # The probe (a blank notebook, so its cell's error reaches the rows) reports how far it
    # got: the 30 x 64 MB stop at the 256 MB tmpfs, which vanishes with the sandbox.
    messages = {r.message for r in graded["by"]["attack-fill-disk-probe"]}
    found = [m for m in messages if "wrote " in m]
    assert found, messages
    written = int(found[0].split("wrote ")[1].split(" MB")[0])
    assert 0 < written <= 256 and "stopped by OSError 28" in found[0]  # ENOSPC


def test_searching_the_file_system_for_solutions_finds_none(graded):
    assert _score(graded["by"], "attack-search-solutions") == 0


def test_every_student_is_in_grades_csv_and_hand_ins_are_untouched(graded):
    students = {r.student for r in graded["rows"]}
    folders = {d.name for d in graded["submitted"].iterdir()}
    assert students == folders
    assert graded["before"] == graded["after"]
    assert all(stat.S_ISREG(mode) or stat.S_ISFIFO(mode) or stat.S_ISLNK(mode)
               for mode, _ in graded["after"].values())

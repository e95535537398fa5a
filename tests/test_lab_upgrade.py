"""A notebook a student started on one version of a lab keeps working after the lab is updated.

The instructor fixes a typo in the prose and changes an ungraded cell of Lab 1 (in a copy of
``solutions/`` in a temporary folder) and releases again with the project's release code.
nbgrader matches cells by id and checks locked cells by checksum, so:

- every cell keeps its id across releases; cells that did not change keep their source and
  metadata, nbgrader checksums included; only the changed cells differ;
- changing a graded test cell does change its checksum (the control: checksums follow the
  content, they are not merely constant);
- a student's copy of the *old* release, with the answers written in, still passes nbgrader's
  validation (what the Validate button runs) and gets full marks from stock
  ``nbgrader autograde`` against a gradebook generated from the *new* release (its written
  answers are left for a manual grade, as nbgrader does).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.course import REPO_ROOT, Lab
from autograder.notebook import answer_cells
from autograder.release import build_release

pytestmark = pytest.mark.slow

LAB, NOTEBOOK = "lab1_knn", "knn.ipynb"
PROSE_CELL, CODE_CELL, NEW_CELL = "accuracy-md", "final-test", "upgrade-note"
GRADED_CELL = "test_predict_labels"  # the control: a graded cell whose visible part changes


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _cells(path: Path) -> dict[str, nbformat.NotebookNode]:
    return {cell.id: cell for cell in nbformat.read(path, as_version=4).cells}


def _edit(source_dir: Path, edit) -> None:
    path = source_dir / NOTEBOOK
    nb = nbformat.read(path, as_version=4)
    edit(nb)
    nbformat.write(nb, path)


def _update_unrelated(nb) -> None:
    """What a routine update looks like: prose reworded, an ungraded cell changed, a new note."""
    cells = {cell.id: cell for cell in nb.cells}
    cells[PROSE_CELL].source = cells[PROSE_CELL].source.replace(
        "Far\nfrom perfect", "Far\nfrom perfect (updated wording)")
    assert "(updated wording)" in cells[PROSE_CELL].source, "the prose cell changed shape"
    cells[CODE_CELL].source += '\nprint("(the test set was used once, here)")'
    note = nbformat.v4.new_markdown_cell("*Updated:* a note added in the new release.")
    note.id = NEW_CELL
    nb.cells.insert(nb.cells.index(cells[CODE_CELL]) + 1, note)


def _update_graded(nb) -> None:
    cell = next(c for c in nb.cells if _nbgrader(c).get("grade_id") == GRADED_CELL)
    head, hidden = cell.source.split("### BEGIN HIDDEN TESTS")
    cell.source = head + 'print("one more visible line")\n### BEGIN HIDDEN TESTS' + hidden


def _answer(instructor_source: str) -> str:
    markers = ("### BEGIN SOLUTION", "### END SOLUTION")
    return "\n".join(line for line in instructor_source.splitlines()
                     if line.strip() not in markers)


@pytest.fixture(scope="module")
def releases(tmp_path_factory) -> dict[str, Path]:
    """Released notebooks of three versions: v1 (as in solutions/), v2 (unrelated cells
    updated), v3 (a graded test cell updated); and the instructor folder of each."""
    base = tmp_path_factory.mktemp("upgrade")
    original = REPO_ROOT / "solutions" / LAB
    edits = {"v1": None, "v2": _update_unrelated, "v3": _update_graded}
    out = {}
    for version, edit in edits.items():
        source = base / f"solutions-{version}" / LAB
        shutil.copytree(original, source, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        if edit:
            _edit(source, edit)
        build_release([Lab(LAB, source)], base / f"release-{version}")
        out[version] = base / f"release-{version}" / LAB / NOTEBOOK
        out[f"{version}-source"] = source
    return out


def test_unchanged_cells_keep_ids_sources_and_checksums(releases):
    old, new = _cells(releases["v1"]), _cells(releases["v2"])
    assert set(new) - set(old) == {NEW_CELL}, "cell ids must survive a release"
    assert set(old) <= set(new)
    changed = {cid for cid in old if old[cid].source != new[cid].source}
    assert changed == {PROSE_CELL, CODE_CELL}, f"unexpected changes in {changed}"
    for cid, cell in old.items():
        if cid in changed:
            continue
        assert new[cid].metadata == cell.metadata, f"{cid}: metadata changed"
        if _nbgrader(cell).get("checksum"):
            assert _nbgrader(new[cid])["checksum"] == _nbgrader(cell)["checksum"], cid
    checksums = [cid for cid, cell in old.items() if _nbgrader(cell).get("checksum")]
    assert len(checksums) >= 10, f"expected the lab's solution and test cells, got {checksums}"


def test_a_changed_graded_cell_gets_a_new_checksum(releases):
    old, new = _cells(releases["v1"]), _cells(releases["v3"])
    assert set(old) == set(new)
    differ = {cid for cid in old
              if _nbgrader(old[cid]).get("checksum") != _nbgrader(new[cid]).get("checksum")}
    assert differ == {GRADED_CELL}, differ


@pytest.fixture(scope="module")
def student_copy(releases, tmp_path_factory) -> Path:
    """A student's notebook started on v1, every answer written in (as in the solutions)."""
    answers = {
        _nbgrader(c)["grade_id"]: _answer(c.source)
        for c in nbformat.read(releases["v1-source"] / NOTEBOOK, as_version=4).cells
        if _nbgrader(c).get("solution")
    }
    nb = nbformat.read(releases["v1"], as_version=4)
    for cell in nb.cells:
        if _nbgrader(cell).get("solution"):
            cell.source = answers[_nbgrader(cell)["grade_id"]]
    path = tmp_path_factory.mktemp("student") / NOTEBOOK
    nbformat.write(nb, path)
    return path


def test_old_student_copy_matches_new_release_checksums(releases, student_copy):
    new = _cells(releases["v2"])
    for cid, cell in _cells(student_copy).items():
        meta = _nbgrader(cell)
        if meta.get("grade") or meta.get("locked"):  # what nbgrader checks for tampering
            assert meta["checksum"] == _nbgrader(new[cid])["checksum"], cid
            if not meta.get("solution"):  # a written answer is the student's own text
                assert cell.source == new[cid].source, cid


def test_old_student_copy_still_validates(student_copy, monkeypatch):
    from nbgrader.validator import Validator
    from traitlets.config import Config

    monkeypatch.chdir(student_copy.parent)
    config = Config()
    config.Execute.timeout = 300
    result = Validator(config=config).validate(str(student_copy))
    assert result == {} or not any(result.get(k) for k in ("failed", "changed",
                                                           "type_changed")), result


def _autograde(source_dir: Path, notebook: Path, root: Path) -> dict:
    """Stock nbgrader: a gradebook generated from ``source_dir``, ``notebook`` autograded."""
    from nbgrader.api import Gradebook
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    shutil.copytree(source_dir, root / "source" / LAB)
    submitted = root / "submitted" / "student" / LAB
    submitted.mkdir(parents=True)
    shutil.copy(notebook, submitted / NOTEBOOK)
    config = Config()
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.course_id = "nnlabs"
    config.CourseDirectory.db_url = f"sqlite:///{root / 'gradebook.db'}"
    config.Execute.timeout = 300
    api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
    generated = api.generate_assignment(LAB, force=True, create=True)
    assert generated["success"], generated.get("error") or generated.get("log")
    graded = api.autograde(LAB, "student", force=True, create=True)
    assert graded["success"], graded.get("error") or graded.get("log")
    name = NOTEBOOK.removesuffix(".ipynb")
    with Gradebook(config.CourseDirectory.db_url, course_id="nnlabs") as gradebook:
        submission = gradebook.find_submission_notebook(name, LAB, "student")
        # The written answers wait for a manual grade; every other cell is autograded.
        autograded = [g for g in submission.grades if not g.needs_manual_grade]
        return {
            "score": sum(g.score for g in autograded),
            "max_score": sum(g.max_score for g in autograded),
            "by_hand": sorted(g.name for g in submission.grades if g.needs_manual_grade),
            "lost": [(g.name, g.score) for g in autograded if g.score < g.max_score],
            "flagged": submission.flagged,
            "checksums": {c.name: c.checksum
                          for c in gradebook.find_notebook(name, LAB).source_cells},
            "warnings": sorted(line for line in graded["log"].splitlines()
                               if "WARNING" in line and "checksum" in line),
        }


def test_old_student_copy_gets_full_marks_from_the_new_release(releases, student_copy,
                                                               tmp_path, monkeypatch):
    # nbgrader runs `alembic` by name; a venv used without activation lacks it on PATH.
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    before = _autograde(releases["v1-source"], student_copy, tmp_path / "course-v1")
    after = _autograde(releases["v2-source"], student_copy, tmp_path / "course-v2")
    written = sorted(answer_cells(nbformat.read(student_copy, as_version=4)))
    for result in (before, after):
        assert result["max_score"] > 0 and result["score"] == result["max_score"], result["lost"]
        assert result["by_hand"] == written and written
        assert not result["flagged"]
    # The gradebook's record of every nbgrader cell (checksums of the instructor's source,
    # hidden tests included) is the same for both releases ...
    assert after["checksums"] == before["checksums"]
    # ... so the update adds no checksum complaint. (nbgrader compares a test cell as the
    # student has it, hidden tests removed, with the instructor's version and logs a warning
    # for every test cell of every submission, updated or not; it then restores the
    # instructor's cell, which is how the hidden tests run.)
    assert after["warnings"] == before["warnings"]

"""The points tables in the notebooks (and docs pages with markers) equal a fresh render
from the notebooks' nbgrader metadata and the checks' case groups."""

from __future__ import annotations

import re

import nbformat

from autograder.checks import lab_checks
from autograder.course import REPO_ROOT, all_labs
from autograder.notebook import graded_cells, read_notebook
from autograder.points import refresh, render, rows, stale, written_rows
from autograder.written import written_answers


def test_every_table_is_fresh():
    assert stale() == [], "run: python -m autograder points --write, then release"


def test_a_table_lists_every_graded_cell_with_its_points_and_split():
    for lab in all_labs():
        cells = {c.name: c.points for p in lab.notebooks for c in graded_cells(read_notebook(p))}
        table = rows(lab.name)
        assert {r.test: r.points for r in table} == cells
        for r in table:
            groups = lab_checks(lab.name)[r.test].groups
            assert (r.split == "all cases") == (len(groups) == 1)
        assert f"**{sum(cells.values()):g}**" in render(lab.name)


def test_a_table_lists_every_written_answer_with_its_points_after_the_autograded_total():
    for lab in all_labs():
        answers = {a.grade_id: a.points for a in written_answers(lab)}
        assert {r.test: r.points for r in written_rows(lab.name)} == answers
        table = render(lab.name)
        assert table.index("**Autograded total**") < table.index(next(iter(answers)))
        assert f"| | **Written answers, graded by hand** | | **{sum(answers.values()):g}** |" \
            in table


def test_readme_lab_table_states_each_notebooks_total():
    # The README's one hand-written figure per lab (once 48 for Lab 4's 45) must match.
    stated = dict(re.findall(r"^\| \[`(lab\d+_\w+)`\][^|]*\|[^|]*\| (\d+) \|$",
                             (REPO_ROOT / "README.md").read_text(), re.M))
    assert stated == {lab.name: f"{sum(r.points for r in rows(lab.name)):g}"
                      for lab in all_labs()}


def test_refresh_rewrites_only_between_markers():
    text = "intro\n<!-- points:lab5_convnets -->\nold table\n<!-- /points -->\nafter\n"
    new = refresh(text)
    assert new.startswith("intro\n<!-- points:lab5_convnets -->\n| Part |")
    assert new.endswith("<!-- /points -->\nafter\n") and "old table" not in new
    assert refresh(new) == new


def test_released_notebooks_carry_the_tables():
    for lab in all_labs():
        for path in lab.notebooks:
            released = path.parents[2] / "labs" / lab.name / path.name
            intro = next(c for c in nbformat.read(released, as_version=4).cells
                         if c.cell_type == "markdown")
            assert render(f"{lab.name}/{path.stem}") in intro.source, released

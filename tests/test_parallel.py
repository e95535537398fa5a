"""The same grading jobs on a Dask cluster (a LocalCluster here) give the same grades."""

from __future__ import annotations

import nbformat
import pytest

from autograder.classroom import grade_all
from autograder.course import get_lab
from autograder.release import build_release
from autograder.samples import make_submission, variants

pytestmark = pytest.mark.slow


def test_dask_scheduler_gives_the_same_grades_as_local_workers(tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    lab = get_lab("lab1_knn")
    build_release([lab], tmp_path / "release")
    samples = {"solution": "solution", "blank": "blank", "mutant": variants(lab.name)[0]}
    for student, variant in samples.items():
        folder = tmp_path / "submitted" / student / lab.name
        folder.mkdir(parents=True)
        for nb in lab.notebooks:
            nbformat.write(make_submission(lab.name, nb.name, variant, tmp_path / "release"),
                           folder / nb.name)
    local = grade_all(tmp_path / "submitted", lab.name, tmp_path / "local", workers=2)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        remote = grade_all(tmp_path / "submitted", lab.name, tmp_path / "dask",
                           scheduler=cluster.scheduler_address)
    assert [(r.student, r.test, r.points, r.message) for r in remote] == [
        (r.student, r.test, r.points, r.message) for r in local]
    assert sum(r.points for r in remote if r.student == "solution") == 10

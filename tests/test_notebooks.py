"""Every instructor notebook runs top to bottom on the bundled data, without an error.

The run time is printed (not asserted: the machine is shared) so regressions are visible:
wall time, the kernel's CPU time, and the load average at the start and the end;
each lab's issue states its budget. Run one lab with ``pytest tests/test_notebooks.py -k lab2``.
"""

from __future__ import annotations

import os
import resource
import shutil
import time

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from autograder.course import all_labs
from course_utils.data import BUNDLED_DIR

NOTEBOOKS = [(lab.name, nb) for lab in all_labs() for nb in lab.notebooks]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("lab", "path"), NOTEBOOKS, ids=[f"{lab}/{p.name}" for lab, p in NOTEBOOKS]
)
def test_instructor_notebook_runs_on_bundled_data(lab, path, tmp_path, monkeypatch):
    monkeypatch.setenv("NNLABS_DATA", str(BUNDLED_DIR))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    # OpenBLAS threads spin-wait for a partner core; on a shared 2-core machine that stalls
    # whole cells (measured: 2-4x slower steps at load 4-7), so the timings printed here
    # would say more about the load than about the notebook.
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")
    # A notebook may reuse functions of another (course_utils.reuse), of its own lab or of an
    # earlier one, so every lab's folder is laid out side by side, as in the release.
    for each in all_labs():
        (tmp_path / each.name).mkdir()
        for notebook_path in each.notebooks:
            shutil.copy(notebook_path, tmp_path / each.name)
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path / lab)}})
    load_before = os.getloadavg()[0]
    started, cpu_before = time.perf_counter(), _children_cpu_seconds()
    try:
        client.execute()  # the kernel is a child process, reaped when execute() returns
    except CellExecutionError as exc:
        pytest.fail(f"{lab}/{path.name} failed on bundled data:\n{exc}")
    print(f"\n{lab}/{path.name}: ran in {time.perf_counter() - started:.1f} s wall, "
          f"{_children_cpu_seconds() - cpu_before:.1f} s CPU (the kernel's), load average "
          f"{load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end")
    errors = [o for c in notebook.cells if c.cell_type == "code"
              for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime

"""Build the student wheel ``nnlabs-student``: the release (``labs/``) and ``course_utils``, and
nothing that holds an answer.

The repository's own ``pyproject.toml`` describes the instructor package (``autograder``,
``course_utils``, everything the grader needs). The student package is assembled in a
temporary folder instead: a copy of ``course_utils/`` with the released labs as package data
(``course_utils/labs/<lab>/*.ipynb``), a generated ``pyproject.toml`` (same version, licence
and dependencies as the instructor package, one console script: ``nnlabs``) and a short README,
then built with ``pip wheel``. Nothing from ``solutions/``, ``autograder/`` (the hidden
checks, the reference), ``tests/`` or ``benchmarks/`` is copied, and before building, every
file is scanned for the solution regions and hidden tests of the instructor notebooks:
a leak stops the build.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .checks import lab_checks
from .course import LABS_DIR, REPO_ROOT, CourseError, all_labs
from .nbgrader_course import COPY_IGNORE
from .notebook import answer_cells, read_notebook, solution_cells, solution_region

STUDENT_PACKAGE = "nnlabs-student"
MIN_ANSWER_CHARS = 25  # a shorter solution line is a common idiom (`return dists`), not an answer
# Solution lines that are also given code elsewhere: Lab 2's SGD loop line is in Lab 5's
# given training loop. Checked by hand; add a line here only after the same check.
COMMON_IDIOMS = {"for _ in range(num_epochs):"}
_MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "run_check(")

STUDENT_README = """\
# NN Labs (student install)

Jupyter labs for learning neural networks from first principles: k-NN, linear classifiers,
a two-layer network, backpropagation and convolutional networks, in NumPy.

    nnlabs start [FOLDER]   # copy the labs into FOLDER (default nnlabs-labs) and open JupyterLab
    nnlabs data             # optional: download the full CIFAR-10 and MNIST (174 MB)
    nnlabs check [FOLDER]   # run every lab's visible checks and show your progress

Files already in FOLDER are never overwritten. Each notebook's Validate button (nbgrader)
runs its visible checks; the hidden tests run when your course grades the lab.
"""


def secrets_of_the_course() -> dict[str, set[str]]:
    """Per lab, text that must never reach a student: every solution line long enough to be
    an answer, every phrase of a written question's model answer and rubric, every line of a
    hidden-test region and every hidden case's description."""
    secrets: dict[str, set[str]] = {}
    for lab in all_labs():
        found = secrets.setdefault(lab.name, set())
        for path in lab.notebooks:
            notebook = read_notebook(path)
            for cell in solution_cells(notebook).values():
                body = cell.source.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
                found |= _long_lines(body)
            for cell in answer_cells(notebook).values():
                found |= answer_phrases(solution_region(cell.source))
            for cell in notebook.cells:
                if "### BEGIN HIDDEN TESTS" in cell.source:
                    hidden = cell.source.split("### BEGIN HIDDEN TESTS")[1]
                    found |= _long_lines(hidden.split("### END HIDDEN TESTS")[0])
        for check in lab_checks(lab.name).values():
            found |= {case.hint for case in check.cases() if len(case.hint) > MIN_ANSWER_CHARS}
    return secrets


def answer_phrases(text: str) -> set[str]:
    """The long stretches of prose between backslashes, quotes, dollar signs and line breaks:
    they read the same in a notebook's JSON, which escapes the first two."""
    return {part.strip() for part in re.split(r'[\\"$\n]', text)
            if len(part.strip()) > MIN_ANSWER_CHARS}


def _long_lines(text: str) -> set[str]:
    return {line.strip() for line in text.splitlines() if len(line.strip()) > MIN_ANSWER_CHARS}


def find_leaks(files: dict[str, str], secrets: dict[str, set[str]]) -> list[str]:
    """``"file: what"`` for every marker, and every lab's secret, found in ``files``
    (path -> text). A few lines of solutions are common idioms that other labs hand out in
    their given code (:data:`COMMON_IDIOMS`); they are not counted."""
    wanted = sorted(set().union(*secrets.values()) - COMMON_IDIOMS) if secrets else []
    leaks = []
    for name, text in files.items():
        leaks += [f"{name}: {marker!r}" for marker in _MARKERS if marker in text]
        leaks += [f"{name}: {secret[:60]!r}" for secret in wanted if secret in text]
    return leaks


def build_student_wheel(out_dir: Path, labs_dir: Path = LABS_DIR) -> Path:
    """Assemble and build the student wheel into ``out_dir``; return the wheel's path."""
    if not any(labs_dir.glob("lab*/*.ipynb")):
        raise CourseError(f"no released labs in {labs_dir}: run python -m autograder release")
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="nnlabs-student-") as tmp:
        root = Path(tmp)
        package = root / "course_utils"
        shutil.copytree(REPO_ROOT / "course_utils", package, ignore=COPY_IGNORE)
        shutil.rmtree(package / "labs", ignore_errors=True)
        shutil.copytree(labs_dir, package / "labs", ignore=COPY_IGNORE)
        (root / "README.md").write_text(STUDENT_README)
        (root / "pyproject.toml").write_text(_student_pyproject())
        texts = {str(p.relative_to(root)): p.read_text(errors="replace")
                 for p in root.rglob("*") if p.is_file() and p.suffix in (".py", ".ipynb",
                                                                          ".md", ".toml")}
        _refuse_instructor_imports(texts)
        leaks = find_leaks(texts, secrets_of_the_course())
        if leaks:
            raise CourseError("the student package would contain answers, build stopped: "
                              + "; ".join(leaks[:5]))
        before = set(out_dir.glob("*.whl"))
        result = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out_dir),
             str(root)], capture_output=True, text=True)
        if result.returncode != 0:
            raise CourseError(f"pip wheel failed: {result.stderr.strip()[-800:]}")
    name = STUDENT_PACKAGE.replace("-", "_")
    wheels = sorted(set(out_dir.glob(f"{name}-*.whl")) - before) or sorted(
        out_dir.glob(f"{name}-{_project()['version']}-*.whl"))
    if not wheels:
        raise CourseError(f"pip wheel wrote no {name} wheel into {out_dir}")
    return wheels[-1]


def _refuse_instructor_imports(texts: dict[str, str]) -> None:
    for name, text in texts.items():
        if not name.endswith(".py"):
            continue
        for node in ast.walk(ast.parse(text)):
            modules = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                       [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for module in modules:
                # cli.py hands `check` to the grader only where a checkout provides one.
                if module.split(".")[0] == "autograder" and name != "course_utils/cli.py":
                    raise CourseError(f"{name} imports {module}, which students do not get")


def _project() -> dict:
    import tomllib  # Python 3.11+; the instructor builds the wheel, students only install it

    return tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]


def _student_pyproject() -> str:
    project = _project()
    lines = [
        "[build-system]", 'requires = ["setuptools>=77"]',
        'build-backend = "setuptools.build_meta"', "",
        "[project]", f'name = "{STUDENT_PACKAGE}"', f'version = "{project["version"]}"',
        'description = "NN Labs for students: the labs, their data and the nnlabs command."',
        'readme = "README.md"', f'requires-python = "{project["requires-python"]}"',
        f'license = "{project["license"]}"',
        "dependencies = " + json.dumps(project["dependencies"]), "",
        "[project.scripts]", 'nnlabs = "course_utils.cli:main"', "",
        "[tool.setuptools]", 'packages = ["course_utils"]', "",
        "[tool.setuptools.package-data]",
        'course_utils = ["bundled/*", "bundled/**/*", "labs/**/*"]', "",
    ]
    return "\n".join(lines)

"""Where the course lives on disk: the labs, their folders and the parts of each lab.

A lab is one folder, ``solutions/<lab>/``: its instructor notebooks at the top, and beside
them everything that grades and tests it (see ``docs/architecture.md``):

- ``grader/``: the hidden checks and the code derived from the answers. Grader only: the
  sandbox never mounts it.
- ``sandbox/``: the drivers the worker may import to exercise a student's object.
- ``mutants.py`` (typical mistakes, as edits of the solution), ``alternatives/`` (correct
  programs written differently), ``demo.py`` (which of them the demo grades),
  ``benchmark.py`` and ``tests/``.

The parts are Python modules of the namespace package ``solutions`` (no ``__init__.py``
above a part), imported with :meth:`Lab.part`. The framework (everything in ``autograder``)
names no lab: it finds them here.
"""

from __future__ import annotations

import importlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

REPO_ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS_DIR = REPO_ROOT / "solutions"
LABS_DIR = REPO_ROOT / "labs"
GRADER_PART, SANDBOX_PART = "grader", "sandbox"

_LAB_NAME = re.compile(r"^lab\d+_[a-z0-9_]+$")


class CourseError(Exception):
    """A problem with the course layout or the command's arguments, explained in one line."""


@dataclass(frozen=True)
class Lab:
    """One lab: its folder name (``lab1_knn``) and its folder under ``solutions/``."""

    name: str
    source_dir: Path

    @property
    def notebooks(self) -> list[Path]:
        """The instructor notebooks: the only files of the folder that reach students."""
        return sorted(self.source_dir.glob("*.ipynb"))

    @property
    def sandbox_dir(self) -> Path:
        return self.source_dir / SANDBOX_PART

    def part(self, name: str) -> ModuleType:
        """The lab's module ``name`` (``"grader"``, ``"sandbox"``, ``"mutants"`` ...)."""
        return import_lab_module(f"solutions.{self.name}.{name}", self.source_dir.parent)


def import_lab_module(module: str, solutions_dir: Path = SOLUTIONS_DIR) -> ModuleType:
    """Import ``solutions.<lab>.<part>`` from the checkout that holds ``solutions_dir``."""
    root = str(Path(solutions_dir).resolve().parent)
    if root not in sys.path:
        sys.path.append(root)  # last: nothing installed is shadowed by the checkout
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name):
            raise CourseError(f"the course has no module {module} (looked in {solutions_dir})"
                              ) from exc
        raise


def all_labs(solutions_dir: Path = SOLUTIONS_DIR) -> list[Lab]:
    """Every lab folder under ``solutions_dir``, in lab order."""
    if not solutions_dir.is_dir():
        raise CourseError(
            f"no instructor notebooks at {solutions_dir}: run from a checkout of the course "
            "repository (the solutions are not part of the installed package)"
        )
    labs = [
        Lab(p.name, p)
        for p in solutions_dir.iterdir()
        if p.is_dir() and _LAB_NAME.match(p.name)
    ]
    return sorted(labs, key=lambda lab: int(re.match(r"lab(\d+)", lab.name).group(1)))


def get_lab(name: str, solutions_dir: Path = SOLUTIONS_DIR) -> Lab:
    """The lab called ``name``; a clear error listing the known labs otherwise."""
    labs = {lab.name: lab for lab in all_labs(solutions_dir)}
    if name not in labs:
        known = ", ".join(labs) or "none"
        raise CourseError(f"unknown lab {name!r}; known labs: {known}")
    return labs[name]

"""Where the course lives on disk: the labs, their notebooks and the repository folders."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS_DIR = REPO_ROOT / "solutions"
LABS_DIR = REPO_ROOT / "labs"

_LAB_NAME = re.compile(r"^lab\d+_[a-z0-9_]+$")


class CourseError(Exception):
    """A problem with the course layout or the command's arguments, explained in one line."""


@dataclass(frozen=True)
class Lab:
    """One lab: its folder name (``lab1_knn``) and the instructor notebooks in it."""

    name: str
    source_dir: Path

    @property
    def notebooks(self) -> list[Path]:
        return sorted(self.source_dir.glob("*.ipynb"))


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

"""The student's JupyterLab: nbgrader's student tools switched on, the course kernel, one command.

``nnlabs start`` (the student install) and ``make lab`` (a checkout, ``python -m
course_utils.jupyter labs/``) write a small Jupyter configuration into a folder of its own (by
default ``<venv>/nnlabs-jupyter/``) and start JupyterLab on the labs with that folder first on
Jupyter's search paths:

- nbgrader's student extensions: the **Validate** button in the notebook toolbar and the
  **Assignment List** (menu *Nbgrader*); the instructor tools (formgrader, course list,
  create assignment) are switched off, so students see only what they use.
- nbgrader's configuration for them: the course id and the exchange folder the assignment
  list reads (``NNLABS_COURSE`` and ``NNLABS_EXCHANGE`` override the defaults, so a course
  can point students at its exchange), ``labs/`` as the folder assignments are fetched into,
  and a per-cell time limit for Validate that the labs' longest cells fit in.
- a kernel named ``python3`` (the name the notebooks ask for) that runs this environment's
  Python, so ``course_utils`` and the labs' dependencies are importable whatever other Python
  kernels the machine has. It is shown as "Python 3 (nnlabs)".

Nothing outside that folder is changed: the user's own ``~/.jupyter`` and the environment's
installed extensions stay as they are, and other Jupyter servers are not affected.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

COURSE_ID = "nnlabs"
KERNEL_NAME = "python3"  # the kernelspec name in every lab notebook's metadata
KERNEL_DISPLAY_NAME = "Python 3 (nnlabs)"
# Seconds one cell may run during Validate (nbgrader's default is 30): enough for the labs'
# longest cells on the full data sets on a laptop, short enough that a stuck loop ends.
VALIDATE_CELL_TIMEOUT = 300

STUDENT_SERVER_EXTENSIONS = {
    "nbgrader.server_extensions.assignment_list": True,
    "nbgrader.server_extensions.validate_assignment": True,
    "nbgrader.server_extensions.course_list": False,
    "nbgrader.server_extensions.formgrader": False,
}
INSTRUCTOR_LAB_PLUGINS = [
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:course-list",
    "@jupyter/nbgrader:create-assignment",
]


@dataclass(frozen=True)
class StudentJupyter:
    """The folder written by :func:`write_student_config` and how to point Jupyter at it."""

    folder: Path
    labs_dir: Path
    exchange: Path
    course_id: str

    @property
    def config_dir(self) -> Path:
        return self.folder / "etc"

    @property
    def data_dir(self) -> Path:
        return self.folder / "share"

    def environment(self, base: dict[str, str] | None = None) -> dict[str, str]:
        """``base`` (default ``os.environ``) with this configuration first on Jupyter's paths."""
        env = dict(os.environ if base is None else base)
        env["JUPYTER_CONFIG_PATH"] = _prepend(str(self.config_dir), env.get("JUPYTER_CONFIG_PATH"))
        env["JUPYTER_PATH"] = _prepend(str(self.data_dir), env.get("JUPYTER_PATH"))
        return env


def default_folder() -> Path:
    """Where ``make lab`` keeps its Jupyter configuration: inside the project's environment."""
    return Path(sys.prefix) / "nnlabs-jupyter"


def default_exchange(folder: Path) -> Path:
    return Path(os.environ.get("NNLABS_EXCHANGE") or folder / "exchange")


def write_student_config(
    labs_dir: Path,
    folder: Path | None = None,
    *,
    exchange: Path | None = None,
    course_id: str | None = None,
    disabled_plugins: list[str] = (),
    python: str = sys.executable,
) -> StudentJupyter:
    """Write the student configuration for JupyterLab on ``labs_dir`` into ``folder``.

    ``disabled_plugins`` switches off further JupyterLab plugins (the browser test turns off
    the news announcements, whose pop-up would cover the page). ``python`` is the interpreter
    the ``python3`` kernel runs (default: this one, i.e. the project's environment).
    """
    folder = Path(folder or default_folder()).resolve()
    labs_dir = Path(labs_dir).resolve()
    exchange = Path(exchange or default_exchange(folder)).resolve()
    course_id = course_id or os.environ.get("NNLABS_COURSE") or COURSE_ID
    setup = StudentJupyter(folder, labs_dir, exchange, course_id)

    if folder.exists():
        shutil.rmtree(setup.config_dir, ignore_errors=True)
        shutil.rmtree(setup.data_dir, ignore_errors=True)
    server = {"ServerApp": {"jpserver_extensions": STUDENT_SERVER_EXTENSIONS}}
    _write_json(setup.config_dir / "jupyter_server_config.json", server)
    disabled = {name: True for name in [*INSTRUCTOR_LAB_PLUGINS, *disabled_plugins]}
    _write_json(setup.config_dir / "labconfig" / "page_config.json",
                {"disabledExtensions": disabled})
    nbgrader = {
        "CourseDirectory": {"course_id": course_id},
        "Exchange": {"root": str(exchange), "assignment_dir": str(labs_dir)},
        "Execute": {"timeout": VALIDATE_CELL_TIMEOUT},
    }
    _write_json(setup.config_dir / "nbgrader_config.json", nbgrader)
    kernel = {
        "argv": [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": KERNEL_DISPLAY_NAME,
        "language": "python",
        "metadata": {"debugger": True},
    }
    _write_json(setup.data_dir / "kernels" / KERNEL_NAME / "kernel.json", kernel)
    exchange.mkdir(parents=True, exist_ok=True)
    return setup


def lab_command(setup: StudentJupyter, extra_args: list[str] = ()) -> list[str]:
    """The ``jupyter lab`` command line for ``setup`` (run it with ``setup.environment()``).

    As root (a container, a CI machine) JupyterLab refuses to start unless told it may.
    """
    jupyter = Path(sys.executable).with_name("jupyter")
    program = [str(jupyter)] if jupyter.exists() else [sys.executable, "-m", "jupyter"]
    as_root = ["--ServerApp.allow_root=True"] if getattr(os, "geteuid", lambda: 1)() == 0 else []
    return [*program, "lab", f"--ServerApp.root_dir={setup.labs_dir}", *as_root, *extra_args]


def _prepend(first: str, rest: str | None) -> str:
    others = [p for p in (rest or "").split(os.pathsep) if p and p != first]
    return os.pathsep.join([first, *others])


def _write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m course_utils.jupyter",
        description="Open the labs in JupyterLab with nbgrader's student tools and the course "
        "kernel. Arguments after `--` go to `jupyter lab`.",
    )
    parser.add_argument("labs_dir", nargs="?", default="labs", help="folder to open (labs/)")
    parser.add_argument("--config-dir", type=Path, default=None,
                        help=f"where to write the configuration (default {default_folder()})")
    parser.add_argument("--exchange", type=Path, default=None,
                        help="nbgrader exchange folder (default $NNLABS_EXCHANGE or "
                        "CONFIG_DIR/exchange)")
    parser.add_argument("--course", default=None,
                        help=f"nbgrader course id (default $NNLABS_COURSE or {COURSE_ID})")
    parser.add_argument("--print-env", action="store_true",
                        help="write the configuration, print the environment variables that "
                        "select it, and exit without starting JupyterLab")
    args, extra = parser.parse_known_args(argv)
    extra = [a for a in extra if a != "--"]
    labs_dir = Path(args.labs_dir)
    if not labs_dir.is_dir():
        parser.error(f"no folder {labs_dir}: run from the repository's top folder")
    setup = write_student_config(labs_dir, args.config_dir, exchange=args.exchange,
                                 course_id=args.course)
    env = setup.environment()
    if args.print_env:
        for name in ("JUPYTER_CONFIG_PATH", "JUPYTER_PATH"):
            print(f"export {name}={env[name]}")
        return 0
    command = lab_command(setup, extra)
    print(f"JupyterLab on {setup.labs_dir} (course {setup.course_id}, exchange "
          f"{setup.exchange}, configuration in {setup.folder})", flush=True)
    os.execvpe(command[0], command, env)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())

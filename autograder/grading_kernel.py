"""The kernel that runs submissions during grading: IPython under a memory ceiling.

A submission that allocates more than the machine has (say a (500, 5000, 3072) float array)
would otherwise get its kernel killed by the operating system, and nbgrader then gives up on
the whole notebook. Under an address-space limit the allocation fails with MemoryError in
that one cell; the other cells run and keep their points.

``python -m autograder.grading_kernel -f CONNECTION_FILE`` is what the kernelspec runs.
"""

from __future__ import annotations

import json
import os
import resource
import sys
from pathlib import Path

KERNEL_NAME = "nnlabs-grading"
MEMORY_LIMIT_BYTES = int(os.environ.get("NNLABS_GRADING_MEMORY_GB", "6")) * 2**30


def install_kernelspec(root: Path) -> Path:
    """Write the kernelspec under ``root/kernels`` and make Jupyter find it there."""
    folder = Path(root) / "kernels" / KERNEL_NAME
    folder.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [sys.executable, "-m", "autograder.grading_kernel", "-f", "{connection_file}"],
        "display_name": "Python 3 (grading, memory-limited)",
        "language": "python",
        "env": {"NNLABS_GRADING_MEMORY_BYTES": str(MEMORY_LIMIT_BYTES)},
    }
    (folder / "kernel.json").write_text(json.dumps(spec, indent=1))
    paths = os.environ.get("JUPYTER_PATH", "").split(os.pathsep)
    if str(root) not in paths:
        os.environ["JUPYTER_PATH"] = os.pathsep.join([str(root), *filter(None, paths)])
    return folder


def main() -> None:
    limit = int(os.environ.pop("NNLABS_GRADING_MEMORY_BYTES", MEMORY_LIMIT_BYTES))
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from ipykernel import kernelapp

    # The kernel listens on loopback only; its warning about unencrypted TCP is noise here.
    kernelapp.launch_new_instance(argv=[*sys.argv[1:], "--IPKernelApp.log_level=ERROR"])


if __name__ == "__main__":
    main()

"""Build the student release: ``solutions/<lab>`` -> ``labs/<lab>`` through nbgrader.

``labs/`` is committed so students can clone and start; it is never edited by hand. The test
suite rebuilds it and fails when the committed copy differs.
"""

from __future__ import annotations

import filecmp
import shutil
import tempfile
from pathlib import Path

from course_utils.progress import PROGRESS_FILE

from .course import LABS_DIR, Lab, all_labs, get_lab
from .nbgrader_course import COPY_IGNORE, generate, make_api


def build_release(labs: list[Lab], out_dir: Path) -> list[Path]:
    """Generate the student version of each lab into ``out_dir/<lab>``; return the folders."""
    out_dir = Path(out_dir)
    built = []
    with tempfile.TemporaryDirectory(prefix="nnlabs-release-") as tmp:
        root = Path(tmp)
        api = make_api(root)
        for lab in labs:
            folder = generate(api, root, lab)
            target = out_dir / lab.name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(folder, target, ignore=COPY_IGNORE)
            built.append(target)
    return built


def release(lab_names: list[str] | None = None, out_dir: Path = LABS_DIR) -> list[Path]:
    """Rebuild ``labs/`` (all labs, or the named ones)."""
    labs = [get_lab(n) for n in lab_names] if lab_names else all_labs()
    return build_release(labs, out_dir)


def stale_files(release_dir: Path = LABS_DIR) -> list[str]:
    """Files where ``release_dir`` differs from a fresh build (empty when up to date)."""
    with tempfile.TemporaryDirectory(prefix="nnlabs-fresh-") as tmp:
        fresh = Path(tmp)
        build_release(all_labs(), fresh)
        # What a reader working in labs/ leaves there is not part of the release.
        ignore = [*filecmp.DEFAULT_IGNORES, ".ipynb_checkpoints", PROGRESS_FILE]
        return _differences(filecmp.dircmp(fresh, release_dir, ignore=ignore), Path())


def _differences(cmp: filecmp.dircmp, prefix: Path) -> list[str]:
    diffs = [str(prefix / n) for n in cmp.left_only + cmp.right_only + cmp.diff_files]
    diffs += [str(prefix / n) for n in cmp.funny_files]
    for name, sub in cmp.subdirs.items():
        diffs += _differences(sub, prefix / name)
    # dircmp compares by size and time first; compare contents for files it calls equal.
    for name in cmp.same_files:
        if not filecmp.cmp(Path(cmp.left) / name, Path(cmp.right) / name, shallow=False):
            diffs.append(str(prefix / name))
    return sorted(diffs)

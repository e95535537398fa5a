#!/usr/bin/env python3
"""Build the grader-only held-out CIFAR-10 images that Lab 3's saved network is scored on.

usage: python tools/make_heldout_cifar10.py [--shared DIR] [--cifar-dir DIR] [--out FILE]

Rebuilds the official python layout from ../shared/data with ../shared/bin/cifar10-from-jpg
(about 25 s; or pass --cifar-dir, a folder already holding cifar-10-batches-py/), removes the
500 test images of the bundled subset (course_utils/bundled, which students load), and
draws a class-balanced random slice of the remaining official test images. The result,
``solutions/lab3_two_layer/grader/heldout/cifar10_heldout.npz`` (``X`` uint8 (N, 32, 32, 3),
``y`` int64, ``filenames``: the official ``<class>_<index>.jpg`` names), ships with the
grader only: the sandbox never mounts it, and it is in neither the release nor course_utils.

Deterministic: a fixed seed and fixed zip timestamps, so a rerun writes identical bytes.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from course_utils import data  # noqa: E402

SEED = 20261201
PER_CLASS = 50  # 500 images, about 1.5 MB
OUT = REPO / "solutions" / "lab3_two_layer" / "grader" / "heldout" / "cifar10_heldout.npz"


def bundled_test_names() -> set[str]:
    import pickle
    import tarfile

    # The bundled archive is the project's own file (not a submission), so unpickling is safe.
    with tarfile.open(data.BUNDLED_DIR / "cifar-10-python.tar.gz") as tar:
        batch = pickle.load(tar.extractfile("cifar-10-batches-py/test_batch"), encoding="bytes")
    return {name.decode() for name in batch[b"filenames"]}


def heldout(folder: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    import pickle

    with open(folder / "cifar-10-batches-py" / "test_batch", "rb") as f:
        batch = pickle.load(f, encoding="bytes")
    names = np.array([n.decode() for n in batch[b"filenames"]])
    labels = np.asarray(batch[b"labels"], dtype=np.int64)
    images = np.asarray(batch[b"data"], dtype=np.uint8).reshape(-1, 3, 32, 32)
    taken = bundled_test_names()
    order = np.argsort(names)  # independent of the rebuilt file's shuffle
    rng = np.random.default_rng(SEED)
    chosen = []
    for label in range(10):
        pool = [i for i in order if labels[i] == label and names[i] not in taken]
        chosen += sorted(rng.choice(pool, PER_CLASS, replace=False).tolist(),
                         key=lambda i: names[i])
    chosen = np.array(chosen)[rng.permutation(len(chosen))]
    assert not taken & set(names[chosen])
    return images[chosen].transpose(0, 2, 3, 1).copy(), labels[chosen], names[chosen]


def write_npz(path: Path, **arrays) -> None:
    """An .npz (readable by np.load without pickle) with fixed timestamps."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for key, value in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.ascontiguousarray(value), allow_pickle=False)
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, buffer.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared",
                        help="the shared folder holding bin/ and data/ (default: ../shared)")
    parser.add_argument("--cifar-dir", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.cifar_dir
        if folder is None:
            script = args.shared / "bin" / "cifar10-from-jpg"
            subprocess.run([sys.executable, str(script), tmp], check=True)
            folder = Path(tmp)
        X, y, names = heldout(folder)
    write_npz(args.out, X=X, y=y, filenames=names)
    print(f"wrote {args.out}: {len(y)} images, per class {np.bincount(y).tolist()}")


if __name__ == "__main__":
    main()

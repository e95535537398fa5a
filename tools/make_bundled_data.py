#!/usr/bin/env python3
"""Build the small real-data subsets shipped in course_utils/bundled/ from ../shared/data.

usage: python tools/make_bundled_data.py [--shared DIR] [--cifar-dir DIR] [--out DIR]

- CIFAR-10: rebuilds the official python layout with ../shared/bin/cifar10-from-jpg (about
  25 s; or pass --cifar-dir, a folder already holding cifar-10-batches-py/), picks a
  class-balanced random subset and writes it as an official-format cifar-10-python.tar.gz
  (data_batch_1..5, test_batch, batches.meta: the same pickled dicts, fewer images).
- MNIST: picks a class-balanced random subset of the official IDX files and writes the four
  *-idx?-ubyte.gz files.
- Writes README.md describing the subset.

Deterministic: fixed seeds, sorted tar members, mtime 0 in tar and gzip headers, so a rerun
with the same inputs (and the same Python/zlib) writes identical bytes.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import pickle
import struct
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from course_utils import data, data_formats  # noqa: E402

SEED = 231
CIFAR_TRAIN_PER_CLASS = 200  # 2,000 train images
CIFAR_TEST_PER_CLASS = 50  # 500 test images
MNIST_TRAIN_PER_CLASS = 200  # 2,000 train images
MNIST_TEST_PER_CLASS = 50  # 500 test images


def balanced(y: np.ndarray, per_class: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of ``per_class`` random examples of each class, in a random order."""
    picks = [np.sort(rng.choice(np.flatnonzero(y == c), per_class, replace=False))
             for c in range(10)]
    idx = np.concatenate(picks)
    return idx[rng.permutation(len(idx))]


def gz(raw: bytes) -> bytes:
    return gzip.compress(raw, compresslevel=9, mtime=0)


# ---------------------------------------------------------------------------------- CIFAR-10

def read_batches(folder: Path, names) -> dict[bytes, list]:
    """Concatenate official batch files, keeping the planes layout and the file names."""
    out = {b"data": [], b"labels": [], b"filenames": []}
    for n in names:
        path = folder / n
        d = data_formats.unpickle(path.read_bytes(), str(path), "rebuild it")
        out[b"data"].append(d[b"data"])
        out[b"labels"].extend(d[b"labels"])
        out[b"filenames"].extend(d[b"filenames"])
    out[b"data"] = np.concatenate(out[b"data"])
    return out


def batch_bytes(label: str, X: np.ndarray, y: np.ndarray, names: list[bytes]) -> bytes:
    batch = {b"batch_label": label.encode(), b"labels": [int(v) for v in y],
             b"data": np.ascontiguousarray(X), b"filenames": list(names)}
    return pickle.dumps(batch, protocol=4)


def make_cifar(cifar_dir: Path, out: Path, rng: np.random.Generator) -> dict:
    folder = cifar_dir / data_formats.CIFAR10_FOLDER
    train = read_batches(folder, data_formats.CIFAR10_TRAIN_BATCHES)
    test = read_batches(folder, [data_formats.CIFAR10_TEST_BATCH])
    files: dict[str, bytes] = {}
    counts = {}
    for split, src, per_class in (("train", train, CIFAR_TRAIN_PER_CLASS),
                                  ("test", test, CIFAR_TEST_PER_CLASS)):
        y_all = np.asarray(src[b"labels"])
        idx = balanced(y_all, per_class, rng)
        X, y = src[b"data"][idx], y_all[idx]
        names = [src[b"filenames"][i] for i in idx]
        counts[split] = len(idx)
        if split == "train":
            size = len(idx) // 5
            for b in range(5):
                s = slice(b * size, (b + 1) * size)
                files[f"data_batch_{b + 1}"] = batch_bytes(
                    f"training batch {b + 1} of 5 (nnlabs bundled subset)", X[s], y[s], names[s])
        else:
            files["test_batch"] = batch_bytes(
                "testing batch 1 of 1 (nnlabs bundled subset)", X, y, names)
    meta = {b"num_cases_per_batch": counts["train"] // 5,
            b"label_names": [c.encode() for c in data.CIFAR10_CLASSES], b"num_vis": 3072}
    files["batches.meta"] = pickle.dumps(meta, protocol=4)

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name in sorted(files):
            info = tarfile.TarInfo(f"{data_formats.CIFAR10_FOLDER}/{name}")
            info.size, info.mtime, info.mode = len(files[name]), 0, 0o644
            tar.addfile(info, io.BytesIO(files[name]))
    (out / data_formats.CIFAR10_ARCHIVE).write_bytes(gz(buf.getvalue()))
    return counts


# ------------------------------------------------------------------------------------- MNIST

def idx_bytes(arr: np.ndarray, magic: int) -> bytes:
    return struct.pack(f">i{arr.ndim}I", magic, *arr.shape) + arr.astype(np.uint8).tobytes()


def make_mnist(mnist_dir: Path, out: Path, rng: np.random.Generator) -> dict:
    full = data.load_mnist(mnist_dir, verbose=False)
    counts = {}
    for split, X_all, y_all, per_class, prefix in (
            ("train", full.X_train, full.y_train, MNIST_TRAIN_PER_CLASS, "train"),
            ("test", full.X_test, full.y_test, MNIST_TEST_PER_CLASS, "t10k")):
        idx = balanced(y_all, per_class, rng)
        (out / f"{prefix}-images-idx3-ubyte.gz").write_bytes(gz(idx_bytes(X_all[idx], 2051)))
        (out / f"{prefix}-labels-idx1-ubyte.gz").write_bytes(gz(idx_bytes(y_all[idx], 2049)))
        counts[split] = len(idx)
    return counts


# ------------------------------------------------------------------------------------ README

README = """\
# Bundled data subsets

Small subsets of the real CIFAR-10 and MNIST images, shipped so that every lab runs offline.
`course_utils.data.load_cifar10()` / `load_mnist()` fall back on them (with a one-line
notice) when the full data sets are neither given, cached, nor downloadable; pass
`path=course_utils.data.BUNDLED_DIR` (or set `NNLABS_DATA` to this folder) to use them on
purpose. They are in the official file formats, read by the same code as the full sets.

| file | sha256 (first 16 hex digits) | size |
| --- | --- | --- |
{rows}

## CIFAR-10: {cifar_train:,} train / {cifar_test:,} test images
`cifar-10-python.tar.gz` has the layout of the official "CIFAR-10 python version" archive:
`cifar-10-batches-py/data_batch_1..5` ({per_batch} images each), `test_batch` and
`batches.meta`, pickled dicts with `b"data"` uint8 (N, 3072) as R, G, B planes of 32x32,
`b"labels"`, `b"filenames"`, `b"batch_label"`.
Class-balanced: {cifar_train_pc} train and {cifar_test_pc} test images per class, drawn at
random (numpy `default_rng({seed})`) from the official train and test splits and shuffled.
The pixels come from the JPEG copies in `../shared/data/cifar10/cifar10-jpg.tar.gz`, turned
back into the official layout by `../shared/bin/cifar10-from-jpg`: JPEG is lossy, so they
differ slightly from the original release (accuracies land within about a point).

## MNIST: {mnist_train:,} train / {mnist_test:,} test images
The four IDX files `train-images-idx3-ubyte.gz`, `train-labels-idx1-ubyte.gz`,
`t10k-images-idx3-ubyte.gz`, `t10k-labels-idx1-ubyte.gz` (magic 2051/2049, 28x28 uint8).
Class-balanced: {mnist_train_pc} train and {mnist_test_pc} test images per class, drawn at
random from the official files in `../shared/data/mnist/` (the original pixels, unchanged)
and shuffled.

## Rebuilding
    python tools/make_bundled_data.py        # needs ../shared/data, numpy and Pillow

Deterministic: fixed seed, mtime 0 in the tar and gzip headers, so a rerun writes the same
bytes (with the same Python and zlib).
"""


def write_readme(out: Path, cifar: dict, mnist: dict) -> None:
    rows = []
    for f in sorted(out.iterdir()):
        if f.name == "README.md":
            continue
        digest = hashlib.sha256(f.read_bytes()).hexdigest()[:16]
        rows.append(f"| `{f.name}` | {digest} | {f.stat().st_size:,} bytes |")
    text = README.format(
        rows="\n".join(rows), seed=SEED, per_batch=cifar["train"] // 5,
        cifar_train=cifar["train"], cifar_test=cifar["test"],
        cifar_train_pc=CIFAR_TRAIN_PER_CLASS, cifar_test_pc=CIFAR_TEST_PER_CLASS,
        mnist_train=mnist["train"], mnist_test=mnist["test"],
        mnist_train_pc=MNIST_TRAIN_PER_CLASS, mnist_test_pc=MNIST_TEST_PER_CLASS)
    (out / "README.md").write_text(text)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared",
                    help="the shared folder holding data/ and bin/ (default: ../shared)")
    ap.add_argument("--cifar-dir", type=Path, default=None,
                    help="a folder already holding cifar-10-batches-py/ from cifar10-from-jpg")
    ap.add_argument("--out", type=Path, default=data.BUNDLED_DIR)
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory() as tmp:
        cifar_dir = args.cifar_dir
        if cifar_dir is None:
            cifar_dir = Path(tmp)
            print("rebuilding CIFAR-10 from the JPEG copies (about 25 s)...", flush=True)
            subprocess.run([sys.executable, str(args.shared / "bin" / "cifar10-from-jpg"),
                            str(cifar_dir)], check=True, stdout=subprocess.DEVNULL)
        cifar = make_cifar(cifar_dir, args.out, np.random.default_rng(SEED))
    mnist = make_mnist(args.shared / "data" / "mnist", args.out, np.random.default_rng(SEED))
    write_readme(args.out, cifar, mnist)

    # Check that the loaders read what we wrote.
    # (extract=False: read the archive in memory, write nothing next to it)
    archive = args.out / data_formats.CIFAR10_ARCHIVE
    cX, cy, cXt, cyt, _ = data_formats.read_cifar(("archive", archive), "rebuild it", False)
    m = data.load_mnist(args.out, verbose=False)
    assert np.bincount(cy).tolist() == [CIFAR_TRAIN_PER_CLASS] * 10
    assert np.bincount(cyt).tolist() == [CIFAR_TEST_PER_CLASS] * 10
    assert np.bincount(m.y_train).tolist() == [MNIST_TRAIN_PER_CLASS] * 10
    assert np.bincount(m.y_test).tolist() == [MNIST_TEST_PER_CLASS] * 10
    total = sum(f.stat().st_size for f in args.out.iterdir())
    print(f"CIFAR-10 {cX.shape} / {cXt.shape}; MNIST {m.X_train.shape} / "
          f"{m.X_test.shape}; {args.out}: {total / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

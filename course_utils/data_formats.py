"""The official file formats of the course data sets, read safely, and the data errors.

CIFAR-10 comes as python pickles (read with an unpickler that only rebuilds numpy arrays and
plain containers, so a hostile file cannot run code), MNIST as IDX files (optionally gzipped).
Every problem raises :class:`DataError` with one line naming the file, what is wrong and what
to do (the ``hint`` each reader is given). Where the files come from is
:mod:`course_utils.data_sources`.
"""

from __future__ import annotations

import codecs
import gzip
import io
import os
import pickle
import struct
import tarfile
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import numpy as np

CIFAR10_CLASSES: tuple[str, ...] = (
    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
)
MNIST_CLASSES: tuple[str, ...] = tuple(str(d) for d in range(10))

CIFAR10_ARCHIVE = "cifar-10-python.tar.gz"
CIFAR10_FOLDER = "cifar-10-batches-py"
CIFAR10_TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))
CIFAR10_TEST_BATCH = "test_batch"
CIFAR10_META = "batches.meta"

#: The four official MNIST files, by role.
MNIST_FILES: dict[str, str] = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}

_IDX_IMAGES_MAGIC = 2051
_IDX_LABELS_MAGIC = 2049


class DataError(Exception):
    """A data file is missing, truncated, corrupt or not what it should be.

    The message is one line: the file's path, what is wrong, and what to do about it.
    """


class DownloadError(DataError):
    """A download could not be completed (no network, server down, timeout, disk error)."""


class ChecksumError(DataError):
    """A downloaded file does not have the expected hash."""



# CIFAR-10: the official python pickles ------------------------------------------------------


class _Forbidden(Exception):
    pass


def _numpy_pickle_globals() -> dict[tuple[str, str], object]:
    """The only globals a CIFAR-10 batch needs: numpy's array/dtype rebuilders."""
    a = np.zeros(2)
    reconstruct = a.__reduce__()[0]
    frombuffer = a.__reduce_ex__(5)[0]
    scalar = np.float64(0).__reduce__()[0]
    allowed: dict[tuple[str, str], object] = {
        ("numpy", "ndarray"): np.ndarray,
        ("numpy", "dtype"): np.dtype,
        ("_codecs", "encode"): codecs.encode,  # bytes pickled by Python 3 with protocol 2
        ("builtins", "bytearray"): bytearray,
    }
    for mod in ("numpy.core.multiarray", "numpy._core.multiarray"):
        allowed[(mod, "_reconstruct")] = reconstruct
        allowed[(mod, "scalar")] = scalar
    for mod in ("numpy.core.numeric", "numpy._core.numeric"):
        allowed[(mod, "_frombuffer")] = frombuffer
    return allowed


_ALLOWED_GLOBALS = _numpy_pickle_globals()


class _RestrictedUnpickler(pickle.Unpickler):
    """Unpickles only plain containers and numpy arrays: never runs code from the file."""

    def find_class(self, module: str, name: str):
        try:
            return _ALLOWED_GLOBALS[(module, name)]
        except KeyError:
            raise _Forbidden(f"{module}.{name}") from None


def unpickle(raw: bytes, name: str, hint: str):
    try:
        return _RestrictedUnpickler(io.BytesIO(raw), encoding="bytes").load()
    except _Forbidden as exc:
        raise DataError(
            f"{name} is not a CIFAR-10 batch file (unexpected object {exc}); {hint}"
        ) from None
    except (EOFError, pickle.UnpicklingError) as exc:
        raise DataError(
            f"{name} is truncated or corrupt (read {len(raw):,} bytes; {exc}); {hint}"
        ) from None
    except Exception as exc:  # malformed pickles raise all sorts of errors
        raise DataError(
            f"{name} is not a CIFAR-10 batch file ({type(exc).__name__}: {exc}); {hint}"
        ) from None


def _parse_cifar_batch(raw: bytes, name: str, hint: str) -> tuple[np.ndarray, np.ndarray]:
    """Bytes of one official batch file -> X (N, 32, 32, 3) uint8, y (N,) int64."""
    obj = unpickle(raw, name, hint)
    if not isinstance(obj, dict):
        raise DataError(f"{name} is not a CIFAR-10 batch file (it holds a "
                        f"{type(obj).__name__}, not a dict); {hint}")
    obj = {k.encode() if isinstance(k, str) else k: v for k, v in obj.items()}
    if b"data" not in obj or b"labels" not in obj:
        raise DataError(f"{name} is not a CIFAR-10 batch file (no 'data' and 'labels' "
                        f"entries); {hint}")
    data = obj[b"data"]
    if not isinstance(data, np.ndarray):
        raise DataError(f"{name} is not a CIFAR-10 batch file (its data is a "
                        f"{type(data).__name__}, not a uint8 array); {hint}")
    if data.dtype != np.uint8 or data.ndim != 2 or data.shape[1] != 3 * 32 * 32:
        raise DataError(f"{name} has data of shape {data.shape} and dtype {data.dtype}; "
                        f"a CIFAR-10 batch holds uint8 (N, 3072); {hint}")
    try:
        labels = np.asarray(obj[b"labels"], dtype=np.int64)
    except (TypeError, ValueError):
        labels = None
    if labels is None or labels.ndim != 1:
        raise DataError(f"{name} has labels that are not a list of integers; {hint}")
    if len(labels) != len(data):
        raise DataError(f"{name} has {len(labels):,} labels for {len(data):,} images; {hint}")
    if len(labels) and (labels.min() < 0 or labels.max() > 9):
        raise DataError(f"{name} has labels outside 0..9 (min {labels.min()}, max "
                        f"{labels.max()}); {hint}")
    # R, G, B planes of 32x32 -> (N, 32, 32, 3), height-width-channel.
    X = np.ascontiguousarray(data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))
    return X, labels


def _parse_cifar_meta(raw: bytes, name: str, hint: str) -> tuple[str, ...]:
    obj = unpickle(raw, name, hint)
    names = None
    if isinstance(obj, dict):
        obj = {k.encode() if isinstance(k, str) else k: v for k, v in obj.items()}
        names = obj.get(b"label_names")
    if not isinstance(names, (list, tuple)) or len(names) != 10:
        raise DataError(f"{name} is not a CIFAR-10 batches.meta file (expected 10 label "
                        f"names); {hint}")
    return tuple(n.decode() if isinstance(n, bytes) else str(n) for n in names)


def _cifar_names() -> tuple[str, ...]:
    return (*CIFAR10_TRAIN_BATCHES, CIFAR10_TEST_BATCH)


def find_cifar(folder: Path):
    """('dir', batches folder) or ('archive', tar.gz path), or None."""
    for batches in (folder / CIFAR10_FOLDER, folder):
        if all((batches / n).is_file() for n in _cifar_names()):
            return ("dir", batches)
    archive = folder / CIFAR10_ARCHIVE
    if archive.is_file():
        return ("archive", archive)
    return None


def _read_file(path: Path, hint: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DataError(f"{path} could not be read ({exc.strerror or exc}); {hint}") from None


def cifar_archive_members(archive: Path, hint: str) -> Iterator[tuple[str, bytes]]:
    """Yield (name, bytes) of the batch files (and batches.meta) in an official archive."""
    wanted = {*_cifar_names(), CIFAR10_META}
    seen: set[str] = set()
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                name = PurePosixPath(member.name).name
                if not member.isfile() or name not in wanted or name in seen:
                    continue
                seen.add(name)
                f = tar.extractfile(member)
                yield name, f.read()
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise DataError(f"{archive} is truncated or not a CIFAR-10 archive "
                        f"({type(exc).__name__}: {exc}); {hint}") from None
    missing = [n for n in _cifar_names() if n not in seen]
    if missing:
        raise DataError(f"{archive} is not a complete CIFAR-10 archive (no "
                        f"{', '.join(missing)}); {hint}")


def write_member(folder: Path, name: str, raw: bytes, *, strict: bool) -> bool:
    """Write one extracted file atomically; returns False on failure unless ``strict``."""
    part = folder / (name + ".part")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        part.write_bytes(raw)
        os.replace(part, folder / name)
        return True
    except OSError as exc:
        try:
            part.unlink(missing_ok=True)
        except OSError:
            pass
        if strict:
            raise DataError(f"{folder / name} could not be written ({exc.strerror or exc}); "
                            "free some disk space or set NNLABS_CACHE to a writable "
                            "folder") from None
        return False


def read_cifar(layout, hint: str, extract: bool):
    kind, where = layout
    parts: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    classes = CIFAR10_CLASSES
    if kind == "dir":
        for n in _cifar_names():
            parts[n] = _parse_cifar_batch(_read_file(where / n, hint), str(where / n), hint)
        meta = where / CIFAR10_META
        if meta.is_file():
            classes = _parse_cifar_meta(_read_file(meta, hint), str(meta), hint)
    else:
        # The archive: extract next to it (so the next load is fast) when we may and can,
        # else just read it in memory.
        out = where.parent / CIFAR10_FOLDER
        for n, raw in cifar_archive_members(where, hint):
            if extract:
                extract = write_member(out, n, raw, strict=False)
            label = f"{where}:{CIFAR10_FOLDER}/{n}"
            if n == CIFAR10_META:
                classes = _parse_cifar_meta(raw, label, hint)
            else:
                parts[n] = _parse_cifar_batch(raw, label, hint)
    X_train = np.concatenate([parts[n][0] for n in CIFAR10_TRAIN_BATCHES])
    y_train = np.concatenate([parts[n][1] for n in CIFAR10_TRAIN_BATCHES])
    X_test, y_test = parts[CIFAR10_TEST_BATCH]
    return X_train, y_train, X_test, y_test, classes



# MNIST: IDX files ---------------------------------------------------------------------------


def _mnist_candidates(gz_name: str) -> tuple[str, ...]:
    stem = gz_name[:-3]  # "train-images-idx3-ubyte"
    dotted = stem.replace("-idx", ".idx")  # "train-images.idx3-ubyte", as some copies name it
    return (gz_name, stem, dotted + ".gz", dotted)


def find_mnist(folder: Path):
    found = {}
    for role, gz_name in MNIST_FILES.items():
        for cand in _mnist_candidates(gz_name):
            if (folder / cand).is_file():
                found[role] = folder / cand
                break
        else:
            return None
    return ("files", folder, found)


def _read_maybe_gzip(path: Path, hint: str) -> bytes:
    raw = _read_file(path, hint)
    if raw[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(raw)
        except (EOFError, OSError, zlib.error) as exc:
            raise DataError(f"{path} is truncated or not a valid gzip file ({exc}); "
                            f"{hint}") from None
    if path.suffix == ".gz":
        raise DataError(f"{path} is not a gzip file (it does not start with the gzip "
                        f"signature); {hint}")
    return raw


def _read_idx(path: Path, magic: int, hint: str) -> np.ndarray:
    """An IDX file of unsigned bytes -> array with the dimensions in its header."""
    raw = _read_maybe_gzip(path, hint)
    what = "image" if magic == _IDX_IMAGES_MAGIC else "label"
    if len(raw) < 4:
        raise DataError(f"{path} is truncated ({len(raw)} bytes, too short for an IDX "
                        f"header); {hint}")
    (found,) = struct.unpack(">i", raw[:4])
    if found != magic:
        raise DataError(f"{path} is not an IDX {what} file (magic number {found}, expected "
                        f"{magic}); {hint}")
    ndim = raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DataError(f"{path} is truncated (its IDX header is incomplete); {hint}")
    dims = struct.unpack(f">{ndim}I", raw[4:header])
    want = (dims[0], 28, 28) if magic == _IDX_IMAGES_MAGIC else (dims[0],)
    if dims != want:
        raise DataError(f"{path} has IDX dimensions {dims}; MNIST {what}s should be "
                        f"{want}; {hint}")
    size = int(np.prod(dims))
    body = len(raw) - header
    if body != size:
        problem = "is truncated" if body < size else "has extra bytes"
        raise DataError(f"{path} {problem} ({body:,} bytes of data, its header says "
                        f"{size:,}); {hint}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims).copy()


def read_mnist(layout, hint: str, extract: bool):
    _, _, files = layout
    arrays = {}
    for split in ("train", "test"):
        img_path, lab_path = files[f"{split}_images"], files[f"{split}_labels"]
        X = _read_idx(img_path, _IDX_IMAGES_MAGIC, hint)
        y = _read_idx(lab_path, _IDX_LABELS_MAGIC, hint).astype(np.int64)
        if len(y) != len(X):
            raise DataError(f"{lab_path} has {len(y):,} labels but {img_path.name} has "
                            f"{len(X):,} images; {hint}")
        if len(y) and y.max() > 9:
            raise DataError(f"{lab_path} has labels outside 0..9 (max {y.max()}); {hint}")
        arrays[split] = (X, y)
    return (*arrays["train"], *arrays["test"], MNIST_CLASSES)

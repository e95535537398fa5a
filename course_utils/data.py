"""Getting the course data sets into numpy arrays, and the preprocessing helpers the labs share.

Loading
-------
``load_cifar10()`` and ``load_mnist()`` return a :class:`Dataset` of uint8 images and int64
labels. They look for the official files in this order and use the first place that has them:

1. the ``path`` argument (a folder with the official files; nothing else is tried),
2. the folder named by the environment variable ``NNLABS_DATA`` (or its ``cifar10/`` /
   ``mnist/`` subfolder),
3. the user cache: ``NNLABS_CACHE`` if set, else ``pooch.os_cache("nnlabs")``,
4. a hash-checked download of the official files into that cache (skipped when
   ``download=False`` or ``NNLABS_OFFLINE=1``),
5. the small subset of real images bundled with the package (:data:`BUNDLED_DIR`), with a
   one-line notice.

Every problem with a data file raises :class:`DataError` with a one-line message that names the
file, says what is wrong and what to do.

Preprocessing
-------------
:func:`split_validation`, :func:`subsample`, :func:`flatten`, :class:`Standardizer` /
:func:`standardize` and :func:`minibatches`: plain numpy, no hidden state.
"""

from __future__ import annotations

import codecs
import gzip
import io
import os
import pickle
import re
import struct
import tarfile
import warnings
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlparse

import numpy as np

__all__ = [
    "BUNDLED_DIR",
    "CIFAR10_CLASSES",
    "CIFAR10_HASH",
    "CIFAR10_URL",
    "MNIST_BASE_URLS",
    "MNIST_CLASSES",
    "MNIST_FILES",
    "MNIST_HASHES",
    "ChecksumError",
    "DataError",
    "Dataset",
    "DownloadError",
    "Standardizer",
    "default_cache_dir",
    "download_cifar10",
    "download_mnist",
    "flatten",
    "load_cifar10",
    "load_mnist",
    "minibatches",
    "split_validation",
    "standardize",
    "subsample",
]

# --------------------------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------------------------

CIFAR10_CLASSES: tuple[str, ...] = (
    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
)
MNIST_CLASSES: tuple[str, ...] = tuple(str(d) for d in range(10))

#: The small subsets of real CIFAR-10 and MNIST images shipped inside the package, in the
#: official file formats (see ``bundled/README.md``).
BUNDLED_DIR: Path = Path(__file__).resolve().parent / "bundled"

CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
CIFAR10_HASH = "md5:c58f30108f718f92721af3b95e74349a"
CIFAR10_ARCHIVE = "cifar-10-python.tar.gz"
CIFAR10_FOLDER = "cifar-10-batches-py"
CIFAR10_TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))
CIFAR10_TEST_BATCH = "test_batch"
CIFAR10_META = "batches.meta"

MNIST_BASE_URLS: tuple[str, ...] = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)
#: The four official MNIST files, by role.
MNIST_FILES: dict[str, str] = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}
#: md5 of the official .gz files (as published by torchvision).
MNIST_HASHES: dict[str, str] = {
    "train-images-idx3-ubyte.gz": "md5:f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "md5:d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "md5:9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "md5:ec29112dd5afa0611ce80d1b7f02629c",
}

DOWNLOAD_TIMEOUT = 10  # seconds to wait for a server before giving up on it

ENV_DATA = "NNLABS_DATA"
ENV_CACHE = "NNLABS_CACHE"
ENV_OFFLINE = "NNLABS_OFFLINE"

_HINT_USER = "replace it with an intact copy of the official file"
_HINT_CACHE = "delete it and run again to re-download"
_HINT_BUNDLED = "reinstall nnlabs to restore the bundled data"

_IDX_IMAGES_MAGIC = 2051
_IDX_LABELS_MAGIC = 2049


# --------------------------------------------------------------------------------------------
# Errors and the Dataset container
# --------------------------------------------------------------------------------------------


class DataError(Exception):
    """A data file is missing, truncated, corrupt or not what it should be.

    The message is one line: the file's path, what is wrong, and what to do about it.
    """


class DownloadError(DataError):
    """A download could not be completed (no network, server down, timeout, disk error)."""


class ChecksumError(DataError):
    """A downloaded file does not have the expected hash."""


@dataclass(frozen=True, eq=False, repr=False)
class Dataset:
    """A data set as numpy arrays.

    Attributes:
        X_train: uint8 images, (N_train, 32, 32, 3) for CIFAR-10 (height, width, RGB) or
            (N_train, 28, 28) for MNIST.
        y_train: int64 labels, (N_train,), values in ``range(len(classes))``.
        X_test, y_test: the same for the test split.
        classes: the class names; ``classes[y]`` names label ``y``.
        source: where the arrays came from (a folder, or "bundled subset (...)").
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    classes: tuple[str, ...]
    source: str

    def __repr__(self) -> str:
        return (
            f"Dataset(X_train={_describe(self.X_train)}, y_train={_describe(self.y_train)}, "
            f"X_test={_describe(self.X_test)}, y_test={_describe(self.y_test)}, "
            f"classes={len(self.classes)}, source={self.source!r})"
        )

    def summary(self) -> str:
        """A few lines giving the shapes, dtypes, classes and source."""
        return "\n".join([
            f"source:  {self.source}",
            f"X_train: {_describe(self.X_train):<28} y_train: {_describe(self.y_train)}",
            f"X_test:  {_describe(self.X_test):<28} y_test:  {_describe(self.y_test)}",
            f"classes: {', '.join(self.classes)}",
        ])


def _describe(a: np.ndarray) -> str:
    return f"{tuple(a.shape)} {a.dtype}"


# --------------------------------------------------------------------------------------------
# Where the files are: user path, NNLABS_DATA, cache, download, bundled
# --------------------------------------------------------------------------------------------


def default_cache_dir() -> Path:
    """The user cache folder: ``$NNLABS_CACHE`` if set, else ``pooch.os_cache("nnlabs")``."""
    env = os.environ.get(ENV_CACHE)
    if env:
        return Path(env).expanduser()
    import pooch

    return Path(pooch.os_cache("nnlabs"))


def _offline() -> bool:
    return os.environ.get(ENV_OFFLINE, "").strip().lower() in {"1", "true", "yes"}


def _is_bundled(p: Path) -> bool:
    try:
        p.resolve().relative_to(BUNDLED_DIR)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class _Kind:
    name: str  # "CIFAR-10"
    subdir: str  # subfolder of NNLABS_DATA and of the cache
    expected: str  # what we look for, for messages
    find: Callable  # (folder) -> layout tuple (kind, where, ...) or None
    read: Callable  # (layout, hint, extract) -> (X_train, y_train, X_test, y_test, classes)
    download: Callable  # (cache_folder, verbose) -> None


def _load(kind: _Kind, path, download: bool, verbose: bool) -> Dataset:
    # 1. an explicit folder: use it or fail, no fallback.
    if path is not None:
        folder = Path(path).expanduser()
        if not folder.is_dir():
            raise DataError(
                f"{folder} is not a folder; pass the folder that holds {kind.expected}"
            )
        layout = kind.find(folder)
        if layout is None:
            raise DataError(
                f"{folder} does not hold {kind.expected}; put the official files there "
                f"or call without path= to use the cache, a download or the bundled subset"
            )
        return _finish(kind, layout, _HINT_USER, verbose, via="path=")

    # 2. NNLABS_DATA: missing files just fall through.
    env = os.environ.get(ENV_DATA)
    if env:
        root = Path(env).expanduser()
        for folder in (root, root / kind.subdir):
            layout = kind.find(folder) if folder.is_dir() else None
            if layout is not None:
                return _finish(kind, layout, _HINT_USER, verbose, via=ENV_DATA)

    # 3. the cache.
    cache = default_cache_dir() / kind.subdir
    layout = kind.find(cache) if cache.is_dir() else None
    if layout is not None:
        return _finish(kind, layout, _HINT_CACHE, verbose)

    # 4. a download into the cache.
    if not download:
        reason = "download=False"
    elif _offline():
        reason = f"{ENV_OFFLINE}=1"
    else:
        try:
            kind.download(cache, verbose)
        except ChecksumError:
            raise
        except DownloadError as exc:
            reason = f"download failed: {_shorten(str(exc))}"
        else:
            layout = kind.find(cache)
            if layout is None:  # pragma: no cover - download_* guarantees the files
                raise DataError(f"{cache} does not hold {kind.expected} after the download; "
                                f"delete it and run again")
            return _finish(kind, layout, _HINT_CACHE, verbose)

    # 5. the bundled subset.
    layout = kind.find(BUNDLED_DIR) if BUNDLED_DIR.is_dir() else None
    if layout is None:
        raise DataError(
            f"{BUNDLED_DIR} does not hold the bundled {kind.name} subset and the full set "
            f"could not be found or downloaded ({reason}); {_HINT_BUNDLED}, or pass path= "
            f"a folder with the official files"
        )
    return _finish(kind, layout, _HINT_BUNDLED, verbose, reason=reason)


def _finish(kind, layout, hint, verbose, *, via=None, reason=None) -> Dataset:
    where = layout[1]
    bundled = _is_bundled(where)
    if bundled:
        hint = _HINT_BUNDLED
    X_train, y_train, X_test, y_test, classes = kind.read(layout, hint, not bundled)
    counts = f"{len(X_train):,} train / {len(X_test):,} test"
    if bundled:
        source = f"bundled subset ({counts})"
        if verbose:
            if reason is not None:
                why = f"the full set could not be found or downloaded ({reason})"
            else:
                why = f"{via} points at it, not at the full set"
            print(f"Using the bundled {kind.name} subset ({counts} images): {why}; "
                  f"see README 'Data'.")
    else:
        source = str(where)
        if verbose:
            print(f"Loaded {kind.name} from {where} ({counts} images).")
    return Dataset(X_train, y_train, X_test, y_test, tuple(classes), source)


def _shorten(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --------------------------------------------------------------------------------------------
# Downloads (pooch)
# --------------------------------------------------------------------------------------------


def _retrieve(url: str, known_hash: str | None, folder: Path, fname: str, verbose: bool) -> Path:
    """Download ``url`` to ``folder/fname`` with pooch unless a file with that hash is there."""
    import pooch
    import requests

    target = folder / fname
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DownloadError(f"cannot create the cache folder {folder} ({exc}); "
                            f"set {ENV_CACHE} to a writable folder") from None
    downloader = pooch.HTTPDownloader(
        progressbar=verbose, timeout=DOWNLOAD_TIMEOUT, chunk_size=1 << 16
    )
    logger = pooch.get_logger()
    level = logger.level
    if not verbose:
        logger.setLevel("WARNING")
    try:
        return Path(pooch.retrieve(url, known_hash, fname=fname, path=folder,
                                   downloader=downloader))
    except ValueError as exc:
        found = re.search(r"but got (\w+)", str(exc))
        alg = known_hash.split(":")[0] if known_hash and ":" in known_hash else "sha256"
        got = f"{alg}:{found.group(1)}" if found else "a different hash"
        raise ChecksumError(
            f"{target} downloaded from {url} has hash {got} but {known_hash} was expected; "
            f"the download was deleted: try again later, or check the URL and hash"
        ) from None
    except requests.RequestException as exc:
        raise DownloadError(_network_reason(exc, url)) from None
    except OSError as exc:
        raise DownloadError(f"{target} could not be written ({exc.strerror or exc}); set "
                            f"{ENV_CACHE} to a writable folder") from None
    finally:
        logger.setLevel(level)


def _network_reason(exc, url: str) -> str:
    import requests

    host = urlparse(url).netloc or url
    if isinstance(exc, requests.Timeout):
        return f"{host} did not answer within {DOWNLOAD_TIMEOUT} s"
    if isinstance(exc, requests.ConnectionError):
        return f"could not connect to {host}"
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        return f"{url} answered HTTP {exc.response.status_code}"
    return _shorten(f"{url}: {type(exc).__name__}: {exc}")


def download_cifar10(cache_dir, *, url: str = CIFAR10_URL, known_hash: str = CIFAR10_HASH,
                     verbose: bool = True) -> Path:
    """Download the official CIFAR-10 archive into ``cache_dir`` and extract it there.

    The archive is saved as ``cache_dir/cifar-10-python.tar.gz`` (kept, and not downloaded
    again while its hash matches) and extracted to ``cache_dir/cifar-10-batches-py/``.

    Args:
        cache_dir: the folder to download into (created if needed).
        url: where to download from.
        known_hash: the archive's expected hash, ``"md5:..."`` or ``"sha256:..."`` (pooch
            syntax; a bare hex string is sha256).
        verbose: show a progress bar.

    Returns:
        The path of the extracted ``cifar-10-batches-py`` folder.

    Raises:
        ChecksumError: the downloaded file does not have ``known_hash`` (it is deleted).
        DownloadError: the server could not be reached or the transfer failed.
        DataError: the archive is not a valid CIFAR-10 archive.
    """
    cache_dir = Path(cache_dir)
    archive = _retrieve(url, known_hash, cache_dir, CIFAR10_ARCHIVE, verbose)
    for name, raw in _cifar_archive_members(archive, _HINT_CACHE):
        _write_member(cache_dir / CIFAR10_FOLDER, name, raw, strict=True)
    return cache_dir / CIFAR10_FOLDER


def download_mnist(cache_dir, *, base_urls=MNIST_BASE_URLS, known_hashes=None,
                   verbose: bool = True) -> Path:
    """Download the four official MNIST ``.gz`` files into ``cache_dir``.

    Each file is tried on each mirror in ``base_urls`` in order; a mirror that fails once is
    not tried again for the remaining files.

    Args:
        cache_dir: the folder to download into (created if needed).
        base_urls: mirror prefixes ending in "/" (the file name is appended).
        known_hashes: ``{file name: hash}`` for the four files; defaults to
            :data:`MNIST_HASHES`.
        verbose: show progress bars.

    Returns:
        ``cache_dir`` (which now holds the four files).

    Raises:
        ChecksumError: a file had the wrong hash on every mirror that served it.
        DownloadError: a file could not be fetched from any mirror.
    """
    cache_dir = Path(cache_dir)
    hashes = dict(MNIST_HASHES if known_hashes is None else known_hashes)
    if isinstance(base_urls, str):
        base_urls = (base_urls,)
    dead: set[str] = set()
    for fname in MNIST_FILES.values():
        failures: list[str] = []
        mismatch: ChecksumError | None = None
        for base in base_urls:
            if base in dead:
                continue
            try:
                _retrieve(base + fname, hashes.get(fname), cache_dir, fname, verbose)
                break
            except ChecksumError as exc:
                mismatch = exc
            except DownloadError as exc:
                dead.add(base)
                failures.append(str(exc))
        else:
            if mismatch is not None:
                raise mismatch
            tried = "; ".join(failures) or "no mirror left to try"
            raise DownloadError(f"could not download {fname} from any mirror ({tried})")
    return cache_dir


# --------------------------------------------------------------------------------------------
# CIFAR-10: the official python pickles
# --------------------------------------------------------------------------------------------


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


def _unpickle(raw: bytes, name: str, hint: str):
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
    obj = _unpickle(raw, name, hint)
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
    obj = _unpickle(raw, name, hint)
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


def _find_cifar(folder: Path):
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


def _cifar_archive_members(archive: Path, hint: str) -> Iterator[tuple[str, bytes]]:
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


def _write_member(folder: Path, name: str, raw: bytes, *, strict: bool) -> bool:
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
                            f"free some disk space or set {ENV_CACHE} to a writable "
                            f"folder") from None
        return False


def _read_cifar(layout, hint: str, extract: bool):
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
        for n, raw in _cifar_archive_members(where, hint):
            if extract:
                extract = _write_member(out, n, raw, strict=False)
            label = f"{where}:{CIFAR10_FOLDER}/{n}"
            if n == CIFAR10_META:
                classes = _parse_cifar_meta(raw, label, hint)
            else:
                parts[n] = _parse_cifar_batch(raw, label, hint)
    X_train = np.concatenate([parts[n][0] for n in CIFAR10_TRAIN_BATCHES])
    y_train = np.concatenate([parts[n][1] for n in CIFAR10_TRAIN_BATCHES])
    X_test, y_test = parts[CIFAR10_TEST_BATCH]
    return X_train, y_train, X_test, y_test, classes


def _download_cifar(cache: Path, verbose: bool) -> None:
    download_cifar10(cache, url=CIFAR10_URL, known_hash=CIFAR10_HASH, verbose=verbose)


_CIFAR = _Kind(
    name="CIFAR-10",
    subdir="cifar10",
    expected=f"CIFAR-10 ({CIFAR10_FOLDER}/, the batch files, or {CIFAR10_ARCHIVE})",
    find=_find_cifar,
    read=_read_cifar,
    download=_download_cifar,
)


def load_cifar10(path=None, *, download: bool = True, verbose: bool = True) -> Dataset:
    """Load CIFAR-10 as uint8 images (N, 32, 32, 3) and int64 labels (N,).

    Args:
        path: a folder holding the official files: ``cifar-10-batches-py/``, or the batch
            files themselves, or ``cifar-10-python.tar.gz`` (extracted into that folder).
            When given, nothing else is tried. When None: ``$NNLABS_DATA`` (or its
            ``cifar10/`` subfolder), then the cache, then a download, then the bundled
            subset (see the module docstring).
        download: allow downloading the official archive (163 MB) into the cache.
        verbose: print where the data came from, and a download progress bar.

    Returns:
        A :class:`Dataset`; the full set has 50,000 train and 10,000 test images.

    Raises:
        DataError: a file is missing (for ``path``), truncated or corrupt.
    """
    return _load(_CIFAR, path, download, verbose)


# --------------------------------------------------------------------------------------------
# MNIST: IDX files
# --------------------------------------------------------------------------------------------


def _mnist_candidates(gz_name: str) -> tuple[str, ...]:
    stem = gz_name[:-3]  # "train-images-idx3-ubyte"
    dotted = stem.replace("-idx", ".idx")  # "train-images.idx3-ubyte", as some copies name it
    return (gz_name, stem, dotted + ".gz", dotted)


def _find_mnist(folder: Path):
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


def _read_mnist(layout, hint: str, extract: bool):
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


def _download_mnist(cache: Path, verbose: bool) -> None:
    download_mnist(cache, base_urls=MNIST_BASE_URLS, known_hashes=MNIST_HASHES,
                   verbose=verbose)


_MNIST = _Kind(
    name="MNIST",
    subdir="mnist",
    expected="the four MNIST files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
             "t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz, or uncompressed)",
    find=_find_mnist,
    read=_read_mnist,
    download=_download_mnist,
)


def load_mnist(path=None, *, download: bool = True, verbose: bool = True) -> Dataset:
    """Load MNIST as uint8 images (N, 28, 28) and int64 labels (N,).

    Args:
        path: a folder holding the four official IDX files (``*-idx?-ubyte.gz`` or
            uncompressed). When given, nothing else is tried. When None: ``$NNLABS_DATA``
            (or its ``mnist/`` subfolder), then the cache, then a download, then the bundled
            subset (see the module docstring).
        download: allow downloading the official files (11 MB) into the cache.
        verbose: print where the data came from, and download progress bars.

    Returns:
        A :class:`Dataset`; the full set has 60,000 train and 10,000 test images.

    Raises:
        DataError: a file is missing (for ``path``), truncated or corrupt.
    """
    return _load(_MNIST, path, download, verbose)


# --------------------------------------------------------------------------------------------
# Preprocessing helpers
# --------------------------------------------------------------------------------------------


def _check_pair(X, y) -> int:
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} examples but y has {len(y)}; they must match")
    return len(X)


def split_validation(X: np.ndarray, y: np.ndarray, num_val: int, *, seed: int | None = 0):
    """Split off a random validation set.

    Args:
        X: (N, ...) examples.
        y: (N,) labels.
        num_val: how many examples go to validation, 1 <= num_val <= N - 1.
        seed: seed for ``np.random.default_rng``; the same seed gives the same split.

    Returns:
        ``(X_train, y_train, X_val, y_val)`` with shapes (N - num_val, ...), (N - num_val,),
        (num_val, ...), (num_val,). Every example lands in exactly one of the two parts.
    """
    n = _check_pair(X, y)
    if isinstance(num_val, bool) or not isinstance(num_val, (int, np.integer)):
        raise ValueError(f"num_val must be an integer, got {num_val!r}")
    if not 1 <= num_val <= n - 1:
        raise ValueError(f"num_val must be between 1 and {n - 1} (N - 1) so that both "
                         f"parts are non-empty, got {num_val}")
    order = np.random.default_rng(seed).permutation(n)
    val, train = order[:num_val], order[num_val:]
    X, y = np.asarray(X), np.asarray(y)
    return X[train], y[train], X[val], y[val]


def subsample(X: np.ndarray, y: np.ndarray, num: int, *, seed: int | None = None):
    """Keep ``num`` examples: the first ``num`` when ``seed`` is None, else a seeded
    random subset (kept in its original order).

    Args:
        X: (N, ...) examples.
        y: (N,) labels.
        num: how many to keep, >= 1. If ``num > N`` (e.g. "use 5,000" on the bundled
            2,000-image subset), all N are kept and a warning says so.
        seed: None for the first ``num``; an int for a random subset.

    Returns:
        ``(X_sub, y_sub)``, copies of shapes (num, ...) and (num,).
    """
    n = _check_pair(X, y)
    if isinstance(num, bool) or not isinstance(num, (int, np.integer)) or num < 1:
        raise ValueError(f"num must be a positive integer, got {num!r}")
    if num > n:
        warnings.warn(f"asked for {num:,} examples but there are only {n:,}; keeping all "
                      f"{n:,}", stacklevel=2)
        num = n
    if seed is None:
        idx = np.arange(num)
    else:
        idx = np.sort(np.random.default_rng(seed).choice(n, size=num, replace=False))
    return np.array(np.asarray(X)[idx]), np.array(np.asarray(y)[idx])


def flatten(X: np.ndarray) -> np.ndarray:
    """Images (N, H, W[, C]) -> a float64 copy of shape (N, H*W*C), one row per example."""
    X = np.asarray(X)
    return X.reshape(len(X), -1).astype(np.float64)


class Standardizer:
    """Per-feature standardization with statistics from the training split only.

    ``fit(X_train)`` stores ``mean_`` (and ``std_`` when ``with_std``), each of shape
    ``X_train.shape[1:]``; ``transform(X)`` returns ``(X - mean_) / std_`` as float64 for any
    split. Features whose training std is below ``eps`` (e.g. MNIST's always-black border
    pixels) are only centered: their ``std_`` is set to 1, so nothing is divided by ~0.
    """

    def __init__(self, with_std: bool = True, eps: float = 1e-8):
        self.with_std = with_std
        self.eps = eps
        self.mean_: np.ndarray | None = None
        self.std_: np.ndarray | None = None

    def fit(self, X_train: np.ndarray) -> Standardizer:
        """Compute the statistics from ``X_train`` (N, ...); returns ``self``."""
        X = np.asarray(X_train, dtype=np.float64)
        if X.ndim < 1 or len(X) == 0:
            raise ValueError("fit needs at least one training example")
        self.mean_ = X.mean(axis=0)
        if self.with_std:
            std = X.std(axis=0)
            self.std_ = np.where(std < self.eps, 1.0, std)
        else:
            self.std_ = None
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        """(M, ...) -> float64 (M, ...) standardized with the training statistics."""
        if self.mean_ is None:
            raise ValueError("call fit(X_train) before transform")
        X = np.asarray(X, dtype=np.float64)
        if X.shape[1:] != self.mean_.shape:
            raise ValueError(f"X has examples of shape {X.shape[1:]} but the Standardizer "
                             f"was fit on examples of shape {self.mean_.shape}")
        out = X - self.mean_
        if self.std_ is not None:
            out /= self.std_
        return out

    def fit_transform(self, X_train: np.ndarray) -> np.ndarray:
        """``fit(X_train)`` then ``transform(X_train)``."""
        return self.fit(X_train).transform(X_train)

    def __repr__(self) -> str:
        state = "unfit" if self.mean_ is None else f"fit on examples of shape {self.mean_.shape}"
        return f"Standardizer(with_std={self.with_std}, {state})"


def standardize(X_train: np.ndarray, *others: np.ndarray, with_std: bool = True):
    """Standardize every split with the mean/std of the training split only.

    Args:
        X_train: (N, ...) training examples; the statistics come from these alone.
        *others: validation/test arrays (M, ...) to transform with the same statistics.
        with_std: also divide by the per-feature std (else only subtract the mean).

    Returns:
        A tuple of float64 arrays, ``(X_train_std, *others_std)``, shapes unchanged.
    """
    s = Standardizer(with_std=with_std).fit(X_train)
    return (s.transform(X_train), *(s.transform(X) for X in others))


def minibatches(X: np.ndarray, y: np.ndarray, batch_size: int, *, seed: int | None = None,
                shuffle: bool = True, drop_last: bool = False):
    """Iterate over one epoch in minibatches.

    Args:
        X: (N, ...) examples.
        y: (N,) labels.
        batch_size: examples per batch (the last one may be smaller unless ``drop_last``).
        seed: seed for ``np.random.default_rng``; the same seed gives the same batches.
        shuffle: visit the examples in a random order (else in order).
        drop_last: skip a final batch smaller than ``batch_size``.

    Returns:
        An iterator of ``(X_batch, y_batch)`` with shapes (B, ...) and (B,); together the
        batches hold every example exactly once (or all but the last ``N % batch_size`` when
        ``drop_last``).
    """
    n = _check_pair(X, y)
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) \
            or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    order = np.random.default_rng(seed).permutation(n) if shuffle else np.arange(n)
    stop = n - n % batch_size if drop_last else n
    X, y = np.asarray(X), np.asarray(y)

    def batches() -> Iterator[tuple[np.ndarray, np.ndarray]]:
        for start in range(0, stop, batch_size):
            idx = order[start:start + batch_size]
            yield X[idx], y[idx]

    return batches()

"""Where the course data sets come from: a given folder, ``NNLABS_DATA``, the user cache, a
hash-checked download (pooch), or the small subset bundled with the package.

:func:`locate` walks that order for one data set (:data:`CIFAR10`, :data:`MNIST`) and returns
its arrays and where they came from; :mod:`course_utils.data` wraps them for students, and
:mod:`course_utils.data_formats` parses the files.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from .data_formats import (
    CIFAR10_ARCHIVE,
    CIFAR10_FOLDER,
    MNIST_FILES,
    ChecksumError,
    DataError,
    DownloadError,
    cifar_archive_members,
    find_cifar,
    find_mnist,
    read_cifar,
    read_mnist,
    write_member,
)

#: The small subsets of real CIFAR-10 and MNIST images shipped inside the package, in the
#: official file formats (see ``bundled/README.md``).
BUNDLED_DIR: Path = Path(__file__).resolve().parent / "bundled"

CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
CIFAR10_HASH = "md5:c58f30108f718f92721af3b95e74349a"

MNIST_BASE_URLS: tuple[str, ...] = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)
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
class Source:
    """One data set: how to find, read and download its official files."""

    name: str  # "CIFAR-10"
    subdir: str  # subfolder of NNLABS_DATA and of the cache
    expected: str  # what we look for, for messages
    find: Callable  # (folder) -> layout tuple (kind, where, ...) or None
    read: Callable  # (layout, hint, extract) -> (X_train, y_train, X_test, y_test, classes)
    download: Callable  # (cache_folder, verbose) -> None



def locate(kind: Source, path, download: bool, verbose: bool) -> tuple[tuple, str]:
    """The arrays ``(X_train, y_train, X_test, y_test, classes)`` of ``kind`` and their source,
    from the first place in the order of the module docstring that has them."""
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


def _finish(kind, layout, hint, verbose, *, via=None, reason=None) -> tuple[tuple, str]:
    where = layout[1]
    bundled = _is_bundled(where)
    if bundled:
        hint = _HINT_BUNDLED
    arrays = kind.read(layout, hint, not bundled)
    X_train, X_test = arrays[0], arrays[2]
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
    return arrays, source


def _shorten(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


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
    for name, raw in cifar_archive_members(archive, _HINT_CACHE):
        write_member(cache_dir / CIFAR10_FOLDER, name, raw, strict=True)
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



def _download_cifar(cache: Path, verbose: bool) -> None:
    download_cifar10(cache, url=CIFAR10_URL, known_hash=CIFAR10_HASH, verbose=verbose)


CIFAR10 = Source(
    name="CIFAR-10",
    subdir="cifar10",
    expected=f"CIFAR-10 ({CIFAR10_FOLDER}/, the batch files, or {CIFAR10_ARCHIVE})",
    find=find_cifar,
    read=read_cifar,
    download=_download_cifar,
)



def _download_mnist(cache: Path, verbose: bool) -> None:
    download_mnist(cache, base_urls=MNIST_BASE_URLS, known_hashes=MNIST_HASHES,
                   verbose=verbose)


MNIST = Source(
    name="MNIST",
    subdir="mnist",
    expected="the four MNIST files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
             "t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz, or uncompressed)",
    find=find_mnist,
    read=read_mnist,
    download=_download_mnist,
)

"""Tests of course_utils.data: loaders (all five sources), downloads over loopback HTTP,
corrupt files, and the preprocessing helpers."""

from __future__ import annotations

import gzip
import hashlib
import http.server
import os
import pickle
import shutil
import socket
import struct
import tarfile
import threading
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils import data, data_sources
from course_utils.data import (
    BUNDLED_DIR,
    CIFAR10_CLASSES,
    ChecksumError,
    DataError,
    Dataset,
    Standardizer,
    flatten,
    load_cifar10,
    load_mnist,
    minibatches,
    split_validation,
    standardize,
    subsample,
)

MNIST_NAMES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)
BATCHES = ("data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5",
           "test_batch")


# ----------------------------------------------------------------------------- helpers


def md5(path: Path) -> str:
    h = hashlib.md5()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def one_line(out: str) -> str:
    lines = [ln for ln in out.splitlines() if ln.strip()]
    assert len(lines) == 1, f"expected one line, got {lines!r}"
    return lines[0]


def bundled_cifar_folder(dest: Path) -> Path:
    """Extract the bundled CIFAR-10 archive (trusted) into dest; returns the batches folder."""
    with tarfile.open(BUNDLED_DIR / "cifar-10-python.tar.gz") as tar:
        for m in tar.getmembers():
            name = Path(m.name).name
            (dest / "cifar-10-batches-py").mkdir(parents=True, exist_ok=True)
            (dest / "cifar-10-batches-py" / name).write_bytes(tar.extractfile(m).read())
    return dest / "cifar-10-batches-py"


def copy_bundled_mnist(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for n in MNIST_NAMES:
        shutil.copy(BUNDLED_DIR / n, dest / n)
    return dest


def copy_bundled_cifar_archive(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(BUNDLED_DIR / "cifar-10-python.tar.gz", dest / "cifar-10-python.tar.gz")
    return dest


def idx(arr: np.ndarray, magic: int) -> bytes:
    return struct.pack(f">i{arr.ndim}I", magic, *arr.shape) + arr.astype(np.uint8).tobytes()


@contextmanager
def http_server(root: Path):
    """A static file server for ``root`` on 127.0.0.1 (a free port); yields (url, hits)."""
    hits: list[str] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def do_GET(self):  # http.server's name for it
            hits.append(self.path)
            super().do_GET()

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}/", hits
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def closed_port_url() -> str:
    """A loopback URL on which nothing listens (connection refused at once)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@pytest.fixture
def online(monkeypatch):
    """Allow downloads (the autouse fixture sets NNLABS_OFFLINE=1), to loopback only."""
    monkeypatch.delenv("NNLABS_OFFLINE", raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    # Nothing may reach the real mirrors: point them at a closed port unless a test says else.
    dead = closed_port_url()
    monkeypatch.setattr(data_sources, "CIFAR10_URL", dead + "cifar-10-python.tar.gz")
    monkeypatch.setattr(data_sources, "MNIST_BASE_URLS", (dead,))


@pytest.fixture
def no_download(monkeypatch):
    """Fail the test if any download is attempted."""
    def boom(*args, **kwargs):
        raise AssertionError("a download was attempted")
    monkeypatch.setattr(data_sources, "_retrieve", boom)


# ------------------------------------------------------------------ bundled subset (offline)


def test_bundled_cifar10_is_the_offline_fallback(capsys, no_download):
    ds = load_cifar10()
    assert ds.X_train.shape == (2000, 32, 32, 3) and ds.X_test.shape == (500, 32, 32, 3)
    assert ds.X_train.dtype == np.uint8 and ds.X_test.dtype == np.uint8
    assert ds.y_train.dtype == np.int64 and ds.y_test.dtype == np.int64
    assert np.bincount(ds.y_train, minlength=10).tolist() == [200] * 10
    assert np.bincount(ds.y_test, minlength=10).tolist() == [50] * 10
    assert ds.classes == CIFAR10_CLASSES
    assert ds.source == "bundled subset (2,000 train / 500 test)"
    line = one_line(capsys.readouterr().out)
    assert line.startswith("Using the bundled CIFAR-10 subset (2,000 train / 500 test images): "
                           "the full set could not be found or downloaded")
    assert "NNLABS_OFFLINE=1" in line and "README 'Data'" in line


def test_bundled_mnist_is_the_offline_fallback(capsys, no_download):
    ds = load_mnist()
    assert ds.X_train.shape == (2000, 28, 28) and ds.X_test.shape == (500, 28, 28)
    assert ds.X_train.dtype == np.uint8 and ds.y_train.dtype == np.int64
    assert np.bincount(ds.y_train, minlength=10).tolist() == [200] * 10
    assert np.bincount(ds.y_test, minlength=10).tolist() == [50] * 10
    assert ds.classes == tuple("0123456789")
    assert 0 < ds.X_train.mean() < 255  # real digits, not blank images
    line = one_line(capsys.readouterr().out)
    assert line.startswith("Using the bundled MNIST subset (2,000 train / 500 test images)")


def test_bundled_cifar10_pixels_are_the_planes_in_hwc_order(tmp_path):
    ds = load_cifar10(BUNDLED_DIR, verbose=False)
    folder = bundled_cifar_folder(tmp_path)
    raw = pickle.loads((folder / "data_batch_1").read_bytes(), encoding="bytes")  # trusted file
    planes = raw[b"data"][:5].reshape(5, 3, 32, 32)
    for c in range(3):  # R, G, B
        assert np.array_equal(ds.X_train[:5, :, :, c], planes[:, c])
    assert ds.y_train[:5].tolist() == raw[b"labels"][:5]
    assert ds.X_train.flags.writeable and ds.X_train.flags.c_contiguous


def test_download_false_uses_bundled_without_network(capsys, monkeypatch, no_download):
    monkeypatch.delenv("NNLABS_OFFLINE")
    ds = load_mnist(download=False)
    assert ds.source.startswith("bundled subset")
    assert "(download=False)" in one_line(capsys.readouterr().out)


@pytest.mark.parametrize("loader", [load_cifar10, load_mnist])
def test_pointing_at_bundled_dir_prints_notice_and_writes_nothing(loader, capsys, monkeypatch):
    before = sorted(p.name for p in BUNDLED_DIR.iterdir())
    ds = loader(BUNDLED_DIR)
    assert ds.source.startswith("bundled subset")
    assert "path= points at it" in one_line(capsys.readouterr().out)

    monkeypatch.setenv("NNLABS_DATA", str(BUNDLED_DIR))
    ds = loader()
    assert ds.source.startswith("bundled subset")
    assert "NNLABS_DATA points at it" in one_line(capsys.readouterr().out)
    assert sorted(p.name for p in BUNDLED_DIR.iterdir()) == before  # nothing extracted there


def test_verbose_false_prints_nothing(capsys):
    load_cifar10(verbose=False)
    load_mnist(verbose=False)
    assert capsys.readouterr().out == ""


def test_dataset_repr_and_summary():
    ds = load_mnist(BUNDLED_DIR, verbose=False)
    assert isinstance(ds, Dataset)
    for text in (repr(ds), ds.summary()):
        assert "(2000, 28, 28) uint8" in text and "(500,) int64" in text
        assert "bundled subset (2,000 train / 500 test)" in text
    with pytest.raises(AttributeError):
        ds.source = "elsewhere"  # frozen


# ------------------------------------------------------------------ official files on disk


@pytest.mark.realdata
def test_full_cifar10_from_official_folder(cifar10_official_dir, capsys):
    ds = load_cifar10(cifar10_official_dir)
    assert ds.X_train.shape == (50000, 32, 32, 3) and ds.X_test.shape == (10000, 32, 32, 3)
    assert ds.X_train.dtype == np.uint8 and ds.y_test.dtype == np.int64
    assert np.bincount(ds.y_train).tolist() == [5000] * 10
    assert np.bincount(ds.y_test).tolist() == [1000] * 10
    assert ds.classes == CIFAR10_CLASSES
    assert ds.source == str(cifar10_official_dir / "cifar-10-batches-py")
    assert "Loaded CIFAR-10 from" in one_line(capsys.readouterr().out)
    # The batch files directly also work.
    ds2 = load_cifar10(cifar10_official_dir / "cifar-10-batches-py", verbose=False)
    assert np.array_equal(ds2.y_test, ds.y_test)


@pytest.mark.realdata
def test_full_cifar10_from_archive_is_extracted_next_to_it(cifar10_official_dir, tmp_path):
    (tmp_path / "cifar-10-python.tar.gz").symlink_to(
        cifar10_official_dir / "cifar-10-python.tar.gz")
    ds = load_cifar10(tmp_path, verbose=False)
    assert ds.X_train.shape == (50000, 32, 32, 3) and len(ds.y_test) == 10000
    for n in BATCHES:
        assert (tmp_path / "cifar-10-batches-py" / n).is_file()
    again = load_cifar10(tmp_path, verbose=False)  # now from the extracted folder
    assert again.source == str(tmp_path / "cifar-10-batches-py")
    assert np.array_equal(again.X_test, ds.X_test)


@pytest.mark.realdata
def test_full_mnist_from_official_folder(shared_data):
    ds = load_mnist(shared_data / "mnist", verbose=False)
    assert ds.X_train.shape == (60000, 28, 28) and ds.X_test.shape == (10000, 28, 28)
    assert ds.y_train.dtype == np.int64
    assert np.bincount(ds.y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028,
                                               974, 1009]
    assert ds.source == str(shared_data / "mnist")


def test_mnist_uncompressed_and_dotted_names(tmp_path):
    ref = load_mnist(BUNDLED_DIR, verbose=False)
    plain, dotted = tmp_path / "plain", tmp_path / "dotted"
    plain.mkdir()
    dotted.mkdir()
    for n in MNIST_NAMES:
        raw = gzip.decompress((BUNDLED_DIR / n).read_bytes())
        (plain / n[:-3]).write_bytes(raw)
        (dotted / n[:-3].replace("-idx", ".idx")).write_bytes(raw)
    for folder in (plain, dotted):
        ds = load_mnist(folder, verbose=False)
        assert np.array_equal(ds.X_train, ref.X_train) and np.array_equal(ds.y_test, ref.y_test)


# ------------------------------------------------------------------------------ precedence


def test_nnlabs_data_is_honoured_with_subfolders(tmp_path, monkeypatch, no_download):
    root = tmp_path / "data"
    copy_bundled_mnist(root / "mnist")
    copy_bundled_cifar_archive(root / "cifar10")
    monkeypatch.setenv("NNLABS_DATA", str(root))
    assert load_mnist(verbose=False).source == str(root / "mnist")
    ds = load_cifar10(verbose=False)
    assert ds.source == str(root / "cifar10" / "cifar-10-python.tar.gz")  # read, then extracted
    assert load_cifar10(verbose=False).source == str(root / "cifar10" / "cifar-10-batches-py")


def test_nnlabs_data_directly_holding_the_files(tmp_path, monkeypatch, no_download):
    copy_bundled_mnist(tmp_path)
    bundled_cifar_folder(tmp_path)
    monkeypatch.setenv("NNLABS_DATA", str(tmp_path))
    assert load_mnist(verbose=False).source == str(tmp_path)
    assert load_cifar10(verbose=False).source == str(tmp_path / "cifar-10-batches-py")


def test_precedence_path_env_cache_download_bundled(tmp_path, nnlabs_cache, monkeypatch, online):
    """path > NNLABS_DATA > cache > download > bundled, one step removed at a time."""
    path_dir = copy_bundled_mnist(tmp_path / "given")
    env_dir = copy_bundled_mnist(tmp_path / "env")
    served = copy_bundled_mnist(tmp_path / "served")
    hashes = {n: "md5:" + md5(served / n) for n in MNIST_NAMES}
    monkeypatch.setattr(data_sources, "MNIST_HASHES", hashes)
    monkeypatch.setenv("NNLABS_DATA", str(env_dir))
    with http_server(served) as (url, hits):
        monkeypatch.setattr(data_sources, "MNIST_BASE_URLS", (url,))
        cache_dir = copy_bundled_mnist(nnlabs_cache / "mnist")

        assert load_mnist(path_dir, verbose=False).source == str(path_dir)
        assert load_mnist(verbose=False).source == str(env_dir)
        monkeypatch.setenv("NNLABS_DATA", str(tmp_path / "empty"))  # missing: no error
        assert load_mnist(verbose=False).source == str(cache_dir)
        assert hits == []
        shutil.rmtree(cache_dir)
        assert load_mnist(verbose=False).source == str(cache_dir)  # downloaded into it
        assert sorted(hits) == sorted("/" + n for n in MNIST_NAMES)
    shutil.rmtree(cache_dir)
    assert load_mnist(verbose=False).source.startswith("bundled subset")  # server gone


def test_explicit_path_never_falls_back(tmp_path, monkeypatch, no_download):
    copy_bundled_mnist(tmp_path / "env")
    monkeypatch.setenv("NNLABS_DATA", str(tmp_path / "env"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="empty does not hold the four MNIST files"):
        load_mnist(tmp_path / "empty")
    with pytest.raises(DataError, match="empty does not hold CIFAR-10"):
        load_cifar10(tmp_path / "empty")
    with pytest.raises(DataError, match="nowhere is not a folder"):
        load_cifar10(tmp_path / "nowhere")


# ------------------------------------------------------------------ downloads over loopback


def test_cifar10_download_into_cache_then_cached(tmp_path, nnlabs_cache, monkeypatch, online,
                                                 capsys):
    """The bundled archive, served as if it were the official one."""
    copy_bundled_cifar_archive(tmp_path)
    with http_server(tmp_path) as (url, hits):
        monkeypatch.setattr(data_sources, "CIFAR10_URL", url + "cifar-10-python.tar.gz")
        archive_md5 = md5(tmp_path / "cifar-10-python.tar.gz")
        monkeypatch.setattr(data_sources, "CIFAR10_HASH", "md5:" + archive_md5)
        ds = load_cifar10()  # verbose: pooch's progress bar goes to stderr
        out = capsys.readouterr()
        assert "Loaded CIFAR-10 from" in one_line(out.out) and "100%" in out.err
        cached = nnlabs_cache / "cifar10"
        assert ds.source == str(cached / "cifar-10-batches-py")
        assert ds.X_train.shape == (2000, 32, 32, 3)
        assert md5(cached / "cifar-10-python.tar.gz") == md5(tmp_path / "cifar-10-python.tar.gz")
        assert hits == ["/cifar-10-python.tar.gz"]
        again = load_cifar10()
        assert hits == ["/cifar-10-python.tar.gz"]  # the second load never asked the server
        assert np.array_equal(again.X_train, ds.X_train)
        assert "Loaded CIFAR-10 from" in one_line(capsys.readouterr().out)


@pytest.mark.realdata
def test_full_cifar10_download_from_loopback(cifar10_official_dir, tmp_path, nnlabs_cache,
                                             monkeypatch, online):
    (tmp_path / "cifar-10-python.tar.gz").symlink_to(
        cifar10_official_dir / "cifar-10-python.tar.gz")
    digest = md5(tmp_path / "cifar-10-python.tar.gz")
    with http_server(tmp_path) as (url, hits):
        monkeypatch.setattr(data_sources, "CIFAR10_URL", url + "cifar-10-python.tar.gz")
        monkeypatch.setattr(data_sources, "CIFAR10_HASH", "md5:" + digest)
        ds = load_cifar10(verbose=False)
        assert ds.X_train.shape == (50000, 32, 32, 3) and ds.X_test.shape == (10000, 32, 32, 3)
        assert np.bincount(ds.y_test).tolist() == [1000] * 10
        assert md5(nnlabs_cache / "cifar10" / "cifar-10-python.tar.gz") == digest
        again = load_cifar10(verbose=False)
        assert len(hits) == 1 and again.source == ds.source


@pytest.mark.realdata
def test_mnist_download_tries_the_next_mirror(shared_data, nnlabs_cache, monkeypatch, online):
    folder = shared_data / "mnist"
    hashes = {n: "md5:" + md5(folder / n) for n in MNIST_NAMES}
    with http_server(folder) as (url, hits):
        monkeypatch.setattr(data_sources, "MNIST_BASE_URLS", (closed_port_url(), url))
        monkeypatch.setattr(data_sources, "MNIST_HASHES", hashes)
        ds = load_mnist(verbose=False)
        assert ds.X_train.shape == (60000, 28, 28) and len(ds.y_test) == 10000
        assert ds.source == str(nnlabs_cache / "mnist")
        assert sorted(hits) == sorted("/" + n for n in MNIST_NAMES)
        load_mnist(verbose=False)
        assert len(hits) == 4


def test_download_functions_with_explicit_urls_and_hashes(tmp_path, online):
    served = copy_bundled_mnist(tmp_path / "served")
    copy_bundled_cifar_archive(served)
    with http_server(served) as (url, hits):
        hashes = {n: "sha256:" + hashlib.sha256((served / n).read_bytes()).hexdigest()
                  for n in MNIST_NAMES}
        out = data.download_mnist(tmp_path / "c1", base_urls=(url,), known_hashes=hashes,
                                  verbose=False)
        assert sorted(p.name for p in out.iterdir()) == sorted(MNIST_NAMES)
        folder = data.download_cifar10(
            tmp_path / "c2", url=url + "cifar-10-python.tar.gz",
            known_hash="md5:" + md5(served / "cifar-10-python.tar.gz"), verbose=False)
        assert folder == tmp_path / "c2" / "cifar-10-batches-py"
        assert all((folder / n).is_file() for n in BATCHES)


def test_wrong_hash_names_the_file_and_both_hashes(tmp_path, nnlabs_cache, monkeypatch, online):
    copy_bundled_cifar_archive(tmp_path)
    actual = md5(tmp_path / "cifar-10-python.tar.gz")
    wrong = "md5:" + "0" * 32
    with http_server(tmp_path) as (url, _):
        with pytest.raises(ChecksumError) as err:
            data.download_cifar10(nnlabs_cache / "x", url=url + "cifar-10-python.tar.gz",
                                  known_hash=wrong, verbose=False)
        msg = str(err.value)
        assert "cifar-10-python.tar.gz" in msg and wrong in msg and actual in msg
        assert "\n" not in msg
        assert not (nnlabs_cache / "x" / "cifar-10-python.tar.gz").exists()  # deleted

        # Through the loader: a mismatch is an error, not a silent fallback.
        monkeypatch.setattr(data_sources, "CIFAR10_URL", url + "cifar-10-python.tar.gz")
        monkeypatch.setattr(data_sources, "CIFAR10_HASH", wrong)
        with pytest.raises(DataError, match=actual):
            load_cifar10(verbose=False)


def test_mnist_wrong_hash_on_every_mirror(tmp_path, online):
    served = copy_bundled_mnist(tmp_path / "served")
    with http_server(served) as (url, hits):
        with pytest.raises(ChecksumError, match="train-images-idx3-ubyte.gz") as err:
            data.download_mnist(tmp_path / "c", base_urls=(url, url), verbose=False)
    assert data_sources.MNIST_HASHES["train-images-idx3-ubyte.gz"] in str(err.value)
    assert md5(served / "train-images-idx3-ubyte.gz") in str(err.value)
    assert len(hits) == 2  # both mirrors tried, then it stopped


@pytest.mark.parametrize("loader", [load_cifar10, load_mnist])
def test_server_down_falls_back_to_bundled(loader, capsys, online):
    ds = loader()  # `online` pointed the official URLs at a closed loopback port
    assert ds.source.startswith("bundled subset")
    line = one_line(capsys.readouterr().out)
    assert "could not be found or downloaded (download failed" in line


def test_http_error_and_silent_server_fall_back(tmp_path, capsys, monkeypatch, online):
    (tmp_path / "empty").mkdir()
    with http_server(tmp_path / "empty") as (url, hits):
        monkeypatch.setattr(data_sources, "CIFAR10_URL", url + "cifar-10-python.tar.gz")
        assert load_cifar10().source.startswith("bundled subset")
    assert hits == ["/cifar-10-python.tar.gz"]
    assert "answered HTTP 404" in one_line(capsys.readouterr().out)

    # A server that accepts the connection but never answers: the timeout ends the wait.
    monkeypatch.setattr(data_sources, "DOWNLOAD_TIMEOUT", 0.5)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        port = silent.getsockname()[1]
        monkeypatch.setattr(data_sources, "MNIST_BASE_URLS", (f"http://127.0.0.1:{port}/",))
        assert load_mnist().source.startswith("bundled subset")
    assert "did not answer within 0.5 s" in one_line(capsys.readouterr().out)


# -------------------------------------------------------------------------- corrupt files


def rewrite_batch(folder: Path, name: str, changes: dict) -> None:
    path = folder / name
    batch = pickle.loads(path.read_bytes(), encoding="bytes")  # our own trusted file
    batch.update(changes)
    path.write_bytes(pickle.dumps(batch, protocol=4))


def test_truncated_cifar_batch(tmp_path):
    folder = bundled_cifar_folder(tmp_path)
    raw = (folder / "data_batch_3").read_bytes()
    (folder / "data_batch_3").write_bytes(raw[:1200])
    with pytest.raises(DataError, match=r"data_batch_3 is truncated") as err:
        load_cifar10(tmp_path, verbose=False)
    assert str(folder / "data_batch_3") in str(err.value)


def test_truncated_batch_in_cache_says_redownload(nnlabs_cache):
    folder = bundled_cifar_folder(nnlabs_cache / "cifar10")
    (folder / "test_batch").write_bytes((folder / "test_batch").read_bytes()[:5000])
    with pytest.raises(DataError, match="test_batch is truncated.*delete it and run again"):
        load_cifar10(verbose=False)


class _Gadget:
    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_pickle_gadget_is_refused_and_never_runs(tmp_path):
    folder = bundled_cifar_folder(tmp_path)
    marker = tmp_path / "PWNED"
    (folder / "data_batch_2").write_bytes(pickle.dumps(_Gadget(marker)))
    rewrite_batch(folder, "data_batch_4", {b"labels": _Gadget(marker)})
    with pytest.raises(DataError, match=r"data_batch_2 is not a CIFAR-10 batch file "
                                        r"\(unexpected object (posix|nt)\.system\)"):
        load_cifar10(tmp_path, verbose=False)
    shutil.copy(folder / "data_batch_1", folder / "data_batch_2")
    with pytest.raises(DataError, match=r"data_batch_4 is not a CIFAR-10 batch file"):
        load_cifar10(tmp_path, verbose=False)
    assert not marker.exists()


def test_pickle_with_other_objects_is_refused(tmp_path):
    import collections
    folder = bundled_cifar_folder(tmp_path)
    rewrite_batch(folder, "data_batch_1", {b"extra": collections.OrderedDict()})
    with pytest.raises(DataError, match=r"data_batch_1 .*unexpected object "
                                        r"collections.OrderedDict"):
        load_cifar10(tmp_path, verbose=False)
    bundled_cifar_folder(tmp_path)
    rewrite_batch(folder, "data_batch_1", {b"data": [[0] * 3072]})
    with pytest.raises(DataError, match=r"data_batch_1 .*list, not a uint8 array"):
        load_cifar10(tmp_path, verbose=False)


@pytest.mark.parametrize("change, message", [
    ({b"data": np.zeros((400, 3000), np.uint8)}, r"shape \(400, 3000\)"),
    ({b"data": np.zeros((400, 3072), np.float32)}, r"dtype float32"),
    ({b"labels": [0] * 399}, r"399 labels for 400 images"),
    ({b"labels": [10] * 400}, r"labels outside 0..9"),
])
def test_malformed_cifar_batch(tmp_path, change, message):
    folder = bundled_cifar_folder(tmp_path)
    rewrite_batch(folder, "data_batch_5", change)
    with pytest.raises(DataError, match=r"data_batch_5 .*" + message):
        load_cifar10(tmp_path, verbose=False)


def test_truncated_cifar_archive(tmp_path):
    raw = (BUNDLED_DIR / "cifar-10-python.tar.gz").read_bytes()
    (tmp_path / "cifar-10-python.tar.gz").write_bytes(raw[: len(raw) // 2])
    with pytest.raises(DataError, match=r"cifar-10-python.tar.gz is truncated"):
        load_cifar10(tmp_path, verbose=False)


def test_truncated_mnist_gzip(tmp_path):
    copy_bundled_mnist(tmp_path)
    f = tmp_path / "train-images-idx3-ubyte.gz"
    f.write_bytes(f.read_bytes()[:20000])
    with pytest.raises(DataError, match=r"train-images-idx3-ubyte.gz is truncated") as err:
        load_mnist(tmp_path, verbose=False)
    assert str(f) in str(err.value) and "\n" not in str(err.value)


def test_wrong_idx_magic(tmp_path):
    copy_bundled_mnist(tmp_path)
    shutil.copy(tmp_path / "t10k-labels-idx1-ubyte.gz", tmp_path / "t10k-images-idx3-ubyte.gz")
    with pytest.raises(DataError, match=r"t10k-images-idx3-ubyte.gz is not an IDX image file "
                                        r"\(magic number 2049, expected 2051\)"):
        load_mnist(tmp_path, verbose=False)


def test_mnist_label_count_mismatch(tmp_path):
    copy_bundled_mnist(tmp_path)
    labels = np.zeros(499, np.uint8)
    (tmp_path / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(idx(labels, 2049)))
    with pytest.raises(DataError, match=r"t10k-labels-idx1-ubyte.gz has 499 labels but "
                                        r"t10k-images-idx3-ubyte.gz has 500 images"):
        load_mnist(tmp_path, verbose=False)


def test_idx_body_shorter_than_header_says(tmp_path):
    copy_bundled_mnist(tmp_path)
    f = tmp_path / "train-images-idx3-ubyte.gz"
    raw = gzip.decompress(f.read_bytes())
    f.write_bytes(gzip.compress(raw[:-784]))
    with pytest.raises(DataError, match=r"train-images-idx3-ubyte.gz is truncated "
                                        r"\(1,567,216 bytes of data, its header says 1,568,000\)"):
        load_mnist(tmp_path, verbose=False)


def test_not_gzip_and_wrong_dims(tmp_path):
    copy_bundled_mnist(tmp_path)
    (tmp_path / "train-labels-idx1-ubyte.gz").write_bytes(b"hello, not gzip")
    with pytest.raises(DataError, match=r"train-labels-idx1-ubyte.gz is not a gzip file"):
        load_mnist(tmp_path, verbose=False)
    copy_bundled_mnist(tmp_path)
    img = np.zeros((500, 32, 32), np.uint8)
    (tmp_path / "t10k-images-idx3-ubyte.gz").write_bytes(gzip.compress(idx(img, 2051)))
    with pytest.raises(DataError, match=r"t10k-images-idx3-ubyte.gz has IDX dimensions"):
        load_mnist(tmp_path, verbose=False)


# -------------------------------------------------------------------------------- helpers


@settings(max_examples=60, deadline=None)
@given(n=st.integers(2, 300), frac=st.floats(0, 1), seed=st.integers(0, 2**32 - 1))
def test_split_validation_is_a_seeded_partition(n, frac, seed):
    num_val = 1 + int(frac * (n - 2))
    X = np.arange(n * 2).reshape(n, 2)
    y = np.arange(n)
    Xtr, ytr, Xva, yva = split_validation(X, y, num_val, seed=seed)
    assert len(yva) == num_val and len(ytr) == n - num_val
    assert sorted(np.concatenate([ytr, yva]).tolist()) == list(range(n))  # disjoint, complete
    assert np.array_equal(Xtr[:, 0], 2 * ytr) and np.array_equal(Xva[:, 0], 2 * yva)
    again = split_validation(X, y, num_val, seed=seed)
    assert np.array_equal(again[1], ytr) and np.array_equal(again[3], yva)


def test_split_validation_rejects_bad_sizes():
    X, y = np.zeros((10, 3)), np.zeros(10)
    for bad in (0, -1, 10, 11, 2.5):
        with pytest.raises(ValueError, match="num_val"):
            split_validation(X, y, bad)
    with pytest.raises(ValueError, match="must match"):
        split_validation(X, y[:9], 2)
    assert not np.array_equal(split_validation(np.arange(100), np.arange(100), 10, seed=1)[3],
                              split_validation(np.arange(100), np.arange(100), 10, seed=2)[3])


def test_subsample_first_n_and_seeded():
    X, y = np.arange(100).reshape(50, 2), np.arange(50)
    Xs, ys = subsample(X, y, 10)
    assert np.array_equal(ys, np.arange(10)) and Xs.shape == (10, 2)
    Xs[0, 0] = -1
    assert X[0, 0] == 0  # a copy
    Xr, yr = subsample(X, y, 10, seed=3)
    assert len(set(yr.tolist())) == 10 and np.array_equal(Xr[:, 0], 2 * yr)
    assert np.array_equal(subsample(X, y, 10, seed=3)[1], yr)
    with pytest.warns(UserWarning, match="only 50"):
        assert len(subsample(X, y, 5000)[1]) == 50
    with pytest.raises(ValueError):
        subsample(X, y, 0)


def test_flatten_shapes():
    ds = load_cifar10(BUNDLED_DIR, verbose=False)
    flat = flatten(ds.X_train[:7])
    assert flat.shape == (7, 3072) and flat.dtype == np.float64
    assert np.array_equal(flat[3], ds.X_train[3].ravel())
    assert flatten(np.zeros((4, 28, 28), np.uint8)).shape == (4, 784)


def test_standardizer_uses_training_statistics_only():
    rng = np.random.default_rng(0)
    X_train = rng.normal(10.0, 2.0, size=(500, 4, 3))
    X_test = rng.normal(-5.0, 7.0, size=(200, 4, 3))
    s = Standardizer().fit(X_train)
    assert s.mean_.shape == (4, 3) and s.std_.shape == (4, 3)
    assert np.allclose(s.mean_, X_train.mean(axis=0)) and np.allclose(s.std_, X_train.std(axis=0))
    out = s.transform(X_test)
    assert np.allclose(out, (X_test - X_train.mean(0)) / X_train.std(0))
    assert abs(out.mean()) > 3  # the test mean was NOT removed: train stats only
    assert np.allclose(s.fit_transform(X_train).mean(0), 0)
    assert np.allclose(s.fit_transform(X_train).std(0), 1)
    tr, te = standardize(X_train, X_test)
    assert np.allclose(te, out) and np.allclose(tr, s.transform(X_train))
    centered = standardize(X_train, X_test, with_std=False)[1]
    assert np.allclose(centered, X_test - X_train.mean(0))


def test_standardizer_constant_features_and_uint8():
    X = np.zeros((20, 28, 28), np.uint8)
    X[:, 10, 10] = np.arange(20)
    s = Standardizer().fit(X)
    assert s.std_[0, 0] == 1.0  # constant border pixel: only centered
    out = s.transform(np.full((2, 28, 28), 255, np.uint8))
    assert np.isfinite(out).all() and out[0, 0, 0] == 255.0  # no uint8 wrap-around, no /0
    with pytest.raises(ValueError, match="shape"):
        s.transform(np.zeros((2, 27, 28)))
    with pytest.raises(ValueError, match="fit"):
        Standardizer().transform(X)


@settings(max_examples=80, deadline=None)
@given(n=st.integers(0, 200), batch_size=st.integers(1, 64), seed=st.integers(0, 2**32 - 1),
       drop_last=st.booleans(), shuffle=st.booleans())
def test_minibatches_cover_one_epoch(n, batch_size, seed, drop_last, shuffle):
    X = np.arange(n * 3).reshape(n, 3)
    y = np.arange(n)
    batches = list(minibatches(X, y, batch_size, seed=seed, shuffle=shuffle,
                               drop_last=drop_last))
    seen = np.concatenate([yb for _, yb in batches]) if batches else np.array([], int)
    for Xb, yb in batches:
        assert np.array_equal(Xb[:, 0], 3 * yb)  # examples and labels stay paired
        assert len(yb) <= batch_size
    if drop_last:
        assert all(len(yb) == batch_size for _, yb in batches)
        assert len(batches) == n // batch_size
        assert len(seen) == n - n % batch_size and len(set(seen.tolist())) == len(seen)
    else:
        assert sorted(seen.tolist()) == list(range(n))  # each example exactly once
        assert len(batches) == -(-n // batch_size)
    if not shuffle:
        assert seen.tolist() == list(range(len(seen)))
    again = [yb for _, yb in minibatches(X, y, batch_size, seed=seed, shuffle=shuffle,
                                         drop_last=drop_last)]
    assert all(np.array_equal(a, b) for a, b in zip(again, [yb for _, yb in batches],
                                                     strict=True))


def test_minibatches_validates_arguments_eagerly():
    with pytest.raises(ValueError, match="batch_size"):
        minibatches(np.zeros((4, 2)), np.zeros(4), 0)
    with pytest.raises(ValueError, match="must match"):
        minibatches(np.zeros((4, 2)), np.zeros(3), 2)
    a = [yb.tolist() for _, yb in minibatches(np.zeros(100), np.arange(100), 10, seed=1)]
    b = [yb.tolist() for _, yb in minibatches(np.zeros(100), np.arange(100), 10, seed=2)]
    assert a != b

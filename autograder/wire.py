"""Plain data across the sandbox wall: a codec that cannot execute code (framing: protocol.py).

Student code runs in a sandboxed worker; everything it hands back (function results, error
text, saved models) crosses to the grader as *plain data*: ``None``, booleans, numbers,
strings, numpy arrays of numeric or boolean dtype, and lists, tuples and dicts (keyed by
strings or numbers) of these. A message is an ``.npz`` archive (never pickled: it is read with
``allow_pickle=False``) whose ``__meta__`` entry is JSON describing the structure, arrays
being referenced by name. Sizes are checked before anything is inflated, so a zip bomb or a
huge declared shape is refused instead of exhausting the grader's memory.
"""

from __future__ import annotations

import io
import json
import math
import struct
import zipfile

import numpy as np

MAX_MESSAGE_BYTES = 512 * 2**20  # one frame, compressed or not
MAX_MEMBERS = 4096  # arrays in one message or file
MAX_META_BYTES = 8 * 2**20  # a message's structure as JSON (the bulk travels as arrays)
_ALLOWED_KINDS = "biufc"  # bool, int, uint, float, complex: nothing that holds objects


class WireError(Exception):
    """Data that is not plain data, or a frame that is malformed or too large."""


def encode(value) -> bytes:
    """``value`` as npz bytes; WireError if it holds anything but plain data."""
    arrays: dict[str, np.ndarray] = {}
    meta = _to_meta(value, arrays, depth=0)
    buffer = io.BytesIO()
    np.savez(buffer, __meta__=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8), **arrays)
    return buffer.getvalue()


def decode(data: bytes, max_bytes: int = MAX_MESSAGE_BYTES):
    """The value that :func:`encode` wrote, refusing pickles, bombs and malformed input."""
    arrays = load_npz_bytes(data, max_bytes)
    if "__meta__" not in arrays:
        raise WireError("not a grading message: no __meta__ entry")
    if arrays["__meta__"].nbytes > MAX_META_BYTES:
        raise WireError(f"a message structure over {MAX_META_BYTES / 2**20:.0f} MB (send "
                        "numbers in arrays, not in long lists)")
    try:
        meta = json.loads(arrays.pop("__meta__").tobytes().decode())
        return _from_meta(meta, arrays, depth=0)
    except WireError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        raise WireError(f"malformed message: {type(exc).__name__}: {exc}") from None


def load_npz_bytes(data: bytes, max_bytes: int = MAX_MESSAGE_BYTES) -> dict[str, np.ndarray]:
    """Every array of an npz archive given as bytes, without unpickling (see load_npz)."""
    return _load_npz(io.BytesIO(data), max_bytes)


def load_npz(path, max_bytes: int = MAX_MESSAGE_BYTES) -> dict[str, np.ndarray]:
    """Every array of the npz file at ``path``; WireError for pickles, bombs, bad files."""
    try:
        with open(path, "rb") as handle:
            return _load_npz(io.BytesIO(handle.read(max_bytes + 1)), max_bytes)
    except OSError as exc:
        raise WireError(f"cannot read {path}: {exc.strerror or exc}") from None


def _load_npz(handle: io.BytesIO, max_bytes: int) -> dict[str, np.ndarray]:
    with handle.getbuffer() as view:
        if len(view) > max_bytes:
            raise WireError("the file is larger than the limit")
        _count_members(view)
    try:
        with zipfile.ZipFile(handle) as archive:
            infos = archive.infolist()
            if sum(info.file_size for info in infos) > max_bytes:
                raise WireError("the archive would inflate past the size limit (a zip bomb?)")
            arrays = {}
            for info in infos:
                name = info.filename.removesuffix(".npy")
                with archive.open(info) as member:
                    arrays[name] = _read_array(member, info.file_size)
            return arrays
    except WireError:
        raise
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, RuntimeError) as exc:
        raise WireError(f"not a valid npz archive: {exc}") from None


def _count_members(data) -> int:
    """How many members the archive's central directory lists, counted on the raw bytes so
    an archive of too many (even empty) members is refused before zipfile builds them."""
    tail_start = max(0, len(data) - 2**16 - 22)  # the end record and its comment
    end = bytes(data[tail_start:]).rfind(b"PK\x05\x06")
    if end < 0 or tail_start + end + 22 > len(data):
        raise WireError("not an npz archive: no end of central directory")
    end += tail_start
    if end >= 20 and data[end - 20:end - 16] == b"PK\x06\x07":
        raise WireError("zip64 archives are not accepted")
    (size,) = struct.unpack_from("<I", data, end + 12)
    if size > end:
        raise WireError("not an npz archive: the central directory lies outside it")
    position, count = end - size, 0
    while position < end:
        if position + 46 > end or data[position:position + 4] != b"PK\x01\x02":
            raise WireError("not an npz archive: a malformed central directory")
        count += 1
        if count > MAX_MEMBERS:
            raise WireError(f"an archive of more than {MAX_MEMBERS} members is refused")
        name, extra, comment = struct.unpack_from("<HHH", data, position + 28)
        position += 46 + name + extra + comment
    return count


def _read_array(member, declared: int) -> np.ndarray:
    version = np.lib.format.read_magic(member)
    if version == (1, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(member)
    elif version == (2, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(member)
    else:
        raise WireError(f"npy format version {version} is not supported")
    if dtype.hasobject or dtype.kind not in _ALLOWED_KINDS:
        raise WireError(f"array of dtype {dtype} refused: only numeric arrays are accepted")
    count = math.prod(shape)
    if count * dtype.itemsize > declared:
        raise WireError(f"array header claims {shape} but the data is shorter")
    data = member.read(count * dtype.itemsize)
    if len(data) != count * dtype.itemsize:
        raise WireError("truncated array data")
    array = np.frombuffer(data, dtype=dtype, count=count)
    return array.reshape(shape[::-1]).T.copy() if fortran else array.reshape(shape).copy()


def _to_meta(value, arrays: dict, depth: int):
    if depth > 20:
        raise WireError("data nested more than 20 levels deep")
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, np.ndarray | np.generic):  # numpy scalars keep their dtype (float32)
        array = np.asarray(value)
        if array.dtype.hasobject or array.dtype.kind not in _ALLOWED_KINDS:
            raise WireError(f"an array of dtype {array.dtype} is not plain numeric data")
        name = f"a{len(arrays)}"
        arrays[name] = array
        return {"array" if isinstance(value, np.ndarray) else "scalar": name}
    if isinstance(value, int):
        return {"int": str(int(value))}
    if isinstance(value, float):
        return value if math.isfinite(value) else {"float": repr(float(value))}
    if isinstance(value, list | tuple):
        key = "list" if isinstance(value, list) else "tuple"
        return {key: [_to_meta(v, arrays, depth + 1) for v in value]}
    if isinstance(value, dict):
        if not all(isinstance(k, str | int | float | np.integer | np.floating) for k in value):
            raise WireError("dict keys must be strings or numbers")
        return {"dict": [[_to_meta(k, arrays, depth + 1), _to_meta(v, arrays, depth + 1)]
                         for k, v in value.items()]}
    raise WireError(f"a {type(value).__name__} is not plain data (numbers, strings, arrays)")


def _from_meta(meta, arrays: dict, depth: int):
    if depth > 21:
        raise WireError("message nested too deeply")
    if meta is None or isinstance(meta, bool | str | int | float):
        return meta
    if not isinstance(meta, dict) or len(meta) != 1:
        raise WireError("malformed message structure")
    (kind, body), = meta.items()
    if kind == "int":
        return int(body)
    if kind == "float":
        return float(body)
    if kind in ("array", "scalar"):
        if body not in arrays:
            raise WireError(f"message refers to a missing array {body!r}")
        return arrays[body] if kind == "array" else arrays[body][()]
    if kind in ("list", "tuple") and isinstance(body, list):
        items = [_from_meta(v, arrays, depth + 1) for v in body]
        return items if kind == "list" else tuple(items)
    if kind == "dict" and isinstance(body, list) and all(
            isinstance(p, list) and len(p) == 2 for p in body):
        pairs = [(_from_meta(k, arrays, depth + 1), _from_meta(v, arrays, depth + 1))
                 for k, v in body]
        if not all(isinstance(k, str | int | float | np.integer | np.floating) for k, _ in pairs):
            raise WireError("dict keys must be strings or numbers")
        return dict(pairs)
    raise WireError(f"unknown message element {kind!r}")

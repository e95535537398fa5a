"""The sandbox's data channel: plain data round-trips exactly; nothing else gets through."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograder.wire import WireError, decode, encode, load_npz, load_npz_bytes

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                    st.text(max_size=20))
arrays = hnp.arrays(st.sampled_from([np.float32, np.float64, np.int64, np.uint8, np.bool_]),
                    hnp.array_shapes(min_dims=0, max_dims=3, max_side=4))
plain = st.recursive(
    st.one_of(scalars, arrays),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.tuples(inner, inner),
                            st.dictionaries(st.one_of(st.text(max_size=5), st.integers()),
                                            inner, max_size=4)),
    max_leaves=12,
)


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray | np.generic):
        return (type(a) is type(b) and a.dtype == b.dtype and np.shape(a) == np.shape(b)
                and np.array_equal(a, b, equal_nan=True))
    if isinstance(a, list | tuple):
        return type(a) is type(b) and len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


@given(plain)
def test_plain_data_round_trips_exactly(value):
    assert _same(decode(encode(value)), value)


def test_float32_scalars_and_non_finite_floats_keep_their_meaning():
    back = decode(encode([np.float32(1.5), float("inf"), float("nan"), 10**30]))
    assert back[0].dtype == np.float32 and back[1] == float("inf") and np.isnan(back[2])
    assert back[3] == 10**30


@pytest.mark.parametrize("value", [object(), {1: lambda: 0}, np.array([object()]),
                                   {(1, 2): 3}, type("X", (), {})()])
def test_anything_but_plain_data_is_refused(value):
    with pytest.raises(WireError):
        encode(value)


def test_a_pickled_array_is_refused(tmp_path):
    path = tmp_path / "model.npz"
    np.savez(path, W=np.array([{"evil": 1}], dtype=object))
    with pytest.raises(WireError, match="object"):
        load_npz(path)


def test_a_zip_bomb_is_refused_before_inflating():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("W.npy", b"\0" * (64 * 2**20))
    with pytest.raises(WireError, match="inflate"):
        load_npz_bytes(buffer.getvalue(), max_bytes=16 * 2**20)


def test_an_array_header_that_lies_about_its_size_is_refused():
    buffer = io.BytesIO()
    np.save(buffer, np.zeros(4))
    data = buffer.getvalue().replace(b"(4,)", b"(9999999999,)".ljust(4))
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("W.npy", data)
    with pytest.raises(WireError):
        load_npz_bytes(archive.getvalue())


@pytest.mark.parametrize("data", [b"", b"not a zip", b"PK\x03\x04garbage"])
def test_garbage_is_a_wire_error(data):
    with pytest.raises(WireError):
        decode(data)

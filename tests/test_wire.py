"""The sandbox's data channel: plain data round-trips exactly, messages keep their types, and
nothing else gets through (malformed, unexpected, oversized, bombs, deadlines)."""

from __future__ import annotations

import io
import os
import struct
import time
import zipfile

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograder.protocol import (
    CaseResult,
    CellDone,
    Channel,
    ChannelTimeout,
    HelperAnswer,
    ProtocolError,
    RunCase,
    RunCell,
    Start,
    parse,
    to_wire,
)
from autograder.wire import MAX_MEMBERS, WireError, decode, encode, load_npz, load_npz_bytes

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


def _empty_members_archive(count: int) -> bytes:
    """A zip of ``count`` empty members, written by hand as an attacker would."""
    local, central = bytearray(), bytearray()
    for i in range(count):
        name = b"%d.npy" % i
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 0, 0, 0, 0, 0, 0,
                               len(name), 0, 0, 0, 0, 0, len(local)) + name
        local += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 0, 0, 0, 0, 0, 0, len(name),
                             0) + name
    return bytes(local + central + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 65535, 65535,
                                               len(central), len(local), 0))


def test_an_archive_of_300000_empty_members_is_refused_by_counting():
    data = _empty_members_archive(300_000)
    assert zipfile.ZipFile(io.BytesIO(_empty_members_archive(3))).namelist() == [
        "0.npy", "1.npy", "2.npy"]  # the hand-made archive is a real zip
    with pytest.raises(WireError, match="members"):
        decode(data)


def test_a_structure_of_millions_of_small_items_is_refused_before_parsing():
    with pytest.raises(WireError, match="structure over"):
        decode(encode([0.5] * 2_000_000))


def test_an_archive_at_the_member_limit_still_decodes():
    value = [np.arange(i) for i in range(MAX_MEMBERS - 1)]  # plus __meta__
    assert len(decode(encode(value))) == MAX_MEMBERS - 1


def _channel_pair(max_bytes=2**20):
    to_b_r, to_b_w = os.pipe()
    to_a_r, to_a_w = os.pipe()
    return Channel(to_a_r, to_b_w, max_bytes), Channel(to_b_r, to_a_w, max_bytes)


def test_messages_round_trip_as_their_types():
    a, b = _channel_pair()
    sent = [Start("lab1_knn", 2**20), RunCell("c1", "x = 1"), CellDone("c1", None),
            RunCase("t", 2, (np.ones(3),), {"k": 3}, "f", None, None, ("g",)),
            HelperAnswer(error="e", error_type="V")]
    for message in sent:
        a.send(message, time.monotonic() + 5)
        back = parse(b.receive(time.monotonic() + 5), type(message))
        assert type(back) is type(message)
        assert encode(to_wire(back)) == encode(to_wire(message))


@pytest.mark.parametrize(("value", "why"), [
    ({"kind": "CellDone", "id": "c1"}, "wrong fields"),
    ({"kind": "CellDone", "id": 3, "error": None}, "id is not str"),
    ({"kind": "CaseResult", "test": "t", "index": True, "outcome": {}}, "index is not int"),
    ({"kind": "CaseResult", "test": "t", "index": 0, "outcome": {1: 2}}, "non-text keys"),
    ({"kind": "RunCell", "id": "c", "source": ""},
     "expected CellDone or CaseResult, got 'RunCell'"),
    ({"event": "test_start", "id": "t"}, "not a message"),
    ([1, 2], "not a message"),
])
def test_malformed_or_unexpected_messages_are_protocol_errors(value, why):
    with pytest.raises(ProtocolError, match=why):
        parse(value, CellDone, CaseResult)


def test_an_oversized_frame_is_refused_before_it_is_read():
    a, b = _channel_pair(max_bytes=1000)
    os.write(a.write_fd, struct.pack(">Q", 2**40))
    with pytest.raises(ProtocolError, match="over the"):
        b.receive(time.monotonic() + 5)


def test_a_write_nobody_reads_stops_at_its_deadline():
    a, _ = _channel_pair(max_bytes=2**30)
    with pytest.raises(ChannelTimeout):
        a.send(RunCase("t", 0, (np.zeros(2**20),), {}, "f", None, None, ()), time.monotonic() + 0.5)


def test_a_read_with_nothing_to_read_stops_at_its_deadline():
    a, _ = _channel_pair()
    with pytest.raises(ChannelTimeout):
        a.receive(time.monotonic() + 0.2)

"""Request body decoding (backend/sync_api/body_coding.py): every body a client can send either
decodes to exactly what was compressed or is refused with one of the documented codes — never
another exception, never more than the cap in memory."""

from __future__ import annotations

import gzip
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.lib.errors import AppError
from backend.sync_api.body_coding import decode_body
from backend.sync_api.dictionaries import DIRECTORY, current, deflate, dictionaries, dictionary_id

REFUSALS = {"bad_deflate", "bad_gzip", "unknown_dictionary", "body_too_large"}


def test_every_dictionary_file_is_known_by_its_adler32_and_the_newest_is_current() -> None:
    files = sorted(DIRECTORY.glob("push-*.txt"), key=lambda f: int(f.stem.split("-")[1]))
    assert files, "at least one dictionary ships"
    assert list(dictionaries()) == [dictionary_id(f.read_bytes()) for f in files]
    assert current().data == files[-1].read_bytes()
    for d in dictionaries().values():
        assert len(d.data) <= 32 * 1024  # deflate's window: a longer dictionary is dead weight
        d.data.decode("utf-8")  # the PWA reads it as text


@settings(max_examples=200)
@given(st.binary(max_size=4096), st.sampled_from(["gzip", "deflate", "deflate+dict"]),
       st.integers(min_value=1, max_value=9))
def test_what_is_compressed_comes_back_exactly(data: bytes, coding: str, level: int) -> None:
    if coding == "gzip":
        body = gzip.compress(data, level)
    elif coding == "deflate":
        body = zlib.compress(data, level)
    else:
        body = deflate(data, current(), level)
    assert decode_body(body, coding.split("+")[0]) == data


@settings(max_examples=300)
@given(st.binary(max_size=512), st.sampled_from(["gzip", "deflate"]))
def test_any_bytes_decode_or_are_refused_with_a_documented_code(raw: bytes, coding: str) -> None:
    try:
        decode_body(raw, coding, limit=4096)
    except AppError as exc:
        assert exc.code in REFUSALS
        assert exc.status in (400, 413, 415) and exc.message_vi


@settings(max_examples=100)
@given(st.binary(min_size=1, max_size=2048), st.data())
def test_a_damaged_dictionary_stream_never_passes_as_other_bytes(data: bytes,
                                                                 draw: st.DataObject) -> None:
    body = bytearray(deflate(data, current()))
    at = draw.draw(st.integers(min_value=6, max_value=len(body) - 1))
    body[at] ^= draw.draw(st.integers(min_value=1, max_value=255))
    try:
        out = decode_body(bytes(body), "deflate")
    except AppError as exc:
        assert exc.code in REFUSALS
        return
    # A flip deflate cannot see is caught by the Adler-32 trailer; what decodes is the original.
    assert out == data


def test_the_cap_holds_with_a_dictionary() -> None:
    with pytest.raises(AppError) as caught:
        decode_body(deflate(b"x" * 100_000, current()), "deflate", limit=50_000)
    assert caught.value.code == "body_too_large" and caught.value.status == 413


@pytest.mark.parametrize("encoding", ["br", "zstd", "compress", "gzip, deflate"])
def test_other_encodings_are_refused(encoding: str) -> None:
    with pytest.raises(AppError) as caught:
        decode_body(b"{}", encoding)
    assert caught.value.code == "unsupported_encoding" and caught.value.status == 415

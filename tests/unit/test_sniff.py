"""Type decisions by content: magic bytes, safe image decoding, declared-type normalisation."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from backend.attachments.sniff import (
    JPEG,
    PDF,
    PNG,
    WEBP,
    RejectedContent,
    inspect_file,
    normalise_declared,
    sniff_type,
)

IMAGES = Path(__file__).resolve().parents[1] / "fixtures" / "images"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("photo.jpg", JPEG),
        ("scan.png", PNG),
        ("photo.webp", WEBP),
        ("one-page.pdf", PDF),
        ("png-named.jpg", PNG),
        ("html-named.jpg", None),
    ],
)
def test_sniff_type_reads_magic_bytes_not_names(name: str, expected: str | None) -> None:
    assert sniff_type((IMAGES / name).read_bytes()[:16]) == expected


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b"\xff\xd8",  # truncated JPEG marker
        b"GIF89a\x01\x00\x01\x00",
        b"PK\x03\x04rest-of-zip",
        b"<svg xmlns='http://www.w3.org/2000/svg'>",
        b"RIFF\x00\x00\x00\x00WAVEfmt ",  # RIFF but not WebP
        b"\x00\x00\x00\x18ftypheic",
    ],
)
def test_sniff_type_refuses_everything_else(head: bytes) -> None:
    assert sniff_type(head) is None


@pytest.mark.parametrize(
    ("name", "content_type", "size"),
    [
        ("photo.jpg", JPEG, (96, 64)),
        ("scan.png", PNG, (96, 64)),
        ("photo.webp", WEBP, (96, 64)),
        ("png-named.jpg", PNG, (40, 30)),
    ],
)
def test_inspect_file_reports_type_and_dimensions(
    name: str, content_type: str, size: tuple[int, int]
) -> None:
    found = inspect_file(IMAGES / name)
    assert (found.content_type, found.width, found.height) == (content_type, *size)


def test_inspect_file_accepts_pdf_without_dimensions() -> None:
    found = inspect_file(IMAGES / "one-page.pdf")
    assert (found.content_type, found.width, found.height) == (PDF, None, None)


def test_inspect_file_refuses_html_disguised_as_jpeg() -> None:
    with pytest.raises(RejectedContent) as info:
        inspect_file(IMAGES / "html-named.jpg")
    assert info.value.code == "type_not_allowed"
    assert "JPEG, PNG, WebP" in info.value.message_vi


def test_inspect_file_refuses_decompression_bomb_before_decoding() -> None:
    with pytest.raises(RejectedContent) as info:
        inspect_file(IMAGES / "bomb.png")
    assert info.value.code == "image_too_large"
    assert "40000000 pixels" in info.value.message_en


def test_inspect_file_applies_a_custom_pixel_budget(tmp_path: Path) -> None:
    path = tmp_path / "wide.png"
    Image.new("L", (200, 100)).save(path)
    assert inspect_file(path, max_pixels=20_000).width == 200
    with pytest.raises(RejectedContent) as info:
        inspect_file(path, max_pixels=19_999)
    assert info.value.code == "image_too_large"


def test_inspect_file_refuses_truncated_image(tmp_path: Path) -> None:
    path = tmp_path / "cut.png"
    path.write_bytes((IMAGES / "scan.png").read_bytes()[:100])
    with pytest.raises(RejectedContent) as info:
        inspect_file(path)
    assert info.value.code == "image_invalid"


def test_inspect_file_refuses_png_magic_followed_by_jpeg(tmp_path: Path) -> None:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buf, "JPEG")
    path = tmp_path / "chimera.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + buf.getvalue())
    with pytest.raises(RejectedContent) as info:
        inspect_file(path)
    assert info.value.code == "image_invalid"


def test_inspect_file_refuses_pdf_without_end_marker(tmp_path: Path) -> None:
    path = tmp_path / "cut.pdf"
    path.write_bytes((IMAGES / "one-page.pdf").read_bytes()[:200])
    with pytest.raises(RejectedContent) as info:
        inspect_file(path)
    assert info.value.code == "pdf_invalid"


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        (None, None),
        ("", None),
        ("application/octet-stream", None),
        ("Image/JPG", JPEG),
        ("image/jpeg; charset=binary", JPEG),
        ("image/pjpeg", JPEG),
        ("text/html", "text/html"),
    ],
)
def test_normalise_declared_folds_aliases_and_unknowns(
    declared: str | None, expected: str | None
) -> None:
    assert normalise_declared(declared) == expected

"""What a file IS, decided from its bytes — never from its name or the declared type.

Only four types are accepted: JPEG, PNG, WebP and PDF. Images are then opened with Pillow
under a pixel budget, so that a small file that decodes to gigabytes (a decompression bomb)
is refused before it is decoded. Failure modes, each a `RejectedContent` with a stable code:
`type_not_allowed` (unknown magic, HTML, SVG, ZIP, …), `image_too_large` (pixel budget),
`image_invalid` (truncated or corrupt, or Pillow disagrees with the magic bytes),
`pdf_invalid` (no end-of-file marker).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

JPEG = "image/jpeg"
PNG = "image/png"
WEBP = "image/webp"
PDF = "application/pdf"
ALLOWED_TYPES: tuple[str, ...] = (JPEG, PNG, WEBP, PDF)
IMAGE_TYPES = frozenset({JPEG, PNG, WEBP})

# 40 megapixels is well above any phone camera's document photo (12–16 MP typically, 50 MP
# at most in "hi-res" modes that the PWA never sends: it downsizes to ~1600 px first).
MAX_IMAGE_PIXELS = 40_000_000
# Pillow warns above its global limit and raises above twice it; our own check below is the
# exact one, this only makes Pillow's safety net no looser than ours for every other caller.
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS

_PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}

# Spellings that browsers and phones send for an allowed type.
_ALIASES = {"image/jpg": JPEG, "image/pjpeg": JPEG, "application/x-pdf": PDF}
# Declared types that mean "I don't know"; no early refusal for these.
UNKNOWN_DECLARED = frozenset({"", "application/octet-stream", "binary/octet-stream"})

HEAD_BYTES = 16


class RejectedContent(Exception):
    def __init__(self, code: str, message_vi: str, message_en: str) -> None:
        super().__init__(message_en)
        self.code = code
        self.message_vi = message_vi
        self.message_en = message_en


def not_allowed(detail_en: str = "") -> RejectedContent:
    return RejectedContent(
        "type_not_allowed",
        "Loại tệp không được chấp nhận. Chỉ nhận ảnh JPEG, PNG, WebP hoặc tệp PDF.",
        "File type not allowed; only JPEG, PNG, WebP or PDF are accepted." + detail_en,
    )


def normalise_declared(declared: str | None) -> str | None:
    """`'Image/JPG; q=1'` → `'image/jpeg'`; None for "unknown" declarations."""
    if declared is None:
        return None
    base = declared.split(";", 1)[0].strip().lower()
    if base in UNKNOWN_DECLARED:
        return None
    return _ALIASES.get(base, base)


def sniff_type(head: bytes) -> str | None:
    """The allowed type whose magic bytes start `head`, or None. Needs the first 12 bytes."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    return None


@dataclass(frozen=True)
class Inspection:
    content_type: str
    width: int | None = None
    height: int | None = None


def inspect_file(path: Path, max_pixels: int = MAX_IMAGE_PIXELS) -> Inspection:
    """Sniffs and, for images, safely decodes the whole file. Raises `RejectedContent`."""
    return inspect_bytes(path.read_bytes(), max_pixels)


def inspect_bytes(data: bytes, max_pixels: int = MAX_IMAGE_PIXELS) -> Inspection:
    """`inspect_file` for bytes in memory (an upload is opened in memory, never written plain)."""
    content_type = sniff_type(data[:HEAD_BYTES])
    if content_type is None:
        raise not_allowed()
    if content_type == PDF:
        _check_pdf_tail(data)
        return Inspection(PDF)
    width, height = _check_image(data, content_type, max_pixels)
    return Inspection(content_type, width, height)


def _check_pdf_tail(data: bytes) -> None:
    # Readers look for %%EOF in the last 1 KiB; a file without it is truncated or not a PDF.
    if b"%%EOF" not in data[-1024:]:
        raise RejectedContent(
            "pdf_invalid",
            "Tệp PDF bị hỏng hoặc không đầy đủ.",
            "The PDF is damaged or truncated (no %%EOF marker).",
        )


def _too_large(pixels: int | None, max_pixels: int) -> RejectedContent:
    seen_vi = f"{pixels} điểm ảnh, " if pixels is not None else ""
    seen_en = f"{pixels} pixels, " if pixels is not None else ""
    return RejectedContent(
        "image_too_large",
        f"Ảnh quá lớn ({seen_vi}tối đa {max_pixels} điểm ảnh). "
        "Vui lòng chụp lại ở độ phân giải thấp hơn.",
        f"Image too large ({seen_en}at most {max_pixels} pixels).",
    )


def _invalid_image(detail: str) -> RejectedContent:
    return RejectedContent(
        "image_invalid",
        "Ảnh bị hỏng hoặc không đọc được. Vui lòng chụp lại.",
        f"The image is damaged or unreadable ({detail}).",
    )


def _check_image(data: bytes, content_type: str, max_pixels: int) -> tuple[int, int]:
    """verify() then a fresh open and load(): verify() checks structure/CRCs without
    decoding, load() proves the pixels decode. The size is checked from the header before
    either, so a bomb is never decoded. Warnings-as-errors catches Pillow's own bomb
    warning for formats whose real size shows only while decoding."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as im:
                _check_header(im, content_type, max_pixels)
                im.verify()
            with Image.open(io.BytesIO(data)) as im:
                _check_header(im, content_type, max_pixels)
                im.load()
                return im.width, im.height
    except RejectedContent:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_large(None, max_pixels) from exc
    except Exception as exc:  # Pillow raises many types (OSError, SyntaxError, ValueError…)
        raise _invalid_image(type(exc).__name__) from exc


def _check_header(im: Image.Image, content_type: str, max_pixels: int) -> None:
    if im.format != _PILLOW_FORMATS[content_type]:
        raise _invalid_image(f"decoder says {im.format}, magic bytes say {content_type}")
    pixels = im.width * im.height
    if pixels > max_pixels or im.width <= 0 or im.height <= 0:
        raise _too_large(pixels, max_pixels)

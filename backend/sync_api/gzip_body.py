"""Request bodies sent with `Content-Encoding: gzip` (Litestar only compresses responses).

The compressed size is already capped by the app's body limit; the decompressed size is capped
here, by streaming with `max_length`, so a small gzip bomb never expands in memory.
"""

from __future__ import annotations

import zlib

from backend.lib.errors import AppError

MAX_DECOMPRESSED = 8 * 1024 * 1024


def decode_body(raw: bytes, content_encoding: str | None, limit: int = MAX_DECOMPRESSED) -> bytes:
    encoding = (content_encoding or "identity").strip().lower()
    if encoding in ("", "identity"):
        return raw
    if encoding != "gzip":
        raise AppError(
            "unsupported_encoding",
            f"Không hỗ trợ mã hoá nội dung «{encoding}» (chỉ gzip).",
            f"Unsupported Content-Encoding {encoding!r} (only gzip).",
            415,
        )
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(raw, limit + 1)
        if len(out) > limit or inflater.unconsumed_tail:
            raise _too_large(limit)
        out += inflater.flush()
    except zlib.error as exc:
        raise AppError(
            "bad_gzip", "Dữ liệu gzip bị hỏng.", f"Corrupt gzip body: {exc}", 400
        ) from exc
    if len(out) > limit:
        raise _too_large(limit)
    if not inflater.eof:
        raise AppError("bad_gzip", "Dữ liệu gzip bị cắt cụt.", "Truncated gzip body.", 400)
    return out


def _too_large(limit: int) -> AppError:
    return AppError(
        "body_too_large",
        f"Dữ liệu sau khi giải nén vượt quá {limit // (1024 * 1024)} MB.",
        f"Decompressed body exceeds {limit} bytes.",
        413,
    )

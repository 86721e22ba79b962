"""Request bodies sent compressed (Litestar only compresses responses): `Content-Encoding: gzip`,
or `deflate` — a zlib stream (RFC 1950), optionally with a preset dictionary named by its DICTID
(docs/protocol.md §4), which makes one small push about 30 % smaller than gzip.

The compressed size is already capped by the app's body limit; the decompressed size is capped
here, by streaming with `max_length`, so a small bomb never expands in memory.
"""

from __future__ import annotations

import zlib

from backend.lib.errors import AppError
from backend.sync_api.dictionaries import dictionaries

MAX_DECOMPRESSED = 8 * 1024 * 1024
GZIP_WBITS = 16 + zlib.MAX_WBITS
FDICT = 0x20


def decode_body(raw: bytes, content_encoding: str | None, limit: int = MAX_DECOMPRESSED) -> bytes:
    encoding = (content_encoding or "identity").strip().lower()
    if encoding in ("", "identity"):
        return raw
    if encoding == "gzip":
        return _inflate(zlib.decompressobj(GZIP_WBITS), raw, limit, "gzip")
    if encoding == "deflate":
        return _inflate(_zlib_inflater(raw), raw, limit, "deflate")
    raise AppError(
        "unsupported_encoding",
        f"Không hỗ trợ mã hoá nội dung «{encoding}» (chỉ gzip hoặc deflate).",
        f"Unsupported Content-Encoding {encoding!r} (only gzip or deflate).",
        415,
    )


def _zlib_inflater(raw: bytes) -> zlib._Decompress:
    """A zlib decompressor primed with the dictionary the stream's header names, if any."""
    if len(raw) < 2 or raw[1] & FDICT == 0 or not _zlib_header(raw[0], raw[1]):
        return zlib.decompressobj(zlib.MAX_WBITS)  # no dictionary; a bad header fails below
    if len(raw) < 6:
        raise _corrupt("deflate", "header cut off before its DICTID")
    wanted = raw[2:6].hex()
    known = dictionaries().get(wanted)
    if known is None:
        raise AppError(
            "unknown_dictionary",
            f"Máy chủ không có từ điển nén «{wanted}»; hãy gửi lại bằng gzip.",
            f"Unknown preset dictionary {wanted}; send the body gzip-compressed instead "
            "(GET /api/sync/dictionaries lists the ones accepted).",
            415,
            errors=[{"dictionary_id": wanted, "accepted": list(dictionaries())}],
        )
    return zlib.decompressobj(zlib.MAX_WBITS, zdict=known.data)


def _zlib_header(cmf: int, flg: int) -> bool:
    """RFC 1950: method 8 (deflate), window at most 32 KB, and the check bits."""
    return cmf & 0x0F == 8 and cmf >> 4 <= 7 and (cmf * 256 + flg) % 31 == 0


def _inflate(inflater: zlib._Decompress, raw: bytes, limit: int, name: str) -> bytes:
    try:
        out = inflater.decompress(raw, limit + 1)
        if len(out) > limit or inflater.unconsumed_tail:
            raise _too_large(limit)
        out += inflater.flush()
    except zlib.error as exc:
        raise _corrupt(name, str(exc)) from exc
    if len(out) > limit:
        raise _too_large(limit)
    if not inflater.eof:
        raise AppError(f"bad_{name}", f"Dữ liệu {name} bị cắt cụt.", f"Truncated {name} body.",
                       400)
    return out


def _corrupt(name: str, why: str) -> AppError:
    """`bad_gzip` / `bad_deflate`: the stream of that coding is corrupt."""
    return AppError(f"bad_{name}", f"Dữ liệu {name} bị hỏng.", f"Corrupt {name} body: {why}", 400)


def _too_large(limit: int) -> AppError:
    return AppError(
        "body_too_large",
        f"Dữ liệu sau khi giải nén vượt quá {limit // (1024 * 1024)} MB.",
        f"Decompressed body exceeds {limit} bytes.",
        413,
    )

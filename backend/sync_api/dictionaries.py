"""The preset dictionaries a push body may be deflated with (docs/protocol.md §4).

Every file `sync/dictionaries/push-<k>.txt` stays accepted for good — a device holds the one its
app version shipped with — and is named on the wire by its zlib DICTID, the Adler-32 of its
bytes. The newest (highest k) is the one the server recommends.
"""

from __future__ import annotations

import functools
import zlib
from dataclasses import dataclass
from pathlib import Path

DIRECTORY = Path(__file__).resolve().parents[2] / "sync" / "dictionaries"


@dataclass(frozen=True)
class Dictionary:
    id: str  # 8 lowercase hex digits: the Adler-32 of `data`, the zlib DICTID
    seq: int
    data: bytes


def dictionary_id(data: bytes) -> str:
    return f"{zlib.adler32(data):08x}"


@functools.cache
def dictionaries() -> dict[str, Dictionary]:
    """id → dictionary, oldest first."""
    found = sorted((int(f.stem.split("-", 1)[1]), f.read_bytes())
                   for f in DIRECTORY.glob("push-*.txt"))
    return {dictionary_id(data): Dictionary(dictionary_id(data), seq, data)
            for seq, data in found}


def current() -> Dictionary:
    return list(dictionaries().values())[-1]


def deflate(data: bytes, dictionary: Dictionary | None = None, level: int = 9) -> bytes:
    """A zlib stream of `data` primed with `dictionary` (its header then carries the DICTID), as a
    client sends it with `Content-Encoding: deflate`; for tests and the benchmark clients."""
    extra = {} if dictionary is None else {"zdict": dictionary.data}
    packer = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS, 9, zlib.Z_DEFAULT_STRATEGY,
                              **extra)
    return packer.compress(data) + packer.flush()

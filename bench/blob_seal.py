"""Cost of sealing blobs at rest (backend/blobs/sealed.py): seal and open (tag + SHA-256 check)
of a photo-sized and a limit-sized blob, and the derived content key, per call.

Run: .venv/bin/python bench/blob_seal.py [rounds]
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from functools import partial

from backend.blobs.sealed import content_key, open_blob, seal_blob
from backend.privacy import crypto
from backend.privacy.keys import Keyring


def per_call_ms(fn: object, rounds: int) -> float:
    assert callable(fn)
    start = time.perf_counter()
    for _ in range(rounds):
        fn()
    return (time.perf_counter() - start) / rounds * 1e3


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    ring = Keyring(crypto.new_key(), {"b": crypto.new_key()}, {"blobs": "b"})
    for label, size in (("photo (300 KB)", 300_000), ("limit (10 MiB)", 10 * 1024 * 1024)):
        data = os.urandom(size)
        sha = hashlib.sha256(data).hexdigest()
        key = content_key(ring, sha)
        sealed = seal_blob(key, sha, data)
        seal_ms = per_call_ms(partial(seal_blob, key, sha, data), rounds)
        open_ms = per_call_ms(partial(open_blob, key, sha, sealed), rounds)
        print(f"{label}: seal {seal_ms:.2f} ms, open+check {open_ms:.2f} ms, "
              f"overhead {len(sealed) - size} B")
    print(f"content key: {per_call_ms(lambda: content_key(ring, 'ab' * 32), 10_000) * 1e3:.1f} µs")


if __name__ == "__main__":
    main()

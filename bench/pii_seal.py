"""Cost of sealing personal data at rest on the server (backend/privacy): per value, for a
CCCD, a member's sync data and a dossier form, seal + open and the CCCD blind index.

Run: .venv/bin/python bench/pii_seal.py [rounds]
"""

from __future__ import annotations

import json
import sys
import time

from backend.privacy import crypto
from backend.privacy.keys import Keyring

FORM = {"child_full_name": "Giàng A Lử", "mother_full_name": "Vàng Thị Dính",
        "requester_cccd": "012090123456", "mother_ethnicity": "Mông",
        **{f"field_{i}": "Bản Nậm Khăn, xã Pu Sam Cáp" for i in range(30)}}


def per_call_us(fn: object, rounds: int) -> float:
    assert callable(fn)
    start = time.perf_counter()
    for _ in range(rounds):
        fn()
    return (time.perf_counter() - start) / rounds * 1e6


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    ring = Keyring(crypto.new_key())
    for purpose in ("members", "dossiers", "bidx"):
        kid = purpose
        ring.keys[kid] = crypto.new_key()
        ring.active[purpose] = kid
    cases = {"cccd (12 B)": ("members", b"012090123456"),
             f"dossier form ({len(json.dumps(FORM).encode())} B)": ("dossiers",
                                                                  json.dumps(FORM).encode())}
    for name, (purpose, value) in cases.items():
        sealed = ring.seal(purpose, value)
        s = per_call_us(lambda p=purpose, v=value: ring.seal(p, v), rounds)
        o = per_call_us(lambda p=purpose, t=sealed: ring.open(p, t), rounds)
        print(f"{name:28s} seal {s:6.1f} µs  open {o:6.1f} µs  stored {len(sealed)} chars")
    b = per_call_us(lambda: ring.blind_index("cccd", "012090123456"), rounds)
    print(f"{'cccd blind index (HMAC)':28s} {b:6.1f} µs")


if __name__ == "__main__":
    main()

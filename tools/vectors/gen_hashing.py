"""Writes sync/vectors/hashing.json (SPEC §HASH) from hand-checked digests (FIPS 180-2 examples)."""
import sys; from pathlib import Path; HERE = Path(__file__).resolve().parent; sys.path.insert(0, str(HERE))
from common import write

cases = []
def case(rule, op, comment, **kw):
    cases.append({"id": f"HASH-{len(cases) + 1:03d}", "rule": rule, "op": op, "comment": comment, **kw})

case("HASH1", "sha256_hex", "empty input", input_hex="",
     expected="e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
case("HASH1", "sha256_hex", "FIPS 180-2 example 'abc'", input_hex="616263",
     expected="ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
case("HASH1", "sha256_hex", "FIPS 180-2 two-block example", input_hex="abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".encode().hex(),
     expected="248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
case("HASH1", "sha256_hex", "UTF-8 bytes of Vietnamese text (the bytes are hashed, never the characters)", input_hex="Lò Văn Pọm".encode("utf-8").hex(),
     expected=__import__("hashlib").sha256("Lò Văn Pọm".encode("utf-8")).hexdigest())
case("HASH2", "genesis", "GENESIS: the prev of a device's first mutation", expected="0" * 64)
write("hashing", "SHA-256 helpers. op=sha256_hex: sha256_hex(bytes of input_hex) → 64 lowercase hex characters; op=genesis: the GENESIS constant.",
      "hash-hashing", cases)

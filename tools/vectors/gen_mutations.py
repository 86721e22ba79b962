import sys, json; sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[2]))
from common import write, seed
from sync.signatures import *
from sync.mutations import *
from sync.canonical import canonical_bytes
from sync.hashing import GENESIS
from sync.errors import SyncError

ed = private_key_from_bytes("Ed25519", seed("langso-vector-ed25519-1"))
ed_other = private_key_from_bytes("Ed25519", seed("langso-vector-ed25519-2"))
es = private_key_from_bytes("ES256", (int.from_bytes(seed("langso-vector-es256-1"), "big") % (2**256 - 2**224 + 2**192 + 2**96 - 1 - 10**70) + 1).to_bytes(32, "big"))
PUB = public_key_b64u(ed)
DEV = "0b6f1c52-7a3e-4d2b-9c1f-2f4e8a9d0c11"
DEV2 = "f3a9e0d4-11b2-4c6e-8e7a-5d4c3b2a1f00"
HH = "5f0c7d2e-3b1a-4e9f-8d6c-1a2b3c4d5e6f"
DOS = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f2a3b4c5d"
def hlc(ms, c=0, node=DEV): return f"{ms:015d}-{c:05d}-{node}"

cases = []; n = 0
def nid():
    global n; n += 1; return f"MUT-{n:03d}"

def base_payload(**over):
    p = mutation_payload(id="c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f", device=DEV, n=1, prev=GENESIS, hlc=hlc(1763820000000),
                         entity="household", entity_id=HH, op="create", base=0,
                         fields={"chu_ho": "Nguyễn Văn Đức", "dia_chi": "Thôn Đông, xã Yên Lạc"})
    p.update(over)
    return p

def decode_case(rule, comment, payload_text, sig, alg="Ed25519", pub=PUB):
    c = {"id": nid(), "rule": rule, "op": "decode", "comment": comment, "alg": alg, "public_key": pub, "payload": payload_text, "sig": sig}
    try:
        m = decode_signed_mutation(payload_text, sig, alg, pub)
        c["expected"] = {k: getattr(m, k) for k in ("v", "id", "device", "n", "prev", "hlc", "entity", "entity_id", "op", "base", "fields")}
        c["expected_hash"] = m.hash
    except SyncError as e:
        c["error"] = e.code
    cases.append(c)
    return c

def signed(obj, key=ed, alg="Ed25519"):
    data = canonical_bytes(obj)
    return data.decode(), sign(alg, key, data)

first = base_payload()
t, s = signed(first)
c1 = decode_case("MUT3", "valid first mutation of a device (n = 1, prev = genesis)", t, s)
h1 = c1["expected_hash"]
second = base_payload(id="d2e3f4a5-b6c7-4d8e-9f0a-1b2c3d4e5f60", n=2, prev=h1, hlc=hlc(1763820005000), op="update", base=1,
                      fields={"ghi_chu": "Nhà cạnh trường tiểu học", "so_dien_thoai": "0912345678"})
t2, s2 = signed(second)
c2 = decode_case("MUT8", "valid second mutation: prev is the SHA-256 of the first payload's bytes", t2, s2)
third = base_payload(id="e3f4a5b6-c7d8-4e9f-8a1b-2c3d4e5f6071", n=3, prev=c2["expected_hash"], hlc=hlc(1763820009000, 2),
                     entity="dossier", entity_id=DOS, op="submit", base=4, fields={})
t3, s3 = signed(third)
decode_case("MUT7", "submit a dossier (fields may be empty)", t3, s3)
t, s = signed(base_payload(entity="dossier", entity_id=DOS, op="transition", base=7, n=4, prev=GENESIS[:-1] + "1", fields={"action": "withdraw"}))
decode_case("MUT7", "transition with a volunteer action", t, s)
es_obj = base_payload(device=DEV2, hlc=hlc(1763820000000, 0, DEV2))
data = canonical_bytes(es_obj)
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
r_, s_ = decode_dss_signature(es.sign(data, ec.ECDSA(hashes.SHA256(), deterministic_signing=True)))
decode_case("MUT3", "valid mutation signed with ES256 (WebCrypto P-256 device key)", data.decode(), b64u_encode(r_.to_bytes(32, "big") + s_.to_bytes(32, "big")),
            alg="ES256", pub=public_key_b64u(es))
# signature first
decode_case("MUT3", "signature made over different bytes", t2, s)
decode_case("MUT3", "signed by another device key", t2, sign("Ed25519", ed_other, t2.encode()))
bad_shape = json.dumps({"v": 1}, separators=(",", ":"))
decode_case("MUT3", "invalid shape but bad signature: bad_signature is reported, nothing is parsed before the signature holds", bad_shape, s)
pretty = json.dumps(first, ensure_ascii=False, indent=1, sort_keys=True)
decode_case("MUT3", "correctly signed but not canonical (whitespace): refused after the signature check", pretty, sign("Ed25519", ed, pretty.encode()))
t_ascii = json.dumps(first, ensure_ascii=True, separators=(",", ":"), sort_keys=True)
decode_case("MUT3", "correctly signed but escaped non-ASCII (\\u1ec5) is not canonical", t_ascii, sign("Ed25519", ed, t_ascii.encode()))
def shape(rule, comment, obj):
    t, s = signed(obj)
    decode_case(rule, comment, t, s)
shape("MUT4", "payload is an array", ["v", 1])
p = base_payload(); del p["hlc"]; shape("MUT5", "missing hlc", p)
p = base_payload(); del p["v"]; p["id"] = "NOT-A-UUID"; shape("MUT5", "several problems: the first key in check order (v) is reported", p)
shape("MUT5", "unknown top-level field", {**base_payload(), "extra": True})
shape("MUT5", "v = 2 is an unsupported version", base_payload(v=2))
shape("MUT5", "v as a string", base_payload(v="1"))
shape("MUT5", "uppercase uuid in id", base_payload(id="C1D2E3F4-A5B6-4C7D-8E9F-0A1B2C3D4E5F"))
shape("MUT5", "device is not a uuid", base_payload(device="server", hlc=hlc(1763820000000, 0, "server")))
shape("MUT5", "n = 0", base_payload(n=0))
shape("MUT5", "n is a boolean", base_payload(n=True))
shape("MUT5", "prev in uppercase hex", base_payload(n=2, prev="AB" * 32))
shape("MUT5", "malformed hlc", base_payload(hlc="1763820000000-0-" + DEV))
shape("MUT5", "unknown entity", base_payload(entity="person"))
shape("MUT5", "unknown op", base_payload(op="resolve"))
shape("MUT5", "negative base", base_payload(base=-1))
shape("MUT5", "fields is a list", base_payload(fields=[]))
shape("MUT5", "field name in camelCase", base_payload(fields={"hoTen": "A"}))
shape("MUT5", "field name with a double underscore", base_payload(fields={"ho__ten": "A"}))
shape("MUT6", "n = 1 with a non-genesis prev", base_payload(prev="ab" * 32))
shape("MUT6", "hlc node differs from the device", base_payload(hlc=hlc(1763820000000, 0, DEV2)))
shape("MUT7", "create with base 1", base_payload(base=1))
shape("MUT7", "update with base 0", base_payload(op="update", base=0))
shape("MUT7", "update with no fields", base_payload(op="update", base=3, fields={}))
shape("MUT7", "delete with fields", base_payload(op="delete", base=3))
shape("MUT7", "delete with empty fields is valid", base_payload(op="delete", base=3, fields={}, entity="member"))
shape("MUT7", "submit on a household", base_payload(op="submit", base=3))
shape("MUT7", "transition with action submit (use op submit)", base_payload(entity="dossier", op="transition", base=3, fields={"action": "submit"}))
shape("MUT7", "transition with an extra field", base_payload(entity="dossier", op="transition", base=3, fields={"action": "withdraw", "ly_do": "x"}))
for text, note in [('{"v":1.5}', "a float anywhere refuses the payload (CAN codes pass through)"),
                   ('{"ho_ten":"Nguye\u0302\u0303n"}', "decomposed Vietnamese text refuses the payload")]:
    decode_case("MUT3", note, text, sign("Ed25519", ed, text.encode()))
shape("MUT1", "entity rating, op create: a well-formed payload", base_payload(entity="rating", fields={"score": 5}))
shape("MUT1", "a field name of 64 characters is allowed", base_payload(fields={"a" * 64: "x"}))
shape("MUT1", "a field name of 65 characters is refused", base_payload(fields={"a" * 65: "x"}))
shape("MUT1", "a field name starting with a digit is refused", base_payload(fields={"1ho_ten": "x"}))
shape("MUT1", "base 0 for create, n 1 with the genesis prev: the smallest valid payload", base_payload(fields={}))
tu = canonical_bytes(first).decode()
decode_case("MUT2", "the signature covers the UTF-8 bytes of the payload text", tu, sign("Ed25519", ed, tu.encode("utf-8")))
decode_case("MUT2", "a signature over the UTF-16 bytes of the same text is refused", tu, sign("Ed25519", ed, tu.encode("utf-16-be")))
decode_case("MUT2", "a signature over the request body's JSON string (quoted and escaped) is refused", tu, sign("Ed25519", ed, json.dumps(tu).encode("utf-8")))
decode_case("MUT3", "unsupported algorithm", t, s, alg="RS256")

# chain
def chain(last_n, last_hash, n_, prev, note):
    class M: pass
    m = M(); m.n = n_; m.prev = prev
    cases.append({"id": nid(), "rule": "MUT9", "op": "chain", "comment": note, "last_n": last_n, "last_hash": last_hash,
                  "n": n_, "prev": prev, "expected": check_chain(last_n, last_hash, m).value})
chain(0, GENESIS, 1, GENESIS, "first mutation of a device")
chain(1, h1, 2, h1, "next in chain")
chain(0, GENESIS, 2, h1, "device's first accepted mutation would be n = 2: gap (chain_gap)")
chain(1, h1, 3, h1, "skips n = 2: gap (chain_gap)")
chain(1, h1, 2, GENESIS, "right n, wrong prev: fork (chain_fork)")
chain(2, c2["expected_hash"], 2, h1, "n already accepted: duplicate (caller compares hashes)")
chain(2, c2["expected_hash"], 1, GENESIS, "older n: duplicate")
write("mutations",
      "Signed mutation envelope. op=decode: decode_signed_mutation(payload, sig, alg, public_key); payload is the JSON string carried in a push item, "
      "its UTF-8 bytes are what is signed; keys and signatures base64url. expected = decoded fields, expected_hash = sha256 hex of the payload bytes; "
      "or error code. op=chain: check_chain(last_n, last_hash, mutation with n and prev) → next|duplicate|gap|fork.",
      "mut-mutations", cases)

"""Writes sync/vectors/result_record.json (SPEC-records §RES): the signed result record v1/v2,
its compact QR text, the holder's initials and the offline verdict /v gives."""
import sys; from pathlib import Path; HERE = Path(__file__).resolve().parent; sys.path.insert(0, str(HERE)); sys.path.insert(0, str(HERE.parents[1]))
from common import write, seed
from sync.result_record import BadRecord, ResultRecord, check_compact, from_compact, initials, to_compact, verify_url
from sync.signatures import private_key_from_bytes, public_key_b64u, key_id, sign

KEY = private_key_from_bytes("Ed25519", seed("langso-vector-commune-key-1"))
OTHER = private_key_from_bytes("Ed25519", seed("langso-vector-commune-key-2"))
PUB, PUB2 = public_key_b64u(KEY), public_key_b64u(OTHER)
KID, KID2 = key_id("Ed25519", PUB), key_id("Ed25519", PUB2)
KEYS = [{"key_id": KID, "alg": "Ed25519", "public_key": PUB, "commune_id": "03532"},
        {"key_id": KID2, "alg": "Ed25519", "public_key": PUB2, "commune_id": "03532", "revoked_at": "2026-11-01T00:00:00.000Z"}]
DID = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f2a3b4c5d"
SHA = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"
V1 = ResultRecord(commune_id="03532", dossier_id=DID, issued_at="2026-12-06T02:03:04.567Z", key_id=KID,
                  official_code="000.00.14.H29-261206-0001", outcome="approved", result_sha256=SHA)
V2 = ResultRecord(**{**V1.__dict__, "v": 2, "holder_initials": "L.V.P.", "procedure_code": "khai-sinh",
                     "procedure_name": "Đăng ký khai sinh"})
cases = []
def add(rule, op, comment, **kw):
    cases.append({"id": f"RES-{len(cases) + 1:03d}", "rule": rule, "op": op, "comment": comment, **kw})
def signed(r, key=KEY): return sign("Ed25519", key, r.text().encode("utf-8"))

for r, note in [(V1, "version 1: exactly the eight keys"), (V2, "version 2 adds the holder's initials and the procedure")]:
    add("RES1", "record_text", note, record=r.as_json(), expected=r.text())
add("RES1", "record_text", "version 2 with no applicant name: empty initials", record={**V2.as_json(), "holder_initials": ""},
    expected=ResultRecord(**{**V2.__dict__, "holder_initials": ""}).text())
for name, note in [("Lò Văn Pọm", "three words"), ("  giàng   a  páo ", "lower case and extra spaces"),
                   ("Đặng Thị Ư", "Vietnamese capitals stay precomposed"), ("Lo\u0300 Va\u0306n", "decomposed input is put in NFC first"),
                   ("", "blank name: no initials"), ("Nguyễn\u00a0Văn\u3000An", "no-break and ideographic spaces separate words (NAM1 set)"),
                   ("𠀀 an", "an astral first letter is one letter"), ("a " * 30, "at most 24 code points")]:
    add("RES2", "initials", note, name=name, expected=initials(name))
for r, note in [(V1, "v1 text: LSR1 and nine parts, the official code last"), (V2, "v2 text: LSR2, the procedure code, initials and name as base64url UTF-8, the official code last")]:
    sig = signed(r)
    add("RES3", "compact", note, record=r.as_json(), sig=sig, expected=to_compact(r, sig))
def parse(text, note, rule="RES3"):
    c = {"text": text}
    try:
        r, sig = from_compact(text); c["expected"] = {"record": r.as_json(), "sig": sig}
    except BadRecord: c["error"] = "bad_record"
    add(rule, "parse_compact", note, **c)
C1, C2 = to_compact(V1, signed(V1)), to_compact(V2, signed(V2))
parse(C1, "a v1 text reads back to the record")
parse(C2, "a v2 text reads back to the record")
parse(verify_url("https://langso.example.vn/", C2), "RES4: the link's fragment is the text", rule="RES4")
parse("  " + C2 + "\n", "surrounding whitespace is ignored")
parse(C2.replace("LSR2.", "LSR3.", 1), "unknown version prefix")
parse(C1.replace("LSR1.", "LSR2.", 1), "a v1 text under the v2 prefix has too few parts")
parse(".".join(C2.split(".")[:11]), "v2 text without its official code")
parse(C2.replace(".a.", ".x.", 1), "unknown outcome letter")
p2 = C2.split("."); p2[9] = "_w"; parse(".".join(p2), "initials that are not UTF-8")
p2 = C2.split("."); p2[8] = "Khai_Sinh"; parse(".".join(p2), "procedure code outside [a-z0-9-]")
p2 = C2.split("."); p2[10] = ""; parse(".".join(p2), "empty procedure name")
p1 = C1.split(".", 8); p1[3] = "999999999999999"; parse(".".join(p1), "issued time past year 9999")
p1 = C1.split(".", 8); p1[1] = "x" * 17; parse(".".join(p1), "commune id longer than 16")
def verdict(text, keys, note):
    v, r = check_compact(text, keys)
    add("RES5", "check_compact", note, text=text, keys=keys, expected={"verdict": v, "record": None if r is None else r.as_json()})
verdict(C1, KEYS, "a v1 text signed by the commune: valid (old QR codes keep verifying)")
verdict(C2, KEYS, "a v2 text signed by the commune: valid")
verdict(verify_url("https://langso.example.vn", C2), KEYS, "the link itself: valid")
p2 = C2.split("."); p2[5] = "r"; verdict(".".join(p2), KEYS, "outcome flipped: altered")
p2 = C2.split("."); p2[9] = "TC5ULlAu"; verdict(".".join(p2), KEYS, "initials changed (L.T.P.): altered")
p2 = C2.split("."); p2[10] = initials_b64 = __import__("sync.signatures", fromlist=["b64u_encode"]).b64u_encode("Đăng ký kết hôn".encode()); verdict(".".join(p2), KEYS, "procedure name changed: altered")
verdict(C2, [], "no key list: unknown_key")
verdict(C2, [{**KEYS[0], "commune_id": "03533"}], "the key belongs to another commune: unknown_key")
verdict(C2, [{**KEYS[0], "public_key": PUB2}], "the listed key's bytes do not match its id: unknown_key")
R2 = ResultRecord(**{**V2.__dict__, "key_id": KID2})
verdict(to_compact(R2, signed(R2, OTHER)), KEYS, "signed with a key the commune revoked: revoked")
verdict("LSR2.garbage", KEYS, "not a record: malformed")
write("result_record", "Signed result records (v1, v2), their compact QR text and the offline verdict. op=record_text(record) → canonical "
      "signed text; op=initials(name); op=compact(record, sig) → text; op=parse_compact(text) → {record, sig} or error bad_record; "
      "op=check_compact(text, keys) → {verdict, record|null}. Keys are Ed25519, base64url.", "res-result-record", cases)

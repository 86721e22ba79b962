"""Writes sync/vectors/receipts.json (SPEC-records §RCP): the receipt payload and the verdict a
device gives a receipt offline."""
import sys; from pathlib import Path; HERE = Path(__file__).resolve().parent; sys.path.insert(0, str(HERE)); sys.path.insert(0, str(HERE.parents[1]))
import json
from common import write, seed
from sync.receipts import check_receipt, receipt_payload, receipt_text
from sync.signatures import private_key_from_bytes, public_key_b64u, key_id, sign

KEY = private_key_from_bytes("Ed25519", seed("langso-vector-commune-key-1"))
OTHER = private_key_from_bytes("Ed25519", seed("langso-vector-commune-key-2"))
PUB, PUB2 = public_key_b64u(KEY), public_key_b64u(OTHER)
KID = key_id("Ed25519", PUB)
KEYS = [{"key_id": KID, "alg": "Ed25519", "public_key": PUB, "commune_id": "03532"}]
DID = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f2a3b4c5d"
HASH = "3f79bb7b435b05321651daefd374cdc681dc06faa65e374e38337b88ca046dea"
MS = 1796529784567
cases = []
def add(rule, op, comment, **kw):
    cases.append({"id": f"RCP-{len(cases) + 1:03d}", "rule": rule, "op": op, "comment": comment, **kw})
for ms, note in [(MS, "the payload: six keys, the code derived from dossier id and received time"),
                 (0, "received at the epoch: milliseconds always written")]:
    p = receipt_payload("03532", HASH, DID, KID, ms)
    add("RCP1", "payload", note, commune_id="03532", content_hash=HASH, dossier_id=DID, key_id=KID, received_ms=ms,
        expected={"payload": p, "text": receipt_text(p)})
GOOD = receipt_text(receipt_payload("03532", HASH, DID, KID, MS))
def receipt(text, key=KEY): return {"payload": text, "sig": sign("Ed25519", key, text.encode("utf-8"))}
def check(receipt_, note, keys=KEYS, dossier=DID, content=HASH):
    v, reason, payload = check_receipt(receipt_, dossier, content, keys)
    add("RCP2", "check", note, receipt=receipt_, dossier_id=dossier, content_hash=content, keys=keys,
        expected={"verdict": v, "reason": reason, "payload": payload})
check(receipt(GOOD), "a receipt signed by the commune for this dossier and content: valid")
check({"payload": GOOD}, "no signature: shape")
check(["x"], "not an object: shape")
check(receipt("{\"a\":"), "payload is not JSON: shape")
check(receipt("[1]"), "payload is not an object: shape")
p = json.loads(GOOD); del p["receipt_code"]
check(receipt(receipt_text(p)), "a key missing: shape")
check(receipt(GOOD), "the commune key is not cached yet: unverified", keys=[])
check(receipt(GOOD), "a key listed under a key id that is not its own: key", keys=[{**KEYS[0], "public_key": PUB2}])
check(receipt(GOOD, OTHER), "signed by another key: sig")
check({"payload": GOOD.replace("03532", "03533").replace(KID, KID), "sig": receipt(GOOD)["sig"]}, "payload changed after signing: sig",
      keys=[{**KEYS[0], "commune_id": "03533"}])
pretty = json.dumps(json.loads(GOOD), indent=1, sort_keys=True)
check(receipt(pretty), "signed but not canonical: canonical")
check(receipt(GOOD), "a receipt for another dossier: dossier", dossier="7c9e6679-7425-40de-944b-e07fc1f90ae7")
check(receipt(GOOD), "a receipt for other content than this device signed: content", content="0" * 64)
p = json.loads(GOOD); p["receipt_code"] = "0000-0000-0000"
check(receipt(receipt_text(p)), "a receipt code not derived from dossier and time: code")
p = json.loads(GOOD); p["received_at"] = "2026-12-06T02:03:04Z"
check(receipt(receipt_text(p)), "a received time without milliseconds: code")
write("receipts", "Submission receipts. op=payload(commune_id, content_hash, dossier_id, key_id, received_ms) → {payload, text}; "
      "op=check(receipt, dossier_id, content_hash, keys) → {verdict valid|invalid|unverified, reason, payload}. Keys are Ed25519.",
      "rcp-receipts", cases)

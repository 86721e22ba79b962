import sys; sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[2]))
from common import write
from sync.receipt_code import *
from sync.errors import SyncError
cases = []; n = 0
def nid():
    global n; n += 1; return f"RC-{n:03d}"
for seed_hex, note in [("", "empty seed"), ("00", "one zero byte"), ("6c616e67736f", "ASCII 'langso'")]:
    cases.append({"id": nid(), "rule": "RC2", "op": "code", "comment": note, "seed_hex": seed_hex, "expected": receipt_code(bytes.fromhex(seed_hex))})
DOS = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f2a3b4c5d"
for ms in (1763820000000, 1763820000001, 1771200000000):
    cases.append({"id": nid(), "rule": "RC1", "op": "code_for", "comment": "seed = UTF-8 of '<dossier_id>|<received_at_ms>'",
                  "dossier_id": DOS, "received_at_ms": ms, "expected": receipt_code_for(DOS, ms)})
# find codes with special check symbols for coverage
import hashlib
specials = {}
i = 0
while len(specials) < 6:
    code = receipt_code(str(i).encode())
    ch = code[-1]
    if ch in "*~$=U" and ch not in specials: specials[ch] = (i, code)
    if ch == "0" and "0" not in specials: specials["0"] = (i, code)
    i += 1
for ch, (i, code) in sorted(specials.items()):
    cases.append({"id": nid(), "rule": "RC3", "op": "code", "comment": f"check symbol {ch!r}", "seed_hex": str(i).encode().hex(), "expected": code})
def val(text, note, rule="RC4"):
    c = {"id": nid(), "rule": rule, "op": "validate", "comment": note, "input": text}
    try: c["expected"] = validate_receipt_code(text)
    except SyncError as e: c["error"] = e.code
    cases.append(c)
good = receipt_code_for(DOS, 1763820000000)
val(good, "canonical form")
val(good.lower(), "lowercase accepted")
val(good.replace("-", ""), "hyphens optional")
val(" " + good[:2] + " " + good[2:] + " ", "spaces ignored")
val("0000-0000-0", "all zero value")
val("OOOO-OOOO-O", "O is read as 0")
val("0000-000I-1", "I is read as 1")
val("0000-000l-1", "lowercase l is read as 1")
val("ZZZZ-ZZZZ-" + CHECK_ALPHABET[(2**40 - 1) % 37], "largest value")
val("0000-000U-5", "U is not a data symbol")
val("0000-0014-U", "U is the check symbol for value 36 (= 0x24)")
val("0000-0014-u", "lowercase u check symbol")
val("0000-0014-V", "V is not a check symbol for 36 (value 36 mod 37 = 36 → U)")
val(good[:-1] + ("0" if good[-1] != "0" else "1"), "wrong check symbol", "RC4")
swap = good[1] + good[0] + good[2:]
val(swap if swap != good else good[:3] + good[4] + good[3] + good[5:], "adjacent transposition detected")
val(good[:-2], "too short")
val(good + "0", "too long")
val("0000-0000-#", "invalid check symbol")
val("0000-000*-0", "* is only a check symbol")
write("receipt_code", "Provisional receipt codes. op=code: receipt_code(bytes(seed_hex)); op=code_for: receipt_code_for(dossier_id, received_at_ms); "
      "op=validate: validate_receipt_code(input) → canonical 'XXXX-XXXX-C' or error code.", "rc-receipt-codes", cases)

import sys; sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[2]))
from common import write, seed
from sync.signatures import *
from sync.signatures import _P256_ORDER
from sync.errors import SignatureError
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.asymmetric import ec
import base64

N = _P256_ORDER
L = 2**252 + 27742317777372353535851937790883648493

ed1 = private_key_from_bytes("Ed25519", seed("langso-vector-ed25519-1"))
ed2 = private_key_from_bytes("Ed25519", seed("langso-vector-ed25519-2"))
def p256(label):
    d = int.from_bytes(seed(label), "big") % (N - 1) + 1
    return private_key_from_bytes("ES256", d.to_bytes(32, "big"))
es1 = p256("langso-vector-es256-1")
es2 = p256("langso-vector-es256-2")

cases = []
n = 0
def nid():
    global n; n += 1; return f"SIG-{n:03d}"

def verify_case(rule, comment, alg, pub, msg, sig):
    c = {"id": nid(), "rule": rule, "op": "verify", "comment": comment, "alg": alg, "public_key": pub,
         "message_hex": msg.hex(), "signature": sig}
    try:
        verify(alg, pub, msg, sig); c["expected_ok"] = True
    except SignatureError as e:
        c["error"] = e.code
    cases.append(c)

msg = b'{"a":1,"ho_ten":"Nguy\xe1\xbb\x85n"}'
ed1_pub, ed2_pub = public_key_b64u(ed1), public_key_b64u(ed2)
es1_pub, es2_pub = public_key_b64u(es1), public_key_b64u(es2)

# keys
for alg, k, label in [("Ed25519", ed1, "seed"), ("Ed25519", ed2, "seed"), ("ES256", es1, "scalar d"), ("ES256", es2, "scalar d")]:
    cases.append({"id": nid(), "rule": "SIG2", "op": "public_key", "comment": f"public key from private {label} (private_key is base64url of 32 raw bytes)",
                  "alg": alg, "private_key": b64u_encode(private_key_bytes(k)), "expected": public_key_b64u(k)})
# RFC 8032 test vectors 1 and 2
rfc1 = private_key_from_bytes("Ed25519", bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"))
rfc2 = private_key_from_bytes("Ed25519", bytes.fromhex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"))
assert public_key_b64u(rfc1) == b64u_encode(bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"))
rfc1_sig = bytes.fromhex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")
rfc2_sig = bytes.fromhex("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00")
assert sign("Ed25519", rfc1, b"") == b64u_encode(rfc1_sig)
assert sign("Ed25519", rfc2, b"\x72") == b64u_encode(rfc2_sig)
for k, m, s, note in [(rfc1, b"", rfc1_sig, "RFC 8032 §7.1 TEST 1"), (rfc2, b"\x72", rfc2_sig, "RFC 8032 §7.1 TEST 2")]:
    cases.append({"id": nid(), "rule": "SIG4", "op": "sign", "comment": f"{note}: Ed25519 signing is deterministic", "alg": "Ed25519",
                  "private_key": b64u_encode(private_key_bytes(k)), "message_hex": m.hex(), "expected": b64u_encode(s)})
    verify_case("SIG4", f"{note} verifies", "Ed25519", public_key_b64u(k), m, b64u_encode(s))
ed_sig = sign("Ed25519", ed1, msg)
cases.append({"id": nid(), "rule": "SIG4", "op": "sign", "comment": "Ed25519 signature of a canonical payload with the fixed vector key", "alg": "Ed25519",
              "private_key": b64u_encode(private_key_bytes(ed1)), "message_hex": msg.hex(), "expected": ed_sig})
verify_case("SIG4", "Ed25519 valid", "Ed25519", ed1_pub, msg, ed_sig)
verify_case("SIG4", "Ed25519 message changed by one byte", "Ed25519", ed1_pub, msg[:-2] + b"N}", ed_sig)
raw = b64u_decode(ed_sig)
verify_case("SIG4", "Ed25519 one bit flipped in the signature", "Ed25519", ed1_pub, msg, b64u_encode(bytes([raw[0] ^ 1]) + raw[1:]))
verify_case("SIG4", "Ed25519 signature checked against another key", "Ed25519", ed2_pub, msg, ed_sig)
verify_case("SIG4", "Ed25519 truncated signature (63 bytes)", "Ed25519", ed1_pub, msg, b64u_encode(raw[:63]))
verify_case("SIG4", "Ed25519 signature with one extra byte", "Ed25519", ed1_pub, msg, b64u_encode(raw + b"\x00"))
S = int.from_bytes(raw[32:], "little")
verify_case("SIG4", "Ed25519 non-canonical S (S + L): rejected", "Ed25519", ed1_pub, msg, b64u_encode(raw[:32] + (S + L).to_bytes(32, "little")))
verify_case("SIG3", "signature with base64 padding", "Ed25519", ed1_pub, msg, ed_sig + "==")
verify_case("SIG3", "signature in standard base64 alphabet (+/) instead of base64url", "Ed25519", ed1_pub, msg,
            base64.b64encode(raw).decode().rstrip("="))  # may or may not contain +/ ; ensure below
# ES256 (randomised signing: store a signature)
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
_r, _s = decode_dss_signature(es1.sign(msg, ec.ECDSA(hashes.SHA256(), deterministic_signing=True)))
es_sig = b64u_encode(_r.to_bytes(32, "big") + _s.to_bytes(32, "big"))
es_raw = b64u_decode(es_sig)
r, s = int.from_bytes(es_raw[:32], "big"), int.from_bytes(es_raw[32:], "big")
verify_case("SIG5", "ES256 valid raw r‖s signature", "ES256", es1_pub, msg, es_sig)
verify_case("SIG5", "ES256 message changed", "ES256", es1_pub, msg + b" ", es_sig)
verify_case("SIG5", "ES256 one bit flipped in s", "ES256", es1_pub, msg, b64u_encode(es_raw[:63] + bytes([es_raw[63] ^ 1])))
verify_case("SIG5", "ES256 checked against another P-256 key", "ES256", es2_pub, msg, es_sig)
verify_case("SIG5", "ES256 truncated signature (63 bytes)", "ES256", es1_pub, msg, b64u_encode(es_raw[:63]))
verify_case("SIG5", "ES256 DER-encoded signature is refused: raw r‖s only", "ES256", es1_pub, msg, b64u_encode(encode_dss_signature(r, s)))
hs = (N - s) if s < N // 2 else s
ls = (N - s) if s > N // 2 else s
verify_case("SIG5", "ES256 high-S form (s > n/2) is accepted: WebCrypto does not normalise S", "ES256", es1_pub, msg,
            b64u_encode(r.to_bytes(32, "big") + hs.to_bytes(32, "big")))
verify_case("SIG5", "ES256 low-S form is accepted", "ES256", es1_pub, msg, b64u_encode(r.to_bytes(32, "big") + ls.to_bytes(32, "big")))
verify_case("SIG5", "ES256 r = 0 is refused", "ES256", es1_pub, msg, b64u_encode(bytes(32) + s.to_bytes(32, "big")))
verify_case("SIG5", "ES256 s = n is refused", "ES256", es1_pub, msg, b64u_encode(r.to_bytes(32, "big") + N.to_bytes(32, "big")))
verify_case("SIG5", "ES256 signature under an Ed25519 key name is refused (alg mismatch → key length)", "Ed25519", es1_pub, msg, es_sig)
# malformed keys
ed_raw = b64u_decode(ed1_pub); es_pt = b64u_decode(es1_pub)
verify_case("SIG2", "Ed25519 key of 31 bytes", "Ed25519", b64u_encode(ed_raw[:31]), msg, ed_sig)
verify_case("SIG2", "Ed25519 key of 33 bytes", "Ed25519", b64u_encode(ed_raw + b"\x00"), msg, ed_sig)
verify_case("SIG2", "P-256 key without the 0x04 prefix (64 bytes)", "ES256", b64u_encode(es_pt[1:]), msg, es_sig)
pub_nums = es1.public_key().public_numbers()
comp = bytes([2 + (pub_nums.y & 1)]) + pub_nums.x.to_bytes(32, "big")
verify_case("SIG2", "P-256 compressed point (33 bytes) is refused", "ES256", b64u_encode(comp), msg, es_sig)
verify_case("SIG2", "P-256 point not on the curve (Y + 1)", "ES256", b64u_encode(es_pt[:64] + bytes([es_pt[64] ^ 1])), msg, es_sig)
verify_case("SIG2", "P-256 point with prefix 0x05", "ES256", b64u_encode(b"\x05" + es_pt[1:]), msg, es_sig)
verify_case("SIG3", "public key with base64 padding", "Ed25519", ed1_pub + "=", msg, ed_sig)
# non-zero trailing bits: 32 bytes -> 43 chars, last char carries 4 data bits + 2 unused bits
alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
last = alpha.index(ed1_pub[-1]); assert last & 3 == 0
verify_case("SIG3", "public key whose unused trailing bits are not zero (non-canonical base64url)", "Ed25519", ed1_pub[:-1] + alpha[last | 1], msg, ed_sig)
verify_case("SIG3", "public key containing whitespace", "Ed25519", ed1_pub[:10] + " " + ed1_pub[10:], msg, ed_sig)
verify_case("SIG1", "unsupported algorithm name", "RS256", ed1_pub, msg, ed_sig)
verify_case("SIG1", "algorithm names are case-sensitive", "ed25519", ed1_pub, msg, ed_sig)
verify_case("SIG6", "bad_alg is reported before bad_key", "EdDSA", "!!", msg, ed_sig)
verify_case("SIG6", "bad_key is reported before a bad signature", "Ed25519", "AAAA", msg, "!!")
# key ids
for alg, pub in [("Ed25519", ed1_pub), ("Ed25519", ed2_pub), ("ES256", es1_pub)]:
    cases.append({"id": nid(), "rule": "SIG7", "op": "key_id", "comment": "first 16 hex of SHA-256(alg ‖ ':' ‖ raw public key)",
                  "alg": alg, "public_key": pub, "expected": key_id(alg, pub)})
# ensure std-alphabet case really differs
std = [c for c in cases if c.get("comment", "").startswith("signature in standard base64")][0]
if "+" not in std["signature"] and "/" not in std["signature"]:
    raise SystemExit("pick another message so that the standard-alphabet case contains + or /")
write("signatures",
      "Ed25519 and ES256 signatures. Keys, signatures and private keys are base64url without padding; message_hex is hex. "
      "op=verify: verify(alg, public_key, bytes(message_hex), signature) → expected_ok or error code. "
      "op=sign: sign(alg, private_key, message) must equal expected (Ed25519 only: ES256 is randomised). "
      "op=public_key: public key derived from private_key (Ed25519 32-byte seed; P-256 32-byte big-endian scalar d). "
      "op=key_id: key_id(alg, public_key).",
      "sig-signatures", cases)

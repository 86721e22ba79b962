import sys; sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[2]))
from common import write
from sync.canonical import canonical_bytes, parse_json, parse_canonical, nfc
from sync.errors import CanonicalError

cases = []
def add(op, cid, rule, comment, **kw):
    c = {"id": cid, "rule": rule, "op": op, "comment": comment, **kw}
    try:
        if op == "canonicalize":
            out = canonical_bytes(parse_json(kw["input_json"]))
            c["expected_hex"] = out.hex()
        elif op == "nfc":
            out = canonical_bytes(nfc(parse_json_lenient(kw["input_json"])))
            c["expected_hex"] = out.hex()
        else:
            parse_canonical(bytes.fromhex(kw["input_hex"]))
            c["expected_ok"] = True
    except CanonicalError as e:
        c["error"] = e.code
    cases.append(c)
    return c

import json
def parse_json_lenient(t):
    return json.loads(t)

n = 0
def nid():
    global n; n += 1; return f"CAN-{n:03d}"

C = "canonicalize"
# RFC 8785 examples
add(C, nid(), "CAN-profile: floats rejected", "RFC 8785 §3.2.2 sample input: its numbers are non-integral, so our profile refuses it",
    input_json='{\n  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n  "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",\n  "literals": [null, true, false]\n}')
add(C, nid(), "CAN1", "RFC 8785 §3.2.2 sample without the numbers member: string escaping and literals exactly as the RFC output",
    input_json='{\n  "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",\n  "literals": [null, true, false]\n}')
add(C, nid(), "CAN5", "RFC 8785 §3.2.3 sorting example: contains U+FB33, which is not NFC (composition exclusion), so the profile refuses it",
    input_json='{\n  "\\u20ac": "Euro Sign",\n  "\\r": "Carriage Return",\n  "\\ufb33": "Hebrew Letter Dalet With Dagesh",\n  "1": "One",\n  "\\ud83d\\ude00": "Emoji: Grinning Face",\n  "\\u0080": "Control",\n  "\\u00f6": "Latin Small Letter O With Diaeresis"\n}')
add(C, nid(), "CAN7", "RFC 8785 §3.2.3 sorting example with U+FB33 replaced by its NFC form U+05D3 U+05BC: keys sort by UTF-16 code units (U+05D3 now sorts before €, unlike the RFC output)",
    input_json='{\n  "\\u20ac": "Euro Sign",\n  "\\r": "Carriage Return",\n  "\\u05d3\\u05bc": "Hebrew Letter Dalet With Dagesh",\n  "1": "One",\n  "\\ud83d\\ude00": "Emoji: Grinning Face",\n  "\\u0080": "Control",\n  "\\u00f6": "Latin Small Letter O With Diaeresis"\n}')
for lit, note in [("0", "zero"), ("-0", "negative zero serialises as 0 (RFC 8785 appendix B)"),
                  ("9007199254740991", "2^53-1, the largest allowed integer"),
                  ("-9007199254740991", "-(2^53-1), the smallest allowed integer"),
                  ("1.0", "integral double written with a fraction is the integer 1 (CAN3)"),
                  ("1e2", "integral double written with an exponent is the integer 100 (CAN3)"),
                  ("-0.0", "negative zero with fraction is the integer 0"),
                  ]:
    add(C, nid(), "CAN3", note, input_json=lit)
for lit, note in [("9007199254740992", "2^53 is out of range (RFC 8785 appendix B 0x4340000000000000)"),
                  ("-9007199254740992", "-(2^53) is out of range"),
                  ("12345678901234567890", "20-digit integer"),
                  ("295147905179352830000", "RFC 8785 appendix B 0x4430000000000000"),
                  ("1.7976931348623157e+308", "largest double is integral but out of range (appendix B 0x7fefffffffffffff)"),
                  ("9007199254740991.5", "nearest double is 2^53: integral, out of range"),
                  ]:
    add(C, nid(), "CAN4", note, input_json=lit)
for lit, note in [("1.5", "non-integral number"), ("[1,2.5]", "non-integral number inside an array"),
                  ("5e-324", "RFC 8785 appendix B 0x0000000000000001"), ("0.000001", "RFC 8785 appendix B 0x3eb0c6f7a0b5ed8d"),
                  ("1e400", "overflows to infinity"), ('{"a":-1e-7}', "small negative")]:
    add(C, nid(), "CAN-profile: floats rejected", note, input_json=lit)
add(C, nid(), "CAN9", "several violations: float_forbidden outranks int_out_of_range and not_nfc", input_json='{"a":"e\\u0301","b":9007199254740992,"c":0.5}')
add(C, nid(), "CAN9", "int_out_of_range outranks not_nfc", input_json='["e\\u0301",9007199254740993]')
# Vietnamese / NFC
add(C, nid(), "CAN5", "precomposed Nguyễn (U+1EC5) is NFC", input_json='{"ho_ten":"Nguy\\u1ec5n V\\u0103n \\u0110\\u1ee9c"}')
add(C, nid(), "CAN5", "the same name as raw UTF-8 text in the input", input_json='{"ho_ten":"Nguyễn Văn Đức"}')
add(C, nid(), "CAN5", "decomposed Nguyễn (e + U+0302 + U+0303) is refused, not normalised", input_json='{"ho_ten":"Nguye\\u0302\\u0303n"}')
add(C, nid(), "CAN5", "đ/Đ (U+0111/U+0110) have no decomposition: always NFC", input_json='["\\u0111","\\u0110\\u1eb7ng"]')
add(C, nid(), "CAN5", "non-NFC key is refused", input_json='{"ghi_chu_e\\u0301":1}')
add(C, nid(), "CAN5", "Hangul jamo sequence that composes under NFC is refused", input_json='"\\u1100\\u1161"')
add(C, nid(), "CAN6", "lone high surrogate", input_json='"\\ud800"')
add(C, nid(), "CAN6", "lone low surrogate in a key", input_json='{"\\udc00":1}')
add(C, nid(), "CAN6", "valid surrogate pair is a non-BMP character", input_json='"\\ud83d\\ude00"')
# key ordering
add(C, nid(), "CAN7", "é (U+00E9) sorts after z (U+007A)", input_json='{"\\u00e9":1,"z":2,"a":3}')
add(C, nid(), "CAN7", "UTF-16 order differs from code point order: U+1F600 (D83D DE00) sorts before U+FF21", input_json='{"\\uff21":"fullwidth A","\\ud83d\\ude00":"emoji"}')
add(C, nid(), "CAN7", "uppercase sorts before lowercase; shorter prefix first", input_json='{"b":1,"B":2,"ba":3,"":4}')
add(C, nid(), "CAN7", "nested objects are sorted at every level; arrays keep order", input_json='{"z":{"y":[3,1,2],"x":{"b":null,"a":false}},"a":[]}')
add(C, nid(), "CAN7", "duplicate keys: the last occurrence wins (as JSON.parse)", input_json='{"a":1,"a":2}')
# escaping
add(C, nid(), "CAN1", "control characters: short escapes for \\b \\t \\n \\f \\r, lowercase \\u00xx for the rest; U+007F and U+2028 raw; / raw",
    input_json='"\\u0000\\u0001\\u001F\\u007f\\b\\t\\n\\f\\r\\"\\\\\\/\\u2028"')
add(C, nid(), "CAN1", "empty containers and empty string", input_json='{"o":{},"a":[],"s":""}')
add(C, nid(), "CAN1", "literals and whitespace", input_json=' [ true , false , null , 0 , -1 ] ')
add(C, nid(), "CAN1", "top-level string", input_json='"Xã Tân Phú"')
add(C, nid(), "CAN1", "top-level null", input_json='null')
deep_ok = "[" * 32 + "]" * 32
deep_bad = "[" * 33 + "]" * 33
add(C, nid(), "CAN10", "32 nested containers are allowed", input_json=deep_ok)
add(C, nid(), "CAN10", "33 nested containers are too deep", input_json=deep_bad)
add(C, nid(), "CAN10", "depth counts objects and arrays alike", input_json='{"a":' * 16 + "[" * 17 + "]" * 17 + "}" * 16)
for t, note in [("{", "truncated"), ("[1,]", "trailing comma"), ("NaN", "NaN literal"), ("Infinity", "Infinity literal"),
                ("'a'", "single quotes"), ("", "empty text"), ("[1] [2]", "two values"), ('{"a":01}', "leading zero")]:
    add(C, nid(), "CAN2", note, input_json=t)

P = "parse_canonical"
def ph(s): return s.encode("utf-8").hex() if isinstance(s, str) else s.hex()
add(P, nid(), "CAN8", "canonical object accepted", input_hex=ph('{"a":1,"b":[true,null,"x"]}'))
add(P, nid(), "CAN8", "canonical Vietnamese text accepted", input_hex=ph('{"dia_chi":"Thôn Đông, xã Yên Lạc","ho_ten":"Nguyễn Thị Ánh"}'))
add(P, nid(), "CAN8", "canonical non-BMP key order accepted", input_hex=ph('{"\U0001F600":2,"\uff21":1}'))
add(P, nid(), "CAN8", "code point key order is not canonical", input_hex=ph('{"\uff21":1,"\U0001F600":2}'))
add(P, nid(), "CAN8", "whitespace is not canonical", input_hex=ph('{"a": 1}'))
add(P, nid(), "CAN8", "trailing newline is not canonical", input_hex=ph('{"a":1}\n'))
add(P, nid(), "CAN8", "unsorted keys are not canonical", input_hex=ph('{"b":1,"a":2}'))
add(P, nid(), "CAN8", "1.0 is the integer 1, so the text is not canonical", input_hex=ph('[1.0]'))
add(P, nid(), "CAN8", "-0 is not canonical (canonical form is 0)", input_hex=ph('-0'))
add(P, nid(), "CAN8", "exponent form is not canonical", input_hex=ph('1e2'))
add(P, nid(), "CAN8", "escaped é is not canonical (must be raw UTF-8)", input_hex=ph('"\\u00e9"'))
add(P, nid(), "CAN8", "escaped solidus is not canonical", input_hex=ph('"\\/"'))
add(P, nid(), "CAN8", "uppercase hex in \\u escape is not canonical", input_hex=ph('"\\u001F"'))
add(P, nid(), "CAN8", "\\u000a instead of \\n is not canonical", input_hex=ph('"\\u000a"'))
add(P, nid(), "CAN8", "lowercase \\u001f is canonical", input_hex=ph('"\\u001f"'))
add(P, nid(), "CAN8", "duplicate keys are never canonical", input_hex=ph('{"a":1,"a":1}'))
add(P, nid(), "CAN2", "UTF-8 byte order mark", input_hex="efbbbf" + ph('{}'))
add(P, nid(), "CAN2", "invalid UTF-8 byte", input_hex=ph('"') + "ff" + ph('"'))
add(P, nid(), "CAN2", "overlong UTF-8 encoding of /", input_hex=ph('"') + "c0af" + ph('"'))
add(P, nid(), "CAN2", "UTF-8-encoded surrogate (CESU-8) is invalid UTF-8", input_hex=ph('"') + "eda080" + ph('"'))
add(P, nid(), "CAN2", "UTF-16 text is not UTF-8 JSON", input_hex='{}'.encode("utf-16-le").hex())
add(P, nid(), "CAN5", "canonical bytes but decomposed text", input_hex=ph('"Nguye\u0302\u0303n"'))
add(P, nid(), "CAN-profile: floats rejected", "float in otherwise canonical text", input_hex=ph('{"a":1.5}'))
add(P, nid(), "CAN4", "integer out of range in otherwise canonical text", input_hex=ph('[9007199254740992]'))
add(P, nid(), "CAN6", "escaped lone surrogate", input_hex=ph('"\\ud800"'))
add(P, nid(), "CAN8", "top-level scalar canonical", input_hex=ph('42'))

N = "nfc"
add(N, nid(), "CAN11", "nfc() composes strings and keys; then canonicalised", input_json='{"Nguye\\u0302\\u0303n":["Tra\\u0300 Vinh","\\u0111"]}')
add(N, nid(), "CAN11", "nfc() leaves NFC text alone", input_json='"Nguy\\u1ec5n"')
add(N, nid(), "CAN11", "nfc() refuses keys that collide after normalisation", input_json='{"e\\u0301":1,"\\u00e9":2}')

write("canonical",
      "RFC 8785 canonical JSON with the Làng Số profile. op=canonicalize: parse input_json with a standard JSON parser "
      "(JSON.parse semantics: numbers are IEEE-754 doubles, last duplicate key wins), then canonical_bytes(). "
      "op=parse_canonical: parse_canonical(bytes) on input_hex (hex of the exact bytes); expected_ok=true means accepted. "
      "op=nfc: canonical_bytes(nfc(JSON.parse(input_json))). expected_hex is the hex of the UTF-8 canonical output; "
      "error is the expected error code.",
      "can-canonical-json", cases)

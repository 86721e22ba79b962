import json
from datetime import date
from pathlib import Path
import sys
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from sync.forms import validate_form, visible_fields, clean_form, resolve_prefill, field_rules, parse_prefill, FormError

cases = []
n = {"FRM": 0}
def case(rule, comment, kind, **kw):
    n["FRM"] += 1
    c = {"id": f"FRM-{n['FRM']:03d}", "rule": rule, "comment": comment, "kind": kind}
    c.update(kw)
    cases.append(c)

def f(key, type_, **kw):
    d = {"key": key, "type": type_}
    d.update(kw)
    return d
def iss(*pairs):
    return [{"path": p, "code": c} for p, c in pairs]
T = "2025-07-15"
def V(rule, comment, schema, data, expected, today=T, **kw):
    case(rule, comment, "validate", schema=schema, data=data, today=today, expected=iss(*expected), **kw)

U1 = "0b7e3c1a-5d2f-4a8b-9c3e-1f2a3b4c5d6e"
U2 = "7c9e6679-7425-40de-944b-e07fc1f90ae7"

# --- text
name = [f("name", "text", required=True, rules={"min_length": 2, "max_length": 5})]
V("FRM4", "required field absent", name, {}, [("name", "required")])
V("FRM4", "null counts as empty", name, {"name": None}, [("name", "required")])
V("VIS3", "only space/tab/CR/LF is empty", name, {"name": " \t\r\n"}, [("name", "required")])
V("VIS3", "a no-break space is not blank", name, {"name": "\u00a0\u00a0"}, [])
V("FRM6", "below min_length", name, {"name": "A"}, [("name", "too_short")])
V("FRM6", "two code points meet min_length 2", name,
  {"name": "Lò"}, [])
V("FRM6", "astral characters count as one code point (not two UTF-16 units)", name,
  {"name": "𠀀𠀀𠀀𠀀𠀀"}, [])
V("FRM6", "above max_length", name, {"name": "Nguyễn"}, [("name", "too_long")])
V("FRM6", "text must be NFC; decomposed 'ễ' is rejected", name, {"name": "Nguye\u0302\u0303n"},
  [("name", "not_nfc")])
V("FRM5", "number where text expected", name, {"name": 12}, [("name", "wrong_type")])
pat = [f("code", "text", rules={"pattern": "[0-9]{4}", "pattern_message": {"vi": "Bốn chữ số", "en": "Four digits"}})]
V("FRM6", "pattern must match the whole value", pat, {"code": "12345"}, [("code", "pattern")])
V("FRM6", "pattern full match passes", pat, {"code": "0123"}, [])
V("FRM6", "pattern is anchored at the start too", pat, {"code": "x0123"}, [("code", "pattern")])
V("FRM4", "optional empty field: no rule is checked", pat, {"code": ""}, [])
V("FRM6", "pattern with Vietnamese literal text",
  [f("biz", "text", rules={"pattern": "Hộ kinh doanh [^!@#$%^&*]+"})],
  {"biz": "Hộ kinh doanh Lò Văn Pọm"}, [])

# --- number
num = [f("n", "number", required=True, rules={"min": 1, "max": 10, "integer": True})]
V("FRM7", "integer in range", num, {"n": 10}, [])
V("FRM7", "below min", num, {"n": 0}, [("n", "below_min")])
V("FRM7", "above max", num, {"n": 11}, [("n", "above_max")])
V("FRM7", "negative numbers are allowed when no min", [f("n", "number")], {"n": -5}, [])
V("FRM5", "numeric string is wrong_type, not coerced", num, {"n": "5"}, [("n", "wrong_type")])
V("FRM5", "boolean is not a number", num, {"n": True}, [("n", "wrong_type")])
V("FRM7", "beyond 2^53-1 is not a safe integer", [f("n", "number")], {"n": 9007199254740993},
  [("n", "not_integer")])
V("FRM7", "2^53-1 itself is fine", [f("n", "number")], {"n": 9007199254740991}, [])
V("FRM7", "zero is a value, not empty", num, {"n": 0}, [("n", "below_min")])

# --- date
d = [f("d", "date", required=True, rules={"min": "2000-01-01", "max": "today"})]
V("FRM8", "date in range", d, {"d": "2025-07-15"}, [])
V("FRM8", "after today (today is a parameter)", d, {"d": "2025-07-16"}, [("d", "date_after_max")])
V("FRM8", "same date, later today parameter", d, {"d": "2025-07-16"}, [], today="2025-07-16")
V("FRM8", "before min", d, {"d": "1999-12-31"}, [("d", "date_before_min")])
V("FRM8", "not a calendar date", d, {"d": "2025-02-29"}, [("d", "bad_date")])
V("FRM8", "leap day exists in 2024", d, {"d": "2024-02-29"}, [])
V("FRM8", "wrong format (DD/MM/YYYY)", d, {"d": "15/07/2025"}, [("d", "bad_date")])
V("FRM8", "no time part allowed", d, {"d": "2025-07-15T00:00:00"}, [("d", "bad_date")])
V("FRM8", "short month/day not allowed", d, {"d": "2025-7-5"}, [("d", "bad_date")])
V("FRM8", "non-ASCII digits are not digits", d, {"d": "２０２５-07-15"}, [("d", "bad_date")])
V("FRM5", "date as number", d, {"d": 20250715}, [("d", "wrong_type")])
V("FRM8", "today as min", [f("d", "date", rules={"min": "today"})], {"d": "2025-07-14"},
  [("d", "date_before_min")])

# --- select
sel = [f("sex", "select", required=True, options=[{"value": "male"}, {"value": "female"}])]
V("FRM9", "an option", sel, {"sex": "female"}, [])
V("FRM9", "not an option (case matters)", sel, {"sex": "Female"}, [("sex", "not_an_option")])
V("FRM5", "select value must be a string", sel, {"sex": 1}, [("sex", "wrong_type")])

# --- cccd
cc = [f("id", "cccd", required=True)]
V("FRM10", "12 digits", cc, {"id": "001203004567"}, [])
V("FRM10", "11 digits", cc, {"id": "00120300456"}, [("id", "bad_cccd")])
V("FRM10", "13 digits", cc, {"id": "0012030045678"}, [("id", "bad_cccd")])
V("FRM10", "spaces are not stripped", cc, {"id": "001 203 004 567"}, [("id", "bad_cccd")])
V("FRM10", "full-width digits are not ASCII digits", cc, {"id": "００１２０３００４５６７"},
  [("id", "bad_cccd")])
V("FRM5", "cccd as a number loses leading zeros: wrong_type", cc, {"id": 1203004567},
  [("id", "wrong_type")])

# --- phone
ph = [f("p", "phone")]
V("FRM11", "Viettel 09x", ph, {"p": "0912345678"}, [])
V("FRM11", "03x, 05x, 07x, 08x prefixes", [f("a", "phone"), f("b", "phone"), f("c", "phone"), f("e", "phone")],
  {"a": "0321234567", "b": "0561234567", "c": "0761234567", "e": "0881234567"}, [])
V("FRM11", "+84 form is not the stored form", ph, {"p": "+84912345678"}, [("p", "bad_phone")])
V("FRM11", "landline prefix 02x is not mobile", ph, {"p": "0241234567"}, [("p", "bad_phone")])
V("FRM11", "too short", ph, {"p": "091234567"}, [("p", "bad_phone")])
V("FRM11", "separators are not accepted", ph, {"p": "0912.345.678"}, [("p", "bad_phone")])

# --- member
mem = [f("m", "member", required=True)]
V("FRM12", "canonical lowercase uuid", mem, {"m": U1}, [])
V("FRM12", "upper-case uuid is not canonical", mem, {"m": U1.upper()}, [("m", "bad_member")])
V("FRM12", "not a uuid", mem, {"m": "me"}, [("m", "bad_member")])
V("FRM12", "member_ids given: must be one of them", mem, {"m": U1}, [("m", "bad_member")],
  member_ids=[U2])
V("FRM12", "member_ids given: member of the household", mem, {"m": U2}, [], member_ids=[U1, U2])

# --- unknown / order
two = [f("b", "text", required=True), f("a", "cccd")]
V("FRM2", "unknown keys reported after schema issues, sorted by code point", two,
  {"zeta": 1, "a": "x", "Alpha": 2, "b": ""},
  [("b", "required"), ("a", "bad_cccd"), ("Alpha", "unknown_field"), ("zeta", "unknown_field")])
V("FRM1", "issues follow schema order, not data order", two, {"a": "1", "b": None},
  [("b", "required"), ("a", "bad_cccd")])
V("FRM1", "valid data: no issues", two, {"a": "012345678901", "b": "x"}, [])

# --- show_if in validation
kind = f("kind", "select", required=True, options=[{"value": "co_so_y_te"}, {"value": "tai_nha"}, {"value": "noi_khac"}])
fac = f("facility", "text", required=True, show_if={"field": "kind", "op": "equals", "value": "co_so_y_te"})
addr = f("address", "text", required=True, rules={"min_length": 5},
         show_if={"field": "kind", "op": "in", "value": ["tai_nha", "noi_khac"]})
birth = [kind, fac, addr]
V("FRM3", "shown required field missing", birth, {"kind": "co_so_y_te"}, [("facility", "required")])
V("FRM3", "hidden field's value is ignored even if invalid", birth,
  {"kind": "co_so_y_te", "facility": "Trạm y tế xã", "address": "x"}, [])
V("FRM3", "'in' shows address", birth, {"kind": "noi_khac", "facility": 5},
  [("address", "required")])
V("FRM3", "hidden key of a known field is not unknown_field", birth,
  {"kind": "tai_nha", "address": "Bản Nà Phạ", "facility": "x"}, [])

# --- repeat
rep = [f("lines", "repeat", required=True, min_items=1, max_items=2, fields=[
    f("desc", "text", required=True, rules={"min_length": 3}),
    f("vsic", "text", rules={"pattern": "[0-9]{4}"}),
])]
V("FRM13", "valid items", rep, {"lines": [{"desc": "Bán tạp hóa", "vsic": "4711"}]}, [])
V("FRM13", "paths index items and name sub-fields", rep,
  {"lines": [{"desc": "Bán tạp hóa"}, {"desc": "ab", "vsic": "47"}]},
  [("lines[1].desc", "too_short"), ("lines[1].vsic", "pattern")])
V("FRM13", "empty list of a required repeat is 'required'", rep, {"lines": []}, [("lines", "required")])
V("FRM13", "too many items; items are still checked", rep,
  {"lines": [{"desc": "abc"}, {"desc": "abc"}, {"desc": ""}]},
  [("lines", "too_many_items"), ("lines[2].desc", "required")])
V("FRM13", "too few items", [f("xs", "repeat", min_items=2, fields=[f("v", "number")])],
  {"xs": [{"v": 1}]}, [("xs", "too_few_items")])
V("FRM13", "optional repeat left empty: min_items not applied", [f("xs", "repeat", min_items=2, fields=[f("v", "number")])],
  {"xs": []}, [])
V("FRM13", "an item that is not an object", rep, {"lines": [{"desc": "abc"}, "abc"]},
  [("lines[1]", "wrong_type")])
V("FRM13", "repeat value that is not a list", rep, {"lines": {"desc": "abc"}}, [("lines", "wrong_type")])
V("FRM13", "unknown key inside an item", rep, {"lines": [{"desc": "abc", "extra": 1}]},
  [("lines[0].extra", "unknown_field")])
scoped = [
    f("together", "select", options=[{"value": "co"}, {"value": "khong"}]),
    f("members", "repeat", show_if={"field": "together", "op": "equals", "value": "co"}, fields=[
        f("role", "select", options=[{"value": "owner"}, {"value": "helper"}]),
        f("share", "number", required=True, show_if={"field": "role", "op": "equals", "value": "owner"}),
        f("note", "text", required=True, show_if={"field": "together", "op": "equals", "value": "co"}),
    ]),
]
V("VIS4", "conditions inside items read siblings first, then top-level values", scoped,
  {"together": "co", "members": [{"role": "owner"}, {"role": "helper", "note": "x"}]},
  [("members[0].share", "required"), ("members[0].note", "required")])
V("FRM3", "hidden repeat: its items are not validated", scoped,
  {"together": "khong", "members": [{"role": 5}]}, [])

# --- visibility
def VIS(rule, comment, schema, data, expected, **kw):
    case(rule, comment, "visible", schema=schema, data=data, expected=expected, **kw)
s = lambda cond: [f("a", "text"), f("n", "number"), f("x", "text", show_if=cond)]
VIS("VIS2", "equals: same string", s({"field": "a", "op": "equals", "value": "yes"}), {"a": "yes"}, ["a", "n", "x"])
VIS("VIS2", "equals: absent is not equal", s({"field": "a", "op": "equals", "value": "yes"}), {}, ["a", "n"])
VIS("VIS2", "equals is type-strict: 1 is not '1'", s({"field": "n", "op": "equals", "value": "1"}), {"n": 1}, ["a", "n"])
VIS("VIS2", "equals on integers", s({"field": "n", "op": "equals", "value": 1}), {"n": 1}, ["a", "n", "x"])
VIS("VIS2", "not_equals: absent counts as not equal", s({"field": "a", "op": "not_equals", "value": "yes"}), {}, ["a", "n", "x"])
VIS("VIS2", "not_equals: equal value hides", s({"field": "a", "op": "not_equals", "value": "yes"}), {"a": "yes"}, ["a", "n"])
VIS("VIS2", "in: member of the list", s({"field": "a", "op": "in", "value": ["p", "q"]}), {"a": "q"}, ["a", "n", "x"])
VIS("VIS2", "in: absent is never in", s({"field": "a", "op": "in", "value": ["p", "q"]}), {}, ["a", "n"])
VIS("VIS2", "filled: whitespace-only is empty", s({"field": "a", "op": "filled"}), {"a": "  "}, ["a", "n"])
VIS("VIS2", "filled: zero is filled", s({"field": "n", "op": "filled"}), {"n": 0}, ["a", "n", "x"])
VIS("VIS2", "empty: absent", s({"field": "a", "op": "empty"}), {}, ["a", "n", "x"])
VIS("VIS2", "empty: empty string", s({"field": "a", "op": "empty"}), {"a": ""}, ["a", "n", "x"])
VIS("VIS2", "all: every part true", s({"all": [{"field": "a", "op": "filled"}, {"field": "n", "op": "equals", "value": 2}]}),
    {"a": "v", "n": 2}, ["a", "n", "x"])
VIS("VIS2", "all: one part false", s({"all": [{"field": "a", "op": "filled"}, {"field": "n", "op": "equals", "value": 2}]}),
    {"a": "v", "n": 3}, ["a", "n"])
VIS("VIS2", "any: one part true", s({"any": [{"field": "a", "op": "filled"}, {"field": "n", "op": "equals", "value": 2}]}),
    {"n": 2}, ["a", "n", "x"])
VIS("VIS2", "all of nothing is true", s({"all": []}), {}, ["a", "n", "x"])
VIS("VIS2", "any of nothing is false", s({"any": []}), {}, ["a", "n"])
VIS("VIS2", "nested all inside any", s({"any": [{"all": [{"field": "a", "op": "equals", "value": "p"},
                                                        {"field": "n", "op": "filled"}]},
                                               {"field": "a", "op": "equals", "value": "q"}]}),
    {"a": "p", "n": 5}, ["a", "n", "x"])
chain = [f("a", "select", options=[{"value": "co"}, {"value": "khong"}]),
         f("b", "text", show_if={"field": "a", "op": "equals", "value": "co"}),
         f("c", "text", show_if={"field": "b", "op": "filled"})]
VIS("VIS4", "a hidden field reads as absent: its stale value does not show dependants", chain,
    {"a": "khong", "b": "stale", "c": "x"}, ["a"])
VIS("VIS4", "chain shown", chain, {"a": "co", "b": "v"}, ["a", "b", "c"])
VIS("VIS4", "a reference to a later field reads as absent",
    [f("x", "text", show_if={"field": "y", "op": "filled"}), f("y", "text")], {"y": "v"}, ["y"])
VIS("VIS4", "inside an item, root values come from the root argument",
    [f("role", "text"), f("share", "number", show_if={"all": [{"field": "role", "op": "equals", "value": "owner"},
                                                            {"field": "together", "op": "equals", "value": "co"}]})],
    {"role": "owner"}, ["role", "share"], root={"together": "co"})
VIS("VIS4", "a sibling shadows a root value of the same name",
    [f("together", "text"), f("share", "number", show_if={"field": "together", "op": "equals", "value": "co"})],
    {}, ["together"], root={"together": "co"})

# --- clean
def CL(comment, schema, data, expected):
    case("CLN1", comment, "clean", schema=schema, data=data, expected=expected)
CL("hidden values and nulls are dropped; unknown keys are kept for validation to report", birth,
   {"kind": "co_so_y_te", "facility": "Trạm y tế", "address": "Bản Nà Phạ", "nickname": "x", "none": None},
   {"kind": "co_so_y_te", "facility": "Trạm y tế", "nickname": "x"})
CL("cleaning recurses into repeat items using top-level values", scoped,
   {"together": "co", "members": [{"role": "helper", "share": 5, "note": "n"}, "junk"]},
   {"together": "co", "members": [{"role": "helper", "note": "n"}, "junk"]})
CL("a hidden repeat is dropped whole", scoped, {"together": "khong", "members": [{"role": "owner"}]},
   {"together": "khong"})

# --- prefill
HEAD = {"id": U1, "full_name": "Lò Văn Pọm", "date_of_birth": "1990-02-03", "sex": "male", "cccd": "012345678901",
        "phone": "0912345678", "ethnicity": "Thái", "relationship": "chu_ho"}
WIFE = {"id": U2, "full_name": "Lò Thị Ín", "date_of_birth": "1993-05-06", "sex": "female", "cccd": "012345678902",
        "ethnicity": "Thái", "relationship": "vo"}
U3 = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
SON = {"id": U3, "full_name": "Lò Văn Khoa", "date_of_birth": "2015-09-01", "sex": "male",
       "ethnicity": "Thái", "relationship": "con"}
HH = {"address": "Bản Nà Phạ, xã Pu Sam Cáp, tỉnh Lai Châu", "village_name": "Nà Phạ", "commune_name": "Pu Sam Cáp",
      "province_name": "Lai Châu", "head_name": "Lò Văn Pọm"}
def PF(rule, comment, schema, expected, applicant=HEAD, head=HEAD, household=HH, members=(HEAD, WIFE, SON), chosen=None):
    case(rule, comment, "prefill", schema=schema, applicant=applicant, head=head, household=household,
         members=list(members), chosen=chosen or {}, expected=expected)
parents = [
    f("mother_member", "member", prefill="relation:vo.id"),
    f("mother_full_name", "text", prefill="field:mother_member.full_name", merge="identity"),
    f("mother_date_of_birth", "date", prefill="field:mother_member.date_of_birth", merge="identity"),
    f("mother_cccd", "cccd", prefill="field:mother_member.cccd", merge="identity"),
    f("father_member", "member", prefill="head.id"),
    f("father_full_name", "text", prefill="field:father_member.full_name", merge="identity"),
    f("father_phone", "phone", prefill="field:father_member.phone"),
    f("residence", "text", prefill="household.address"),
    f("child_full_name", "text", merge="identity"),
]
PF("PRE2", "parents from relation: and head., details from the picked member fields, address from the household", parents,
   {"mother_member": U2, "mother_full_name": "Lò Thị Ín", "mother_date_of_birth": "1993-05-06",
    "mother_cccd": "012345678902", "father_member": U1, "father_full_name": "Lò Văn Pọm",
    "father_phone": "0912345678", "residence": "Bản Nà Phạ, xã Pu Sam Cáp, tỉnh Lai Châu"})
PF("PRE3", "the user's choice for a member field wins over its prefill and feeds dependent fields", parents[:4],
   {"mother_member": U3, "mother_full_name": "Lò Văn Khoa", "mother_date_of_birth": "2015-09-01"},
   chosen={"mother_member": U3})
PF("PRE4", "no member with that relationship: nothing prefilled, dependants neither", parents[:3],
   {}, members=[HEAD, SON])
PF("PRE4", "a chosen id that is not a member: dependants stay empty", parents[:2],
   {"mother_member": "00000000-0000-4000-8000-000000000000"},
   chosen={"mother_member": "00000000-0000-4000-8000-000000000000"})
PF("PRE2", "relation: takes the first match in the given member order",
   [f("kid", "text", prefill="relation:con.full_name")],
   {"kid": "Lò Thị Mai"},
   members=[HEAD, {"id": "9a1c2e3f-0000-4000-8000-00000000000a", "full_name": "Lò Thị Mai", "relationship": "con"}, SON])
PF("PRE2", "applicant and every household attribute",
   [f("me", "text", prefill="applicant.full_name"), f("dob", "date", prefill="applicant.date_of_birth"),
    f("v", "text", prefill="household.village_name"), f("c", "text", prefill="household.commune_name"),
    f("p", "text", prefill="household.province_name"), f("h", "text", prefill="household.head_name"),
    f("eth", "text", prefill="head.ethnicity"), f("rel", "text", prefill="applicant.relationship")],
   {"me": "Lò Thị Ín", "dob": "1993-05-06", "v": "Nà Phạ", "c": "Pu Sam Cáp", "p": "Lai Châu",
    "h": "Lò Văn Pọm", "eth": "Thái", "rel": "vo"}, applicant=WIFE)
PF("PRE4", "missing or empty attributes are left out; a null applicant prefills nothing",
   [f("phone", "phone", prefill="relation:vo.phone"), f("me", "text", prefill="applicant.full_name")],
   {}, applicant=None)
PF("PRE4", "a value that is not an option of a select is left out",
   [f("sex", "select", options=[{"value": "male"}, {"value": "female"}], prefill="applicant.sex"),
    f("rel", "select", options=[{"value": "vo"}, {"value": "chong"}], prefill="applicant.relationship")],
   {"sex": "male"})
PF("PRE5", "fields inside a repeat are never prefilled",
   [f("xs", "repeat", fields=[f("name", "text", prefill="applicant.full_name")])], {})
PF("PRE2", "a member field referencing a later member field gets nothing (declared-before rule)",
   [f("n", "text", prefill="field:m.full_name"), f("m", "member", prefill="applicant.id")], {"m": U1})

VIS("VIS1", "fields without show_if are always visible, in schema order, whatever the data",
    [f("z", "text"), f("a", "number"), f("m", "repeat", fields=[f("v", "text")])], {"a": "not a number"}, ["z", "a", "m"])

# --- prefill path grammar
def PP(comment, path, expected):
    case("PRE1", comment, "prefill_path", path=path, expected=expected)
PP("applicant attribute", "applicant.full_name", {"source": "applicant", "selector": None, "attr": "full_name"})
PP("head id (for member fields)", "head.id", {"source": "head", "selector": None, "attr": "id"})
PP("household attribute", "household.village_name", {"source": "household", "selector": None, "attr": "village_name"})
PP("member field reference", "field:mother_member.cccd", {"source": "field", "selector": "mother_member", "attr": "cccd"})
PP("relationship code", "relation:anh_chi_em.date_of_birth",
   {"source": "relation", "selector": "anh_chi_em", "attr": "date_of_birth"})
PP("unknown relationship code", "relation:hang_xom.full_name", {"error": "bad_prefill"})
PP("household attributes are not member attributes", "household.full_name", {"error": "bad_prefill"})
PP("member attributes are not household attributes", "applicant.address", {"error": "bad_prefill"})
PP("unknown source", "neighbour.full_name", {"error": "bad_prefill"})
PP("no attribute", "applicant", {"error": "bad_prefill"})
PP("case matters", "Applicant.full_name", {"error": "bad_prefill"})
PP("no surrounding spaces", " household.address", {"error": "bad_prefill"})

# --- merge rules
case("MRR1", "merge rule per top-level field, lww by default; a repeat merges as one value", "merge_rules",
     schema=[f("name", "text", merge="identity"), f("note", "text"), f("status", "select", options=[{"value": "a"}], merge="server"),
             f("xs", "repeat", fields=[f("v", "number")])],
     expected={"name": "identity", "note": "lww", "status": "server", "xs": "lww"})

# --- SEC1-SEC2, PRE6, PRE7 (sections, couple: prefill, applicant_role): hand-checked cases kept
# as data beside this script (their expected values were worked out by hand, not computed here).
for extra in json.loads((Path(__file__).resolve().parent / "forms_sections_cases.json").read_text(encoding="utf-8")):
    case(extra.pop("rule"), extra.pop("comment"), extra.pop("kind"), **extra)

# --- FRM14: the text rule (sync/SPEC.md TXT) on every string value, after the type check
txt = [f("name", "text", rules={"max_length": 50}), f("sex", "select", options=[{"value": "male"}]),
       f("born", "date"), f("id", "cccd")]
V("FRM14", "NUL in a text field", txt, {"name": "Lò\u0000Văn"}, [("name", "control_char")])
V("FRM14", "tab and newline are allowed in text", txt, {"name": "dòng 1\n\tdòng 2"}, [])
V("FRM14", "carriage return inside text is refused", txt, {"name": "a\r\nb"}, [("name", "control_char")])
V("FRM14", "DEL and C1 controls are refused", txt, {"name": "a\u007f", "born": "2020-01-0\u0085"},
  [("name", "control_char"), ("born", "control_char")])
V("FRM14", "the text rule comes before the type's own checks (select, cccd)", txt,
  {"sex": "male\u0000", "id": "01209012345\u0001"}, [("sex", "control_char"), ("id", "control_char")])
V("FRM14", "the text rule comes before not_nfc and too_long", txt,
  {"name": "e\u0301" * 60 + "\u001b"}, [("name", "control_char")])
V("FRM14", "inside a repeat item", [f("xs", "repeat", fields=[f("v", "text")])],
  {"xs": [{"v": "ok"}, {"v": "x\u0002"}]}, [("xs[1].v", "control_char")])

# --- self-check against the Python implementation, with the contract test's own runner
from tests.contract.test_vectors_forms import _run
bad = 0
for c in cases:
    got = _run(c)
    if got != c["expected"]:
        bad += 1
        print("MISMATCH", c["id"], c["comment"], "\n  got ", got, "\n  want", c["expected"])

doc = {
    "description": ("Form rules of sync/forms.py and its TypeScript twin: visibility (show_if), cleaning, "
                    "validation, prefill and merge rules. Each case has a 'kind': 'validate' (schema, data, today, "
                    "optional member_ids -> ordered issues as {path, code}; messages are not compared), 'visible' "
                    "(schema, data, optional root -> visible keys in order), 'clean' (schema, data -> cleaned data), "
                    "'prefill' (schema, applicant, head, household, members, chosen -> prefilled values; compare as "
                    "maps), 'merge_rules' (schema -> rule per key), 'prefill_path' (path -> {source, selector, attr} or {error: code}). Schemas omit labels, which the rules never read. "
                    "No byte strings; no floats."),
    "spec": "sync/SPEC-forms.md",
    "cases": cases,
}
(Path(__file__).resolve().parents[2] / "sync/vectors/forms.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
print(len(cases), "cases,", bad, "mismatches")
if bad:
    raise SystemExit(f"{bad} vector(s) disagree with the Python implementation")

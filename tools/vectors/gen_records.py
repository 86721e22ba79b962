"""Writes sync/vectors/records.json (SPEC-records §REC): member and household field rules."""
import sys; from pathlib import Path; HERE = Path(__file__).resolve().parent; sys.path.insert(0, str(HERE)); sys.path.insert(0, str(HERE.parents[1]))
import json
from sync.records import HOUSEHOLD_FIELDS, MEMBER_FIELDS, check_household, check_member

OUT = HERE.parents[1] / "sync" / "vectors" / "records.json"
TODAY = "2026-12-06"
cases = []
def nid(): return f"REC-{len(cases) + 1:03d}"
def member(rule, comment, fields, partial=False, today=TODAY):
    clean, issues = check_member(fields, today, partial)
    cases.append({"id": nid(), "rule": rule, "op": "check_member", "comment": comment, "fields": fields, "today": today,
                  "partial": partial, "expected": {"clean": clean, "issues": issues}})
def household(rule, comment, fields, partial=False):
    clean, issues = check_household(fields, partial)
    cases.append({"id": nid(), "rule": rule, "op": "check_household", "comment": comment, "fields": fields, "partial": partial,
                  "expected": {"clean": clean, "issues": issues}})

OK = {"full_name": "Lò Văn Pọm", "relationship": "chu_ho"}
cases.append({"id": nid(), "rule": "REC1", "op": "schema", "comment": "the member and household fields (catalogue form format)",
              "expected": {"member": [dict(f) for f in MEMBER_FIELDS], "household": [dict(f) for f in HOUSEHOLD_FIELDS]}})
member("REC1", "the smallest valid member: name and relationship", OK)
member("REC1", "every field filled and valid", {**OK, "date_of_birth": "1990-05-17", "sex": "male", "cccd": "001090012345",
       "phone": "+84 912 345 678", "ethnicity": "Thái", "notes": "Trưởng bản"})
member("REC1", "a full record with nothing: name and relationship are required", {})
member("REC1", "partial: only the fields present are checked", {"notes": "ghi chú"}, partial=True)
member("REC2", "every relationship code is accepted", {**OK, "relationship": "anh_chi_em"})
member("REC2", "an unknown relationship code", {**OK, "relationship": "cha"})
member("REC2", "the relationship is a code, not the Vietnamese word", {**OK, "relationship": "Chủ hộ"})
member("REC2", "sex must be male or female", {**OK, "sex": "nam"})
member("REC2", "sex may be null", {**OK, "sex": None})
member("REC3", "names are NFC with whitespace collapsed", {**OK, "full_name": "  Lo\u0300   Thi\u0323  Su\u031bo\u031bi "})
member("REC3", "ethnicity at its limit (40 code points) is accepted", {**OK, "ethnicity": "Ê" * 40})
member("REC3", "ethnicity of 41 code points is refused", {**OK, "ethnicity": "Ê" * 41})
member("REC3", "ethnicity of 45 code points (the old form allowed 50) is refused", {**OK, "ethnicity": "Bru-Vân Kiều " * 3 + "Bru-V"})
member("REC3", "ethnicity counted after NFC: 40 decomposed 'Ê' (80 code points typed) are 40", {**OK, "ethnicity": "E\u0302" * 40})
member("REC3", "full name at its limit (120)", {**OK, "full_name": "A" * 120})
member("REC3", "full name of 121 code points", {**OK, "full_name": "A" * 121})
member("REC3", "astral characters count as one code point", {**OK, "full_name": "𠀀" * 120})
member("REC3", "a blank name is missing", {**OK, "full_name": " \t "})
member("REC3", "a number for a name is the wrong type", {**OK, "full_name": 12})
member("REC3", "a control character in the notes (TXT1)", {**OK, "notes": "a\u0000b"})
member("REC3", "member notes are collapsed to one line", {**OK, "notes": "dòng 1\n\tdòng 2"})
member("REC4", "date of birth today is accepted", {**OK, "date_of_birth": TODAY})
member("REC4", "date of birth tomorrow is in the future", {**OK, "date_of_birth": "2026-12-07"})
member("REC4", "1 January 1900 is accepted", {**OK, "date_of_birth": "1900-01-01"})
member("REC4", "31 December 1899 is too old", {**OK, "date_of_birth": "1899-12-31"})
member("REC4", "not a calendar date", {**OK, "date_of_birth": "2025-02-29"})
member("REC4", "29 February of a leap year", {**OK, "date_of_birth": "2024-02-29"})
member("REC4", "dd/mm/yyyy is not the wire form", {**OK, "date_of_birth": "17/05/1990"})
member("REC4", "empty date is no date", {**OK, "date_of_birth": ""})
member("REC5", "phone normalised from +84", {**OK, "phone": "+84 912 345 678"})
member("REC5", "phone with a landline number", {**OK, "phone": "02143 812 345"})
member("REC5", "phone as a number is the wrong type", {**OK, "phone": 912345678})
member("REC5", "CCCD checked against the date of birth and sex", {**OK, "cccd": "001090012345", "date_of_birth": "1991-01-01", "sex": "male"})
member("REC5", "partial CCCD edit: checked against the merged record's date of birth and sex", {"cccd": "001190012345", "date_of_birth": "1990-05-17", "sex": "male"}, partial=True)
member("REC5", "CCCD with an invalid sex: the sex issue only, no CCCD consistency issue", {**OK, "cccd": "001090012345", "sex": "x"})
member("REC5", "CCCD of 11 digits", {**OK, "cccd": "00109001234"})
member("REC6", "pending_birth with its dossier", {**OK, "status": "pending_birth", "source_dossier_id": "9a8b7c6d-5e4f-4a3b-9c2d-1e0f2a3b4c5d"})
member("REC6", "pending_birth without a dossier", {**OK, "status": "pending_birth"})
member("REC6", "unknown status and a dossier id that is not a uuid", {**OK, "status": "dead", "source_dossier_id": "D-1"})
member("REC6", "status absent: nothing about status in the result", {**OK})
household("REC7", "a valid household", {"address": " Bản  Nậm Khăn ", "notes": "dòng 1\n  dòng 2"})
household("REC7", "address required", {"address": ""})
household("REC7", "address at its limit (300)", {"address": "x" * 300})
household("REC7", "address of 301 code points", {"address": "x" * 301})
household("REC7", "household notes keep their lines and spaces, in NFC", {"address": "Bản A", "notes": "a\n  b  Lo\u0300"})
household("REC7", "household notes of 2001 code points", {"address": "Bản A", "notes": "n" * 2001})
household("REC7", "partial: only the notes", {"notes": "x"}, partial=True)
household("REC7", "a control character in the address", {"address": "Bản\u0007A"})

ids = [c["id"] for c in cases]; assert len(ids) == len(set(ids))
doc = {"description": "Member and household field rules. op=schema: MEMBER_FIELDS and HOUSEHOLD_FIELDS; op=check_member: "
       "check_member(fields, today, partial) → {clean, issues}; op=check_household: check_household(fields, partial) → {clean, issues}. "
       "Issues are {field, code, message_vi, message_en} in order. Dates are ISO YYYY-MM-DD.",
       "spec": "sync/SPEC-records.md#rec-member-and-household-fields", "cases": cases}
text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
# Combining marks as escapes so no editor recomposes them.
OUT.write_text("".join(f"\\u{ord(ch):04x}" if 0x300 <= ord(ch) <= 0x36F else ch for ch in text), encoding="utf-8")
print("records", len(cases))

"""Writes sync/vectors/identity.json from hand-written expectations (not from the implementation)."""
import json, unicodedata
NFD = lambda s: unicodedata.normalize("NFD", s)
cases = []
def add(prefix, rule, op, comment, inp, expected):
    n = sum(1 for c in cases if c["id"].startswith(prefix + "-")) + 1
    cases.append({"id": f"{prefix}-{n:03d}", "rule": rule, "op": op, "comment": comment,
                  "input": inp, "expected": expected})

def cccd(rule, comment, number, dob, sex, codes):
    add("CCD", rule, "check_cccd", comment, {"cccd": number, "date_of_birth": dob, "sex": sex}, codes)

# --- valid
cccd("CCD3", "Hà Nội, male born 1990", "001090012345", "1990-05-01", "male", [])
cccd("CCD3", "Lai Châu, female born 2001", "012301004567", "2001-03-15", "female", [])
cccd("CCD3", "Lai Châu, male born 2005", "012205123456", "2005-11-30", "male", [])
cccd("CCD3", "Hồ Chí Minh, female born 1985", "079185000001", "1985-07-07", "female", [])
cccd("CCD3", "Cà Mau (highest code), male born 1999-12-31", "096099999999", "1999-12-31", "male", [])
cccd("CCD3", "no date of birth or sex: only structure is checked", "012312000000", None, None, [])
cccd("CCD3", "only sex given, matches", "012190000000", None, "female", [])
cccd("CCD4", "only date given, matches", "014287000000", "2087-01-01", None, [])
cccd("CCD3", "1800s male code 8", "001889123456", "1889-01-01", "male", [])
cccd("CCD3", "1800s female code 9", "036975123456", "1875-06-01", "female", [])
cccd("CCD3", "first year of the 1900s is 1900", "001100000000", "1900-01-01", "female", [])
cccd("CCD3", "first year of the 2000s is 2000", "001200000000", "2000-01-01", "male", [])
cccd("CCD3", "2100s male code 4", "001400000000", "2100-02-01", "male", [])
cccd("CCD3", "2200s female code 7", "001712000000", "2212-02-01", "female", [])
cccd("CCD1", "Điện Biên 011 and Lai Châu 012 are distinct valid codes", "011088765432", "1988-02-29", "male", [])
# --- not_12_digits
for comment, value in [
    ("11 digits (Excel dropped the leading 0)", "12301004567"),
    ("13 digits", "0123010045678"),
    ("spaces between groups", "012 301 004 567"),
    ("full-width digits", "０１２３０１００４５６７"),
    ("Arabic-Indic digits", "٠١٢٣٠١٠٠٤٥٦٧"),
    ("letter inside", "01230100456a"),
    ("empty", ""),
    ("leading space", " 012301004567"),
    ("trailing newline", "012301004567\n"),
    ("dots as separators", "012.301.004.567"),
    ("sign", "+12301004567"),
]:
    cccd("CCD1", comment, value, "2001-03-15", "female", ["not_12_digits"])
cccd("CCD1", "not_12_digits hides every other issue", "999", "1950-01-01", "male", ["not_12_digits"])
# --- unknown_province
for comment, code in [("000 is not a province", "000"), ("003 is a gap in the table", "003"),
                      ("013 is a gap between Lai Châu and Sơn La", "013"),
                      ("097 is above Cà Mau (096)", "097"), ("999", "999"),
                      ("post-2025 merged-province numbering is not used", "100")]:
    cccd("CCD2", comment, code + "090012345", "1990-01-01", "male", ["unknown_province"])
cccd("CCD2", "unknown province is reported even with no date/sex", "003090012345", None, None, ["unknown_province"])
# --- century_sex_mismatch
cccd("CCD3", "male code 0, person is female", "012090012345", "1990-04-04", "female", ["century_sex_mismatch"])
cccd("CCD3", "female code 1, person is male", "012190012345", "1990-04-04", "male", ["century_sex_mismatch"])
cccd("CCD3", "2000s code 2, born 1990", "012290012345", "1990-04-04", "male", ["century_sex_mismatch"])
cccd("CCD3", "1900s code 1, born 2005", "012105012345", "2005-04-04", "female", ["century_sex_mismatch"])
cccd("CCD3", "2100s code 4 for someone born 2005", "012405123456", "2005-01-01", "male", ["century_sex_mismatch"])
cccd("CCD3", "1800s code 8 for someone born 1989", "012889123456", "1989-01-01", "male", ["century_sex_mismatch"])
cccd("CCD3", "sex only, mismatching", "012190012345", None, "male", ["century_sex_mismatch"])
cccd("CCD3", "date only, wrong century", "012090012345", "2090-01-01", None, ["century_sex_mismatch"])
cccd("CCD3", "century and sex both wrong: reported once", "012090012345", "2090-01-01", "female", ["century_sex_mismatch"])
# --- birth_year_mismatch
cccd("CCD4", "year digits 90, born 1991", "012090012345", "1991-01-01", "male", ["birth_year_mismatch"])
cccd("CCD4", "year digits 01, born 2010", "012301004567", "2010-03-15", "female", ["birth_year_mismatch"])
cccd("CCD4", "year digits 00, born 1999 (century right)", "012000123456", "1999-12-31", "male", ["birth_year_mismatch"])
cccd("CCD4", "sex given but no date: year cannot be checked", "012090012345", None, "male", [])
# --- combinations (order CCD5)
cccd("CCD5", "all three issues in fixed order", "000190012345", "2091-01-01", "male",
     ["unknown_province", "century_sex_mismatch", "birth_year_mismatch"])
cccd("CCD5", "province and century", "013290012345", "1990-06-06", "female",
     ["unknown_province", "century_sex_mismatch"])
cccd("CCD5", "century and year", "012385123456", "1986-01-01", "male",
     ["century_sex_mismatch", "birth_year_mismatch"])

# --- normalise_phone
def norm(comment, text, expected):
    add("PHN", "PHN1", "normalise_phone", comment, {"text": text}, expected)
norm("spaces", "0912 345 678", "0912345678")
norm("+84 and space", "+84 912345678", "0912345678")
norm("+84 without space", "+84912345678", "0912345678")
norm("bare 84, 11 digits", "84912345678", "0912345678")
norm("parentheses and hyphen", "(091) 234-5678", "0912345678")
norm("dots", "0912.345.678", "0912345678")
norm("hyphens", "0912-345-678", "0912345678")
norm("+84 (0) form", "+84 (0)912 345 678", "0912345678")
norm("+840 form", "+840912345678", "0912345678")
norm("0084 international prefix", "0084 912 345 678", "0912345678")
norm("no-break spaces", "0912\u00a0345\u00a0678", "0912345678")
norm("tabs and edge spaces", " \t0987654321  ", "0987654321")
norm("03x after conversion", "+84 32 123 4567", "0321234567")
norm("bare 84 with 10 characters is left alone", "8491234567", "8491234567")
norm("national number beginning 084 stays", "0849123456", "0849123456")
norm("letters are kept for check_phone to reject", "091-234-567a", "091234567a")
norm("foreign number kept", "+1 415 555 0100", "+14155550100")
norm("empty", "", "")
norm("full-width digits are not converted", "０９１２３４５６７８", "０９１２３４５６７８")
norm("slash is not a separator", "091/234/5678", "091/234/5678")
norm("underscore is not a separator", "0912_345_678", "0912_345_678")

# --- check_phone
def chk(comment, value, codes):
    add("PHC", "PHN2", "check_phone", comment, {"normalised": value}, codes)
for p in ["032", "035", "039", "052", "055", "056", "058", "059", "070", "076", "077", "078", "079",
          "081", "083", "085", "086", "087", "088", "089", "090", "091", "092", "093", "094", "096",
          "097", "098", "099"]:
    chk(f"prefix {p} is mobile", p + "1234567", [])
for p, why in [("031", "03 below 032"), ("030", "03 below 032"), ("050", "05x unallocated"),
               ("053", "05x unallocated"), ("054", "05x unallocated"), ("057", "05x unallocated"),
               ("071", "07x unallocated"), ("075", "07x unallocated"), ("080", "080 unallocated"),
               ("095", "095 withdrawn"), ("024", "Hà Nội landline area code"),
               ("020", "landline area code"), ("001", "no leading 0 prefix"), ("191", "no leading 0")]:
    chk(f"prefix {p}: {why}", p + "1234567", ["bad_phone_prefix"])
chk("9 digits (leading 0 dropped)", "912345678", ["bad_phone_length"])
chk("9 digits with 0", "091234567", ["bad_phone_length"])
chk("11 digits", "09123456789", ["bad_phone_length"])
chk("old 11-digit 01xx number", "01234567890", ["bad_phone_length"])
chk("single digit", "0", ["bad_phone_length"])
chk("length is checked before prefix", "0951234", ["bad_phone_length"])
chk("empty", "", ["not_digits"])
chk("letter", "091234567a", ["not_digits"])
chk("not normalised: +84", "+84912345678", ["not_digits"])
chk("not normalised: spaces", "0912 345 678", ["not_digits"])
chk("full-width digits", "０９１２３４５６７８", ["not_digits"])

# --- names
def nn(comment, text, expected):
    add("NAM", "NAM1", "normalise_name", comment, {"text": text}, expected)
nn("collapse and trim spaces", "  Nguyễn   Văn  A ", "Nguyễn Văn A")
nn("decomposed input becomes NFC", NFD("Lò Thị Sươi"), "Lò Thị Sươi")
nn("tab and no-break space", "Giàng\tA\u00a0Páo", "Giàng A Páo")
nn("case is kept", "VÀNG THỊ DÍNH", "VÀNG THỊ DÍNH")
nn("ideographic space", "Hà\u3000Nhì", "Hà Nhì")
nn("leading BOM / zero-width no-break space", "\ufeffLò Văn Ún", "Lò Văn Ún")
nn("newline inside", "Tẩn Láo\nLở", "Tẩn Láo Lở")
nn("partly decomposed", "Ho\u0300ng Thi\u0323 Mỷ", "Hòng Thị Mỷ")
nn("uppercase Đ decomposed stays Đ", NFD("ĐẶNG THỊ ĐÀO"), "ĐẶNG THỊ ĐÀO")
nn("empty", "", "")
nn("blank", "   ", "")

def sk(comment, text, expected):
    add("KEY", "NAM2", "search_key", comment, {"text": text}, expected)
sk("basic", "Nguyễn Văn A", "nguyen van a")
sk("decomposed input", NFD("Nguyễn Văn A"), "nguyen van a")
sk("uppercase Đ", "ĐẶNG THỊ ĐÀO", "dang thi dao")
sk("decomposed uppercase", NFD("ĐẶNG THỊ ĐÀO"), "dang thi dao")
sk("Thái name", "Lò Thị Sươi", "lo thi suoi")
sk("Mông name", "Giàng A Páo", "giang a pao")
sk("Mông name 2", "Vàng Thị Dính", "vang thi dinh")
sk("Mông name with ỷ", "Hầu Thị Mỷ", "hau thi my")
sk("Dao name", "Tẩn Láo Lở", "tan lao lo")
sk("Ơ", "Quàng Văn Ơn", "quang van on")
sk("Ư", "Ưng Hoàng Phúc", "ung hoang phuc")
sk("spaces collapsed", "  Lý   Seo  Chứ ", "ly seo chu")
sk("old and new tone placement agree", "Hoà Thuỷ", "hoa thuy")
sk("new tone placement", "Hòa Thủy", "hoa thuy")
sk("hyphen kept", "Nguyễn Thị Thu-Hà", "nguyen thi thu-ha")
sk("ethnicity", "Hà Nhì", "ha nhi")
sk("empty", "", "")

def mt(comment, query, text, expected):
    add("MAT", "NAM3", "matches", comment, {"query": query, "text": text}, expected)
mt("full key", "nguyen van a", "Nguyễn Văn A", True)
mt("token prefixes", "ng v a", "Nguyễn Văn A", True)
mt("order does not matter", "a nguyen", "Nguyễn Văn A", True)
mt("accented uppercase query", "NGUYỄN", "Nguyễn Văn A", True)
mt("one token unmatched", "nguyen b", "Nguyễn Văn A", False)
mt("prefix, not substring", "an", "Lò Thị Lan", False)
mt("whole token", "lan", "Lò Thị Lan", True)
mt("Thái name without accents", "suoi", "Lò Thị Sươi", True)
mt("Mông name", "giang pao", "Giàng A Páo", True)
mt("Mông name, one token", "dinh", "Vàng Thị Dính", True)
mt("query with đ", "đinh", "Vàng Thị Dính", True)
mt("decomposed text", "dinh vang", NFD("Vàng Thị Dính"), True)
mt("d finds Đ", "d", "Đặng Văn Dũng", True)
mt("old tone placement in text", "hoa", "Nguyễn Thị Hoà", True)
mt("token inside a word does not match", "hoa", "Nguyễn Văn Khoa", False)
mt("query token may reuse a text token", "thi thi", "Lò Thị Sươi", True)
mt("empty query matches everything", "", "Giàng A Páo", True)
mt("blank query matches everything", "   ", "Giàng A Páo", True)
mt("non-empty query never matches empty text", "ngu", "", False)
mt("query longer than token", "nguyenn", "Nguyễn Văn A", False)

# MSG1: the message table, read from the SPEC itself (not from an implementation).
_spec = (__import__("pathlib").Path(__file__).resolve().parents[2] / "sync/SPEC-identity.md").read_text(encoding="utf-8")
_table = _spec.split("- **MSG1** —", 1)[1].split("\n\n", 2)[1]
_rows = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in _table.splitlines()[2:]]
add("MSG", "MSG1", "messages", "every issue code with its Vietnamese and English text, verbatim as in the SPEC table", {},
    {code: [vi, en] for code, vi, en in sorted(_rows)})

doc = {
    "description": (
        "Identity rules: CCCD checks, phone normalisation/checks, name normalisation, search keys "
        "and matching. No byte strings. Dates are ISO 'YYYY-MM-DD' strings or null; sex is "
        "'male', 'female' or null. Strings are literal (combining marks written as \\u escapes so "
        "no tool silently recomposes them). Each case has 'op' naming the function, 'input' "
        "holding its arguments by name, and 'expected': a list of issue codes in order for "
        "check_cccd/check_phone, a string for normalise_phone/normalise_name/search_key, a "
        "boolean for matches."
    ),
    "spec": "sync/SPEC-identity.md",
    "cases": cases,
}
ids = [c["id"] for c in cases]
assert len(ids) == len(set(ids))
text = json.dumps(doc, ensure_ascii=False, indent=2)
# Escape nonspacing marks and invisible/space characters so the file survives editors.
out = []
for ch in text:
    if unicodedata.category(ch) in ("Mn", "Zs", "Cf") and ch != " " or ch in "\u3000\ufeff":
        out.append("\\u%04x" % ord(ch))
    else:
        out.append(ch)
open(__import__("pathlib").Path(__file__).resolve().parents[2] / "sync/vectors/identity.json", "w", encoding="utf-8").write("".join(out) + "\n")
print(len(cases), "cases")

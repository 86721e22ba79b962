import json, unicodedata
from pathlib import Path
OUT = Path("/work/main/backend/catalog/procedures")

def L(vi, en): return {"vi": vi, "en": en}
def opt(value, vi, en): return {"value": value, "label": L(vi, en)}
def F(key, type_, vi, en, required=False, **kw):
    d = {"key": key, "type": type_, "label": L(vi, en), "required": required}
    if "help" in kw: kw["help"] = L(*kw["help"])
    d.update(kw)
    return d
def comp(code, vi, en, required, accepted=("image", "pdf"), min_count=1, help=None):
    d = {"code": code, "name": L(vi, en), "required": required, "min_count": min_count,
         "accepted": list(accepted)}
    if help: d["help"] = L(*help)
    return d
def eq(field, value): return {"field": field, "op": "equals", "value": value}

SEX = [opt("male", "Nam", "Male"), opt("female", "Nữ", "Female")]
YES_NO = [opt("co", "Có", "Yes"), opt("khong", "Không", "No")]
NAME_RULES = {"min_length": 2, "max_length": 100}
ADDRESS_RULES = {"min_length": 5, "max_length": 250}
PAST = {"min": "1900-01-01", "max": "today"}

def person(prefix, vi_who, en_who, member_key=None, required=True, show_if=None, residence=True,
           phone=False, sex=False, cccd_required=False, residence_prefill=None):
    src = (lambda a: f"field:{member_key}.{a}") if member_key else None
    def pf(d, attr):
        if src: d["prefill"] = src(attr)
        if show_if: d["show_if"] = show_if
        return d
    out = [
        pf(F(f"{prefix}_full_name", "text", f"Họ, chữ đệm và tên {vi_who}", f"{en_who}'s full name",
             required, rules=NAME_RULES, merge="identity"), "full_name"),
        pf(F(f"{prefix}_date_of_birth", "date", f"Ngày sinh {vi_who}", f"{en_who}'s date of birth",
             required, rules=PAST, merge="identity"), "date_of_birth"),
    ]
    if sex:
        out.append(pf(F(f"{prefix}_sex", "select", f"Giới tính {vi_who}", f"{en_who}'s sex", required,
                        options=SEX, merge="identity"), "sex"))
    out += [
        pf(F(f"{prefix}_ethnicity", "text", f"Dân tộc {vi_who}", f"{en_who}'s ethnicity", required,
             rules={"max_length": 50}), "ethnicity"),
        pf(F(f"{prefix}_cccd", "cccd", f"Số định danh cá nhân (CCCD) {vi_who}",
             f"{en_who}'s personal ID number (CCCD)", cccd_required, merge="identity"), "cccd"),
    ]
    if phone:
        out.append(pf(F(f"{prefix}_phone", "phone", f"Số điện thoại {vi_who}", f"{en_who}'s phone number"),
                      "phone"))
    if residence:
        d = F(f"{prefix}_residence", "text", f"Nơi cư trú {vi_who}", f"{en_who}'s place of residence",
              required, rules=ADDRESS_RULES)
        if residence_prefill: d["prefill"] = residence_prefill
        if show_if: d["show_if"] = show_if
        out.append(d)
    return out

def requester(relationship_options):
    return [
        F("requester_relationship", "select", "Quan hệ với người được đăng ký",
          "Relationship to the registered person", True, options=relationship_options),
        F("requester_full_name", "text", "Họ, chữ đệm và tên người yêu cầu", "Requester's full name", True,
          rules=NAME_RULES, prefill="applicant.full_name", merge="identity"),
        F("requester_cccd", "cccd", "Số định danh cá nhân (CCCD) người yêu cầu", "Requester's CCCD number",
          True, prefill="applicant.cccd", merge="identity"),
        F("requester_phone", "phone", "Số điện thoại người yêu cầu", "Requester's phone number", False,
          prefill="applicant.phone"),
    ]

AUTH = comp("van-ban-uy-quyen", "Văn bản ủy quyền (nếu nộp thay)",
            "Power of attorney (if filed on someone's behalf)", False,
            help=("Không cần nếu người nộp là ông, bà, cha, mẹ, con, vợ, chồng, anh, chị, em ruột",
                  "Not needed when the filer is a grandparent, parent, child, spouse or sibling"))

procs = []

# 1. Birth registration
procs.append({
 "format": 1, "code": "khai-sinh", "version": 1, "national_code": "1.001193",
 "name": L("Đăng ký khai sinh", "Birth registration"), "level": "commune", "processing_days": 1,
 "fee": {"amount_vnd": 0, "online_amount_vnd": 0,
         "note": L("Miễn lệ phí khi đăng ký đúng hạn (trong 60 ngày kể từ ngày sinh) (Luật Hộ tịch, Điều 11)",
                   "Free when registered on time, within 60 days of birth (Civil Status Law, art. 11)")},
 "components": [
   comp("giay-chung-sinh", "Giấy chứng sinh (hoặc văn bản người làm chứng / giấy cam đoan về việc sinh)",
        "Birth certificate from the health facility (or a witness statement / sworn declaration)", True),
   AUTH,
 ],
 "form": {"fields": [
   F("child_full_name", "text", "Họ, chữ đệm và tên của trẻ", "Child's full name", True,
     rules=NAME_RULES, merge="identity"),
   F("child_sex", "select", "Giới tính", "Sex", True, options=SEX, merge="identity"),
   F("child_date_of_birth", "date", "Ngày sinh của trẻ", "Child's date of birth", True,
     rules={"min": "1900-01-01", "max": "today"}, merge="identity"),
   F("child_place_of_birth_kind", "select", "Nơi sinh", "Place of birth", True, options=[
       opt("co_so_y_te", "Cơ sở y tế (bệnh viện, trạm y tế)", "Health facility (hospital, health station)"),
       opt("tai_nha", "Tại nhà", "At home"),
       opt("noi_khac", "Nơi khác", "Elsewhere")]),
   F("child_birth_facility", "text", "Tên cơ sở y tế", "Name of the health facility", True,
     rules={"min_length": 3, "max_length": 200}, show_if=eq("child_place_of_birth_kind", "co_so_y_te")),
   F("child_place_of_birth_address", "text", "Địa chỉ nơi sinh", "Address of the place of birth", True,
     rules=ADDRESS_RULES, prefill="household.address",
     show_if={"field": "child_place_of_birth_kind", "op": "in", "value": ["tai_nha", "noi_khac"]}),
   F("mother_member", "member", "Mẹ (chọn trong hộ)", "Mother (pick from the household)", False,
     prefill="relation:vo.id",
     help=("Chọn mẹ nếu mẹ có trong hộ; thông tin của mẹ sẽ được điền sẵn",
           "Pick the mother if she is in the household; her details are then prefilled")),
   *person("mother", "của mẹ", "Mother", member_key="mother_member",
           residence_prefill="household.address"),
   F("child_ethnicity", "text", "Dân tộc của trẻ", "Child's ethnicity", True, rules={"max_length": 50},
     prefill="field:mother_member.ethnicity",
     help=("Theo thỏa thuận của cha mẹ; mặc định theo dân tộc của mẹ",
           "As agreed by the parents; defaults to the mother's ethnicity")),
   F("father_known", "select", "Có thông tin về cha", "Father's details known", True, options=YES_NO,
     help=("Chọn 'Không' nếu chưa xác định được cha; phần khai về cha để trống",
           "Choose 'No' if the father is not established; his part stays empty")),
   F("father_member", "member", "Cha (chọn trong hộ)", "Father (pick from the household)", False,
     prefill="head.id", show_if=eq("father_known", "co")),
   *person("father", "của cha", "Father", member_key="father_member", show_if=eq("father_known", "co"),
           residence_prefill="household.address"),
   *requester([opt("me", "Mẹ", "Mother"), opt("cha", "Cha", "Father"),
               opt("ong_ba", "Ông, bà", "Grandparent"),
               opt("nguoi_than_khac", "Người thân khác", "Other relative"),
               opt("nguoi_duoc_uy_quyen", "Người được ủy quyền", "Authorised person")]),
 ]},
})

# 2. Death registration
procs.append({
 "format": 1, "code": "khai-tu", "version": 1, "national_code": "1.000656",
 "name": L("Đăng ký khai tử", "Death registration"), "level": "commune", "processing_days": 1,
 "fee": {"amount_vnd": 0, "online_amount_vnd": 0,
         "note": L("Miễn lệ phí khi đăng ký đúng hạn (trong 15 ngày kể từ ngày mất) (Luật Hộ tịch, Điều 11)",
                   "Free when registered on time, within 15 days of death (Civil Status Law, art. 11)")},
 "components": [
   comp("giay-bao-tu", "Giấy báo tử hoặc giấy tờ thay thế giấy báo tử",
        "Death notice or a document that replaces it", True),
   AUTH,
 ],
 "form": {"fields": [
   F("deceased_member", "member", "Người mất (chọn trong hộ)", "Deceased (pick from the household)", False),
   *person("deceased", "của người mất", "Deceased", member_key="deceased_member", sex=True,
           residence=False),
   F("deceased_last_residence", "text", "Nơi cư trú cuối cùng", "Last place of residence", True,
     rules=ADDRESS_RULES, prefill="household.address"),
   F("date_of_death", "date", "Ngày mất", "Date of death", True, rules={"min": "1900-01-01", "max": "today"}),
   F("place_of_death", "text", "Nơi mất", "Place of death", True, rules=ADDRESS_RULES),
   F("cause_of_death", "text", "Nguyên nhân mất", "Cause of death", False, rules={"max_length": 200}),
   *requester([opt("vo_chong", "Vợ, chồng", "Spouse"), opt("con", "Con", "Child"),
               opt("cha_me", "Cha, mẹ", "Parent"), opt("nguoi_than_khac", "Người thân khác", "Other relative"),
               opt("nguoi_duoc_uy_quyen", "Người được ủy quyền", "Authorised person")]),
 ]},
})

# 3. Marriage registration
MARITAL_HISTORY = [opt("chua_ket_hon", "Chưa kết hôn lần nào", "Never married"),
                   opt("da_ly_hon", "Đã ly hôn", "Divorced"),
                   opt("goa", "Vợ/chồng đã mất", "Widowed")]
procs.append({
 "format": 1, "code": "ket-hon", "version": 1, "national_code": "1.000894",
 "name": L("Đăng ký kết hôn", "Marriage registration"), "level": "commune", "processing_days": 1,
 "fee": {"amount_vnd": 0, "online_amount_vnd": 0,
         "note": L("Miễn lệ phí cho công dân Việt Nam cư trú trong nước; nếu cần xác minh, thời hạn tối đa 05 ngày làm việc. Hai bên phải có mặt khi trao Giấy chứng nhận kết hôn",
                   "Free for Vietnamese citizens residing in Viet Nam; up to 5 working days if verification is needed. Both parties must be present to receive the certificate")},
 "components": [
   comp("xac-nhan-tthn", "Giấy xác nhận tình trạng hôn nhân (nếu một bên cư trú ở xã khác và dữ liệu chưa có trên hệ thống)",
        "Certificate of marital status (if a party lives in another commune and the data is not in the system)", False),
   comp("giay-to-ly-hon", "Bản án/quyết định ly hôn đã có hiệu lực (nếu đã từng kết hôn)",
        "Final divorce judgment or decision (if previously married)", False),
 ],
 "form": {"fields": [
   F("bride_member", "member", "Bên nữ (chọn trong hộ)", "Bride (pick from the household)", False),
   *person("bride", "bên nữ", "Bride", member_key="bride_member", cccd_required=True),
   F("bride_marital_history", "select", "Tình trạng hôn nhân bên nữ", "Bride's marital history", True,
     options=MARITAL_HISTORY),
   F("groom_member", "member", "Bên nam (chọn trong hộ)", "Groom (pick from the household)", False),
   *person("groom", "bên nam", "Groom", member_key="groom_member", cccd_required=True),
   F("groom_marital_history", "select", "Tình trạng hôn nhân bên nam", "Groom's marital history", True,
     options=MARITAL_HISTORY),
   F("contact_phone", "phone", "Số điện thoại liên hệ", "Contact phone number", False, prefill="applicant.phone"),
 ]},
})

# 4. Certificate of marital status
procs.append({
 "format": 1, "code": "xac-nhan-tthn", "version": 1, "national_code": "1.004873",
 "name": L("Cấp Giấy xác nhận tình trạng hôn nhân", "Certificate of marital status"),
 "level": "commune", "processing_days": 3,
 "fee": {"amount_vnd": 3000, "online_amount_vnd": 3000,
         "note": L("Mức lệ phí do HĐND cấp tỉnh quy định; kiểm tra mức áp dụng tại tỉnh",
                   "The fee is set by the provincial People's Council; check the local rate")},
 "components": [
   comp("giay-to-ly-hon", "Bản án/quyết định ly hôn hoặc trích lục khai tử của vợ/chồng (nếu đã từng kết hôn)",
        "Divorce decision or death extract of the spouse (if previously married)", False),
   comp("gxn-da-cap", "Giấy xác nhận tình trạng hôn nhân đã cấp trước đây (nếu xin cấp lại)",
        "Previously issued certificate (when asking again)", False),
 ],
 "form": {"fields": [
   F("subject_member", "member", "Người được xác nhận (chọn trong hộ)", "Person (pick from the household)",
     False, prefill="applicant.id"),
   *person("subject", "người được xác nhận", "Person", member_key="subject_member", sex=True,
           cccd_required=True, residence_prefill="household.address"),
   F("marital_status", "select", "Tình trạng hôn nhân hiện tại", "Current marital status", True, options=[
       opt("chua_ket_hon", "Chưa đăng ký kết hôn với ai", "Never married"),
       opt("dang_co_vo_chong", "Đang có vợ/chồng", "Married"),
       opt("da_ly_hon", "Đã ly hôn, chưa kết hôn lại", "Divorced, not remarried"),
       opt("goa", "Vợ/chồng đã mất, chưa kết hôn lại", "Widowed, not remarried")]),
   F("spouse_full_name", "text", "Họ tên vợ/chồng hiện tại", "Current spouse's full name", True,
     rules=NAME_RULES, show_if=eq("marital_status", "dang_co_vo_chong")),
   F("purpose", "select", "Mục đích sử dụng", "Purpose", True, options=[
       opt("ket_hon", "Để đăng ký kết hôn", "To register a marriage"),
       opt("khac", "Mục đích khác", "Other purpose")]),
   F("intended_spouse_name", "text", "Họ tên người dự định kết hôn", "Intended spouse's full name", True,
     rules=NAME_RULES, show_if={"all": [eq("purpose", "ket_hon"),
                                        {"field": "marital_status", "op": "not_equals",
                                         "value": "dang_co_vo_chong"}]}),
   F("intended_spouse_date_of_birth", "date", "Ngày sinh người dự định kết hôn",
     "Intended spouse's date of birth", False, rules=PAST, show_if=eq("purpose", "ket_hon")),
   F("purpose_other", "text", "Mục đích cụ thể", "Specific purpose", True,
     rules={"min_length": 3, "max_length": 200}, show_if=eq("purpose", "khac")),
   F("requester_phone", "phone", "Số điện thoại liên hệ", "Contact phone number", False,
     prefill="applicant.phone"),
 ]},
})

# 5. Permanent residence registration
procs.append({
 "format": 1, "code": "thuong-tru", "version": 1,
 "name": L("Đăng ký thường trú", "Permanent residence registration"), "level": "commune",
 "processing_days": 7,
 "fee": {"amount_vnd": 20000, "online_amount_vnd": 10000,
         "note": L("Theo Thông tư 75/2022/TT-BTC: 20.000 đồng, nộp trực tuyến 10.000 đồng; miễn cho một số đối tượng (hộ nghèo, người có công, trẻ em…)",
                   "Per Circular 75/2022/TT-BTC: 20,000 đồng, 10,000 online; waived for some groups (poor households, people with merit, children…)")},
 "components": [
   comp("giay-to-cho-o", "Giấy tờ chứng minh chỗ ở hợp pháp (nếu dữ liệu chưa có trên hệ thống)",
        "Proof of lawful residence (if not already in the database)", False),
   comp("giay-to-quan-he", "Giấy tờ chứng minh quan hệ nhân thân với chủ hộ (nếu nhập vào hộ người thân)",
        "Proof of family relationship with the head (when joining a relative's household)", False),
 ],
 "form": {"fields": [
   F("person_full_name", "text", "Họ, chữ đệm và tên người đăng ký", "Full name of the person registering",
     True, rules=NAME_RULES, merge="identity"),
   F("person_date_of_birth", "date", "Ngày sinh", "Date of birth", True, rules=PAST, merge="identity"),
   F("person_sex", "select", "Giới tính", "Sex", True, options=SEX, merge="identity"),
   F("person_cccd", "cccd", "Số định danh cá nhân (CCCD)", "Personal ID number (CCCD)", True, merge="identity"),
   F("person_phone", "phone", "Số điện thoại", "Phone number", False),
   F("previous_residence", "text", "Nơi thường trú trước khi chuyển đến", "Previous permanent residence",
     False, rules=ADDRESS_RULES),
   F("new_address", "text", "Địa chỉ đăng ký thường trú", "Address of the new permanent residence", True,
     rules=ADDRESS_RULES, prefill="household.address"),
   F("head_full_name", "text", "Họ tên chủ hộ", "Head of household's full name", True, rules=NAME_RULES,
     prefill="household.head_name"),
   F("relationship_to_head", "select", "Quan hệ với chủ hộ", "Relationship to the head of household", True,
     options=[opt("vo", "Vợ", "Wife"), opt("chong", "Chồng", "Husband"), opt("con", "Con", "Child"),
              opt("bo", "Bố", "Father"), opt("me", "Mẹ", "Mother"), opt("ong", "Ông", "Grandfather"),
              opt("ba", "Bà", "Grandmother"), opt("chau", "Cháu", "Grandchild"),
              opt("anh_chi_em", "Anh, chị, em", "Sibling"), opt("khac", "Khác", "Other")]),
   F("basis", "select", "Căn cứ đăng ký", "Basis for registration", True, options=[
       opt("nguoi_than", "Về ở với người thân, được chủ hộ đồng ý", "Joining relatives, head consents"),
       opt("nha_so_huu", "Chỗ ở thuộc sở hữu của mình", "Own dwelling"),
       opt("thue_muon", "Thuê, mượn, ở nhờ", "Rented or borrowed dwelling")]),
   F("rented_area_m2", "number", "Diện tích chỗ ở thuê (m²)", "Rented floor area (m²)", True,
     rules={"min": 1, "max": 10000, "integer": True}, show_if=eq("basis", "thue_muon")),
   F("head_consents", "select", "Chủ hộ/chủ sở hữu đồng ý", "Head / owner consents", True, options=YES_NO,
     show_if={"field": "basis", "op": "in", "value": ["nguoi_than", "thue_muon"]}),
 ]},
})

# 6. Copy of a civil-status extract
procs.append({
 "format": 1, "code": "trich-luc-ho-tich", "version": 1,
 "name": L("Cấp bản sao trích lục hộ tịch", "Copy of a civil-status extract"), "level": "commune",
 "processing_days": 1,
 "fee": {"amount_vnd": 8000, "online_amount_vnd": 8000,
         "note": L("8.000 đồng/bản sao (Thông tư 281/2016/TT-BTC); trả kết quả ngay trong ngày",
                   "8,000 đồng per copy (Circular 281/2016/TT-BTC); issued the same day")},
 "components": [AUTH],
 "form": {"fields": [
   F("extract_kind", "select", "Loại trích lục", "Kind of extract", True, options=[
       opt("khai_sinh", "Trích lục khai sinh", "Birth extract"),
       opt("ket_hon", "Trích lục kết hôn", "Marriage extract"),
       opt("khai_tu", "Trích lục khai tử", "Death extract"),
       opt("khac", "Trích lục hộ tịch khác", "Other civil-status extract")]),
   F("subject_member", "member", "Người được cấp (chọn trong hộ)", "Person concerned (pick from the household)",
     False, prefill="applicant.id"),
   F("subject_full_name", "text", "Họ tên người được đăng ký", "Full name of the registered person", True,
     rules=NAME_RULES, prefill="field:subject_member.full_name", merge="identity"),
   F("subject_date_of_birth", "date", "Ngày sinh", "Date of birth", True, rules=PAST,
     prefill="field:subject_member.date_of_birth", merge="identity"),
   F("spouse_full_name", "text", "Họ tên vợ/chồng", "Spouse's full name", True, rules=NAME_RULES,
     show_if=eq("extract_kind", "ket_hon")),
   F("registration_number", "text", "Số đăng ký (nếu biết)", "Registration number (if known)", False,
     rules={"max_length": 30}),
   F("registration_date", "date", "Ngày đăng ký (nếu biết)", "Registration date (if known)", False, rules=PAST),
   F("registered_at", "text", "Nơi đã đăng ký", "Where it was registered", True, rules=ADDRESS_RULES,
     prefill="household.commune_name"),
   F("copies", "number", "Số bản sao", "Number of copies", True, rules={"min": 1, "max": 10, "integer": True}),
   *requester([opt("ban_than", "Bản thân", "Self"), opt("vo_chong", "Vợ, chồng", "Spouse"),
               opt("cha_me", "Cha, mẹ", "Parent"), opt("con", "Con", "Child"),
               opt("nguoi_than_khac", "Người thân khác", "Other relative"),
               opt("nguoi_duoc_uy_quyen", "Người được ủy quyền", "Authorised person")]),
 ]},
})

# 7. Household business registration
procs.append({
 "format": 1, "code": "ho-kinh-doanh", "version": 1,
 "name": L("Đăng ký thành lập hộ kinh doanh", "Household-business registration"), "level": "commune",
 "processing_days": 3,
 "fee": {"amount_vnd": 100000, "online_amount_vnd": 50000,
         "note": L("Mức lệ phí do HĐND cấp tỉnh quy định; nhiều tỉnh giảm hoặc miễn khi nộp trực tuyến",
                   "Set by the provincial People's Council; many provinces reduce or waive it online")},
 "components": [
   comp("bien-ban-hop-gia-dinh", "Biên bản họp thành viên hộ gia đình về việc đăng ký hộ kinh doanh (nếu các thành viên cùng đăng ký)",
        "Minutes of the household members' meeting (if members register together)", False),
   comp("van-ban-uy-quyen-chu-ho-kd", "Văn bản ủy quyền cho thành viên làm chủ hộ kinh doanh (nếu có)",
        "Authorisation of a member as owner of the business (if any)", False),
 ],
 "form": {"fields": [
   F("business_name", "text", "Tên hộ kinh doanh", "Business name", True,
     rules={"min_length": 16, "max_length": 120, "pattern": "Hộ kinh doanh [^!@#$%^&*]+",
            "pattern_message": L("Tên phải bắt đầu bằng 'Hộ kinh doanh' và không chứa ký hiệu đặc biệt",
                                 "The name must start with 'Hộ kinh doanh' and contain no special symbols")}),
   F("owner_member", "member", "Chủ hộ kinh doanh (chọn trong hộ)", "Business owner (pick from the household)",
     False, prefill="applicant.id"),
   *person("owner", "chủ hộ kinh doanh", "Owner", member_key="owner_member", sex=True, phone=True,
           cccd_required=True, residence=False),
   F("business_address", "text", "Địa điểm kinh doanh", "Business location", True, rules=ADDRESS_RULES,
     prefill="household.address"),
   F("business_lines", "repeat", "Ngành, nghề kinh doanh", "Lines of business", True, min_items=1, max_items=10,
     fields=[
       F("description", "text", "Mô tả ngành, nghề", "Description", True, rules={"min_length": 3, "max_length": 200}),
       F("vsic_code", "text", "Mã ngành cấp 4 (VSIC)", "Level-4 industry code (VSIC)", False,
         rules={"pattern": "[0-9]{4}", "pattern_message": L("Mã ngành gồm 4 chữ số", "The code is 4 digits")}),
     ]),
   F("capital_vnd", "number", "Vốn kinh doanh (đồng)", "Business capital (đồng)", True,
     rules={"min": 0, "max": 100000000000, "integer": True}),
   F("employee_count", "number", "Số lao động", "Number of workers", True,
     rules={"min": 0, "max": 1000, "integer": True}),
   F("registered_by_members", "select", "Các thành viên hộ gia đình cùng đăng ký", "Household members register together",
     True, options=YES_NO),
   F("co_members", "repeat", "Thành viên cùng đăng ký", "Members registering together", True,
     min_items=1, max_items=20, show_if=eq("registered_by_members", "co"), fields=[
       F("member", "member", "Thành viên (chọn trong hộ)", "Member (pick from the household)", False),
       F("full_name", "text", "Họ tên", "Full name", True, rules=NAME_RULES),
       F("cccd", "cccd", "Số CCCD", "CCCD number", True),
     ]),
 ]},
})

# 8. Monthly social allowance
procs.append({
 "format": 1, "code": "tro-cap-xa-hoi", "version": 1,
 "name": L("Đề nghị hưởng trợ cấp xã hội hằng tháng", "Request for monthly social allowance"),
 "level": "commune", "processing_days": 10,
 "fee": {"amount_vnd": 0, "online_amount_vnd": 0,
         "note": L("Không mất phí (Nghị định 20/2021/NĐ-CP)", "No fee (Decree 20/2021/ND-CP)")},
 "components": [
   comp("giay-xac-nhan-khuyet-tat", "Giấy xác nhận khuyết tật (với người khuyết tật)",
        "Disability certificate (for people with disabilities)", False),
   comp("giay-to-mo-coi", "Giấy tờ chứng minh mồ côi: trích lục khai tử của cha/mẹ… (với trẻ em mồ côi)",
        "Proof of orphanhood: parents' death extracts… (for orphaned children)", False),
   comp("giay-to-khac", "Giấy tờ khác theo đối tượng (nếu có)", "Other documents for the group (if any)", False),
 ],
 "form": {"fields": [
   F("beneficiary_member", "member", "Người đề nghị hưởng (chọn trong hộ)", "Beneficiary (pick from the household)",
     False),
   *person("beneficiary", "người hưởng", "Beneficiary", member_key="beneficiary_member", sex=True,
           residence_prefill="household.address"),
   F("category", "select", "Nhóm đối tượng", "Beneficiary group", True, options=[
       opt("nguoi_cao_tuoi", "Người cao tuổi", "Older person"),
       opt("nguoi_khuyet_tat", "Người khuyết tật", "Person with disability"),
       opt("tre_em_mo_coi", "Trẻ em mồ côi, không có nguồn nuôi dưỡng", "Orphaned child without support"),
       opt("nguoi_don_than_ngheo", "Người đơn thân thuộc hộ nghèo đang nuôi con", "Poor single parent raising children"),
       opt("khac", "Đối tượng khác theo Nghị định 20/2021/NĐ-CP", "Other group under Decree 20/2021")]),
   F("disability_level", "select", "Mức độ khuyết tật", "Disability level", True, options=[
       opt("dac_biet_nang", "Đặc biệt nặng", "Extremely severe"), opt("nang", "Nặng", "Severe")],
     show_if=eq("category", "nguoi_khuyet_tat")),
   F("poor_household", "select", "Thuộc hộ nghèo, cận nghèo", "Poor or near-poor household", True, options=[
       opt("ngheo", "Hộ nghèo", "Poor household"), opt("can_ngheo", "Hộ cận nghèo", "Near-poor household"),
       opt("khong", "Không", "No")]),
   F("has_pension", "select", "Đang hưởng lương hưu / trợ cấp BHXH hằng tháng", "Receives a pension or monthly social-insurance benefit",
     True, options=YES_NO, show_if={"any": [eq("category", "nguoi_cao_tuoi"), eq("category", "nguoi_khuyet_tat")]}),
   F("caregiver_full_name", "text", "Họ tên người chăm sóc, nuôi dưỡng", "Caregiver's full name", False,
     rules=NAME_RULES, show_if={"field": "category", "op": "in",
                                "value": ["tre_em_mo_coi", "nguoi_khuyet_tat", "nguoi_cao_tuoi"]}),
   F("caregiver_phone", "phone", "Số điện thoại người chăm sóc", "Caregiver's phone", False,
     show_if={"field": "caregiver_full_name", "op": "filled"}),
   F("village_name", "text", "Thôn, bản", "Village", True, rules={"max_length": 100},
     prefill="household.village_name"),
   F("requester_phone", "phone", "Số điện thoại liên hệ", "Contact phone number", False,
     prefill="applicant.phone"),
 ]},
})

def check_nfc(o):
    if isinstance(o, str): assert unicodedata.normalize("NFC", o) == o, o
    elif isinstance(o, dict): [check_nfc(v) for v in o.values()]
    elif isinstance(o, list): [check_nfc(v) for v in o]

for old in OUT.glob("*.json"): old.unlink()
for p in procs:
    check_nfc(p)
    (OUT / f"{p['code']}.v{p['version']}.json").write_text(
        json.dumps(p, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
print(len(procs))

import sys, dataclasses; sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[2]))
from common import write
from sync.merge import *
from sync.errors import SyncError

A = "0b6f1c52-7a3e-4d2b-9c1f-2f4e8a9d0c11"
B = "f3a9e0d4-11b2-4c6e-8e7a-5d4c3b2a1f00"
def h(ms, c=0, node=A): return f"{ms:015d}-{c:05d}-{node}"
T0, T1, T2, T3 = h(1000, 0, "server"), h(2000, 0, B), h(3000), h(4000)
# The "other writer" of the concurrent-change cases: a REST/officer write (node "server"). It must
# not be the proposal's own node A, or MRG11 (own earlier write) would apply instead.
S2 = h(3000, 0, "server")
RULES = {"ho_ten": "identity", "so_cccd": "identity", "ngay_sinh": "identity", "gioi_tinh": "identity",
         "ghi_chu": "lww", "so_dien_thoai": "lww", "thanh_vien": "union", "trang_thai": "server", "ket_qua": "server"}
cases = []; n = 0
def nid():
    global n; n += 1; return f"MRG-{n:03d}"
def out(o):
    return {"values": o.values, "clocks": o.clocks, "verdict": o.verdict, "outcomes": o.outcomes, "applied": o.applied,
            "losers": [dataclasses.asdict(x) for x in o.losers], "conflicts": [dataclasses.asdict(x) for x in o.conflicts],
            "rejected": o.rejected}
def case(rule, comment, base, current, clocks, proposed, phlc, rules=RULES, default_rule="lww"):
    c = {"id": nid(), "rule": rule, "op": "merge", "comment": comment, "base": base, "current": current, "current_clocks": clocks,
         "proposed": proposed, "proposed_hlc": phlc, "rules": rules, "default_rule": default_rule}
    try: c["expected"] = out(merge_fields(base, current, clocks, proposed, phlc, rules, default_rule))
    except SyncError as e: c["error"] = e.code
    cases.append(c)

base = {"ho_ten": "Nguyễn Văn An", "ghi_chu": "cũ", "so_dien_thoai": "0912345678", "thanh_vien": ["m1", "m2"], "trang_thai": "draft"}
clk = {k: T1 for k in base}
# MRG1: one concurrent change per rule, the four rules side by side.
cur1 = {**base, "ho_ten": "Nguyễn Văn Bình", "ghi_chu": "server", "thanh_vien": ["m1", "m2", "m3"], "trang_thai": "received"}
clk1 = {**clk, "ho_ten": S2, "ghi_chu": S2, "thanh_vien": S2, "trang_thai": S2}
case("MRG1", "identity field changed on both sides: conflict, the server value stays", base, cur1, clk1, {"ho_ten": "Nguyễn Văn Ân"}, T3)
case("MRG1", "lww field changed on both sides: the later HLC wins", base, cur1, clk1, {"ghi_chu": "máy"}, T3)
case("MRG1", "union field changed on both sides: both additions kept", base, cur1, clk1, {"thanh_vien": ["m1", "m2", "m4"]}, T3)
case("MRG1", "server field: a client change is refused", base, cur1, clk1, {"trang_thai": "done"}, T3)
case("MRG4", "no concurrent change: proposal applies (verdict applied)", base, base, clk, {"ghi_chu": "mới", "ho_ten": "Nguyễn Văn Ân"}, T2)
case("MRG3", "proposed equals current: no-op (verdict applied, nothing changes)", base, base, clk, {"ghi_chu": "cũ"}, T2)
case("MRG3", "empty proposal", base, base, clk, {}, T2)
cur = {**base, "ghi_chu": "server sửa"}
case("MRG6", "lww: both changed the note; the proposal's HLC is later so it wins, server value recorded as loser", base, cur, {**clk, "ghi_chu": S2}, {"ghi_chu": "máy sửa"}, T3)
case("MRG6", "lww: the server's write is later; the proposal loses and is recorded", base, cur, {**clk, "ghi_chu": T3}, {"ghi_chu": "máy sửa"}, T2)
case("MRG6", "lww: equal ms and counter, node id breaks the tie (f3a9… > 0b6f…)", base, cur, {**clk, "ghi_chu": h(3000, 0, B)}, {"ghi_chu": "máy sửa"}, h(3000, 0, A))
case("MRG6", "lww: equal ms and counter, the proposal's node sorts higher and wins", base, cur, {**clk, "ghi_chu": h(3000, 0, A)}, {"ghi_chu": "máy sửa"}, h(3000, 0, B))
case("MRG6", "lww: identical HLC strings: current wins", base, cur, {**clk, "ghi_chu": T3}, {"ghi_chu": "máy sửa"}, T3)
case("MRG6", "lww: the field has no clock yet (written before clocks were kept): proposal wins", base, cur, {}, {"ghi_chu": "máy sửa"}, T2)
case("MRG2", "field absent from base and current: treated as null, proposal applies", base, base, clk, {"email": "an@example.vn"}, T2)
case("MRG2", "field absent from base, added concurrently on both sides: lww by default", base, {**base, "email": "a@x.vn"}, {**clk, "email": S2}, {"email": "b@x.vn"}, T3)
case("MRG2", "proposal clears a field (null) without concurrency: applied, value null kept explicitly", base, base, clk, {"so_dien_thoai": None}, T2)
case("MRG2", "proposal null, server changed concurrently and later: server wins", base, {**base, "so_dien_thoai": "0987654321"}, {**clk, "so_dien_thoai": T3}, {"so_dien_thoai": None}, T2)
case("MRG2", "explicit null in base equals absent", {**base, "email": None}, base, clk, {"email": "x@y.vn"}, T2)
case("MRG5", "identity: concurrent different changes to a name open a conflict; server value stays (verdict conflict)", base,
     {**base, "ho_ten": "Nguyễn Văn Bình"}, {**clk, "ho_ten": S2}, {"ho_ten": "Nguyễn Văn Ân"}, T3)
case("MRG5", "identity: conflict even when the proposal's HLC is later; other fields still merge", base,
     {**base, "ho_ten": "Nguyễn Văn Bình", "ghi_chu": "server"}, {**clk, "ho_ten": S2, "ghi_chu": S2}, {"ho_ten": "Nguyễn Văn Ân", "ghi_chu": "máy"}, T3)
case("MRG5", "identity: both sides made the same change: no-op, no conflict", base, {**base, "ho_ten": "Nguyễn Văn Ân"}, {**clk, "ho_ten": T2}, {"ho_ten": "Nguyễn Văn Ân"}, T3)
case("MRG3", "identity: client re-sends the base value while the server changed it: server kept, no conflict (verdict merged)", base,
     {**base, "ho_ten": "Nguyễn Văn Bình"}, {**clk, "ho_ten": S2}, {"ho_ten": "Nguyễn Văn An"}, T3)
case("MRG5", "identity: field absent in base, both sides set different CCCD numbers: conflict with base null", base,
     {**base, "so_cccd": "001203012345"}, {**clk, "so_cccd": S2}, {"so_cccd": "001203054321"}, T3)
case("MRG7", "union: concurrent additions on both sides are kept, sorted", base, {**base, "thanh_vien": ["m1", "m2", "m3"]}, {**clk, "thanh_vien": T2},
     {"thanh_vien": ["m0", "m1", "m2"]}, T3)
case("MRG7", "union: a concurrent removal wins over keeping (m2 removed by server, m4 added by client)", base, {**base, "thanh_vien": ["m1"]}, {**clk, "thanh_vien": T3},
     {"thanh_vien": ["m1", "m2", "m4"]}, T2)
case("MRG7", "union: both remove different members", base, {**base, "thanh_vien": ["m2"]}, {**clk, "thanh_vien": T2}, {"thanh_vien": ["m1"]}, T3)
case("MRG7", "union: no concurrent change: the proposal applies, deduplicated and sorted", base, base, clk, {"thanh_vien": ["m3", "m1", "m3"]}, T2)
case("MRG7", "union: same set in a different order is a no-op", base, base, clk, {"thanh_vien": ["m2", "m1"]}, T2)
case("MRG7", "union: base null, both sides add", {}, {"thanh_vien": ["b"]}, {"thanh_vien": T2}, {"thanh_vien": ["a"]}, T3)
case("MRG7", "union: sort is by UTF-16 code units (U+1F600 before U+FF21)", {"thanh_vien": []}, {"thanh_vien": ["\uff21"]}, {"thanh_vien": T2},
     {"thanh_vien": ["\U0001F600"]}, T3)
case("MRG7", "union: a non-list value is an input error", base, base, clk, {"thanh_vien": "m1"}, T2)
case("MRG8", "server field: a client change is rejected; every field refused → verdict rejected", base, base, clk, {"trang_thai": "done"}, T2)
case("MRG8", "server field rejected but another field applied → verdict applied with rejected list", base, base, clk, {"trang_thai": "done", "ghi_chu": "x"}, T2)
case("MRG8", "server field echoed unchanged: no-op, not rejected", base, base, clk, {"trang_thai": "draft"}, T2)
case("MRG8", "server field re-sent at its base value after the server moved it: kept, not rejected", base, {**base, "trang_thai": "submitted"},
     {**clk, "trang_thai": T2}, {"trang_thai": "draft"}, T3)
case("MRG9", "mixed: conflict outranks merged and rejected", base, {**base, "ho_ten": "B", "ghi_chu": "s"}, {**clk, "ho_ten": S2, "ghi_chu": S2},
     {"ho_ten": "C", "ghi_chu": "c", "trang_thai": "done", "so_dien_thoai": "0900000000"}, T3)
case("MRG9", "default_rule applies to fields without a rule", {"x": 1}, {"x": 2}, {"x": S2}, {"x": 3}, T3, rules={}, default_rule="identity")
case("MRG3", "unknown rule name is an input error", base, base, clk, {"ghi_chu": "x"}, T2, rules={"ghi_chu": "newest"})
case("MRG3", "values are compared as JSON values: objects with equal members are equal", {"dia_chi": {"thon": "Đông", "xa": "Yên Lạc"}},
     {"dia_chi": {"xa": "Yên Lạc", "thon": "Đông"}}, {"dia_chi": T1}, {"dia_chi": {"thon": "Đông", "xa": "Yên Lạc"}}, T2)

case("MRG2", "true and 1 are different JSON values: not a no-op", {"co_bhyt": 1}, {"co_bhyt": 1}, {"co_bhyt": T1}, {"co_bhyt": True}, T2)

def resolve(comment, conflict, current, clocks, chosen, rhlc):
    c = {"id": nid(), "rule": "MRG10", "op": "resolve", "comment": comment, "conflict": dataclasses.asdict(conflict), "current": current,
         "current_clocks": clocks, "chosen": chosen, "resolver_hlc": rhlc}
    try:
        v, k = resolve_conflict(conflict, current, clocks, chosen, rhlc); c["expected"] = {"values": v, "clocks": k}
    except SyncError as e: c["error"] = e.code
    cases.append(c)
conf = Conflict("ho_ten", "Nguyễn Văn An", "Nguyễn Văn Bình", "Nguyễn Văn Ân", T2, T3)
cur = {**base, "ho_ten": "Nguyễn Văn Bình"}
resolve("a person picks the proposed value: it applies with the resolver's clock", conf, cur, {**clk, "ho_ten": T2}, "Nguyễn Văn Ân", h(5000, 0, "server"))
resolve("a person types a third value", conf, cur, {**clk, "ho_ten": T2}, "Nguyễn Văn Ánh", h(5000, 0, "server"))
resolve("the field changed after the conflict was opened: conflict_stale", conf, {**cur, "ho_ten": "Khác"}, {**clk, "ho_ten": T3}, "Nguyễn Văn Ân", h(5000, 0, "server"))

# MRG11: the proposal's own device wrote the value in force (same node, earlier clock). Appended
# after the MRG10 cases so that the earlier case ids stay stable.
own = {**base, "ho_ten": "Nguyễn Văn Ân", "ghi_chu": "máy sửa lần 1"}  # device A's first edit, applied at T2
own_clk = {**clk, "ho_ten": T2, "ghi_chu": T2}
case("MRG11", "identity: the device edits the name twice offline from the same base; its first edit is in force (clock node = its own): "
     "the second applies, no conflict (verdict applied)", base, own, own_clk, {"ho_ten": "Nguyễn Văn Ánh"}, T3)
case("MRG11", "identity: own first edit, then ANOTHER device's edit (clock node B) is in force: concurrent, conflict as MRG5", base,
     {**own, "ho_ten": "Nguyễn Văn Bình"}, {**own_clk, "ho_ten": h(3500, 0, B)}, {"ho_ten": "Nguyễn Văn Ánh"}, T3)
case("MRG11", "identity: own first edit, then an officer's REST edit (clock node server) is in force: conflict as MRG5", base,
     {**own, "ho_ten": "Nguyễn Văn Bình"}, {**own_clk, "ho_ten": h(3500, 0, "server")}, {"ho_ten": "Nguyễn Văn Ánh"}, T3)
case("MRG11", "identity: the device reverts its own first edit to the base value: applied (not kept as in MRG3 step 2)", base, own, own_clk,
     {"ho_ten": "Nguyễn Văn An"}, T3)
case("MRG11", "identity: the device re-sends the value of its own first edit: no-op", base, own, own_clk, {"ho_ten": "Nguyễn Văn Ân"}, T3)
case("MRG11", "lww: own first edit in force: the second applies with no loser recorded (not lww_won)", base, own, own_clk,
     {"ghi_chu": "máy sửa lần 2"}, T3)
case("MRG11", "lww: the device reverts its own first edit to the base value: applied", base, own, own_clk, {"ghi_chu": "cũ"}, T3)
case("MRG11", "lww: same node but the proposal's clock is not later than the write in force: not 'own earlier write'; MRG6 applies (lww_lost)",
     base, own, {**own_clk, "ghi_chu": T3}, {"ghi_chu": "máy sửa lần 0"}, T2)
case("MRG11", "identity: same node but the proposal's clock is earlier than the write in force: MRG5 conflict", base, own,
     {**own_clk, "ho_ten": T3}, {"ho_ten": "Nguyễn Văn Ánh"}, T2)
case("MRG11", "identity: node server is many writers (officers, worker processes), never 'self': conflict", base,
     {**base, "ho_ten": "Nguyễn Văn Bình"}, {**clk, "ho_ten": h(3000, 0, "server")}, {"ho_ten": "Nguyễn Văn Ánh"}, h(4000, 0, "server"))
case("MRG11", "own identity edit applied while another field is kept (the server changed the note, the client re-sent its base value): "
     "verdict merged", base, {**own, "ghi_chu": "server sửa"}, {**own_clk, "ghi_chu": h(3500, 0, "server")},
     {"ho_ten": "Nguyễn Văn Ánh", "ghi_chu": "cũ"}, T3)
case("MRG11", "union is unaffected: the clock names A (an earlier union merge keeps the later clock) but the value holds B's addition mb; "
     "three-way union as MRG7 keeps mb", {**base, "thanh_vien": ["m1"]}, {**base, "thanh_vien": ["m1", "ma", "mb"]}, {**clk, "thanh_vien": T2},
     {"thanh_vien": ["m1", "ma", "ma2"]}, T3)
case("MRG11", "server rule is unaffected: own-node clock on a server field, client re-sends its base value: kept (MRG8)", base,
     {**base, "trang_thai": "submitted"}, {**clk, "trang_thai": T2}, {"trang_thai": "draft"}, T3)
case("MRG11", "a malformed current clock on an identity field is an input error (MRG11 reads it)", base, own, {**own_clk, "ho_ten": "bad"},
     {"ho_ten": "Nguyễn Văn Ánh"}, T3)

write("merge", "Three-way per-field merge. op=merge: merge_fields(base, current, current_clocks, proposed, proposed_hlc, rules, default_rule) → expected "
      "{values, clocks, verdict, outcomes, applied, losers, conflicts, rejected} (lists in UTF-16 order of field name) or error code. "
      "op=resolve: resolve_conflict(conflict, current, current_clocks, chosen, resolver_hlc) → {values, clocks} or error. HLCs are wire strings.",
      "mrg-merge", cases)

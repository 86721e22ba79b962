import sys; sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[2]))
from datetime import date, datetime
from common import write
from sync.working_days import *
from sync.errors import SyncError
import holidays as hl
VN = hl.country_holidays("VN", years=[2025, 2026])
H25 = sorted(d for d in VN if d.year == 2025)
H26 = sorted(d for d in VN if d.year == 2026)
iso = lambda ds: [d.isoformat() for d in ds]
cases = []; n = 0
def nid():
    global n; n += 1; return f"WD-{n:03d}"
def add(comment, start, days, hol, work=(), rule="WD2"):
    c = {"id": nid(), "rule": rule, "op": "add_working_days", "comment": comment, "start": start, "days": days, "holidays": iso(hol), "workdays": iso(work)}
    try: c["expected"] = add_working_days(date.fromisoformat(start), days, frozenset(hol), frozenset(work)).isoformat()
    except SyncError as e: c["error"] = e.code
    cases.append(c)
def dl(comment, received_at, days, hol, pauses=(), work=(), rule="WD4"):
    c = {"id": nid(), "rule": rule, "op": "deadline", "comment": comment, "received_at": received_at, "days": days,
         "pauses": [[s, e] for s, e in pauses], "holidays": iso(hol), "workdays": iso(work)}
    try:
        r = deadline_with_pauses(datetime.fromisoformat(received_at), days,
                                 [(datetime.fromisoformat(s), None if e is None else datetime.fromisoformat(e)) for s, e in pauses],
                                 frozenset(hol), frozenset(work))
        c["expected"] = None if r is None else r.isoformat()
    except SyncError as e: c["error"] = e.code
    cases.append(c)
def rd(comment, received_at, hol, work=()):
    cases.append({"id": nid(), "rule": "WD3", "op": "receipt_day", "comment": comment, "received_at": received_at, "holidays": iso(hol),
                  "workdays": iso(work), "expected": receipt_day(datetime.fromisoformat(received_at), frozenset(hol), frozenset(work)).isoformat()})
add("Monday + 3 working days = Thursday", "2025-11-03", 3, [])
add("Thursday + 3 skips the weekend", "2025-11-06", 3, [])
add("0 days returns the start itself", "2025-11-08", 0, [])
add("start on Saturday: first counted day is Monday", "2025-11-08", 1, [])
add("Tết 2026 (16–20 Feb per the holidays package) plus weekends: Fri 13 Feb + 1 = Mon 23 Feb", "2026-02-13", 1, H26)
add("make-up working Saturday (làm bù) 26 Apr 2025 counts; 30 Apr–2 May are off", "2025-04-25", 3, H25, [date(2025, 4, 26)])
add("same without the make-up Saturday", "2025-04-25", 3, H25)
add("a date in both holidays and workdays is a working day", "2025-11-07", 1, [date(2025, 11, 10)], [date(2025, 11, 10)])
add("negative days are refused", "2025-11-03", -1, [])
add("WD1: a Friday holiday is not a working day: Thu + 1 = Mon", "2025-11-06", 1, [date(2025, 11, 7)], rule="WD1")
add("WD1: a Saturday is not a working day unless listed in workdays", "2025-11-07", 1, [], rule="WD1")
add("WD1: a Saturday in workdays is a working day", "2025-11-07", 1, [], [date(2025, 11, 8)], rule="WD1")
add("WD1: a date in both holidays and workdays is a working day (Monday)", "2025-11-09", 1, [date(2025, 11, 10)], [date(2025, 11, 10)], rule="WD1")
rd("working day before 16:00: same day", "2025-11-03T15:59:59+07:00", [])
rd("exactly 16:00 is after the cut-off: next working day", "2025-11-03T16:00:00+07:00", [])
rd("Friday evening: Monday", "2025-11-07T18:30:00+07:00", [])
rd("Sunday: Monday", "2025-11-09T09:00:00+07:00", [])
rd("UTC timestamp converted to Vietnam time: 08:59Z = 15:59 ICT", "2025-11-03T08:59:00+00:00", [])
rd("UTC timestamp 09:00Z = 16:00 ICT: after the cut-off", "2025-11-03T09:00:00+00:00", [])
rd("UTC late evening is already the next local day: 2025-11-02T20:00Z = Mon 03:00 ICT", "2025-11-02T20:00:00+00:00", [])
rd("holiday eve after cut-off jumps the whole Tết break", "2026-02-13T16:30:00+07:00", H26)
dl("no pauses: Mon 10:00 + 5 working days = next Mon", "2025-11-03T10:00:00+07:00", 5, [])
dl("after cut-off: counting starts a day later", "2025-11-03T17:00:00+07:00", 5, [])
dl("deadline spanning Tết 2026: received Thu 12 Feb, 5 days → Thu 26 Feb", "2026-02-12T10:00:00+07:00", 5, H26)
dl("Tết 2026 with a hypothetical extra decree day off (Mon 23 Feb passed in as an extra holiday)", "2026-02-12T10:00:00+07:00", 5,
   H26 + [date(2026, 2, 23)])
dl("supplement pause: requested Wed 5 Nov, supplied Mon 10 Nov; Thu–Mon do not count", "2025-11-03T10:00:00+07:00", 5, [],
   [("2025-11-05T09:00:00+07:00", "2025-11-10T14:00:00+07:00")])
dl("pause opened and closed the same day removes no day", "2025-11-03T10:00:00+07:00", 5, [],
   [("2025-11-05T09:00:00+07:00", "2025-11-05T15:00:00+07:00")])
dl("two pauses", "2025-11-03T10:00:00+07:00", 5, [],
   [("2025-11-04T09:00:00+07:00", "2025-11-05T09:00:00+07:00"), ("2025-11-06T09:00:00+07:00", "2025-11-07T09:00:00+07:00")])
dl("open pause (still waiting for the supplement): deadline unknown", "2025-11-03T10:00:00+07:00", 5, [], [("2025-11-05T09:00:00+07:00", None)])
dl("open pause that begins after the deadline does not matter", "2025-11-03T10:00:00+07:00", 2, [], [("2025-11-06T09:00:00+07:00", None)])
dl("open pause beginning on the deadline day: the request day still counts", "2025-11-03T10:00:00+07:00", 2, [], [("2025-11-05T09:00:00+07:00", None)])
dl("pause spanning Tết 2026", "2026-02-09T10:00:00+07:00", 10, H26, [("2026-02-11T10:00:00+07:00", "2026-02-24T10:00:00+07:00")])
dl("0 days: the receipt day", "2025-11-08T10:00:00+07:00", 0, [])
dl("pause ending before it starts is refused", "2025-11-03T10:00:00+07:00", 5, [], [("2025-11-05T09:00:00+07:00", "2025-11-04T09:00:00+07:00")])
def el(comment, received_at, today, hol, pauses=(), work=()):
    c = {"id": nid(), "rule": "WD5", "op": "elapsed", "comment": comment, "received_at": received_at, "today": today,
         "pauses": [[s, e] for s, e in pauses], "holidays": iso(hol), "workdays": iso(work)}
    try:
        c["expected"] = elapsed_working_days(datetime.fromisoformat(received_at), date.fromisoformat(today),
                                             [(datetime.fromisoformat(s), None if e is None else datetime.fromisoformat(e)) for s, e in pauses],
                                             frozenset(hol), frozenset(work))
    except SyncError as e: c["error"] = e.code
    cases.append(c)
el("the receipt day itself does not count", "2025-11-03T10:00:00+07:00", "2025-11-03", [])
el("Mon 10:00 to Fri: four working days", "2025-11-03T10:00:00+07:00", "2025-11-07", [])
el("after the cut-off the count starts a day later", "2025-11-03T17:00:00+07:00", "2025-11-07", [])
el("the weekend does not count", "2025-11-07T10:00:00+07:00", "2025-11-10", [])
el("a supplement pause: the request day counts, the days waiting and the arrival day do not", "2025-11-03T10:00:00+07:00", "2025-11-12", [],
   [("2025-11-05T09:00:00+07:00", "2025-11-10T14:00:00+07:00")])
el("an open pause stops the count from the day after the request", "2025-11-03T10:00:00+07:00", "2025-11-12", [], [("2025-11-05T09:00:00+07:00", None)])
el("Tết 2026 does not count", "2026-02-12T10:00:00+07:00", "2026-02-24", H26)
el("today before the receipt day (received on a Saturday): nothing elapsed", "2025-11-08T10:00:00+07:00", "2025-11-08", [])
el("pause ending before it starts is refused", "2025-11-03T10:00:00+07:00", "2025-11-07", [], [("2025-11-05T09:00:00+07:00", "2025-11-04T09:00:00+07:00")])
write("working_days", "Working-day arithmetic. Dates are ISO yyyy-mm-dd; times are ISO 8601 with an explicit UTC offset. holidays and workdays "
      "(make-up working Saturdays) are given in each case, so no holiday library is needed. Vietnam holidays 2025/2026 here come from the Python "
      "`holidays` package (country_holidays('VN')). op=add_working_days(start, days, holidays, workdays); op=receipt_day(received_at, holidays, workdays); "
      "op=deadline: deadline_with_pauses(received_at, days, pauses [[start, end|null]], holidays, workdays) → date, null (open pause) or error; "
      "op=elapsed: elapsed_working_days(received_at, today, pauses, holidays, workdays) → integer or error.",
      "wd-working-days", cases)

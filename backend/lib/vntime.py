"""Vietnam local time (UTC+7 all year: no daylight saving), for dates people see."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

VN = timezone(timedelta(hours=7), "ICT")


def local_date(moment: datetime) -> date:
    return moment.astimezone(VN).date()

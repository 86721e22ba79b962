"""Wire shapes of the public status look-up and rating."""

from __future__ import annotations

from dataclasses import dataclass

import msgspec

from backend.lib.wire import Out


class StatusOut(Out):
    status: str
    status_label_vi: str
    status_label_en: str
    explanation_vi: str
    explanation_en: str
    received_date: str | None
    due_date: str | None
    finished_date: str | None
    to_bring: list[str]
    can_rate: bool
    rated: bool


class RatingIn(msgspec.Struct, forbid_unknown_fields=True):
    code: str
    phone4: str
    rating: str
    comment: str | None = None


class RatedOut(msgspec.Struct):
    rated: bool


@dataclass
class RatingForm:
    code: str = ""
    phone4: str = ""
    rating: str = ""
    comment: str = ""

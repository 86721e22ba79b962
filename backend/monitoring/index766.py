"""The criteria of Decision 766/QĐ-TTg (23 June 2022) that this product's data can measure.

Pure: counts in, criteria out. Sources and what could not be confirmed are written down in
docs/monitoring-and-push.md ("Service index (Decision 766)"); in short:
- the five groups and their maxima (18, 20, 22, 22, 18 = 100) are confirmed;
- confirmed weights of single criteria: on-time processing — up to the whole 20 points of
  its group; citizens' satisfaction with receipt and handling — 6 of the 18 points of
  satisfaction; procedures published on time — 4 of 18 (not measurable here);
- the decision's scoring scale between 0 % and the target was not confirmed, so points are
  shown proportional to the rate (`rate × weight`) and labelled as such; criteria whose
  weight was not confirmed show their rate and no points.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Group = Literal["publicity", "progress", "digitisation", "online", "satisfaction"]
GROUP_MAX: dict[Group, int] = {
    "publicity": 18, "progress": 20, "digitisation": 22, "online": 22, "satisfaction": 18,
}
GROUP_NAMES: dict[Group, tuple[str, str]] = {
    "publicity": ("Công khai, minh bạch", "Publicity and transparency"),
    "progress": ("Tiến độ, kết quả giải quyết", "Progress and results of processing"),
    "digitisation": ("Số hóa hồ sơ", "Digitisation of dossiers"),
    "online": ("Cung cấp dịch vụ trực tuyến", "Online service provision"),
    "satisfaction": ("Mức độ hài lòng", "Satisfaction"),
}


@dataclass(frozen=True)
class Counts:
    """Sums of rollup counters over a scope and period (see backend/db/models/province.py)."""

    submitted: int = 0
    received: int = 0
    refused: int = 0
    finished: int = 0
    finished_early: int = 0
    finished_on_time: int = 0
    processing_seconds: int = 0
    returned: int = 0
    results_issued: int = 0
    supplements: int = 0
    apologies: int = 0
    rated: int = 0
    satisfied: int = 0
    timed: int = 0
    fast: int = 0
    prefilled_fields: int = 0
    total_fields: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(**{k: getattr(self, k) + getattr(other, k) for k in COUNT_FIELDS})


COUNT_FIELDS = tuple(Counts.__dataclass_fields__)


@dataclass(frozen=True)
class Criterion:
    id: str
    group: Group
    name_vi: str
    name_en: str
    measurable: bool
    weight: float | None  # points of the criterion in the decision, when confirmed
    numerator: int | None = None
    denominator: int | None = None
    rate: float | None = None  # 0..1; None when nothing to measure yet
    points: float | None = None  # rate × weight, when both are known
    why_not: str = ""  # for unmeasurable criteria: what this product does not see


@dataclass(frozen=True)
class Goal:
    id: str
    name_vi: str
    name_en: str
    target: float  # 0..1
    rate: float | None
    met: bool | None
    measured: bool = True
    note: str = ""


@dataclass(frozen=True)
class IndexResult:
    criteria: tuple[Criterion, ...]
    goals: tuple[Goal, ...]
    points: float  # sum of points of the measured, weighted criteria
    points_possible: float  # sum of their weights
    average_processing_days: float | None
    extra: dict[str, int] = field(default_factory=dict)


def _rate(num: int, den: int) -> float | None:
    return num / den if den > 0 else None


def _measured(id_: str, group: Group, vi: str, en: str, weight: float | None,
              num: int, den: int) -> Criterion:
    rate = _rate(num, den)
    points = round(rate * weight, 2) if rate is not None and weight is not None else None
    return Criterion(id_, group, vi, en, True, weight, num, den, rate, points)


def _unmeasured(id_: str, group: Group, vi: str, en: str, weight: float | None,
                why: str) -> Criterion:
    return Criterion(id_, group, vi, en, False, weight, why_not=why)


SATISFACTION_TARGET = 0.95
ELECTRONIC_RESULT_TARGET = 1.0


def compute(c: Counts) -> IndexResult:
    criteria = (
        _unmeasured("publicity.published_on_time", "publicity",
                    "Tỷ lệ TTHC được cập nhật, công khai đúng hạn",
                    "Procedures updated and published on time", 4,
                    "Việc công bố TTHC trên Cơ sở dữ liệu quốc gia nằm ngoài sản phẩm."),
        _measured("progress.on_time", "progress",
                  "Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn",
                  "Dossiers resolved early or on time", 20,
                  c.finished_on_time, c.finished),
        _measured("progress.early", "progress", "Tỷ lệ hồ sơ giải quyết trước hạn",
                  "Dossiers resolved early", None, c.finished_early, c.finished),
        _measured("digitisation.electronic_results", "digitisation",
                  "Tỷ lệ cấp kết quả giải quyết TTHC điện tử",
                  "Results issued electronically", None, c.results_issued, c.finished),
        _unmeasured("digitisation.reuse", "digitisation",
                    "Tỷ lệ khai thác, sử dụng lại thông tin, dữ liệu số hóa",
                    "Reuse of digitised data", None,
                    "Chưa xác nhận được định nghĩa của Quyết định; tỷ lệ trường điền sẵn "
                    "được nêu ở mục tiêu của tỉnh."),
        _unmeasured("online.filed_online", "online",
                    "Tỷ lệ hồ sơ TTHC xử lý trực tuyến",
                    "Dossiers filed and processed online", None,
                    "Sản phẩm chỉ thấy hồ sơ nộp qua ứng dụng, không thấy hồ sơ nộp trực tiếp."),
        _unmeasured("satisfaction.feedback_on_time", "satisfaction",
                    "Tỷ lệ phản ánh, kiến nghị xử lý đúng hạn",
                    "Feedback handled on time", None,
                    "Sản phẩm chưa tiếp nhận phản ánh, kiến nghị."),
        _unmeasured("satisfaction.feedback_satisfied", "satisfaction",
                    "Tỷ lệ hài lòng trong xử lý phản ánh, kiến nghị",
                    "Satisfaction with the handling of feedback", None,
                    "Sản phẩm chưa tiếp nhận phản ánh, kiến nghị."),
        _measured("satisfaction.procedures", "satisfaction",
                  "Tỷ lệ hài lòng trong tiếp nhận, giải quyết TTHC",
                  "Satisfaction with receipt and handling of procedures", 6,
                  c.satisfied, c.rated),
    )
    weighted = [k for k in criteria if k.measurable and k.weight is not None]
    points = round(sum(k.points or 0.0 for k in weighted), 2)
    possible = float(sum(k.weight or 0 for k in weighted))
    satisfaction = _rate(c.satisfied, c.rated)
    electronic = _rate(c.results_issued, c.finished)
    fast = _rate(c.fast, c.timed)
    reused = _rate(c.prefilled_fields, c.total_fields)
    goals = (
        Goal("satisfaction", "Hài lòng của người dân ≥ 95 %", "Citizen satisfaction ≥ 95 %",
             SATISFACTION_TARGET, satisfaction,
             None if satisfaction is None else satisfaction >= SATISFACTION_TARGET),
        Goal("electronic_results", "100 % kết quả điện tử", "100 % electronic results",
             ELECTRONIC_RESULT_TARGET, electronic,
             None if electronic is None else electronic >= ELECTRONIC_RESULT_TARGET),
        # Share of first submissions filled in 5 minutes or less; above one half means the
        # median submission is under 5 minutes, which is the target.
        Goal("submission_minutes", "Nộp hồ sơ dưới 5 phút (trung vị)",
             "Submission under 5 minutes (median)", 0.5, fast,
             None if fast is None else fast > 0.5,
             note="Tỷ lệ hồ sơ điền xong trong 5 phút; trên 50 % nghĩa là trung vị dưới 5 phút."),
        Goal("data_reuse", "≥ 50 % dữ liệu được sử dụng lại", "≥ 50 % of data reused",
             0.5, reused, None if reused is None else reused >= 0.5,
             note="Trường điền sẵn từ dữ liệu hộ gia đình ÷ trường đã điền, theo thiết bị báo."),
        Goal("electronic_processing",
             "≥ 80 % hồ sơ xử lý điện tử, đủ thành phần và chữ ký",
             "≥ 80 % processed electronically with complete components and signatures",
             0.8, None, None, measured=False,
             note="Cần tổng số hồ sơ của xã, kể cả nộp trực tiếp, mà sản phẩm không thấy."),
    )
    avg_days = (c.processing_seconds / c.finished / 86400) if c.finished else None
    return IndexResult(criteria, goals, points, possible,
                       round(avg_days, 2) if avg_days is not None else None,
                       {"received": c.received, "submitted": c.submitted,
                        "refused": c.refused, "returned": c.returned,
                        "supplements": c.supplements, "apologies": c.apologies})

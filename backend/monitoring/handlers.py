"""The monitoring domain's sync mutation: a citizen's rating recorded on a volunteer's device
(entity "rating", op "create"; registered with the push dispatcher, backend/changelog/registry.py).
Ratings are only created: the dispatcher answers any other op as unsupported."""

from __future__ import annotations

from backend.changelog.context import Applied, Ctx, Reject
from backend.changelog.registry import Registration
from backend.monitoring.ratings import RatingRefused, apply_rating
from sync.mutations import Mutation


def apply_rating_mutation(ctx: Ctx, m: Mutation) -> Applied:
    """Refusals become the dispatcher's `Reject` (status rejected or conflict)."""
    if m.op != "create":
        raise Reject("rating_immutable", "Đánh giá chỉ được tạo, không sửa hay xoá.",
                     "Ratings are only created, never updated or deleted.")
    try:
        status, version = apply_rating(ctx.session, ctx.principal.user_id, m.entity_id,
                                       m.fields, ctx.now)
    except RatingRefused as exc:
        errors = [{"field": exc.field, "code": exc.code}] if exc.field else None
        raise Reject(exc.code, exc.vi, exc.en, errors=errors, status=exc.status) from exc
    return Applied(status, version)


HANDLERS = (Registration("rating", "create", apply_rating_mutation),)

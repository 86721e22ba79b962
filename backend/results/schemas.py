"""Wire shapes of the public verification endpoints (no personal data beyond initials)."""

from __future__ import annotations

from backend.lib.wire import Out


class VerdictOut(Out):
    """The answer of POST /api/public/verify: always 200, `valid` says it all."""

    valid: bool
    code: str
    message_vi: str
    message_en: str
    official_code: str | None
    issued_at: str | None
    issued_on: str | None
    commune_id: str | None
    commune_name: str | None
    outcome: str | None
    document_kind: str | None
    key_id: str | None
    holder_initials: str | None
    procedure_name: str | None


class ResultKey(Out):
    key_id: str
    alg: str
    public_key: str
    commune_id: str
    use: str
    seq: int
    commune_name: str


class ResultKeys(Out):
    """GET /v/keys.json: the communes' signing keys with the communes' names, for /v."""

    keys: list[ResultKey]

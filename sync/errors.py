"""Typed errors of the sync core.

Every error carries a stable machine ``code`` (documented in SPEC.md) and a human message
written Vietnamese first, English second. Callers branch on ``code``, never on the message.
"""

from __future__ import annotations


class SyncError(Exception):
    """Base of every error raised by :mod:`sync`.

    ``code`` is stable and may carry a suffix after a colon (``bad_field:n``) naming the
    offending field; the part before the colon is the error kind.
    """

    code: str = "sync_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.message = message

    @property
    def kind(self) -> str:
        """The code without its ``:<detail>`` suffix."""
        return self.code.split(":", 1)[0]

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class CanonicalError(SyncError):
    """JSON is not acceptable under our RFC 8785 profile (SPEC §CAN)."""

    code = "not_canonical"


class SignatureError(SyncError):
    """Base of signature errors (SPEC §SIG)."""

    code = "bad_signature"


class SignatureInvalid(SignatureError):
    code = "bad_signature"


class MalformedKey(SignatureError):
    code = "bad_key"


class UnsupportedAlgorithm(SignatureError):
    code = "bad_alg"


class HlcError(SyncError):
    """Malformed hybrid logical clock string or argument (SPEC §HLC)."""

    code = "bad_hlc"


class ClockDrift(HlcError):
    code = "clock_drift"


class MutationInvalid(SyncError):
    """A mutation payload violates the envelope rules (SPEC §MUT)."""

    code = "bad_payload"


class MergeError(SyncError):
    """Merge inputs are unusable, e.g. an unknown rule or a non-list union value (SPEC §MRG)."""

    code = "bad_merge_input"


class ConflictStale(MergeError):
    code = "conflict_stale"


class StateError(SyncError):
    """Dossier state machine errors (SPEC §ST)."""

    code = "illegal_transition"


class IllegalTransition(StateError):
    code = "illegal_transition"


class ActorNotAllowed(StateError):
    code = "actor_not_allowed"


class ReceiptCodeInvalid(SyncError):
    code = "bad_receipt_code"


class WorkingDaysError(SyncError):
    code = "bad_working_days_input"

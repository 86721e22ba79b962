"""SQLModel tables, one module per aggregate. Importing this package registers them all."""

from backend.db.models.accounts import AuthToken, User, UserVillage
from backend.db.models.attachments import Blob, Upload
from backend.db.models.clocks import CommuneClock
from backend.db.models.dossiers import Dossier, DossierCodeCounter, DossierEvent
from backend.db.models.households import Household, Member
from backend.db.models.keys import CommuneSigningKey
from backend.db.models.monitoring import (
    CitizenRating,
    DeviceHealth,
    PublicLookupAttempt,
    PushNotice,
    PushSubscription,
    Rating,
)
from backend.db.models.outbox import PushDelivery, PushOutbox, WorkerJob
from backend.db.models.privacy import (
    AccessLogEntry,
    BreachRecord,
    MemberRestriction,
    PiiDataKey,
    PrivacyRequest,
)
from backend.db.models.province import DossierRollup, ProvinceProcedureVersion
from backend.db.models.review import DossierResult, SupplementRequest
from backend.db.models.sync import (
    Device,
    DeviceTicket,
    DossierAmendment,
    DossierRevision,
    EntityVersion,
    SyncChange,
    SyncConflict,
    SyncLoser,
    SyncMeta,
    SyncMutation,
)
from backend.db.models.units import Commune, Province, Village

__all__ = [
    "AccessLogEntry",
    "AuthToken",
    "Blob",
    "BreachRecord",
    "CitizenRating",
    "Commune",
    "CommuneClock",
    "CommuneSigningKey",
    "Device",
    "DeviceHealth",
    "DeviceTicket",
    "Dossier",
    "DossierAmendment",
    "DossierCodeCounter",
    "DossierEvent",
    "DossierResult",
    "DossierRevision",
    "DossierRollup",
    "EntityVersion",
    "Household",
    "Member",
    "MemberRestriction",
    "PiiDataKey",
    "PrivacyRequest",
    "Province",
    "ProvinceProcedureVersion",
    "PublicLookupAttempt",
    "PushDelivery",
    "PushNotice",
    "PushOutbox",
    "PushSubscription",
    "Rating",
    "SupplementRequest",
    "SyncChange",
    "SyncConflict",
    "SyncLoser",
    "SyncMeta",
    "SyncMutation",
    "Upload",
    "User",
    "UserVillage",
    "Village",
    "WorkerJob",
]

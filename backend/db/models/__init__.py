"""SQLModel tables, one module per aggregate. Importing this package registers them all."""

from backend.db.models.accounts import AuthToken, User, UserVillage
from backend.db.models.dossiers import Dossier, DossierCodeCounter, DossierEvent
from backend.db.models.households import Household, Member
from backend.db.models.units import Commune, Province, Village

__all__ = [
    "AuthToken",
    "Commune",
    "Dossier",
    "DossierCodeCounter",
    "DossierEvent",
    "Household",
    "Member",
    "Province",
    "User",
    "UserVillage",
    "Village",
]

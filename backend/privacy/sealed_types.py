"""Column types that seal personal data on the way into the database and open it on the way out.

The ORM, the bulk-insert path (backend/changelog/bulk.py uses each column's bind processor) and
every query see plaintext; the database, and so any dump of it, sees only `pii1:` text. A value
that is not sealed (a row written before the encrypting migration) is read as it is, so the
app never breaks on legacy rows; the migration and `langso pii rotate` seal all of them.

Equality on a sealed column never matches (fresh nonce per value): look-ups go through a
blind-index column (see backend/privacy/blind_index.py).
"""

from __future__ import annotations

from typing import Any

import msgspec
from sqlalchemy import String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from backend.db.types import JsonValue
from backend.privacy.crypto import is_sealed
from backend.privacy.keys import keyring_of

_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder().decode


class SealedText(TypeDecorator[str]):
    impl = Text
    cache_ok = True

    def __init__(self, purpose: str) -> None:
        super().__init__()
        self.purpose = purpose

    def process_bind_param(self, value: str | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return keyring_of(dialect).seal(self.purpose, value.encode())

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        if value is None or not is_sealed(value):
            return value  # type: ignore[no-any-return]
        return keyring_of(dialect).open(self.purpose, value).decode()


class SealedString(SealedText):
    """The same, for a column that was a VARCHAR (now without a length: a sealed value is
    longer than its plaintext)."""

    impl = String  # type: ignore[assignment]


class SealedJson(TypeDecorator[Any]):
    """A JSON value sealed as a whole and stored as a JSON string (JSONB on PostgreSQL, JSON
    text on SQLite), so the column keeps its type and a migration needs no table rebuild.
    SQL NULL stays NULL; JSON null is sealed like any value."""

    impl = JsonValue
    cache_ok = True

    def __init__(self, purpose: str) -> None:
        super().__init__()
        self.purpose = purpose

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        return keyring_of(dialect).seal(self.purpose, _encode(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        # The JSON layer has decoded already: a sealed value is a string; anything else is
        # a row written before the encrypting migration.
        if isinstance(value, str) and is_sealed(value):
            return _decode(keyring_of(dialect).open(self.purpose, value))
        return value

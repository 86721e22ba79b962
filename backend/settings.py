"""Settings read from the environment, once, at start-up.

Every setting has a safe default so that `make run` works on a fresh clone; the defaults
keep all state under `./var/` (git-ignored).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_VAR = Path("var")


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SystemExit(f"{name} must be an integer, got {raw!r}") from exc


def normalise_database_url(url: str) -> str:
    """Accept the usual spellings and pick the drivers we ship (psycopg 3, stdlib sqlite3)."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


@dataclass(frozen=True)
class Settings:
    database_url: str
    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 8000
    max_body_bytes: int = 1_048_576
    session_ttl_hours: int = 24 * 30
    catalog_dir: Path | None = None
    extra_holidays: tuple[str, ...] = field(default_factory=tuple)
    static_dir: Path | None = None
    max_attachment_bytes: int = 10 * 1024 * 1024
    max_dossier_attachment_bytes: int = 30 * 1024 * 1024
    # branch vault: days a closed dossier stays on a volunteer's phone (delivered to the device)
    device_closed_dossier_days: int = 30

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @staticmethod
    def from_env() -> Settings:
        data_dir = Path(os.environ.get("LANGSO_DATA_DIR") or DEFAULT_VAR / "data")
        default_db = f"sqlite:///{(DEFAULT_VAR / 'langso.sqlite3').as_posix()}"
        db_url = normalise_database_url(os.environ.get("LANGSO_DATABASE_URL") or default_db)
        static = os.environ.get("LANGSO_STATIC_DIR")
        extra = os.environ.get("LANGSO_EXTRA_HOLIDAYS", "")
        return Settings(
            database_url=db_url,
            data_dir=data_dir,
            host=os.environ.get("LANGSO_HOST") or "127.0.0.1",
            port=_int("LANGSO_PORT", 8000),
            max_body_bytes=_int("LANGSO_MAX_BODY_BYTES", 1_048_576),
            session_ttl_hours=_int("LANGSO_SESSION_TTL_HOURS", 24 * 30),
            extra_holidays=tuple(d.strip() for d in extra.split(",") if d.strip()),
            static_dir=Path(static) if static else None,
            max_attachment_bytes=_int("LANGSO_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024),
            max_dossier_attachment_bytes=_int(
                "LANGSO_MAX_DOSSIER_ATTACHMENT_BYTES", 30 * 1024 * 1024
            ),
            device_closed_dossier_days=_int("LANGSO_DEVICE_CLOSED_DOSSIER_DAYS", 30),
        )

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


def _public_base(raw: str) -> str:
    raw = raw.strip()
    if raw and not (raw.startswith("https://") or raw.startswith("http://")):
        raise SystemExit(f"LANGSO_PUBLIC_BASE_URL must start with https://, got {raw!r}")
    if "#" in raw or "?" in raw:
        raise SystemExit("LANGSO_PUBLIC_BASE_URL must not hold a query or a fragment")
    return raw.rstrip("/")


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
    # The address citizens reach the server at (QR links on result papers: <base>/v#LSR1…).
    public_base_url: str = ""
    # Personal data protection (branch pdp; docs/privacy.md). The master key: LANGSO_PII_KEY,
    # else the file LANGSO_PII_KEY_FILE, else <data dir>/keys/pii-master.key (generated).
    pii_key: str = field(default_factory=lambda: os.environ.get("LANGSO_PII_KEY", ""))
    pii_key_file: str = field(default_factory=lambda: os.environ.get("LANGSO_PII_KEY_FILE", ""))
    # Retention in days per record type (LANGSO_RETAIN_<TYPE>_DAYS), see docs/privacy.md.
    retain_closed_dossier_days: int = field(
        default_factory=lambda: _int("LANGSO_RETAIN_CLOSED_DOSSIER_DAYS", 3650))
    retain_rejected_dossier_days: int = field(
        default_factory=lambda: _int("LANGSO_RETAIN_REJECTED_DOSSIER_DAYS", 1825))
    retain_access_log_days: int = field(
        default_factory=lambda: _int("LANGSO_RETAIN_ACCESS_LOG_DAYS", 1825))

    @property
    def public_base(self) -> str:
        """`public_base_url` without a trailing slash, else http://<host>:<port>."""
        return (self.public_base_url or f"http://{self.host}:{self.port}").rstrip("/")

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
            public_base_url=_public_base(os.environ.get("LANGSO_PUBLIC_BASE_URL", "")),
        )

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


def _bool(name: str) -> bool:
    raw = (os.environ.get(name) or "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise SystemExit(f"{name} must be true or false, got {raw!r}")


def secret_setting(name: str) -> str | None:
    """A secret from `NAME` or from the file named by `NAME_FILE` (Docker/Kubernetes secrets,
    systemd credentials). Both set is a mistake worth stopping for."""
    value = os.environ.get(name) or None
    file_name = os.environ.get(f"{name}_FILE") or None
    if value and file_name:
        raise SystemExit(f"set {name} or {name}_FILE, not both")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip() or None
        except OSError as exc:
            raise SystemExit(f"{name}_FILE={file_name}: cannot read ({exc.strerror})") from exc
    return value.strip() if value else None


def _list(raw: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in raw.split(",") if item.strip())


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
    threads: int = 0  # worker threads per process; 0: by database (see worker_threads)

    # --- fleet (several nodes on one PostgreSQL database); see docs/deployment.md ---
    fleet: bool = False
    session_secret: str | None = None  # hex, >= 32 bytes
    ticket_secret: str | None = None  # hex, >= 32 bytes
    vapid_private_key: str | None = None  # PKCS#8 PEM of a P-256 key
    key_encryption_key: str | None = None  # 32 bytes, hex or base64url
    trusted_proxies: tuple[str, ...] = field(default_factory=tuple)  # addresses / CIDRs
    blob_url: str | None = None  # file:///dir (default data_dir) or s3://bucket/prefix?...
    # false: nodes only write push notices to the outbox and `langso worker` delivers them
    push_inline: bool = True
    # days a closed dossier stays on a volunteer's phone (delivered to the device)
    device_closed_dossier_days: int = 30
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

    @property
    def worker_threads(self) -> int:
        """Threads that run handlers (and hold database connections) in one server process.
        SQLite has one writer at a time, so more threads only queue; PostgreSQL connections
        are costly and `max_connections` is shared by every worker."""
        if self.threads > 0:
            return self.threads
        return 32 if self.is_sqlite else 16

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
            threads=_int("LANGSO_THREADS", 0),
            fleet=_bool("LANGSO_FLEET"),
            session_secret=secret_setting("LANGSO_SESSION_SECRET"),
            ticket_secret=secret_setting("LANGSO_TICKET_SECRET"),
            vapid_private_key=secret_setting("LANGSO_VAPID_PRIVATE_KEY"),
            key_encryption_key=secret_setting("LANGSO_KEY_ENCRYPTION_KEY"),
            trusted_proxies=_list(os.environ.get("LANGSO_TRUSTED_PROXIES", "")),
            blob_url=os.environ.get("LANGSO_BLOB_URL") or None,
            push_inline=_bool("LANGSO_PUSH_INLINE") if os.environ.get("LANGSO_PUSH_INLINE")
            else True,
            device_closed_dossier_days=_int("LANGSO_DEVICE_CLOSED_DOSSIER_DAYS", 30),
        )

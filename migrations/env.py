"""Alembic environment: the URL comes from the settings (or `config.attributes["url"]`)."""

from __future__ import annotations

import re
from logging.config import fileConfig
from typing import Any

from alembic import context
from sqlmodel import SQLModel

import backend.db.models  # noqa: F401  (registers every table)
from backend.db.engine import make_engine
from backend.settings import Settings, normalise_database_url

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = SQLModel.metadata
# Partitions of the PostgreSQL tables partitioned in 0009_scale: the parent is the model.
PARTITION = re.compile(r"^(sync_changes|entity_versions)_p[0-9]{2}$")


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    return not (type_ == "table" and name is not None and PARTITION.match(name))


def _url() -> str:
    url = config.attributes.get("url")
    return normalise_database_url(url) if url else Settings.from_env().database_url


def run_migrations_offline() -> None:
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(_url())
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_name=include_name,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

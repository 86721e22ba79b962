"""scale: the change log and entity versions as hash-partitioned tables (PostgreSQL);
dossiers.decided_at for the late drill-down; catalogue versions per province

`dossiers.decided_at` (both databases) is filled from the latest approve/reject audit event
and indexed with the commune and due date (backend/monitoring/decided.py keeps it).
`province_procedure_versions`: the version a province administrator pins per procedure.

`sync_changes` is partitioned by HASH(commune_id) and `entity_versions` by HASH(entity_id),
16 partitions each (docs/adr/0020-partitioned-change-log.md). A partitioned table's keys must
hold the partition key, so the change log's primary key becomes (seq, commune_id); `seq` keeps
its one sequence (cursors stay plain numbers; a pull's scope is one commune, ordered by the
commune lock in backend/sync_api/changes.py). SQLite keeps plain tables (one file, one writer).

Rows are copied into the new tables inside the migration's transaction; a country-sized log
would rather be attached partition by partition (the ADR says how).

Revision ID: 0009_scale
Revises: 0009_privacy2
Create Date: 2026-12-06 06:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import text

import backend.db.types

revision: str = '0009_scale'
down_revision: str | None = '0009_privacy2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PARTITIONS = 16

CHANGES_COLUMNS = """
    seq BIGINT NOT NULL DEFAULT nextval('sync_changes_seq_seq'),
    entity VARCHAR(16) NOT NULL,
    entity_id VARCHAR(36) NOT NULL,
    version INTEGER NOT NULL,
    commune_id VARCHAR(16) NOT NULL,
    village_id VARCHAR(36) NOT NULL,
    deleted BOOLEAN NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL"""
CHANGES_INDEXES = (("ix_sync_changes_commune_seq", "commune_id, seq"),
                   ("ix_sync_changes_village_seq", "village_id, seq"),
                   ("ix_sync_changes_entity", "entity, entity_id"))
CHANGES_COPY = "seq, entity, entity_id, version, commune_id, village_id, deleted, created_at"
VERSIONS_COPY = "entity, entity_id, version, data, clocks, mutation_id, actor_id, created_at"


VERSIONS_COLUMNS = """
    entity VARCHAR(16) NOT NULL,
    entity_id VARCHAR(36) NOT NULL,
    version INTEGER NOT NULL,
    data {data},
    clocks {clocks},
    mutation_id VARCHAR(36),
    actor_id VARCHAR(36),
    created_at TIMESTAMP WITH TIME ZONE NOT NULL"""


def _partitions(table: str) -> None:
    for r in range(PARTITIONS):
        op.execute(f"CREATE TABLE {table}_p{r:02d} PARTITION OF {table} "
                   f"FOR VALUES WITH (MODULUS {PARTITIONS}, REMAINDER {r})")


def _column_type(table: str, column: str) -> str:
    """As the column is now (`data` became sealed text in 0008_pdp)."""
    return str(op.get_bind().execute(text(
        "SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
        "WHERE a.attrelid = CAST(:t AS regclass) AND a.attname = :c"),
        {"t": table, "c": column}).scalar_one())


def _repartition_changes(partitioned: bool) -> None:
    op.execute("ALTER SEQUENCE sync_changes_seq_seq OWNED BY NONE")
    op.execute("ALTER TABLE sync_changes RENAME TO sync_changes_old")
    for name, _ in CHANGES_INDEXES:
        op.execute(f"ALTER INDEX {name} RENAME TO {name}_old")
    op.execute("ALTER TABLE sync_changes_old RENAME CONSTRAINT sync_changes_pkey "
               "TO sync_changes_old_pkey")
    if partitioned:
        op.execute(f"CREATE TABLE sync_changes ({CHANGES_COLUMNS},\n"
                   "    CONSTRAINT sync_changes_pkey PRIMARY KEY (seq, commune_id)\n"
                   ") PARTITION BY HASH (commune_id)")
        _partitions("sync_changes")
    else:
        op.execute(f"CREATE TABLE sync_changes ({CHANGES_COLUMNS},\n"
                   "    CONSTRAINT sync_changes_pkey PRIMARY KEY (seq))")
    for name, cols in CHANGES_INDEXES:
        op.execute(f"CREATE INDEX {name} ON sync_changes ({cols})")
    op.execute(f"INSERT INTO sync_changes ({CHANGES_COPY}) "
               f"SELECT {CHANGES_COPY} FROM sync_changes_old")
    op.execute("DROP TABLE sync_changes_old")
    op.execute("ALTER SEQUENCE sync_changes_seq_seq OWNED BY sync_changes.seq")


def _repartition_versions(partitioned: bool) -> None:
    types = {c: _column_type("entity_versions", c) for c in ("data", "clocks")}
    op.execute("ALTER TABLE entity_versions RENAME TO entity_versions_old")
    op.execute("ALTER TABLE entity_versions_old RENAME CONSTRAINT entity_versions_pkey "
               "TO entity_versions_old_pkey")
    columns = VERSIONS_COLUMNS.format(**types)
    tail = " PARTITION BY HASH (entity_id)" if partitioned else ""
    op.execute(f"CREATE TABLE entity_versions ({columns},\n"
               "    CONSTRAINT entity_versions_pkey PRIMARY KEY (entity, entity_id, version)\n"
               f"){tail}")
    if partitioned:
        _partitions("entity_versions")
    op.execute(f"INSERT INTO entity_versions ({VERSIONS_COPY}) "
               f"SELECT {VERSIONS_COPY} FROM entity_versions_old")
    op.execute("DROP TABLE entity_versions_old")


DECIDED = "decided_at IS NOT NULL"
LATEST_DECISION = ("SELECT max(e.at) FROM dossier_events e WHERE e.dossier_id = dossiers.id "
                   "AND e.action IN ('approve', 'reject')")


def _add_decided_at() -> None:
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decided_at', backend.db.types.UTCDateTime(),
                                      nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("UPDATE dossiers d SET decided_at = x.at FROM ("
                   "SELECT dossier_id, max(at) AS at FROM dossier_events "
                   "WHERE action IN ('approve', 'reject') GROUP BY dossier_id) x "
                   "WHERE x.dossier_id = d.id")
    else:
        op.execute(f"UPDATE dossiers SET decided_at = ({LATEST_DECISION}) "
                   f"WHERE EXISTS ({LATEST_DECISION.replace('max(e.at)', '1')})")
    op.create_index("ix_dossiers_decided", "dossiers", ["commune_id", "decided_at", "due_date"],
                    unique=False, postgresql_where=sa.text(DECIDED),
                    sqlite_where=sa.text(DECIDED))


def _add_province_versions() -> None:
    op.create_table(
        'province_procedure_versions',
        sa.Column('province_id', sa.String(length=8), nullable=False),
        sa.Column('procedure_code', sa.String(length=64), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('set_by', sa.String(length=36), nullable=False),
        sa.Column('set_at', backend.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['province_id'], ['provinces.id']),
        sa.PrimaryKeyConstraint('province_id', 'procedure_code'),
    )


def _already_partitioned(table: str) -> bool:
    """Done beforehand by the online procedure (docs/deployment.md), which copies a country's
    log in short transactions instead of this migration's one long copy."""
    return bool(op.get_bind().execute(text(
        "SELECT relkind = 'p' FROM pg_class WHERE oid = CAST(:t AS regclass)"),
        {"t": table}).scalar_one())


def upgrade() -> None:
    _add_province_versions()
    _add_decided_at()
    if op.get_bind().dialect.name != "postgresql":
        return
    if not _already_partitioned("sync_changes"):
        _repartition_changes(partitioned=True)
    if not _already_partitioned("entity_versions"):
        _repartition_versions(partitioned=True)
    op.execute("ANALYZE sync_changes")
    op.execute("ANALYZE entity_versions")


def downgrade() -> None:
    op.drop_table('province_procedure_versions')
    op.drop_index("ix_dossiers_decided", table_name="dossiers")
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_column('decided_at')
    if op.get_bind().dialect.name != "postgresql":
        return
    _repartition_changes(partitioned=False)
    _repartition_versions(partitioned=False)

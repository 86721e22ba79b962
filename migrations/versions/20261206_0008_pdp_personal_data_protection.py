"""pdp: personal data protection — sealed PII columns, blind index, access log, requests, breaches

Data step: the master key is read like the server reads it (LANGSO_PII_KEY, LANGSO_PII_KEY_FILE,
else <LANGSO_DATA_DIR>/keys/pii-master.key, generated), the per-purpose data keys are created,
and every existing value of the sealed columns is encrypted in place. The downgrade opens them.

Revision ID: 0008_pdp
Revises: 0007_vault
Create Date: 2026-12-06 04:27:22.017940
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import backend.db.types
from backend.privacy.keys import Keyring, load_keyring, master_for
from backend.privacy.sealing import reindex_members, reseal
from backend.settings import Settings
from sqlalchemy import Text  # noqa: F401  (autogenerate renders JSONB(astext_type=Text()))
from sqlalchemy.dialects import postgresql

revision: str = '0008_pdp'
down_revision: str | None = '0007_vault'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('access_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', backend.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('actor_role', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('subject_kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('subject_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('member_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('commune_id', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('in_queue', sa.Boolean(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_log_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_log_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_log_commune_id'), ['commune_id'], unique=False)
        batch_op.create_index('ix_access_log_subject', ['subject_kind', 'subject_id', 'at'], unique=False)

    op.create_table('breach_records',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('found_at', backend.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('window_from', backend.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('window_to', backend.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('device_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('actor_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('affected_communes', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('affected_members', sa.Integer(), nullable=False),
    sa.Column('affected_member_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('measures', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('opened_by', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('opened_at', backend.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('member_restrictions',
    sa.Column('member_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('erase_when_released', sa.Boolean(), nullable=False),
    sa.Column('since', backend.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('member_id')
    )
    op.create_table('pii_data_keys',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('purpose', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('wrapped', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('master_fingerprint', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('created_at', backend.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('retired_at', backend.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('pii_data_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pii_data_keys_purpose'), ['purpose'], unique=False)

    op.create_table('privacy_requests',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('member_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('commune_id', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('outcome', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('recorded_at', backend.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('privacy_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_privacy_requests_commune_id'), ['commune_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_privacy_requests_member_id'), ['member_id'], unique=False)

    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cccd_bidx', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.drop_index(batch_op.f('ix_members_cccd'))
        batch_op.create_index(batch_op.f('ix_members_cccd_bidx'), ['cccd_bidx'], unique=False)
    if op.get_bind().dialect.name != "sqlite":
        # A sealed value is longer than 12/40 characters (SQLite does not enforce lengths).
        op.alter_column('members', 'cccd', existing_type=sa.VARCHAR(length=12), type_=sa.String())
        op.alter_column('members', 'ethnicity', existing_type=sa.VARCHAR(length=40),
                        type_=sa.String(), existing_nullable=False)
    _seal_existing()


def _ring() -> Keyring:
    return load_keyring(op.get_bind(), master_for(Settings.from_env()))


def _seal_existing() -> None:
    ring = _ring()
    reindex_members(op.get_bind(), ring)
    reseal(op.get_bind(), ring, None)


def downgrade() -> None:
    ring = load_keyring(op.get_bind(), master_for(Settings.from_env()), create=False)
    reseal(op.get_bind(), None, ring)
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column('members', 'ethnicity', existing_type=sa.String(),
                        type_=sa.VARCHAR(length=40), existing_nullable=False)
        op.alter_column('members', 'cccd', existing_type=sa.String(), type_=sa.VARCHAR(length=12))
    op.drop_index('ix_members_cccd_bidx', table_name='members')
    op.create_index('ix_members_cccd', 'members', ['cccd'], unique=False)
    # Native DROP COLUMN (SQLite ≥ 3.35): a batch rebuild would DROP TABLE members, which
    # foreign keys from dossiers forbid once rows exist.
    op.execute("ALTER TABLE members DROP COLUMN cccd_bidx")

    with op.batch_alter_table('privacy_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_privacy_requests_member_id'))
        batch_op.drop_index(batch_op.f('ix_privacy_requests_commune_id'))

    op.drop_table('privacy_requests')
    with op.batch_alter_table('pii_data_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pii_data_keys_purpose'))

    op.drop_table('pii_data_keys')
    op.drop_table('member_restrictions')
    op.drop_table('breach_records')
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.drop_index('ix_access_log_subject')
        batch_op.drop_index(batch_op.f('ix_access_log_commune_id'))
        batch_op.drop_index(batch_op.f('ix_access_log_at'))
        batch_op.drop_index(batch_op.f('ix_access_log_actor_id'))

    op.drop_table('access_log')

"""sync: devices, mutations, versions, changes, conflicts

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 14:13:35.644626
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import backend.db.types

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('entity_versions',
    sa.Column('entity', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('entity_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('clocks', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('mutation_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('actor_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('created_at', backend.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('entity', 'entity_id', 'version')
    )
    op.create_table('sync_changes',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('entity', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('entity_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('commune_id', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('village_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', backend.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('seq'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('sync_changes', schema=None) as batch_op:
        batch_op.create_index('ix_sync_changes_commune_seq', ['commune_id', 'seq'], unique=False)
        batch_op.create_index('ix_sync_changes_entity', ['entity', 'entity_id'], unique=False)
        batch_op.create_index('ix_sync_changes_village_seq', ['village_id', 'seq'], unique=False)

    op.create_table('sync_conflicts',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('mutation_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('entity', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('entity_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('field', sqlmodel.sql.sqltypes.AutoString(length=140), nullable=False),
    sa.Column('base_value', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('current_value', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('proposed_value', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('current_hlc', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('proposed_hlc', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('resolved_value', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('resolved_by', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('resolved_at', backend.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolved_version', sa.Integer(), nullable=True),
    sa.Column('commune_id', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('village_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', backend.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('sync_conflicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_conflicts_commune_id'), ['commune_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sync_conflicts_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sync_conflicts_status'), ['status'], unique=False)

    op.create_table('sync_losers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mutation_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('conflict_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('entity', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('entity_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('field', sqlmodel.sql.sqltypes.AutoString(length=140), nullable=False),
    sa.Column('losing_value', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('winning_value', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('losing_hlc', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('winning_hlc', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('rule', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('commune_id', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('village_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', backend.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('sync_losers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_losers_commune_id'), ['commune_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sync_losers_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sync_losers_mutation_id'), ['mutation_id'], unique=False)

    op.create_table('sync_meta',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('device_tickets',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('code_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('volunteer_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('issued_by', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('commune_id', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('created_at', backend.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', backend.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', backend.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('device_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.ForeignKeyConstraint(['issued_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['volunteer_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code_hash')
    )
    with op.batch_alter_table('device_tickets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_device_tickets_volunteer_id'), ['volunteer_id'], unique=False)

    op.create_table('devices',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('commune_id', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('alg', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('public_key', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('key_id', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('enrolled_via', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('last_n', sa.Integer(), nullable=False),
    sa.Column('last_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', backend.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_push_at', backend.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', backend.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_by', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('revoke_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('public_key')
    )
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_devices_commune_id'), ['commune_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_devices_user_id'), ['user_id'], unique=False)

    op.create_table('sync_mutations',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('device_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('entity', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('entity_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('op', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('commune_id', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('sig', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('result', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('received_at', backend.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('device_id', 'n', name='uq_sync_mutations_device_n')
    )
    with op.batch_alter_table('sync_mutations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_mutations_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sync_mutations_hash'), ['hash'], unique=False)

    op.create_table('dossier_amendments',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('dossier_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('mutation_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('base_version', sa.Integer(), nullable=False),
    sa.Column('fields', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('decided_by', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('decided_at', backend.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('commune_id', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('village_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', backend.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('dossier_amendments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_amendments_commune_id'), ['commune_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_amendments_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_amendments_status'), ['status'], unique=False)

    op.create_table('dossier_revisions',
    sa.Column('hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('dossier_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('prev_revision', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('mutation_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('device_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('sig', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('receipt', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('created_at', backend.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], ),
    sa.PrimaryKeyConstraint('hash')
    )
    with op.batch_alter_table('dossier_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_revisions_dossier_id'), ['dossier_id'], unique=False)
def downgrade() -> None:
    with op.batch_alter_table('dossier_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_revisions_dossier_id'))

    op.drop_table('dossier_revisions')
    with op.batch_alter_table('dossier_amendments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_amendments_status'))
        batch_op.drop_index(batch_op.f('ix_dossier_amendments_dossier_id'))
        batch_op.drop_index(batch_op.f('ix_dossier_amendments_commune_id'))

    op.drop_table('dossier_amendments')
    with op.batch_alter_table('sync_mutations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_mutations_hash'))
        batch_op.drop_index(batch_op.f('ix_sync_mutations_entity_id'))

    op.drop_table('sync_mutations')
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_devices_user_id'))
        batch_op.drop_index(batch_op.f('ix_devices_commune_id'))

    op.drop_table('devices')
    with op.batch_alter_table('device_tickets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_device_tickets_volunteer_id'))

    op.drop_table('device_tickets')
    op.drop_table('sync_meta')
    with op.batch_alter_table('sync_losers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_losers_mutation_id'))
        batch_op.drop_index(batch_op.f('ix_sync_losers_entity_id'))
        batch_op.drop_index(batch_op.f('ix_sync_losers_commune_id'))

    op.drop_table('sync_losers')
    with op.batch_alter_table('sync_conflicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_conflicts_status'))
        batch_op.drop_index(batch_op.f('ix_sync_conflicts_entity_id'))
        batch_op.drop_index(batch_op.f('ix_sync_conflicts_commune_id'))

    op.drop_table('sync_conflicts')
    with op.batch_alter_table('sync_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_sync_changes_village_seq')
        batch_op.drop_index('ix_sync_changes_entity')
        batch_op.drop_index('ix_sync_changes_commune_seq')

    op.drop_table('sync_changes')
    op.drop_table('entity_versions')

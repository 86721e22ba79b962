"""initial schema: units, accounts, households, dossiers

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 14:03:59.829031
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

import backend.db.types

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('provinces',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('communes',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('province_id', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('unit_code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.ForeignKeyConstraint(['province_id'], ['provinces.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('communes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_communes_province_id'), ['province_id'], unique=False)

    op.create_table('dossier_code_counters',
    sa.Column('commune_id', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['commune_id'], ['communes.id'], ),
    sa.PrimaryKeyConstraint('commune_id', 'day')
    )
    op.create_table('users',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('username', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('full_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('commune_id', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', backend.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['commune_id'], ['communes.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('username')
    )
    op.create_table('villages',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('commune_id', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.ForeignKeyConstraint(['commune_id'], ['communes.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    with op.batch_alter_table('villages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_villages_commune_id'), ['commune_id'], unique=False)

    op.create_table('auth_tokens',
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', backend.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', backend.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', backend.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('token_hash')
    )
    with op.batch_alter_table('auth_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_auth_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('households',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('village_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('commune_id', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('head_member_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('search_key', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', backend.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['commune_id'], ['communes.id'], ),
    sa.ForeignKeyConstraint(['village_id'], ['villages.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_households_commune_id'), ['commune_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_households_search_key'), ['search_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_households_village_id'), ['village_id'], unique=False)

    op.create_table('user_villages',
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('village_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['village_id'], ['villages.id'], ),
    sa.PrimaryKeyConstraint('user_id', 'village_id')
    )
    op.create_table('members',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('household_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('village_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('commune_id', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('full_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('search_key', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=True),
    sa.Column('sex', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
    sa.Column('cccd', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=True),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('relationship', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('ethnicity', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', backend.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['commune_id'], ['communes.id'], ),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], ),
    sa.ForeignKeyConstraint(['village_id'], ['villages.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_members_cccd'), ['cccd'], unique=False)
        batch_op.create_index(batch_op.f('ix_members_commune_id'), ['commune_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_members_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_members_search_key'), ['search_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_members_village_id'), ['village_id'], unique=False)

    op.create_table('dossiers',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('procedure_code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('procedure_version', sa.Integer(), nullable=False),
    sa.Column('applicant_member_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('household_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('village_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('commune_id', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('prepared_by', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('form_data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('components', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('official_code', sa.String(length=48), nullable=True),
    sa.Column('received_at', backend.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', backend.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['applicant_member_id'], ['members.id'], ),
    sa.ForeignKeyConstraint(['commune_id'], ['communes.id'], ),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], ),
    sa.ForeignKeyConstraint(['prepared_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['village_id'], ['villages.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('official_code')
    )
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossiers_applicant_member_id'), ['applicant_member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossiers_commune_id'), ['commune_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossiers_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossiers_prepared_by'), ['prepared_by'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossiers_procedure_code'), ['procedure_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossiers_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossiers_village_id'), ['village_id'], unique=False)

    op.create_table('dossier_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('from_status', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=True),
    sa.Column('to_status', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('actor_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('actor_role', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('at', backend.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('dossier_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_events_dossier_id'), ['dossier_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('dossier_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_events_dossier_id'))

    op.drop_table('dossier_events')
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossiers_village_id'))
        batch_op.drop_index(batch_op.f('ix_dossiers_status'))
        batch_op.drop_index(batch_op.f('ix_dossiers_procedure_code'))
        batch_op.drop_index(batch_op.f('ix_dossiers_prepared_by'))
        batch_op.drop_index(batch_op.f('ix_dossiers_household_id'))
        batch_op.drop_index(batch_op.f('ix_dossiers_commune_id'))
        batch_op.drop_index(batch_op.f('ix_dossiers_applicant_member_id'))

    op.drop_table('dossiers')
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_members_village_id'))
        batch_op.drop_index(batch_op.f('ix_members_search_key'))
        batch_op.drop_index(batch_op.f('ix_members_household_id'))
        batch_op.drop_index(batch_op.f('ix_members_commune_id'))
        batch_op.drop_index(batch_op.f('ix_members_cccd'))

    op.drop_table('members')
    op.drop_table('user_villages')
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_households_village_id'))
        batch_op.drop_index(batch_op.f('ix_households_search_key'))
        batch_op.drop_index(batch_op.f('ix_households_commune_id'))

    op.drop_table('households')
    with op.batch_alter_table('auth_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_auth_tokens_user_id'))

    op.drop_table('auth_tokens')
    with op.batch_alter_table('villages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_villages_commune_id'))

    op.drop_table('villages')
    op.drop_table('users')
    op.drop_table('dossier_code_counters')
    with op.batch_alter_table('communes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_communes_province_id'))

    op.drop_table('communes')
    op.drop_table('provinces')

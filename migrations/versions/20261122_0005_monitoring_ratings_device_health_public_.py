"""monitoring: ratings, device health, public look-ups, web push

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 14:16:53.989766
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy import Text  # noqa: F401  (autogenerate renders JSONB(astext_type=Text()))

import backend.db.types

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('public_lookup_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bucket', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('at', backend.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('public_lookup_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_public_lookup_attempts_at'), ['at'], unique=False)
        batch_op.create_index('ix_public_lookup_attempts_bucket_at', ['bucket', 'at'], unique=False)

    op.create_table('push_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('dossier_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('created_at', backend.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event', 'dossier_id', 'key', name='uq_push_notices_event_dossier_key')
    )
    op.create_table('push_subscriptions',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('endpoint', sa.String(length=1000), nullable=False),
    sa.Column('p256dh', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('auth', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', backend.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_success_at', backend.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('endpoint')
    )
    with op.batch_alter_table('push_subscriptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_push_subscriptions_user_id'), ['user_id'], unique=False)

    op.create_table('device_health',
    sa.Column('device_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('commune_id', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('pending', sa.Integer(), nullable=False),
    sa.Column('oldest_pending_at', backend.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reported_at', backend.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('device_id')
    )
    with op.batch_alter_table('device_health', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_device_health_commune_id'), ['commune_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_device_health_user_id'), ['user_id'], unique=False)

    op.create_table('ratings',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('dossier_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('rating', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('comment', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('rated_at', backend.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('commune_id', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('village_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', backend.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], ),
    sa.ForeignKeyConstraint(['recorded_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('dossier_id')
    )
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ratings_commune_id'), ['commune_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ratings_village_id'), ['village_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ratings_village_id'))
        batch_op.drop_index(batch_op.f('ix_ratings_commune_id'))

    op.drop_table('ratings')
    with op.batch_alter_table('device_health', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_device_health_user_id'))
        batch_op.drop_index(batch_op.f('ix_device_health_commune_id'))

    op.drop_table('device_health')
    with op.batch_alter_table('push_subscriptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_push_subscriptions_user_id'))

    op.drop_table('push_subscriptions')
    op.drop_table('push_notices')
    with op.batch_alter_table('public_lookup_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_public_lookup_attempts_bucket_at')
        batch_op.drop_index(batch_op.f('ix_public_lookup_attempts_at'))

    op.drop_table('public_lookup_attempts')

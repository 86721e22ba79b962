"""fleet: commune signing keys (sealed under the key-encryption key), commune clocks, push
outbox and worker jobs

Revision ID: 0007_fleet
Revises: 0007_wizard
Create Date: 2026-12-06 03:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import backend.db.types

revision: str = '0007_fleet'
down_revision: str | None = '0007_wizard'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'commune_signing_keys',
        sa.Column('key_id', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('commune_id', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('alg', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('public_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('private_key_enc', sa.Text(), nullable=False),
        sa.Column('created_at', backend.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['commune_id'], ['communes.id']),
        sa.PrimaryKeyConstraint('key_id'),
        sa.UniqueConstraint('commune_id', 'seq', name='uq_commune_signing_keys_seq'),
    )
    with op.batch_alter_table('commune_signing_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commune_signing_keys_commune_id'), ['commune_id'],
                              unique=False)


    op.create_table(
        'commune_clocks',
        sa.Column('commune_id', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('hlc', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.PrimaryKeyConstraint('commune_id'),
    )


    op.create_table(
        'push_outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('dossier_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column('created_at', backend.db.types.UTCDateTime(), nullable=False),
        sa.Column('next_attempt_at', backend.db.types.UTCDateTime(), nullable=False),
        sa.Column('locked_until', backend.db.types.UTCDateTime(), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('done_at', backend.db.types.UTCDateTime(), nullable=True),
        sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_push_outbox_next_attempt_at'), 'push_outbox', ['next_attempt_at'],
                    unique=False)
    op.create_index(op.f('ix_push_outbox_done_at'), 'push_outbox', ['done_at'], unique=False)
    op.create_table(
        'push_deliveries',
        sa.Column('notice_id', sa.Integer(), nullable=False),
        sa.Column('subscription_id', sqlmodel.sql.sqltypes.AutoString(length=36),
                  nullable=False),
        sa.Column('status', sa.Integer(), nullable=False),
        sa.Column('delivered_at', backend.db.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('notice_id', 'subscription_id'),
    )
    op.create_table(
        'worker_jobs',
        sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('next_run_at', backend.db.types.UTCDateTime(), nullable=False),
        sa.Column('last_run_at', backend.db.types.UTCDateTime(), nullable=True),
        sa.Column('last_result', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.PrimaryKeyConstraint('name'),
    )


def downgrade() -> None:
    op.drop_table('worker_jobs')
    op.drop_table('push_deliveries')
    op.drop_index(op.f('ix_push_outbox_done_at'), table_name='push_outbox')
    op.drop_index(op.f('ix_push_outbox_next_attempt_at'), table_name='push_outbox')
    op.drop_table('push_outbox')
    op.drop_table('commune_clocks')
    with op.batch_alter_table('commune_signing_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commune_signing_keys_commune_id'))
    op.drop_table('commune_signing_keys')

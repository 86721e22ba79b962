"""fleet: commune signing keys (sealed under the key-encryption key) and commune clocks

Revision ID: 0007_fleet
Revises: 0006
Create Date: 2026-12-06 03:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import backend.db.types

revision: str = '0007_fleet'
down_revision: str | None = '0006'
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


def downgrade() -> None:
    op.drop_table('commune_clocks')
    with op.batch_alter_table('commune_signing_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commune_signing_keys_commune_id'))
    op.drop_table('commune_signing_keys')

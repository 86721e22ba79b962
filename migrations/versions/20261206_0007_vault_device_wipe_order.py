"""device wipe order (lost-phone drill)

Revision ID: 0007_vault
Revises: 0007_province
Create Date: 2026-12-06 04:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import backend.db.types

revision: str = '0007_vault'
down_revision: str | None = '0007_province'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wipe_ordered_at', backend.db.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('wiped_at', backend.db.types.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.drop_column('wiped_at')
        batch_op.drop_column('wipe_ordered_at')

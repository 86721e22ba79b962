"""member status: a newborn added from a birth registration stays pending until the result

Revision ID: 0007_wizard
Revises: 0007_officer
Create Date: 2026-12-06 03:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0007_wizard'
down_revision: str | None = '0007_officer'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16),
                                      nullable=False, server_default='active'))
        batch_op.add_column(sa.Column('source_dossier_id',
                                      sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True))
        batch_op.create_index(batch_op.f('ix_members_source_dossier_id'), ['source_dossier_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_members_source_dossier_id'))
        batch_op.drop_column('source_dossier_id')
        batch_op.drop_column('status')

"""officer: citizen ratings apart from the volunteer's; the commune's signer name and title

Revision ID: 0007_officer
Revises: 0006
Create Date: 2026-12-06 03:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import backend.db.types

revision: str = '0007_officer'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('citizen_ratings',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('dossier_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('rating', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('comment', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('rated_at', backend.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('device_user_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('commune_id', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('village_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', backend.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['device_user_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('dossier_id')
    )
    with op.batch_alter_table('citizen_ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_citizen_ratings_commune_id'), ['commune_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_citizen_ratings_village_id'), ['village_id'],
                              unique=False)
    with op.batch_alter_table('communes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signer_name', sqlmodel.sql.sqltypes.AutoString(length=120),
                                      nullable=False, server_default=''))
        batch_op.add_column(sa.Column('signer_title',
                                      sqlmodel.sql.sqltypes.AutoString(length=120),
                                      nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('communes', schema=None) as batch_op:
        batch_op.drop_column('signer_title')
        batch_op.drop_column('signer_name')
    with op.batch_alter_table('citizen_ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_citizen_ratings_village_id'))
        batch_op.drop_index(batch_op.f('ix_citizen_ratings_commune_id'))
    op.drop_table('citizen_ratings')

"""review supplement requests and results

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 14:14:48.854832
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import backend.db.types

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('dossier_results',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('dossier_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('commune_id', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('village_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('official_code', sqlmodel.sql.sqltypes.AutoString(length=48), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('document_kind', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('document_number', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('summary', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('content', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('result_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('record', sa.Text(), nullable=False),
    sa.Column('sig', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('key_id', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('qr_text', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.Column('pdf_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('issued_by', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('issued_at', backend.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], ),
    sa.ForeignKeyConstraint(['issued_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('dossier_id')
    )
    with op.batch_alter_table('dossier_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_results_commune_id'), ['commune_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_results_official_code'), ['official_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_results_pdf_sha256'), ['pdf_sha256'], unique=False)

    op.create_table('supplement_requests',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('dossier_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('commune_id', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('village_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('requested_by', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('requested_at', backend.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('items', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('closed_at', backend.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], ),
    sa.ForeignKeyConstraint(['requested_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('supplement_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supplement_requests_commune_id'), ['commune_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supplement_requests_dossier_id'), ['dossier_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('supplement_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supplement_requests_dossier_id'))
        batch_op.drop_index(batch_op.f('ix_supplement_requests_commune_id'))

    op.drop_table('supplement_requests')
    with op.batch_alter_table('dossier_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_results_pdf_sha256'))
        batch_op.drop_index(batch_op.f('ix_dossier_results_official_code'))
        batch_op.drop_index(batch_op.f('ix_dossier_results_commune_id'))

    op.drop_table('dossier_results')

"""privacy2: blobs sealed at rest — the content key of each blob, itself sealed

Schema only: the blobs written before this stay plain and readable; `langso blobs seal` seals
them (it needs the blob store, which a migration does not know). The downgrade refuses while
any blob is sealed: run `langso blobs unseal` first, or the files would no longer open.

Revision ID: 0009_privacy2
Revises: 0008_pdp
Create Date: 2026-12-06 06:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_privacy2"
down_revision: str | None = "0008_pdp"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("blobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content_key", sa.Text(), nullable=True))


def downgrade() -> None:
    sealed = op.get_bind().execute(
        sa.text("SELECT count(*) FROM blobs WHERE content_key IS NOT NULL")).scalar_one()
    if sealed:
        raise RuntimeError(f"{sealed} blob(s) are sealed: run `langso blobs unseal` before "
                           "downgrading, or their files will not open")
    with op.batch_alter_table("blobs", schema=None) as batch_op:
        batch_op.drop_column("content_key")

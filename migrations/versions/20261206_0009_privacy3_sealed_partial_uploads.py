"""privacy3: uploads in progress sealed at rest — the key of each partial upload, itself sealed

Schema only: uploads begun before this keep a NULL key and stay plain until they finish (then
sealed like every blob) or are purged after 7 days untouched. The downgrade refuses while an
upload in progress is sealed (its bytes would no longer open): let them finish or purge them.

Revision ID: 0009_privacy3
Revises: 0009_scale
Create Date: 2026-12-06 07:55:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_privacy3"
down_revision: str | None = "0009_scale"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("uploads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content_key", sa.Text(), nullable=True))


def downgrade() -> None:
    sealed = op.get_bind().execute(
        sa.text("SELECT count(*) FROM uploads WHERE content_key IS NOT NULL")).scalar_one()
    if sealed:
        raise RuntimeError(f"{sealed} upload(s) in progress are sealed: let them finish or "
                           "let the worker purge them (7 days untouched) before downgrading")
    with op.batch_alter_table("uploads", schema=None) as batch_op:
        batch_op.drop_column("content_key")

"""province roles (users.province_id) and the service-index rollups

Revision ID: 0007_province
Revises: 0007_fleet
Create Date: 2026-12-06 04:15:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007_province"
down_revision: str | None = "0007_fleet"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTERS = ("submitted", "received", "refused", "finished", "finished_early",
            "finished_on_time", "returned", "results_issued", "supplements", "apologies",
            "rated", "satisfied", "timed", "fast", "prefilled_fields", "total_fields")


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("province_id", sqlmodel.sql.sqltypes.AutoString(length=8),
                                      nullable=True))
        batch_op.create_index(batch_op.f("ix_users_province_id"), ["province_id"], unique=False)
        batch_op.create_foreign_key("fk_users_province_id_provinces", "provinces",
                                    ["province_id"], ["id"])
    op.create_table(
        "dossier_rollups",
        sa.Column("commune_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("procedure_code", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        # Counters default to 0 in the database too: a row written by plain SQL (a bulk
        # import, the benchmark's seed) need not name every counter.
        *[sa.Column(name, sa.Integer(), nullable=False, server_default="0")
          for name in COUNTERS[:6]],
        sa.Column("processing_seconds", sa.BigInteger(), nullable=False, server_default="0"),
        *[sa.Column(name, sa.Integer(), nullable=False, server_default="0")
          for name in COUNTERS[6:]],
        sa.PrimaryKeyConstraint("commune_id", "procedure_code", "day"),
    )
    op.create_index("ix_dossier_rollups_commune_day", "dossier_rollups", ["commune_id", "day"])
    open_ = sa.text("status IN ('received', 'processing')")
    op.create_index("ix_dossiers_open_due", "dossiers", ["commune_id", "due_date"],
                    postgresql_where=open_, sqlite_where=open_)


def downgrade() -> None:
    op.drop_index("ix_dossiers_open_due", table_name="dossiers")
    op.drop_index("ix_dossier_rollups_commune_day", table_name="dossier_rollups")
    op.drop_table("dossier_rollups")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint("fk_users_province_id_provinces", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_users_province_id"))
        batch_op.drop_column("province_id")

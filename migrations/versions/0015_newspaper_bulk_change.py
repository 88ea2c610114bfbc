"""newspaper_bulk_change: bulk status changes of dispatch orders, kept for their undo

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa

import db.types
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "newspaper_bulk_change",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column(
            "edition_id",
            sa.Integer,
            sa.ForeignKey("newspaper_edition.id", name=op.f("fk_newspaper_bulk_change_edition_id_newspaper_edition")),
            nullable=False,
        ),
        sa.Column("from_status", sa.String(10), nullable=False),
        sa.Column("to_status", sa.String(10), nullable=False),
        sa.Column("order_ids", sa.JSON(), nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("tracking_set", sa.Boolean(), nullable=False),
        sa.Column(
            "user_id",
            sa.Integer,
            sa.ForeignKey("app_user.id", ondelete="SET NULL", name=op.f("fk_newspaper_bulk_change_user_id_app_user")),
        ),
        sa.Column("created_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("undone_at", db.types.UTCDateTime()),
        sa.Column(
            "undone_by",
            sa.Integer,
            sa.ForeignKey("app_user.id", ondelete="SET NULL", name=op.f("fk_newspaper_bulk_change_undone_by_app_user")),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_newspaper_bulk_change")),
    )
    op.create_index("ix_newspaper_bulk_change_edition_created", "newspaper_bulk_change", ["edition_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_newspaper_bulk_change_edition_created", table_name="newspaper_bulk_change")
    op.drop_table("newspaper_bulk_change")

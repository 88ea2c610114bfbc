"""login sessions kept on the server: user_session (id, user, created, last seen, ended, why)

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa

import db.types
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

END_REASONS = ("logout", "idle", "password_changed", "password_reset", "deactivated", "logged_out_everywhere", "locked")


def upgrade() -> None:
    # Cookies issued before this revision carry no session id: their holders log in once more.
    op.create_table(
        "user_session",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column(
            "user_id",
            sa.Integer,
            sa.ForeignKey("app_user.id", ondelete="CASCADE", name=op.f("fk_user_session_user_id_app_user")),
            nullable=False,
        ),
        sa.Column("created_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("ended_at", db.types.UTCDateTime()),
        sa.Column("end_reason", sa.String(24)),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_session")),
        sa.CheckConstraint(f"end_reason IN {END_REASONS!r}", name=op.f("ck_user_session_end_reason")),
    )
    op.create_index("ix_user_session_user_id", "user_session", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_user_session_user_id", table_name="user_session")
    op.drop_table("user_session")

"""ladder: indexes for the Entwicklung page (issue 10)

The ladder counts who entered in a period per day and source, and how many days the steps took: covering
indexes on the entry date (nationally and per Land) let both databases read them without the table and
without a sort; partial indexes on the step dates count who became active or a member in a period.

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa

from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

LADDER = ["contact_since", "source", "active_since", "member_since"]


def upgrade() -> None:
    op.create_index("ix_contact_ladder", "contact", LADDER)
    op.create_index("ix_contact_land_ladder", "contact", ["land_code", *LADDER])
    for step in ("active_since", "member_since"):
        where = sa.text(f"{step} IS NOT NULL")
        op.create_index(
            f"ix_contact_{step}", "contact", [step, "land_code"], sqlite_where=where, postgresql_where=where
        )


def downgrade() -> None:
    for name in ("ix_contact_member_since", "ix_contact_active_since", "ix_contact_land_ladder", "ix_contact_ladder"):
        op.drop_index(name, table_name="contact")

"""ladder: indexes for the Entwicklung page (issue 10)

The ladder counts who entered in a period per day and source, and how many days the steps took: covering
indexes on the entry date (nationally, per Land and per KV) let both databases read them without the table
and without a sort; partial indexes on the step dates count who became active or a member in a period, and
one on the answered deliveries finds what those people had answered before.

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


def _partial(name: str, table: str, columns: list[str], condition: str) -> None:
    where = sa.text(condition)
    op.create_index(name, table, columns, sqlite_where=where, postgresql_where=where)


def upgrade() -> None:
    op.create_index("ix_contact_ladder", "contact", LADDER)
    op.create_index("ix_contact_land_ladder", "contact", ["land_code", *LADDER])
    op.create_index("ix_contact_kv_ladder", "contact", ["kv_id", *LADDER])
    # The id too: PostgreSQL then joins who became active to their answers from the index alone.
    _partial(
        "ix_contact_active_since", "contact", ["active_since", "land_code", "kv_id", "id"], "active_since IS NOT NULL"
    )
    _partial("ix_contact_member_since", "contact", ["member_since", "land_code", "kv_id"], "member_since IS NOT NULL")
    _partial(
        "ix_call_delivery_answered",
        "call_delivery",
        ["contact_id", "responded_at", "call_id", "response"],
        "responded_at IS NOT NULL",
    )


def downgrade() -> None:
    op.drop_index("ix_call_delivery_answered", table_name="call_delivery")
    for name in (
        "ix_contact_member_since",
        "ix_contact_active_since",
        "ix_contact_kv_ladder",
        "ix_contact_land_ladder",
        "ix_contact_ladder",
    ):
        op.drop_index(name, table_name="contact")

"""contact.topic_mask: the topics as bits beside the ladder (issue 10, Entwicklung by topic)

The Entwicklung page's split by topic joined everyone who entered in the period with their topic rows:
1-2.5 s for all Germany at 1M contacts. With the topics as bits in the ladder indexes, both databases
group the people from one covering index (db/topic_mask.py keeps the bits by triggers on contact_topic).

The rollup triggers are installed again: a deleted contact's topics are now counted out before the
delete and deleted after it (db/rollups.py), so that the mask trigger never updates a row being deleted.

Revision ID: 0024
Revises: 0023
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

OLD_LADDER = ["contact_since", "source", "active_since", "member_since"]
NEW_LADDER = [*OLD_LADDER, "topic_mask"]
INDEXES = (("ix_contact_ladder", []), ("ix_contact_land_ladder", ["land_code"]), ("ix_contact_kv_ladder", ["kv_id"]))


def _indexes(columns: list[str]) -> None:
    for name, area in INDEXES:
        op.drop_index(name, table_name="contact")
        op.create_index(name, "contact", [*area, *columns])


def upgrade() -> None:
    from db import rollups, topic_mask

    # A plain ADD COLUMN (no batch copy of the table, which would drop its triggers on SQLite).
    op.add_column("contact", sa.Column("topic_mask", sa.Integer(), server_default="0", nullable=False))
    conn = op.get_bind()
    # Without the rollup triggers while every contact's mask is written: they would compare a million old
    # and new rows for changes they do not count (PostgreSQL: minutes at 1M contacts).
    rollups.drop_triggers(conn)
    topic_mask.rebuild(conn)
    topic_mask.install_triggers(conn)
    rollups.install_triggers(conn)
    _indexes(NEW_LADDER)


def downgrade() -> None:
    from db import topic_mask

    _indexes(OLD_LADDER)
    topic_mask.drop_triggers(op.get_bind())
    op.drop_column("contact", "topic_mask")

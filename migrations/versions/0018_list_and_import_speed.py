"""list_and_import_speed: indexes for the list and the import at 1M (issue 15)

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

# PostgreSQL only, made here by hand (tests/unit/test_migrations.HAND_MADE), like the name-search indexes.
# The list's counts in a Land or with a topic join the contacts of an area with the people of a topic;
# PostgreSQL hashes both sides, and with only (land_code, status) and (topic) it fetched every row of both
# from the table (a Land's "Miete" count 500-800 ms). With the id and contact_id in the index both sides are
# index-only scans. SQLite needs neither: its indexes carry the rowid, and contact_topic's key is the pair.
INDEXES = {
    "ix_contact_land_id": "contact (land_code, id)",
    "ix_contact_topic_topic_contact": "contact_topic (topic, contact_id)",
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, target in INDEXES.items():
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")

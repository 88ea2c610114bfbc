"""list_and_import_speed: indexes for the list and the import at 1M (issue 15)

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

from alembic import op  # noqa: F401

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

# Intentionally empty. Tried on PostgreSQL at 1M and left out: contact (land_code, id) and contact_topic
# (topic, contact_id) as covering indexes for the Liste's counts. They made a Land's topic count an
# index-only scan, but the planner then joined a national three-filter count (status + topic + consent)
# through the topic index and a spilling hash of every consent: 1-2 s became 5-6 s. The KV scope's cost
# was fixed in the query instead (db/queries/contacts/listing._kv_or_shared).


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

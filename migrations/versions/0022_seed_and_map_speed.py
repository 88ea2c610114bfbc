"""seed_and_map_speed: two contact-side indexes made cheaper to build at 1M (issue 12, seed)

Revision ID: 0022
Revises: 0021
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

# Every secondary index is built once more by each big load (services/seed drops and rebuilds them), and on
# SQLite one after the other: an index that another one already serves is pure cost.
#
# - ix_consent_purpose_channel (purpose, channel, contact_id) is the leading part of ix_consent_pc_latest
#   (purpose, channel, contact_id, granted_at, id, withdrawn_at, migration 0006): every query it served is
#   served by that one, which also covers "latest record decides". Three million entries fewer to build.
# - ix_contact_import_batch_id: most contacts were typed in, not imported (NULL). Each query on it compares
#   with '=' (the list filter, an import's rollback, "has this batch people"), which implies IS NOT NULL, so a
#   partial index serves them all on both databases.
IMPORTED = sa.text("import_batch_id IS NOT NULL")


def upgrade() -> None:
    op.drop_index("ix_consent_purpose_channel", table_name="consent")
    op.drop_index("ix_contact_import_batch_id", table_name="contact")
    op.create_index(
        "ix_contact_import_batch_id", "contact", ["import_batch_id"], sqlite_where=IMPORTED, postgresql_where=IMPORTED
    )


def downgrade() -> None:
    op.drop_index("ix_contact_import_batch_id", table_name="contact")
    op.create_index("ix_contact_import_batch_id", "contact", ["import_batch_id"])
    op.create_index("ix_consent_purpose_channel", "consent", ["purpose", "channel", "contact_id"])

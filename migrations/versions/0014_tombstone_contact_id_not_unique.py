"""erasure tombstones: contact_id is indexed, not unique (SQLite reuses the highest id after an erasure)

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Without AUTOINCREMENT, SQLite gives a new contact the highest id + 1: erasing the newest person
    # frees their id for the next one, who may be erased too. Both tombstones must be kept; a restore
    # tells them apart by time (an erasure only applies to a contact created before it).
    with op.batch_alter_table("erasure_tombstone") as batch:
        batch.drop_constraint("uq_erasure_tombstone_contact_id", type_="unique")
        batch.create_index("ix_erasure_tombstone_contact_id", ["contact_id"])


def downgrade() -> None:
    with op.batch_alter_table("erasure_tombstone") as batch:
        batch.drop_index("ix_erasure_tombstone_contact_id")
        batch.create_unique_constraint("uq_erasure_tombstone_contact_id", ["contact_id"])

"""index on contact.updated_at (the map's cache fingerprint reads max(updated_at))

Revision ID: 0004
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_contact_updated_at", "contact", ["updated_at"], unique=False, if_not_exists=True)


def downgrade() -> None:
    op.drop_index("ix_contact_updated_at", table_name="contact")

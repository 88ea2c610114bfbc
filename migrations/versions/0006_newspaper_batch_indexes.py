"""indexes for the newspaper batch: latest consent per purpose/channel (covering), contacts with address per PLZ

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

ADDRESS = "street <> '' AND city <> ''"


def upgrade() -> None:
    # Covering for "latest record of (contact, purpose, channel) decides": the consent check
    # of a batch reads only this index, and one purpose/channel is one contiguous range.
    op.create_index(
        "ix_consent_pc_latest",
        "consent",
        ["purpose", "channel", "contact_id", "granted_at", "id", "withdrawn_at"],
        unique=False,
        if_not_exists=True,
    )
    # Contacts with a complete address per PLZ: the batch walks white-spot PLZ without
    # touching the contact rows.
    op.create_index(
        "ix_contact_plz_address",
        "contact",
        ["plz"],
        unique=False,
        if_not_exists=True,
        sqlite_where=sa.text(ADDRESS),
        postgresql_where=sa.text(ADDRESS),
    )
    if op.get_bind().dialect.name == "sqlite":
        # Without statistics for the new indexes SQLite keeps its old choice on existing data.
        op.execute("ANALYZE ix_consent_pc_latest")
        op.execute("ANALYZE ix_contact_plz_address")


def downgrade() -> None:
    op.drop_index("ix_contact_plz_address", table_name="contact")
    op.drop_index("ix_consent_pc_latest", table_name="consent")

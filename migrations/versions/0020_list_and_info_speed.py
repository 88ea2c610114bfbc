"""list_and_info_speed: indexes for the Liste counts and the Info audience at 1M (issues 10, 15)

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

# Reserved so that work on several issues can add its schema changes without forking the chain.
# Empty until that work lands; an empty revision changes nothing.


# --- issue 10 (Info audience at 1M): begin ---
# The Info audience's three inputs in contact-id order, read from indexes alone, so PostgreSQL merges them:
# the people with a topic, the contacts one can mail (the predicate is the literal text of
# db.queries.info._reachable), and the withdrawn consent records (a tenth of all) for "latest record decides".
INFO_MAILABLE = sa.text("unconfirmed_since IS NULL AND email LIKE '%@%.%'")
INFO_WITHDRAWN = sa.text("withdrawn_at IS NOT NULL")


def _info_upgrade() -> None:
    op.create_index("ix_contact_topic_topic_contact", "contact_topic", ["topic", "contact_id"])
    op.create_index(
        "ix_contact_mailable",
        "contact",
        ["id", "kv_id", "land_code"],
        sqlite_where=INFO_MAILABLE,
        postgresql_where=INFO_MAILABLE,
    )
    op.create_index(
        "ix_consent_withdrawn",
        "consent",
        ["purpose", "channel", "contact_id", "granted_at", "id", "withdrawn_at"],
        sqlite_where=INFO_WITHDRAWN,
        postgresql_where=INFO_WITHDRAWN,
    )


def _info_downgrade() -> None:
    op.drop_index("ix_consent_withdrawn", table_name="consent")
    op.drop_index("ix_contact_mailable", table_name="contact")
    op.drop_index("ix_contact_topic_topic_contact", table_name="contact_topic")


# --- issue 10: end ---


def upgrade() -> None:
    _info_upgrade()


def downgrade() -> None:
    _info_downgrade()

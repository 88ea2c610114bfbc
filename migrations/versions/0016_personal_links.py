"""personal_links: personal links: one-time token uses, sign-up confirmation state (issue 10)

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa

import db.types
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

_UNCONFIRMED = sa.text("unconfirmed_since IS NOT NULL")
_UNSUBSCRIBE = sa.text("kind = 'link_unsubscribe'")


def upgrade() -> None:
    # A plain ADD COLUMN (nullable, no default): no batch rebuild of the contact table on SQLite.
    op.add_column("contact", sa.Column("unconfirmed_since", db.types.UTCDateTime(), nullable=True))
    op.create_index(
        "ix_contact_unconfirmed_since",
        "contact",
        ["unconfirmed_since"],
        sqlite_where=_UNCONFIRMED,
        postgresql_where=_UNCONFIRMED,
    )
    op.create_table(
        "link_token_use",
        sa.Column("nonce", sa.String(40), nullable=False),
        sa.Column(
            "contact_id",
            sa.Integer,
            sa.ForeignKey("contact.id", ondelete="CASCADE", name=op.f("fk_link_token_use_contact_id_contact")),
            nullable=False,
        ),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("used_at", db.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("nonce", name=op.f("pk_link_token_use")),
    )
    op.create_index("ix_link_token_use_contact_id", "link_token_use", ["contact_id"])
    op.create_index(
        "ix_activity_link_unsubscribe",
        "activity",
        ["ref_type", "ref_id"],
        sqlite_where=_UNSUBSCRIBE,
        postgresql_where=_UNSUBSCRIBE,
    )


def downgrade() -> None:
    op.drop_index("ix_activity_link_unsubscribe", table_name="activity")
    op.drop_index("ix_link_token_use_contact_id", table_name="link_token_use")
    op.drop_table("link_token_use")
    op.drop_index("ix_contact_unconfirmed_since", table_name="contact")
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_column("unconfirmed_since")

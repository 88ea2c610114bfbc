"""consent_active: the active consents as a table kept by triggers, and contact (status, id) (issue 15, Liste)

The Liste's count of all Germany with a status, a topic and a consent read the consent ledger's
"latest record decides" for 460,000 records and hashed them (about a second on PostgreSQL at 1M).
consent_active holds the decided state (db/consent_state.py); with (status, id) beside the topic index
PostgreSQL merges three ordered id lists, and with the id in the KV and Land status indexes it counts a
Land's people from the indexes alone (reading the table's pages for 70,000 people cost 200-400 ms).

Revision ID: 0023
Revises: 0022
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from db import consent_state

    op.create_table(
        "consent_active",
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("contact_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("purpose", "channel", "contact_id", name=op.f("pk_consent_active")),
    )
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        # Every newspaper consent is by post: without statistics on both columns together PostgreSQL takes
        # purpose and channel as independent, guesses a quarter of the rows and picks a worse join.
        op.execute("CREATE STATISTICS st_consent_active_pc (mcv) ON purpose, channel FROM consent_active")
    consent_state.rebuild(conn)
    consent_state.install_triggers(conn)
    op.drop_index("ix_contact_status", table_name="contact")
    op.create_index("ix_contact_status_id", "contact", ["status", "id"])
    for name, column in (("ix_contact_kv_status", "kv_id"), ("ix_contact_land_status", "land_code")):
        op.drop_index(name, table_name="contact")
        op.create_index(name, "contact", [column, "status", "id"])


def downgrade() -> None:
    from db import consent_state

    for name, column in (("ix_contact_kv_status", "kv_id"), ("ix_contact_land_status", "land_code")):
        op.drop_index(name, table_name="contact")
        op.create_index(name, "contact", [column, "status"])
    op.drop_index("ix_contact_status_id", table_name="contact")
    op.create_index("ix_contact_status", "contact", ["status"])
    consent_state.drop_triggers(op.get_bind())
    op.drop_table("consent_active")

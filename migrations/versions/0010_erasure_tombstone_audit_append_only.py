"""erasure tombstones (id, when, why) and an append-only audit log (triggers refuse UPDATE and DELETE)

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa

import db.types
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# As in db/audit_guard.py at the time of writing (a migration keeps its own copy).
MESSAGE = "audit_event is append-only"
SQLITE_TRIGGERS = (
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}: UPDATE refused'); END",
    "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}: DELETE refused'); END",
)
PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$
"""
PG_TRIGGERS = (
    "CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
    "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()",
)


def upgrade() -> None:
    op.create_table(
        "erasure_tombstone",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("contact_id", sa.Integer, nullable=False),
        sa.Column("erased_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.CheckConstraint("reason IN ('art17','retention')", name="ck_erasure_tombstone_reason"),
        sa.UniqueConstraint("contact_id", name="uq_erasure_tombstone_contact_id"),
    )
    op.create_index("ix_erasure_tombstone_erased_at", "erasure_tombstone", ["erased_at"])
    # Table owners keep UPDATE/DELETE whatever is revoked: triggers hold for every role.
    # A later batch rebuild of audit_event on SQLite would drop these triggers: re-create them then.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        for sql in PG_TRIGGERS:
            op.execute(sql)
    else:
        for sql in SQLITE_TRIGGERS:
            op.execute(sql)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_change ON audit_event")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
    op.drop_index("ix_erasure_tombstone_erased_at", table_name="erasure_tombstone")
    op.drop_table("erasure_tombstone")

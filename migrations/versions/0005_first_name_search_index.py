"""first-name prefix index for the contact search (one word matches last or first name)

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Hand-made like 0001's name-search indexes: the expressions differ per database.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            'CREATE INDEX IF NOT EXISTS ix_contact_first_name_c ON contact ((lower(first_name) COLLATE "C"), id)'
        )
    else:
        op.execute("CREATE INDEX IF NOT EXISTS ix_contact_first_name_nocase ON contact (first_name COLLATE NOCASE, id)")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_contact_first_name_c")
    op.execute("DROP INDEX IF EXISTS ix_contact_first_name_nocase")

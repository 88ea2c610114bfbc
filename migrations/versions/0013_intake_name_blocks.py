"""indexes for the import's duplicate blocking: people of a PLZ by the first two letters of a name

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# Expression indexes, made here only (like the name-search indexes): the import reads the people of a PLZ
# whose first or last name starts like a new person's (db/queries/intake.people_like); without them a
# national file makes the database read every contact of every PLZ in it.
INDEXES = {
    "ix_contact_plz_last2": "contact (plz, (lower(substr(last_name, 1, 2))))",
    "ix_contact_plz_first2": "contact (plz, (lower(substr(first_name, 1, 2))))",
}


def upgrade() -> None:
    for name, target in INDEXES.items():
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")
    if op.get_bind().dialect.name == "sqlite":
        for name in INDEXES:
            op.execute(f"ANALYZE {name}")


def downgrade() -> None:
    for name in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")

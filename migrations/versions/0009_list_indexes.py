"""name order of the Linksaktive list on SQLite: (last_name, first_name, id) case-insensitive; NOCASE restored

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# The hand-made search indexes of 0001 and 0005 (DESIGN §8). 0008 rebuilt the contact table on SQLite
# (batch mode, for the new foreign key) and Alembic recreated them from reflection, which drops
# COLLATE NOCASE: the search's case-insensitive prefix ranges no longer matched them and read the
# whole table (an e-mail prefix at 1M contacts: 0.8 s and more instead of a few ms).
SEARCH_INDEXES = {
    "ix_contact_last_name_nocase": "last_name COLLATE NOCASE, id",
    "ix_contact_email_nocase": "email COLLATE NOCASE, id",
    "ix_contact_first_name_nocase": "first_name COLLATE NOCASE, id",
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name, columns in SEARCH_INDEXES.items():
        op.execute(f"DROP INDEX IF EXISTS {name}")
        op.execute(f"CREATE INDEX {name} ON contact ({columns})")
    # The list sorts by last name, then first name, then id. SQLite does not finish that sort from
    # the last-name index (last_name, id): it sorted all 1,000,000 rows for every first page
    # (170-280 ms on the benchmark; with this index 0.3 ms). PostgreSQL finishes it from
    # ix_contact_last_name_c with an incremental sort and needs no new index.
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_contact_name_nocase "
        "ON contact (last_name COLLATE NOCASE, first_name COLLATE NOCASE, id)"
    )
    for name in (*SEARCH_INDEXES, "ix_contact_name_nocase"):
        op.execute(f"ANALYZE {name}")


def downgrade() -> None:
    # The restored search indexes stay: they are what 0001 and 0005 created.
    op.execute("DROP INDEX IF EXISTS ix_contact_name_nocase")

"""overview_rollups: rollup tables that keep the national and regional aggregates (issue 12)

Four append-only count tables (db/models/rollup.py), filled from the contacts once here and kept current
by triggers (db/rollups.py), so that the Übersicht and the Karte of all Germany read thousands of rows
instead of a million.

Revision ID: 0021
Revises: 0020
"""

from __future__ import annotations

import sqlalchemy as sa

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

TABLES = {
    "rollup_plz_status": [sa.Column("plz", sa.String(5)), sa.Column("status", sa.String(10))],
    "rollup_plz_topic": [sa.Column("plz", sa.String(5)), sa.Column("topic", sa.String(20), nullable=False)],
    "rollup_kv_source": [sa.Column("source", sa.String(20))],
    "rollup_kv_day": [sa.Column("day", sa.Date())],
}


def upgrade() -> None:
    from db import rollups

    for name, columns in TABLES.items():
        op.create_table(
            name,
            sa.Column("id", sa.Integer(), primary_key=True),
            sa.Column("kv_id", sa.Integer()),
            sa.Column("land_code", sa.String(2)),
            *columns,
            sa.Column("n", sa.Integer(), nullable=False),
        )
        op.create_index(f"ix_{name}_kv", name, ["kv_id", "day"] if name == "rollup_kv_day" else ["kv_id"])
        op.create_index(f"ix_{name}_land", name, ["land_code", "day"] if name == "rollup_kv_day" else ["land_code"])
    op.create_index("ix_rollup_kv_day_day", "rollup_kv_day", ["day"])
    conn = op.get_bind()
    rollups.rebuild(conn)
    rollups.install_triggers(conn)


def downgrade() -> None:
    from db import rollups

    rollups.drop_triggers(op.get_bind())
    for name in TABLES:
        op.drop_table(name)

"""SQLite's hand-made case-insensitive indexes keep COLLATE NOCASE after every migration.

Alembic's batch mode rebuilds a table from reflection and silently drops an index's collation (0008
did); the search's and the list's case-insensitive ranges then read the whole table.
"""

from __future__ import annotations

import sqlite3

from tests.support.databases import fresh_database

NOCASE_INDEXES = {
    "ix_contact_last_name_nocase": ["last_name", "id"],
    "ix_contact_email_nocase": ["email", "id"],
    "ix_contact_first_name_nocase": ["first_name", "id"],
    "ix_contact_name_nocase": ["last_name", "first_name", "id"],
}


def test_nocase_indexes_survive_the_migrations(tmp_path):
    url = fresh_database("sqlite", tmp_path, suffix="collations")
    con = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        for name, columns in NOCASE_INDEXES.items():
            # index_xinfo: (seqno, cid, name, desc, collation, key); the key columns in order.
            info = [r for r in con.execute(f"PRAGMA index_xinfo({name})") if r[5]]
            assert [r[2] for r in info] == columns, name
            text_columns = [r for r in info if r[2] != "id"]
            assert {r[4] for r in text_columns} == {"NOCASE"}, (name, info)
    finally:
        con.close()

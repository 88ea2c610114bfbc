"""One Alembic head; the migrated schema equals the models (except hand-made name-search indexes)."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from db.engine import make_engine
from db.migrate import heads
from db.models import Base
from tests.support.databases import fresh_database

# Created by hand in 0001 per database (DESIGN §8); the models do not declare them.
HAND_MADE = {
    "ix_contact_plz_last2",
    "ix_contact_plz_first2",
    "ix_contact_last_name_c",
    "ix_contact_email_c",
    "ix_contact_search_trgm",
    "ix_contact_last_name_nocase",
    "ix_contact_email_nocase",
    "ix_contact_first_name_c",
    "ix_contact_first_name_nocase",
    "ix_contact_name_nocase",  # 0009, SQLite only
}


def test_exactly_one_head():
    assert len(heads()) == 1, heads()


def _name(diff) -> str | None:
    obj = diff[1] if isinstance(diff, tuple) and len(diff) > 1 else None
    return getattr(obj, "name", None)


@pytest.mark.parametrize("backend_name", ["sqlite", "postgresql"])
def test_no_autogenerate_diff(backend_name, tmp_path):
    if backend_name == "postgresql":
        from tests.support.databases import pg_url

        pg_url()
    eng = make_engine(fresh_database(backend_name, tmp_path, suffix="migr"))
    try:
        with eng.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            diffs = compare_metadata(ctx, Base.metadata)
    finally:
        eng.dispose()
    flat = [d for group in diffs for d in (group if isinstance(group, list) else [group])]
    rest = [d for d in flat if not (d[0] == "remove_index" and _name(d) in HAND_MADE)]
    assert rest == [], rest

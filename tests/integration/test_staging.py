"""Staging an INSERT's rows in a temporary table: same rows, gone afterwards, usable again."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from db.models import Contact
from db.queries.common.staging import staged


def test_staged_holds_the_selected_rows_and_is_dropped(session):
    stmt = select(Contact.id).where(Contact.land_code == "14")
    expected = set(session.scalars(stmt))
    assert expected
    for _ in range(2):  # a second batch in the same transaction can stage under the same name
        with staged(session, stmt, "probe") as table:
            assert set(session.scalars(select(table.c.id))) == expected
        with pytest.raises(DBAPIError), session.begin_nested():
            session.execute(select(func.count()).select_from(table))

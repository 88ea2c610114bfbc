"""Copies per Kreis of an edition on SQLite and PostgreSQL: by shipping PLZ, live orders only, scoped."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from sqlalchemy import select

from db.models import DispatchOrder, Plz, User
from db.queries.newspaper import BatchFilter
from domain.errors import NotFoundError, PermissionDenied
from services.core.scope import Scope, scope_for
from services.newspaper import edition_map, editions, orders, workflow

TEAM = Scope(role="team", user_id=None, username="team")


def _batch(session):
    ed = editions.create_edition(session, TEAM, "Karte", "", date(2025, 1, 1), 1_000_000, 10)
    flt = BatchFilter(reach_km=15.0)
    pv = orders.preview_batch(session, TEAM, ed, flt)
    orders.confirm_batch(session, TEAM, ed, flt, 1, pv.people, pv.copies)
    return ed


def test_copies_per_kreis_match_the_orders(session):
    ed = _batch(session)
    ids = list(
        session.scalars(select(DispatchOrder.id).where(DispatchOrder.edition_id == ed).order_by(DispatchOrder.id))
    )
    workflow.transition_orders(session, TEAM, ids[:3], "cancelled")
    live = session.execute(
        select(Plz.kreis_ags, DispatchOrder.copies)
        .join(Plz, Plz.plz == DispatchOrder.ship_plz)
        .where(DispatchOrder.edition_id == ed, DispatchOrder.id.not_in(ids[:3]))
    ).all()
    copies, count = Counter(), Counter()
    for ags, c in live:
        copies[ags] += c
        count[ags] += 1
    rows = edition_map.copies_per_kreis(session, TEAM, ed)
    assert {r["ags"]: (r["orders"], r["copies"]) for r in rows} == {a: (count[a], copies[a]) for a in copies}
    assert rows == sorted(rows, key=lambda r: (-r["copies"], r["ags"]))
    assert all(r["name"] and r["name"] != r["ags"] for r in rows)


def test_land_sees_only_its_kreise_and_leitung_none(session):
    ed = _batch(session)
    lv = scope_for(session.scalar(select(User).where(User.username == "lv-sachsen")))
    assert all(r["land_code"] == "14" for r in edition_map.copies_per_kreis(session, lv, ed))
    with pytest.raises(PermissionDenied):
        edition_map.copies_per_kreis(session, Scope(role="leitung", username="l"), ed)
    with pytest.raises(NotFoundError):
        edition_map.copies_per_kreis(session, TEAM, -1)

"""Übersicht figures equal direct counts; leitung's are suppressed (no value 1–4 anywhere)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from db.models import Contact, ContactTopic, Plz
from db.types import utcnow
from services.core.scope import Scope
from services.overview.figures import build_overview
from tests.support.scopes import kv_of, user_scope


def _count(session, *conds):
    return session.scalar(select(func.count()).select_from(Contact).where(*conds))


def test_kv_leipzig_figures_equal_direct_counts(session):
    scope = user_scope(session, "kv-leipzig")
    kv = kv_of(session, "14713")
    now = utcnow()
    ov = build_overview(session, scope, 15.0, now=now)
    assert ov.total == _count(session, Contact.kv_id == kv) > 0
    for status in ("contact", "active", "member"):
        assert ov.by_status[status] == _count(session, Contact.kv_id == kv, Contact.status == status)
    assert ov.new_7 == _count(session, Contact.kv_id == kv, Contact.created_at >= now - timedelta(days=7))
    assert ov.new_30 == _count(session, Contact.kv_id == kv, Contact.created_at >= now - timedelta(days=30))
    for source, n in ov.by_source.items():
        assert n == _count(session, Contact.kv_id == kv, Contact.source == source)
    for topic, n in ov.by_topic.items():
        assert n == session.scalar(
            select(func.count())
            .select_from(ContactTopic)
            .join(Contact, Contact.id == ContactTopic.contact_id)
            .where(Contact.kv_id == kv, ContactTopic.topic == topic)
        )
    far = _count(
        session,
        Contact.kv_id == kv,
        Contact.plz.in_(select(Plz.plz).where((Plz.nearest_office_km > 15.0) | Plz.nearest_office_km.is_(None))),
    )
    assert ov.without_office == far
    assert int(ov.weekly["Neue Linksaktive"].sum()) <= ov.total
    assert not ov.suppressed


def test_land_and_team_totals(session):
    assert build_overview(session, user_scope(session, "lv-sachsen"), 15.0).total == _count(
        session, Contact.land_code == "14"
    )
    assert build_overview(session, user_scope(session, "team"), 15.0).total == _count(session)


def _all_values(ov):
    values = [
        ov.total,
        ov.new_7,
        ov.new_30,
        ov.without_office,
        *ov.by_status.values(),
        *ov.by_source.values(),
        *ov.by_topic.values(),
    ]
    values += list(ov.weekly["Neue Linksaktive"].tolist())
    return values


def test_leitung_figures_are_suppressed(session):
    ov = build_overview(session, Scope("leitung", user_id=6, username="leitung"), 15.0)
    assert ov.suppressed and ov.notes
    assert not [v for v in _all_values(ov) if v is not None and 0 < v < 5]
    assert ov.total == _count(session)


def test_leitung_always_gets_the_configured_reach(session):
    # Another reach would let leitung subtract two views; the service ignores it, whatever the page sends.
    from services.core.settings import get_settings

    fixed = build_overview(session, Scope("leitung"), get_settings().office_reach_km)
    for reach in (0.0, 14.0, 40.0):
        ov = build_overview(session, Scope("leitung"), reach)
        assert ov.reach_km == get_settings().office_reach_km and ov.without_office == fixed.without_office
        assert not [v for v in _all_values(ov) if v is not None and 0 < v < 5]


def test_leitung_without_office_equals_the_karte(session):
    from db.queries.map.counts import ContactFilter
    from services.map import data as mapdata

    scope = user_scope(session, "leitung")
    ov = build_overview(session, scope, 15.0)
    assert ov.without_office == mapdata.build_view(session, scope, ContactFilter(), 15.0).far_total


def test_cached_figures_follow_new_contacts_and_office_changes(session):
    """The Übersicht is cached, but a new contact or a changed office shows at once."""
    scope = user_scope(session, "kv-leipzig")
    kv = kv_of(session, "14713")
    before = build_overview(session, scope, 15.0)
    sample = session.scalar(select(Contact).where(Contact.kv_id == kv).limit(1))
    session.add(
        Contact(
            first_name="Neu",
            last_name="Kontakt",
            plz=sample.plz,
            city=sample.city,
            kreis_ags=sample.kreis_ags,
            kv_id=kv,
            land_code=sample.land_code,
            status="contact",
            contact_since=utcnow().date(),
            source="infostand",
        )
    )
    session.flush()
    after = build_overview(session, scope, 15.0)
    assert after.total == before.total + 1
    assert after.new_7 == before.new_7 + 1
    # The office of a PLZ in reach closes: its contacts now count as without office in reach.
    near_plz = session.scalar(
        select(Contact.plz)
        .join(Plz, Plz.plz == Contact.plz)
        .where(Contact.kv_id == kv, Plz.nearest_office_km <= 15.0)
        .limit(1)
    )
    in_plz = _count(session, Contact.kv_id == kv, Contact.plz == near_plz)
    session.execute(Plz.__table__.update().where(Plz.plz == near_plz).values(nearest_office_km=40.0))
    later = build_overview(session, scope, 15.0)
    assert later.without_office == after.without_office + in_plz > after.without_office


def test_team_after_leitung_gets_its_own_figures(session):
    """Both have the national area; leitung's cached figures (protected, without per-PLZ counts) stay leitung's."""
    from services.overview.figures import clear_cache

    clear_cache()
    leitung = build_overview(session, user_scope(session, "leitung"), 15.0)
    team = build_overview(session, user_scope(session, "team"), 15.0)
    far = _count(
        session,
        Contact.plz.in_(select(Plz.plz).where((Plz.nearest_office_km > 15.0) | Plz.nearest_office_km.is_(None))),
    )
    assert team.without_office == far > 0 and not team.suppressed and leitung.suppressed

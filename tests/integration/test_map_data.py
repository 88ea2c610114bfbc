"""Karte data on SQLite and PostgreSQL: counts, scope, suppression, cache freshness, audit."""

from __future__ import annotations

from datetime import UTC

import pytest
from sqlalchemy import func, select

from db.models import AuditEvent, Contact, Kreis, Plz, User
from db.queries.map.counts import ContactFilter
from domain.errors import PermissionDenied, ValidationError
from services.core.scope import Scope
from services.map import data as mapdata


def _scope(session, username: str) -> Scope:
    from services.core.scope import scope_for

    return scope_for(session.scalar(select(User).where(User.username == username)))


def test_national_totals_match_the_database(session):
    mapdata.clear_cache()
    view = mapdata.build_view(session, Scope(role="team"), ContactFilter(), 15.0)
    assert view.total == session.scalar(select(func.count()).select_from(Contact))
    far = session.scalar(
        select(func.count())
        .select_from(Contact)
        .join(Plz, Plz.plz == Contact.plz)
        .where((Plz.nearest_office_km > 15.0) | Plz.nearest_office_km.is_(None))
    )
    assert view.far_total == far  # live KD-tree analysis agrees with the stored nearest office
    assert sum(s["count"] for s in view.spots) == far
    assert len(view.kreis_ags) == 400


def test_filters_narrow_the_counts(session):
    view = mapdata.build_view(session, Scope(role="admin"), ContactFilter(statuses=("member",)), 15.0)
    assert view.total == session.scalar(select(func.count()).select_from(Contact).where(Contact.status == "member"))
    land = mapdata.build_view(session, Scope(role="team"), ContactFilter(land_code="14"), 30.0)
    assert land.total == session.scalar(select(func.count()).select_from(Contact).where(Contact.land_code == "14"))
    assert set(land.kreis_ags) == set(session.scalars(select(Kreis.ags).where(Kreis.land_code == "14")))


def test_kreis_sees_only_its_kv_and_cannot_ask_for_another(session):
    scope = _scope(session, "kv-goerlitz")
    view = mapdata.build_view(session, scope, ContactFilter(), 15.0)
    own = set(session.scalars(select(Kreis.ags).where(Kreis.kv_id == scope.kv_id)))
    assert set(view.kreis_ags) == own and all(s["kreis_ags"] in own for s in view.spots)
    assert view.total == session.scalar(select(func.count()).select_from(Contact).where(Contact.kv_id == scope.kv_id))
    with pytest.raises(PermissionDenied):
        mapdata.build_view(session, scope, ContactFilter(kv_id=scope.kv_id + 1), 15.0)
    with pytest.raises(ValidationError):
        mapdata.build_view(session, scope, ContactFilter(), 0.0)


def test_leitung_sees_no_count_under_five_and_no_person(session):
    scope = _scope(session, "leitung")
    view = mapdata.build_view(session, scope, ContactFilter(), 15.0)
    assert view.suppressed
    for s in view.spots:
        assert s["count"] >= 5 and all(s[k] is None or s[k] >= 5 for k in ("contact", "active", "member"))
        assert all(n >= 5 for _, n in s["topics"])
    for k in view.kreise:
        assert all(v is None or v >= 5 for v in (k["count"], k["far_count"]))
    for col in ("Linksaktive ohne Büro", "Linksaktive gesamt"):
        for table in (view.plz_table, view.kreis_table):
            if col in table:
                assert all(v is None or v != v or v >= 5 for v in table[col])
    assert all(w > 0 for *_, w in view.heat)
    with pytest.raises(PermissionDenied):
        mapdata.plz_persons(session, scope, ContactFilter(), view.spots[0]["plz"] if view.spots else "01067")


def test_person_list_is_scoped_and_audited(session):
    scope = _scope(session, "kv-goerlitz")
    plz = session.scalar(select(Contact.plz).where(Contact.kv_id == scope.kv_id).limit(1))
    persons = mapdata.plz_persons(session, scope, ContactFilter(), plz)
    assert len(persons) == session.scalar(select(func.count()).select_from(Contact).where(Contact.plz == plz))
    other = session.scalar(select(Contact.plz).where(Contact.kv_id != scope.kv_id).limit(1))
    assert mapdata.plz_persons(session, scope, ContactFilter(), other).empty
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "map_plz_persons")).all()
    assert {e.object_id for e in events} >= {plz, other}
    with pytest.raises(ValidationError):
        mapdata.plz_persons(session, scope, ContactFilter(), "12a45")


def test_export_is_audited_and_safe(session):
    view = mapdata.build_view(session, Scope(role="team", user_id=1, username="team"), ContactFilter(), 15.0)
    data = mapdata.export_csv(session, Scope(role="team", user_id=1, username="team"), view.plz_table, "plz")
    assert data.startswith("\ufeff".encode()) and b"PLZ;Ort" in data
    assert session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "export_whitespots"))


def test_cache_sees_new_contacts(session):
    scope = Scope(role="team")
    before = mapdata.build_view(session, scope, ContactFilter(), 15.0).total
    c = session.scalar(select(Contact).limit(1))
    session.add(
        Contact(
            first_name="Neu",
            last_name="Person",
            plz=c.plz,
            city=c.city,
            kreis_ags=c.kreis_ags,
            kv_id=c.kv_id,
            land_code=c.land_code,
            status="contact",
            contact_since=c.contact_since,
            source="infostand",
        )
    )
    session.flush()
    assert mapdata.build_view(session, scope, ContactFilter(), 15.0).total == before + 1


def test_leitung_gets_one_fixed_view_with_consistent_sums(session):
    from datetime import datetime

    from services.core.settings import get_settings

    scope = _scope(session, "leitung")
    fixed = mapdata.build_view(session, scope, ContactFilter(), get_settings().office_reach_km)
    other = mapdata.build_view(
        session,
        scope,
        ContactFilter(
            statuses=("member",),
            topics=("miete",),
            sources=("infostand",),
            kv_id=1,
            created_since=datetime(2030, 1, 1, tzinfo=UTC),
        ),
        40.0,
    )
    assert other.reach_km == fixed.reach_km == get_settings().office_reach_km
    assert (other.total, other.far_total, other.kreise, other.heat) == (
        fixed.total,
        fixed.far_total,
        fixed.kreise,
        fixed.heat,
    )
    assert [s["plz"] for s in other.spots] == [s["plz"] for s in fixed.spots]
    assert fixed.total == session.scalar(select(func.count()).select_from(Contact))
    circles: dict[str, int] = {}
    for s in fixed.spots:
        circles[s["kreis_ags"]] = circles.get(s["kreis_ags"], 0) + s["count"]
    for k in fixed.kreise:
        assert (k["far_count"] or 0) == circles.get(k["ags"], 0)
        if k["count"] is not None:
            assert not 0 < k["count"] - (k["far_count"] or 0) < 5
    # The true number without an office in reach (every PLZ, also those under 5), not only the circles.
    truth = mapdata.build_view(session, Scope(role="team"), ContactFilter(), get_settings().office_reach_km)
    assert fixed.far_total == truth.far_total > sum(circles.values())
    hidden = [k for k in fixed.kreise if k["count"] is None]
    residual = fixed.total - sum(k["count"] for k in fixed.kreise if k["count"] is not None)
    assert not 0 < residual < 5 and sum(1 for k in hidden if k["per_10k"] is not None) == 0
    assert {w for *_, w in fixed.heat} <= {0.2, 0.4, 0.6, 0.8, 1.0}
    # The tables show the map's numbers.
    assert list(fixed.plz_table["Linksaktive ohne Büro"]) == [s["count"] for s in fixed.spots]
    far_col = [c for c in fixed.kreis_table.columns if c.startswith("Linksaktive ohne Büro")][0]
    assert "mindestens 5" in far_col
    assert sorted(fixed.kreis_table[far_col]) == sorted(k["far_count"] for k in fixed.kreise if k["far_count"])
    # A Land view hides the same Kreise as the national one (no playing one against the other).
    land = mapdata.build_view(session, scope, ContactFilter(land_code="14"), 5.0)
    national = {k["ags"]: k["count"] for k in fixed.kreise}
    assert land.kreise and all(national[k["ags"]] == k["count"] for k in land.kreise)
    assert land.total in (
        None,
        session.scalar(select(func.count()).select_from(Contact).where(Contact.land_code == "14")),
    )


def test_national_figures_of_team_and_leitung_are_never_shared(session):
    """team and leitung have the same (national) area: the cache must still keep their figures apart."""
    mapdata.clear_cache()
    team = mapdata.national_figures(session, Scope(role="team"), 15.0)
    leitung = mapdata.national_figures(session, _scope(session, "leitung"), 15.0)
    small = [v for v in (*leitung.kreis.values(), *leitung.land.values(), *leitung.land_far.values()) if v and v < 5]
    assert small == [] and [v for v in team.kreis.values() if v and v < 5]  # the team's small Kreise stay theirs
    assert leitung.far == team.far and leitung.total == team.total  # true totals where safe
    with pytest.raises(PermissionDenied):
        mapdata.national_figures(session, _scope(session, "kv-goerlitz"), 15.0)

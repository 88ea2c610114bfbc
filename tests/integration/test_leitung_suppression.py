"""Every figure leitung sees, on the demo data with a few small groups added: nothing hidden follows from the
shown figures by subtraction (DESIGN §3.2), on the Übersicht, the Karte (national and every Land, map layers,
tables and their export) and the Helfer:innen-Karte, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import exists, select, update

from db.models import Contact, Kreis, Plz
from db.queries.map.counts import ContactFilter
from domain.enums import STATUSES
from services.core.scope import Scope
from services.core.settings import get_settings
from services.geo.files import laender_table
from services.map import data as mapdata
from services.matching.needs_map import NEEDS, OFFERS, needs_map
from services.overview import figures as overview
from services.overview.laender import FAR_COL, build_laender
from tests.support.derivation import leaks
from tests.support.scopes import user_scope

TEAM = Scope(role="team", user_id=1, username="team")
BREMEN = "04"


def _add(session, plz: Plz, statuses: list[str]) -> None:
    kreis = session.get(Kreis, plz.kreis_ags)
    since = date(2024, 1, 1)
    session.add_all(
        Contact(
            first_name="Probe",
            last_name=f"Person {i}",
            plz=plz.plz,
            city=plz.place,
            kreis_ags=kreis.ags,
            kv_id=kreis.kv_id,
            land_code=kreis.land_code,
            status=status,
            contact_since=since,
            active_since=since if status != "contact" else None,
            member_since=since if status == "member" else None,
            source="infostand",
        )
        for i, status in enumerate(statuses)
    )


@pytest.fixture
def small_groups(session):
    """The demo data plus a white-spot PLZ of 20 (18 contacts, 2 active), and Bremen cut down to 3 people."""
    reach = get_settings().office_reach_km
    empty_far = (
        select(Plz)
        .where(Plz.nearest_office_km > reach + 5, ~exists().where(Contact.plz == Plz.plz))
        .order_by(Plz.plz)
        .limit(1)
    )
    _add(session, session.scalar(empty_far), ["contact"] * 18 + ["active"] * 2)
    bremen = session.scalars(select(Contact.id).where(Contact.land_code == BREMEN).order_by(Contact.id)).all()
    target = session.scalar(select(Contact).where(Contact.land_code == "03").order_by(Contact.id).limit(1))
    session.execute(
        update(Contact)
        .where(Contact.id.in_(bremen[3:]))
        .values(plz=target.plz, city=target.city, kreis_ags=target.kreis_ags, kv_id=target.kv_id, land_code="03")
    )
    session.flush()
    mapdata.clear_cache()
    overview.clear_cache()
    yield session
    mapdata.clear_cache()
    overview.clear_cache()


def _values(column) -> list:
    """A table column as the figures it shows: whole numbers, None where hidden."""
    return [None if v is None or v != v else int(v) for v in column]


def _karte_lines(session, leitung: Scope) -> list[tuple]:
    reach = get_settings().office_reach_km
    truth = mapdata.build_view(session, TEAM, ContactFilter(), reach)
    true_k = {k["ags"]: k["count"] for k in truth.kreise}
    true_far_k = {k["ags"]: k["far_count"] for k in truth.kreise}
    land_of = {k["ags"]: k["land_code"] for k in truth.kreise}
    true_spot = {s["plz"]: s for s in truth.spots}
    views = {None: mapdata.build_view(session, leitung, ContactFilter(), reach)}
    for code in sorted(set(land_of.values())):
        views[code] = mapdata.build_view(session, leitung, ContactFilter(land_code=code), reach)
    lines = []
    for area, view in views.items():
        assert view.suppressed and {w for *_, w in view.heat} <= {0.2, 0.4, 0.6, 0.8, 1.0}  # bands, no counts
        # The tables (and so their CSV export) show exactly the map's figures.
        assert list(view.plz_table["PLZ"]) == [s["plz"] for s in view.spots]
        assert _values(view.plz_table["Linksaktive ohne Büro"]) == [s["count"] for s in view.spots]
        for col in STATUSES:
            assert _values(view.plz_table[STATUSES[col]]) == [s[col] for s in view.spots]
        by_ags = {k["ags"]: k for k in view.kreise}
        assert [by_ags[a]["count"] for a in view.kreis_table["AGS"]] == _values(view.kreis_table["Linksaktive gesamt"])
        true_area = sum(true_k[k["ags"]] for k in view.kreise)
        far = {k["ags"]: k["far_count"] or 0 for k in view.kreise}  # the sum of the Kreis's visible circles
        shown_k = [(true_k[a], k["count"]) for a, k in by_ags.items()]
        hidden_far = [(far[a], far[a]) for a, k in by_ags.items() if k["count"] is None]
        # The area's far figure is the true number (every PLZ) where it is shown, not the circles' sum.
        true_far = (sum(true_far_k[a] for a in by_ags), view.far_total)
        circles = [(far[a], far[a]) for a in by_ags]
        lines += [
            (f"{area}: total over its Kreise", (true_area, view.total), shown_k),
            # The Kreise hidden: their circles are known, the rest of them must not be small.
            (f"{area}: total over Kreise and circles", (true_area, view.total), shown_k + hidden_far, False),
            (f"{area}: total beside the far figure", (true_area, view.total), [true_far], False),
            # The far people outside the visible circles (in PLZ under 5) must not be a small group.
            (f"{area}: far total over the circles", true_far, circles, False),
        ]
        for a, k in by_ags.items():
            assert (k["count"] is None) == (k["per_10k"] is None)  # a rate goes with its count
            lines.append((f"Kreis {a} beside its circles", (true_k[a], k["count"]), [(far[a], far[a])], False))
        for s in view.spots:
            t = true_spot[s["plz"]]
            lines.append((f"PLZ {s['plz']}", (t["count"], s["count"]), [(t[st], s[st]) for st in STATUSES]))
    true_land = {code: sum(t for a, t in true_k.items() if land_of[a] == code) for code in views if code}
    national = (sum(true_k.values()), views[None].total)
    lines.append(("Germany over its Länder", national, [(true_land[c], views[c].total) for c in sorted(true_land)]))
    far_land = {code: sum(f for a, f in true_far_k.items() if land_of[a] == code) for code in true_land}
    lines.append(
        (
            "Germany's far total over the Länder",
            (sum(far_land.values()), views[None].far_total),
            [(far_land[c], views[c].far_total) for c in sorted(far_land)],
        )
    )
    return lines, views[None], truth


def test_the_karte_gives_no_small_group_away(small_groups):
    session = small_groups
    lines, national, truth = _karte_lines(session, user_scope(session, "leitung"))
    assert [s["plz"] for s in truth.spots if s["count"] == 20 and s["active"] == 2]  # the probe PLZ is a spot
    assert leaks(lines) == []
    assert national.total == sum(k["count"] for k in truth.kreise)  # the national total stays visible


def test_the_uebersicht_gives_no_small_group_away(small_groups):
    session = small_groups
    leitung = user_scope(session, "leitung")
    reach = get_settings().office_reach_km
    ov, truth = overview.build_overview(session, leitung, reach), overview.build_overview(session, TEAM, reach)
    total = (truth.total, ov.total)
    lines = [
        ("Übersicht by status", total, [(truth.by_status[k], ov.by_status[k]) for k in truth.by_status]),
        ("Übersicht by source", total, [(truth.by_source[k], ov.by_source[k]) for k in truth.by_source]),
    ]
    # Across pages: a status nationwide beside the same status in the Karte's white-spot circles.
    karte = mapdata.build_view(session, leitung, ContactFilter(), reach)
    true_spot = {s["plz"]: s for s in mapdata.build_view(session, TEAM, ContactFilter(), reach).spots}
    for st in STATUSES:
        circles = [(true_spot[s["plz"]][st], s[st]) for s in karte.spots]
        lines.append((f"{st} nationwide beside the circles", (truth.by_status[st], ov.by_status[st]), circles, False))
    assert ov.without_office == karte.far_total
    assert leaks(lines) == []


def test_uebersicht_and_karte_cannot_be_played_against_each_other(small_groups):
    """The Übersicht's figures (key figures, Länder) and the Karte's (Kreise, Land views) come from one
    protection run: a Land in the Länder table beside the Karte's Kreise, or Germany's true number without
    an office in reach beside the Länder and the circles, gives no small group away."""
    session = small_groups
    leitung = user_scope(session, "leitung")
    reach = get_settings().office_reach_km
    ov, truth = overview.build_overview(session, leitung, reach), overview.build_overview(session, TEAM, reach)
    laender, _ = build_laender(session, leitung, reach)
    true_laender, _ = build_laender(session, TEAM, reach)
    karte = mapdata.build_view(session, leitung, ContactFilter(), reach)
    true_karte = mapdata.build_view(session, TEAM, ContactFilter(), reach)
    true_k = {k["ags"]: k for k in true_karte.kreise}
    names = list(true_laender["Land"])
    land_name = dict(zip(laender_table()["code"], laender_table()["name"]))
    shown_land = dict(zip(laender["Land"], laender["Linksaktive"]))
    shown_far = dict(zip(laender["Land"], laender[FAR_COL]))
    true_land = dict(zip(true_laender["Land"], true_laender["Linksaktive"]))
    true_far = dict(zip(true_laender["Land"], true_laender[FAR_COL]))
    assert ov.without_office == karte.far_total == truth.without_office  # the true figure, safe on the demo data
    assert ov.total == karte.total == truth.total
    assert shown_land["Bremen"] is None  # the Land cut down to 3 people is hidden on both pages
    lines = [
        (
            "Übersicht: Germany over the Länder table",
            (truth.total, ov.total),
            [(true_land[n], shown_land[n]) for n in names],
        ),
        (
            "Übersicht: without office over the Länder table",
            (truth.without_office, ov.without_office),
            [(true_far[n], shown_far[n]) for n in names],
        ),
    ]
    for code, name in land_name.items():
        view = mapdata.build_view(session, leitung, ContactFilter(land_code=code), reach)
        assert (view.total, view.far_total) == (shown_land[name], shown_far[name])  # one run for both pages
        kreise = [(true_k[k["ags"]]["count"], k["count"]) for k in karte.kreise if k["land_code"] == code]
        lines.append((f"Länder table {name} over the Karte's Kreise", (true_land[name], shown_land[name]), kreise))
        circles = [(k["far_count"] or 0, k["far_count"] or 0) for k in karte.kreise if k["land_code"] == code]
        lines.append((f"{name} without office over the circles", (true_far[name], shown_far[name]), circles, False))
        lines.append(
            (
                f"{name} beside its far figure",
                (true_land[name], shown_land[name]),
                [(true_far[name], shown_far[name])],
                False,
            )
        )
    assert leaks(lines) == []


def test_the_helfer_karte_gives_no_small_group_away(small_groups):
    session = small_groups
    data, truth = needs_map(session, user_scope(session, "leitung")), needs_map(session, TEAM)
    assert data.suppressed and list(data.kreise["ags"]) == list(truth.kreise["ags"])
    lines = [
        (col, (int(truth.kreise[col].sum()), total), list(zip(truth.kreise[col], data.kreise[col])))
        for col, total in ((NEEDS, data.total_needs), (OFFERS, data.total_offers))
    ]
    assert leaks(lines) == []

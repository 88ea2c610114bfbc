"""Liste page: every person role sees its area's list, pages through it, opens a card, exports, changes a topic."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from db.engine import make_engine
from db.models import AuditEvent, Contact, ContactTopic, Kreis, Kreisverband
from services.core.runtime import session_scope
from tests.support.apptest import ROLES_USERS, all_text, open_page

PAGE = "pages/liste.py"


def _caption(at) -> str:
    return next(c.value for c in at.caption if str(c.value).startswith("Seite "))


def _count(app_db, stmt) -> int:
    eng = make_engine(app_db)
    with session_scope(eng) as s:
        n = s.scalar(stmt)
    eng.dispose()
    return int(n or 0)


@pytest.mark.parametrize("role", ["kreis", "land", "team", "admin"])
def test_person_roles_see_the_list(app_db, role):
    at = open_page(PAGE, ROLES_USERS[role])
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Liste"]
    table = at.dataframe[0].value
    assert list(table.columns) == ["Name", "Vorname", "PLZ", "Ort", "Kreisverband", "Status", "Themen", "angelegt am"]
    total = int(_caption(at).split(" · ")[1].removesuffix(" Linksaktive").replace(".", ""))
    assert len(table) == min(total, 50) > 0
    assert all(len(d) == 10 and d[2] == "." for d in table["angelegt am"])
    assert _caption(at).startswith("Seite 1 · ")
    assert "Choose" not in all_text(at)


def test_leitung_cannot_reach_the_list(app_db):
    with pytest.raises(ValueError):
        open_page(PAGE, ROLES_USERS["leitung"])


def test_kreis_sees_its_kv_with_the_total(app_db):
    leipzig = _count(app_db, select(Kreis.kv_id).where(Kreis.ags == "14713"))
    people = _count(app_db, select(func.count()).select_from(Contact).where(Contact.kv_id == leipzig))
    at = open_page(PAGE, "kv-leipzig")
    eng = make_engine(app_db)
    with session_scope(eng) as s:
        name = s.get(Kreisverband, leipzig).name
    eng.dispose()
    assert set(at.dataframe[0].value["Kreisverband"]) == {name}
    assert _caption(at) == f"Seite 1 · {people:,} Linksaktive".replace(",", ".")


def test_paging_forward_and_back(app_db):
    at = open_page(PAGE, "lv-sachsen")
    first = at.dataframe[0].value
    assert len(first) == 50 and at.button(key="liste_back").disabled
    at.button(key="liste_next").click().run()
    second = at.dataframe[0].value
    assert _caption(at).startswith("Seite 2 · ")
    assert not set(zip(first["Name"], first["Vorname"], first["PLZ"])) & set(
        zip(second["Name"], second["Vorname"], second["PLZ"])
    )
    at.button(key="liste_back").click().run()
    assert _caption(at).startswith("Seite 1 · ")
    assert at.dataframe[0].value.equals(first)
    # A new sort starts again at the first page.
    at.button(key="liste_next").click().run()
    at.radio(key="liste_sort").set_value("created").run()
    assert _caption(at).startswith("Seite 1 · ")


def test_filters_narrow_and_an_empty_list_says_so(app_db):
    at = open_page(PAGE, "lv-sachsen")
    before = _caption(at)
    at.multiselect(key="liste_status").select("member").run()
    assert set(at.dataframe[0].value["Status"]) == {"Mitglied"}
    assert _caption(at) != before
    at.date_input(key="liste_to").set_value(date(2001, 1, 1)).run()
    assert not at.exception
    assert "Keine Linksaktiven für diese Filter." in [i.value for i in at.info]


def test_opening_a_row_shows_the_card_and_is_audited(app_db):
    opened = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "contact_opened")
    before = _count(app_db, opened)
    at = open_page(PAGE, "kv-leipzig")
    box = next(s for s in at.selectbox if s.label == "Linksaktive:n öffnen")
    box.select_index(1).run()
    assert not at.exception
    assert [t.label for t in at.tabs][:2] == ["Stammdaten", "Einwilligungen"]
    assert _count(app_db, opened) == before + 1
    at.run()
    assert _count(app_db, opened) == before + 1


def test_export_builds_a_file_and_is_audited(app_db):
    exported = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "contacts_exported")
    before = _count(app_db, exported)
    at = open_page(PAGE, "kv-leipzig")
    at.button(key="liste_make_csv").click().run()
    assert not at.exception
    assert _count(app_db, exported) == before + 1
    assert any(e.proto.label == "CSV herunterladen" for e in at.get("download_button"))


def test_bulk_topic_asks_with_the_count_and_changes_the_list(app_db):
    leipzig = _count(app_db, select(Kreis.kv_id).where(Kreis.ags == "14713"))
    members = select(Contact.id).where(Contact.kv_id == leipzig)
    eng = make_engine(app_db)
    with session_scope(eng) as s:
        had = list(
            s.scalars(
                select(ContactTopic.contact_id).where(
                    ContactTopic.topic == "antifaschismus", ContactTopic.contact_id.in_(members)
                )
            )
        )
    at = open_page(PAGE, "kv-leipzig")
    next(b for b in at.selectbox if b.label == "Linksaktive:n öffnen").select_index(1).run()
    opened = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "contact_opened")
    opened_before = _count(app_db, opened)
    total = _caption(at).split(" · ")[1].removesuffix(" Linksaktive")
    at.selectbox(key="liste_bulk_topic").select("antifaschismus").run()
    at.button(key="liste_bulk_check").click().run()
    assert f"Thema „Antifaschismus“ bei {total} Linksaktiven hinzufügen?" in [w.value for w in at.warning]
    at.button(key="liste_bulk_yes").click().run()
    assert not at.exception
    assert any("Antifaschismus" in s.value and "hinzugefügt" in s.value for s in at.success)
    # The open card shows the new topic, redrawn without a second 'opened' event.
    assert any("Themen: " in t.value and "Antifaschismus" in t.value for t in at.text)
    assert _count(app_db, opened) == opened_before
    with_topic = (
        select(func.count())
        .select_from(ContactTopic)
        .where(ContactTopic.topic == "antifaschismus", ContactTopic.contact_id.in_(members))
    )
    assert _count(app_db, with_topic) == int(total.replace(".", ""))
    # And away again; then the shared test database gets back the topics it had.
    at.radio(key="liste_bulk_add").set_value(False).run()
    at.button(key="liste_bulk_check").click().run()
    assert f"Thema „Antifaschismus“ bei {total} Linksaktiven entfernen?" in [w.value for w in at.warning]
    at.button(key="liste_bulk_yes").click().run()
    assert _count(app_db, with_topic) == 0
    with session_scope(eng) as s:
        s.add_all([ContactTopic(contact_id=cid, topic="antifaschismus") for cid in had])
        s.commit()
    eng.dispose()


def test_the_user_picks_the_columns_and_the_name_stays(app_db):
    at = open_page(PAGE, ROLES_USERS["team"])
    assert list(at.dataframe[0].proto.column_order) == [
        "Name",
        "Vorname",
        "PLZ",
        "Ort",
        "Kreisverband",
        "Status",
        "Themen",
        "angelegt am",
    ]
    at.session_state["liste_columns"] = ["PLZ", "Status"]
    at.run()
    assert not at.exception, at.exception
    assert list(at.dataframe[0].proto.column_order) == ["Name", "PLZ", "Status"]
    # Paging keeps the choice.
    at.button(key="liste_next").click().run()
    assert list(at.dataframe[0].proto.column_order) == ["Name", "PLZ", "Status"]


def test_the_area_line_names_the_chosen_kv(app_db):
    leipzig = _count(app_db, select(Kreis.kv_id).where(Kreis.ags == "14713"))
    eng = make_engine(app_db)
    with session_scope(eng) as s:
        name = s.get(Kreisverband, leipzig).name
    eng.dispose()
    at = open_page(PAGE, "team")
    assert "Gebiet: Bundesweit" in [t.value for t in at.text]
    at.selectbox(key="liste_kv").select(leipzig).run()
    assert not at.exception
    assert f"Gebiet: {name}" in [t.value for t in at.text] and "Gebiet: Bundesweit" not in [t.value for t in at.text]

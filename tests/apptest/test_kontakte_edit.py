"""Linksaktive page: capture a contact (in and out of the area), no double capture, care for the card."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db.engine import make_engine
from db.models import Activity, AuditEvent, Contact
from db.queries.contacts.consent import active_consent_filter
from services.core.runtime import session_scope
from tests.support.apptest import all_text, open_page


def _query(app_db, stmt):
    eng = make_engine(app_db)
    try:
        with session_scope(eng) as s:
            return s.execute(stmt).all()
    finally:
        eng.dispose()


def _fill_new(at, gen: int, **values):
    k = f"kontakte_new_{gen}"
    for field, value in values.items():
        at.text_input(key=f"{k}_{field}").input(value)
    return at


def _submit(at, label: str):
    [button] = [b for b in at.button if b.label == label]
    return button.click().run()


def _count(app_db, email):
    return _query(app_db, select(func.count()).select_from(Contact).where(Contact.email == email))[0][0]


def test_kv_leipzig_captures_and_finds_a_contact_once(app_db):
    at = open_page("pages/kontakte.py", "kv-leipzig")
    email = "clara.apptest@example.org"
    _fill_new(at, 0, first="Clara", last="Apptest", email=email, street="Markt 1", plz="04109")
    at.multiselect(key="kontakte_new_0_topics").select("miete")
    at.multiselect(key="kontakte_new_0_consents").select(("information", "email"))
    at.text_input(key="kontakte_new_0_evidence").input("Unterschrift auf Infostand-Liste vom 03.05.2025")
    _submit(at, "Erfassen")
    assert not at.exception and not at.error, all_text(at)
    assert any("Erfasst (Leipzig" in s.value for s in at.success), all_text(at)
    # The search below now shows the new person.
    assert email in list(at.dataframe[0].value["E-Mail"])
    [(cid, kv_id, city)] = _query(app_db, select(Contact.id, Contact.kv_id, Contact.city).where(Contact.email == email))
    assert city == "Leipzig"
    assert _query(app_db, select(Contact.id).where(Contact.id == cid, active_consent_filter("information", "email")))
    # The submitted form is gone (a second click has nothing to act on); the fresh one refuses the same e-mail.
    assert "kontakte_new_0_first" not in [t.key for t in at.text_input]
    _fill_new(at, 1, first="Clara", last="Apptest", email=email.upper(), plz="04109")
    _submit(at, "Erfassen")
    assert any("gibt es in deinem Gebiet schon" in e.value for e in at.error)
    assert _count(app_db, email) == 1


def test_goerlitz_plz_is_refused_in_german(app_db):
    at = open_page("pages/kontakte.py", "kv-leipzig")
    _fill_new(at, 0, first="Gerd", last="Grenzfall", email="gerd.grenzfall@example.org", plz="02826")
    _submit(at, "Erfassen")
    assert not at.exception
    assert any("Die PLZ 02826 liegt nicht in deinem Gebiet" in e.value for e in at.error), all_text(at)
    # The KV's name (typed by an admin) follows as plain text, not in the Markdown of the message.
    assert any(t.value.startswith("Die PLZ 02826 gehört zum Kreisverband") for t in at.text), all_text(at)
    assert _count(app_db, "gerd.grenzfall@example.org") == 0
    # The typed values stay for correcting.
    assert at.text_input(key="kontakte_new_0_last").value == "Grenzfall"


def test_care_for_the_opened_card(app_db):
    at = open_page("pages/kontakte.py", "kv-leipzig")
    _fill_new(at, 0, first="Karl", last="Pflegetest", email="karl.pflegetest@example.org", plz="04315")
    _submit(at, "Erfassen")
    at.selectbox(key="kontakte_choice_0").select_index(1).run()
    cid = at.selectbox(key="kontakte_choice_0").value
    key = f"kontakte_{cid}"
    assert not at.exception and "Karl Pflegetest" in [t.value for t in at.text]
    at.text_area(key=f"{key}_note_0_note").input("Will beim Plakatieren helfen")
    _submit(at, "Eintragen")
    at.selectbox(key=f"{key}_status_0_status").select("active")
    _submit(at, "Status ändern")
    assert not at.error, all_text(at)
    [(status, active_since)] = _query(app_db, select(Contact.status, Contact.active_since).where(Contact.id == cid))
    assert status == "active" and active_since is not None
    notes = [r[0] for r in _query(app_db, select(Activity.kind).where(Activity.contact_id == cid))]
    assert sorted(notes) == ["created", "note", "status_change"]
    # The card redraws with the change (status caption), without another 'opened' event.
    assert any("Status: Aktiv" in c.value for c in at.caption)
    opened = _query(
        app_db,
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "contact_opened", AuditEvent.object_id == str(cid)),
    )[0][0]
    assert opened == 1
    # A kreis user cannot step back on the ladder.
    assert at.selectbox(key=f"{key}_status_1_status").options == ["Mitglied"]


@pytest.mark.parametrize("username", ["leitung"])
def test_leitung_cannot_reach_the_page(app_db, username):
    with pytest.raises(ValueError):
        open_page("pages/kontakte.py", username)


def test_consent_matrix_shows_existing_pairs_refuses_sms_without_phone_and_clears_evidence(app_db):
    at = open_page("pages/kontakte.py", "kv-leipzig")
    _fill_new(at, 0, first="Mia", last="Matrixtest", email="mia.matrixtest@example.org", plz="04177")
    options = at.multiselect(key="kontakte_new_0_consents").options
    assert "Zeitung per Post" in options and "Zeitung per SMS" not in options and len(options) < 14
    _submit(at, "Erfassen")
    at.selectbox(key="kontakte_choice_0").select_index(1).run()
    cid = at.selectbox(key="kontakte_choice_0").value
    key = f"kontakte_{cid}"
    # The matrix: purposes × channels, a state in every pair that exists, empty where none exists.
    matrix = next(df.value for df in at.dataframe if "Zweck" in df.value.columns)
    assert list(matrix.columns) == ["Zweck", "E-Mail", "Telefon", "SMS", "Post", "ohne Kanal"]
    zeitung = matrix[matrix["Zweck"] == "Zeitung"].iloc[0]
    assert zeitung["SMS"] == "" and zeitung["E-Mail"] == "" and zeitung["Post"] == "–"
    grant = at.selectbox(key=f"{key}_grant_0_option")
    assert grant.value is None and grant.placeholder == "Bitte wählen"
    assert "Zeitung per SMS" not in grant.options and "Aktionsaufrufe per SMS" in grant.options
    # SMS without a phone number: refused in German, nothing stored, the typed evidence stays.
    grant.set_value(("call_to_action", "sms"))
    at.text_input(key=f"{key}_grant_0_evidence").input("Per SMS-Code bestätigt")
    _submit(at, "Einwilligung eintragen")
    assert any("braucht es eine (Handy-)Telefonnummer" in e.value for e in at.error), all_text(at)
    assert at.text_input(key=f"{key}_grant_0_evidence").value == "Per SMS-Code bestätigt"
    # By e-mail works; the next consent starts with an empty evidence field.
    at.selectbox(key=f"{key}_grant_0_option").set_value(("call_to_action", "email"))
    at.text_input(key=f"{key}_grant_0_evidence").input("Double-Opt-In vom 01.12.2026")
    _submit(at, "Einwilligung eintragen")
    assert "Einwilligung eingetragen." in [s.value for s in at.success], all_text(at)
    assert at.text_input(key=f"{key}_grant_1_evidence").value == ""
    assert at.selectbox(key=f"{key}_grant_1_option").value is None
    matrix = next(df.value for df in at.dataframe if "Zweck" in df.value.columns)
    assert matrix[matrix["Zweck"] == "Aktionsaufrufe"].iloc[0]["E-Mail"].startswith("✓ aktiv seit")

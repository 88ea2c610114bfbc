"""AppTest of the Aktionsaufrufe page: write, count, send once, record an answer; errors change nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from db.engine import make_engine
from db.models import CallDelivery, CallToAction, Contact, MailOutbox
from tests.support.apptest import all_text, open_page


def _count(app_db, stmt):
    eng = make_engine(app_db)
    with eng.connect() as conn:
        n = conn.scalar(stmt)
    eng.dispose()
    return n


def _button(at, label):
    return [b for b in at.button if b.label == label or b.label.startswith(label)][0]


def _call_box(at):
    """The "Aufruf" selectbox (its key carries a fingerprint of its labels)."""
    return next(sb for sb in at.selectbox if sb.label == "Aufruf")


def _fill(at, title, level="land", land="14"):
    at.text_input(key="cta_title").set_value(title)
    at.text_area(key="cta_body").set_value("Wir stehen Samstag am Markt. Komm vorbei!")
    at.multiselect(key="cta_topics").set_value(["miete", "pflege"])
    at.selectbox(key="cta_level").set_value(level).run()
    if level == "land":
        at.selectbox(key="cta_land").set_value(land)
    at.text_input(key="cta_link").set_value("https://example.org/infostand")


def test_land_writes_counts_sends_and_records_an_answer(app_db):
    at = open_page("pages/aktionen.py", "lv-sachsen")
    assert not at.exception, at.exception
    assert at.selectbox(key="cta_level").options == ["Land", "Kreisverband"]  # no national calls for a Land
    _fill(at, "Infostand Mieten Sachsen")
    _button(at, "Aufruf anlegen").click().run()
    assert "als Entwurf angelegt" in all_text(at), all_text(at)
    assert at.text_input(key="cta_title").value == "" and at.multiselect(key="cta_topics").value == []

    call_id = _count(app_db, select(func.max(CallToAction.id)))
    _call_box(at).set_value(call_id).run()
    assert "Infostand Mieten Sachsen · Sachsen · Entwurf" in _call_box(at).options
    assert any(t.value.startswith("Stand: Entwurf · Region: Sachsen") for t in at.text)  # plain text
    assert any(t.value.startswith("Betreff: Infostand Mieten Sachsen\n\nHallo <Vorname>,") for t in at.text)
    _button(at, "Empfänger:innen zählen").click().run()
    assert not at.exception, at.exception
    reached = int(str([m for m in at.metric if m.label == "Empfänger:innen"][0].value).replace(".", ""))
    assert reached > 0
    _button(at, "An ").click().run()
    assert f"an {reached} Personen unterwegs" in all_text(at), all_text(at)
    assert (
        _count(app_db, select(func.count()).select_from(CallDelivery).where(CallDelivery.call_id == call_id)) == reached
    )
    assert (
        _count(
            app_db,
            select(func.count())
            .select_from(CallDelivery)
            .join(Contact, Contact.id == CallDelivery.contact_id)
            .where(CallDelivery.call_id == call_id, Contact.land_code != "14"),
        )
        == 0
    )
    assert (
        _count(
            app_db,
            select(func.count())
            .select_from(MailOutbox)
            .where(MailOutbox.ref_type == "call_delivery", MailOutbox.subject == "Infostand Mieten Sachsen"),
        )
        == reached
    )

    # The sent call: figures, and an answer recorded for one recipient.
    assert "erreicht" in [m.label for m in at.metric]
    at.radio(key="cta_answer").set_value("accepted")
    _button(at, "Antwort speichern").click().run()
    assert "Antwort gespeichert." in all_text(at), all_text(at)
    assert [m.value for m in at.metric if m.label == "zugesagt"] == ["1"]
    assert not [b for b in at.button if b.label.startswith("An ")]  # no second sending
    assert _call_box(at).value == call_id and "Infostand Mieten Sachsen · Sachsen · verschickt" in _call_box(
        at
    ).format_func(call_id)


def test_missing_title_is_refused_in_german(app_db):
    before = _count(app_db, select(func.count()).select_from(CallToAction))
    at = open_page("pages/aktionen.py", "team")
    _fill(at, "", level="national")
    _button(at, "Aufruf anlegen").click().run()
    assert not at.exception, at.exception
    assert "Bitte gib dem Aufruf einen Titel." in [e.value for e in at.error]
    assert _count(app_db, select(func.count()).select_from(CallToAction)) == before


def test_team_edits_a_draft_before_sending(app_db):
    at = open_page("pages/aktionen.py", "team")
    _fill(at, "Klimastreik bundesweit", level="national")
    _button(at, "Aufruf anlegen").click().run()
    call_id = _count(app_db, select(func.max(CallToAction.id)))
    _call_box(at).set_value(call_id).run()
    assert at.text_input(key="cta_edit_title").value == "Klimastreik bundesweit"  # the draft is loaded
    at.text_input(key="cta_edit_title").set_value("Klimastreik am Freitag")
    at.multiselect(key="cta_edit_topics").set_value(["klima"])
    _button(at, "Entwurf speichern").click().run()
    assert not at.exception, at.exception
    assert "Entwurf gespeichert." in all_text(at), all_text(at)
    eng = make_engine(app_db)
    with eng.connect() as conn:
        title, topics = conn.execute(
            select(CallToAction.title, CallToAction.topics).where(CallToAction.id == call_id)
        ).one()
    eng.dispose()
    assert (title, topics) == ("Klimastreik am Freitag", "klima")
    at.text_input(key="cta_edit_link").set_value("ftp://example.org")
    _button(at, "Entwurf speichern").click().run()
    assert any("http://" in e.value for e in at.error)


def test_kv_staff_write_for_their_own_kv(app_db):
    at = open_page("pages/aktionen.py", "kv-goerlitz")
    assert not at.exception, at.exception
    assert at.selectbox(key="cta_level").options == ["Kreisverband"]
    kv_box = at.selectbox(key="cta_kv")
    assert len(kv_box.options) == 1 and "Görlitz" in kv_box.options[0]
    at.text_input(key="cta_title").set_value("Verteilaktion Görlitz")
    at.text_area(key="cta_body").set_value("Wir verteilen Zeitungen in der Innenstadt.")
    at.multiselect(key="cta_topics").set_value(["umverteilung"])
    _button(at, "Aufruf anlegen").click().run()
    assert "als Entwurf angelegt" in all_text(at), all_text(at)
    assert "Verteilaktion Görlitz · " in _call_box(at).options[0]


def test_on_site_call_needs_a_time_or_all_day(app_db):
    at = open_page("pages/aktionen.py", "team")
    _fill(at, "Infostand ohne Uhrzeit", level="national")
    at.radio(key="cta_mode").set_value("on_site")
    from datetime import date

    at.date_input(key="cta_day").set_value(date(2027, 5, 8))
    assert at.time_input(key="cta_time").value is None  # no silent 18:00
    _button(at, "Aufruf anlegen").click().run()
    assert any("braucht eine Uhrzeit" in e.value and "ganztägig" in e.value for e in at.error), all_text(at)
    assert at.text_input(key="cta_title").value == "Infostand ohne Uhrzeit"  # kept for correcting
    at.checkbox(key="cta_all_day").check()
    _button(at, "Aufruf anlegen").click().run()
    assert "als Entwurf angelegt" in all_text(at), all_text(at)

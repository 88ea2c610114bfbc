"""AppTest of the Aktionsaufrufe page: write, count, send once, record an answer; errors change nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from db.engine import make_engine
from db.models import AuditEvent, CallDelivery, CallToAction, Kreisverband, MailOutbox, User
from domain.formatting import format_int
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


def _deliveries(app_db, call_id) -> int:
    return _count(app_db, select(func.count()).select_from(CallDelivery).where(CallDelivery.call_id == call_id))


def _reached(at) -> int:
    return int(str([m for m in at.metric if m.label == "Empfänger:innen"][0].value).replace(".", ""))


def test_land_writes_counts_sends_and_records_an_answer(app_db):
    at = open_page("pages/aktionen.py", "lv-sachsen")
    assert not at.exception, at.exception
    assert at.selectbox(key="cta_level").options == ["Land", "Kreisverband"]  # no national calls for a Land
    _fill(at, "Infostand Mieten Sachsen")
    _button(at, "Aufruf anlegen").click().run()
    assert "als Entwurf angelegt" in all_text(at), all_text(at)
    assert at.text_input(key="cta_title").value == "" and at.multiselect(key="cta_topics").value == []

    # The new draft is open in the list without choosing it.
    call_id = _count(app_db, select(func.max(CallToAction.id)))
    assert at.session_state["cta_tab"] == "Aufrufe"
    assert _call_box(at).value == call_id
    assert "Infostand Mieten Sachsen · Sachsen · Entwurf" in _call_box(at).options
    assert any(t.value.startswith("Stand: Entwurf · Region: Sachsen") for t in at.text)  # plain text
    assert any(t.value.startswith("Betreff: Infostand Mieten Sachsen\n\nHallo <Vorname>,") for t in at.text)
    _button(at, "Empfänger:innen zählen").click().run()
    assert not at.exception, at.exception
    reached = _reached(at)
    assert reached > 0

    # The first click only asks, naming the count; nothing is sent before the confirmation.
    n = format_int(reached)
    _button(at, f"An {n} Linksaktive senden").click().run()
    assert f"An {n} Linksaktive senden?" in [w.value.split("**")[1] for w in at.warning], all_text(at)
    assert _deliveries(app_db, call_id) == 0
    _button(at, f"Ja, an {n} senden").click().run()
    assert f"an {n} Linksaktive unterwegs" in all_text(at), all_text(at)
    assert _deliveries(app_db, call_id) == reached
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


def _create(at, title, level="national", land="14"):
    _fill(at, title, level=level, land=land)
    _button(at, "Aufruf anlegen").click().run()
    assert "als Entwurf angelegt" in all_text(at), all_text(at)
    return _count_calls_titled(title)


def _count_calls_titled(title):
    import os

    return _count(os.environ["DATABASE_URL"], select(func.max(CallToAction.id)).where(CallToAction.title == title))


def test_after_creating_the_form_is_empty_and_a_second_click_makes_no_duplicate(app_db):
    at = open_page("pages/aktionen.py", "team")
    call_id = _create(at, "Aktionstag Pflege")
    for field in ("cta_title", "cta_link"):
        assert at.text_input(key=field).value == ""
    assert at.text_area(key="cta_body").value == "" and at.multiselect(key="cta_topics").value == []
    assert at.date_input(key="cta_day").value is None and at.time_input(key="cta_time").value is None
    assert at.checkbox(key="cta_all_day").value is False and at.radio(key="cta_mode").value == "online"
    # The browser sends the old values again only if the keys were removed; they hold the empty values.
    assert at.session_state["cta_title"] == ""
    assert _call_box(at).value == call_id and at.text_input(key="cta_edit_title").value == "Aktionstag Pflege"

    _button(at, "Aufruf anlegen").click().run()  # the second click
    assert "Bitte gib dem Aufruf einen Titel." in [e.value for e in at.error]
    titled = select(func.count()).select_from(CallToAction).where(CallToAction.title == "Aktionstag Pflege")
    assert _count(app_db, titled) == 1


def test_the_same_call_twice_is_refused_as_a_duplicate(app_db):
    at = open_page("pages/aktionen.py", "team")
    _create(at, "Doppelt gemoppelt")
    _fill(at, "Doppelt gemoppelt", level="national")  # typed again, word for word
    _button(at, "Aufruf anlegen").click().run()
    assert any("gibt es schon als Entwurf" in e.value for e in at.error), all_text(at)
    titled = select(func.count()).select_from(CallToAction).where(CallToAction.title == "Doppelt gemoppelt")
    assert _count(app_db, titled) == 1


def test_test_mail_goes_to_my_own_address_and_is_not_a_sending(app_db):
    at = open_page("pages/aktionen.py", "kv-leipzig")
    call_id = _create(at, "Testmail Leipzig", level="kv")
    mails_before = _count(app_db, select(func.count()).select_from(MailOutbox))
    _button(at, "Testmail an mich").click().run()
    assert not at.exception, at.exception
    assert "Die Testmail an deine eigene Adresse liegt im Postausgang" in all_text(at), all_text(at)
    eng = make_engine(app_db)
    with eng.connect() as conn:
        mails = conn.execute(
            select(
                MailOutbox.to_addr, MailOutbox.subject, MailOutbox.body, MailOutbox.purpose, MailOutbox.contact_id
            ).where(MailOutbox.ref_type == "call_test", MailOutbox.ref_id == call_id)
        ).all()
        audited = conn.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "call_test_mail", AuditEvent.object_id == str(call_id))
        )
        sent_at = conn.scalar(select(CallToAction.sent_at).where(CallToAction.id == call_id))
    eng.dispose()
    assert len(mails) == 1
    to, subject, body, purpose, contact_id = mails[0]
    assert (to, subject, purpose, contact_id) == ("kv-leipzig@example.org", "Testmail Leipzig", "service", None)
    # What a recipient reads: greeting, text, link, the footer about consent.
    assert body.startswith("Hallo KV,\n\nWir stehen Samstag am Markt.") and "https://example.org/infostand" in body
    assert "eingewilligt" in body
    assert audited == 1
    assert sent_at is None and _deliveries(app_db, call_id) == 0  # still a draft, nobody reached
    assert _count(app_db, select(func.count()).select_from(MailOutbox)) == mails_before + 1
    assert any(t.value.startswith("Stand: Entwurf") for t in at.text)


def test_test_mail_without_an_address_says_where_to_enter_it(app_db):
    eng = make_engine(app_db)
    with eng.begin() as conn:
        conn.execute(User.__table__.update().where(User.username == "kv-goerlitz").values(email=""))
    try:
        at = open_page("pages/aktionen.py", "kv-goerlitz")
        call_id = _create(at, "Testmail ohne Adresse", level="kv")
        _button(at, "Testmail an mich").click().run()
        assert not at.exception, at.exception
        errors = [e.value for e in at.error]
        assert any("keine E-Mail-Adresse" in e and "„Mein Konto“" in e and "Administration" in e for e in errors)
        test_mails = select(func.count()).select_from(MailOutbox).where(MailOutbox.ref_id == call_id)
        assert _count(app_db, test_mails.where(MailOutbox.ref_type == "call_test")) == 0
    finally:
        with eng.begin() as conn:
            conn.execute(
                User.__table__.update().where(User.username == "kv-goerlitz").values(email="kv-goerlitz@example.org")
            )
        eng.dispose()


def test_cancel_at_the_confirmation_sends_nothing(app_db):
    at = open_page("pages/aktionen.py", "lv-sachsen")
    call_id = _create(at, "Abbrechen Sachsen", level="land")
    _button(at, "Empfänger:innen zählen").click().run()
    n = format_int(_reached(at))
    _button(at, f"An {n} Linksaktive senden").click().run()
    assert [w for w in at.warning if f"An {n} Linksaktive senden?" in w.value]
    _button(at, "Abbrechen").click().run()
    assert not at.exception, at.exception
    assert not [w for w in at.warning if "senden?" in w.value]
    assert not [b for b in at.button if b.label.startswith("Ja, an")]
    assert _button(at, f"An {n} Linksaktive senden").label  # asking again is possible
    assert _deliveries(app_db, call_id) == 0
    assert any(t.value.startswith("Stand: Entwurf") for t in at.text)


def _by_kv_table(at):
    return next(d.value for d in at.dataframe if "Kreisverband" in d.value.columns)


def test_recipients_are_split_by_kv_within_the_scope(app_db):
    # Land: every KV of Sachsen that has recipients, the largest first, adding up to the count.
    at = open_page("pages/aktionen.py", "lv-sachsen")
    _create(at, "Verteilt Sachsen", level="land")
    _button(at, "Empfänger:innen zählen").click().run()
    table = _by_kv_table(at)
    assert list(table.columns) == ["Kreisverband", "Land", "Empfänger:innen"]
    assert len(table) > 1 and set(table["Land"]) == {"Sachsen"}
    assert int(table["Empfänger:innen"].sum()) == _reached(at)
    assert list(table["Empfänger:innen"]) == sorted(table["Empfänger:innen"], reverse=True)
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1, "a ranked bar chart of the KVs"
    spec = charts[0].proto.spec
    assert '"Kreisverband"' in spec and '"sort": "-x"' in spec  # ranked, the largest on top
    assert '"locale"' in spec and "Dezember" in spec  # German labels (components.charts.german)

    # KV: a Land-wide draft is not its to send; its own call reaches only its KV.
    kv = open_page("pages/aktionen.py", "kv-leipzig")
    _create(kv, "Verteilt Leipzig", level="kv")
    _button(kv, "Empfänger:innen zählen").click().run()
    table = _by_kv_table(kv)
    eng = make_engine(app_db)
    with eng.connect() as conn:
        leipzig = conn.scalar(
            select(Kreisverband.name).join(User, User.kv_id == Kreisverband.id).where(User.username == "kv-leipzig")
        )
    eng.dispose()
    assert list(table["Kreisverband"]) == [leipzig] and int(table["Empfänger:innen"].sum()) == _reached(kv)


def test_team_sees_all_kvs_of_a_national_call(app_db):
    at = open_page("pages/aktionen.py", "team")
    _create(at, "Bundesweit verteilt")
    _button(at, "Empfänger:innen zählen").click().run()
    table = _by_kv_table(at)
    assert table["Land"].nunique() > 1 and int(table["Empfänger:innen"].sum()) == _reached(at)
    assert any("die 20 Kreisverbände mit den meisten" in c.value for c in at.caption) == (len(table) > 20)

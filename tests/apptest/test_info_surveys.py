"""AppTest of Linksaktiv-Info and Befragungen per role: compose, preview the mail, count, send once; results."""

from __future__ import annotations

from sqlalchemy import func, select

from db.engine import make_engine
from db.models import CallDelivery, CallToAction, InfoDelivery, InfoMailing, MailOutbox
from tests.support.apptest import all_text, open_page


def _scalar(app_db, stmt):
    eng = make_engine(app_db)
    with eng.connect() as conn:
        n = conn.scalar(stmt)
    eng.dispose()
    return n


def _button(at, label):
    return [b for b in at.button if b.label == label or b.label.startswith(label)][0]


def _metric(at, label) -> str:
    return str([m for m in at.metric if m.label == label][0].value)


def test_land_composes_previews_and_sends_an_info_once(app_db):
    at = open_page("pages/info.py", "lv-sachsen")
    assert not at.exception, at.exception
    assert at.selectbox(key="info_level").options == ["Land", "Kreisverband"]
    at.text_input(key="info_title").set_value("Sachsen-Info Miete")
    at.text_area(key="info_body").set_value("Neues vom Mietenbündnis.")
    at.multiselect(key="info_topics").set_value(["miete", "pflege"])
    at.selectbox(key="info_level").set_value("land").run()
    at.selectbox(key="info_land").set_value("14")
    _button(at, "Info anlegen").click().run()
    assert "als Entwurf angelegt" in all_text(at), all_text(at)
    info_id = _scalar(app_db, select(func.max(InfoMailing.id)))
    # The preview shows the mail as sent, with the personal links block.
    preview = "\n".join(t.value for t in at.text)
    assert "Betreff: Sachsen-Info Miete" in preview and "Hallo <Vorname>," in preview
    assert "Meine Themen / Abmelden: http" in preview

    _button(at, "Empfänger:innen zählen").click().run()
    n = int(_metric(at, "Empfänger:innen").replace(".", ""))
    assert n > 0 and at.dataframe[0].value["Empfänger:innen"].sum() == n
    _button(at, "An ").click().run()
    assert "senden?" in all_text(at)
    _button(at, "Ja, an").click().run()
    assert not at.exception, at.exception
    assert f"an {n} Linksaktive unterwegs" in all_text(at) or "1 Linksaktive:n unterwegs" in all_text(at)
    assert _scalar(app_db, select(func.count()).select_from(InfoDelivery).where(InfoDelivery.info_id == info_id)) == n
    assert (
        _scalar(
            app_db,
            select(func.count())
            .select_from(MailOutbox)
            .where(MailOutbox.ref_type == "info", MailOutbox.ref_id == info_id),
        )
        == n
    )
    assert _metric(at, "verschickt") == str(n) or _metric(at, "verschickt").replace(".", "") == str(n)
    assert _metric(at, "abgemeldet") == "0"
    assert not [b for b in at.button if b.label.startswith("Ja, an")]


def test_info_errors_change_nothing(app_db):
    before = _scalar(app_db, select(func.count()).select_from(InfoMailing))
    at = open_page("pages/info.py", "kv-leipzig")
    assert at.selectbox(key="info_level").options == ["Kreisverband"]
    at.text_input(key="info_title").set_value("Ohne Thema")
    at.text_area(key="info_body").set_value("Text")
    _button(at, "Info anlegen").click().run()
    assert "mindestens ein Thema" in all_text(at)
    assert _scalar(app_db, select(func.count()).select_from(InfoMailing)) == before


def _fill_survey(at):
    at.text_input(key="svy_title").set_value("Sachsen fragt nach")
    at.text_area(key="svy_body").set_value("Wir wollen wissen, was dich bewegt.")
    at.multiselect(key="svy_topics").set_value(["miete", "pflege", "verkehr"])
    at.selectbox(key="svy_level").set_value("land").run()
    at.selectbox(key="svy_land").set_value("14")
    from datetime import date, timedelta

    at.date_input(key="svy_end").set_value(date.today() + timedelta(days=60))
    at.number_input(key="svy_n").set_value(2).run()
    at.selectbox(key="svy_q1_kind").set_value("single").run()
    at.text_input(key="svy_q1_text").set_value("Wie findest du deine Miete?")
    at.text_area(key="svy_q1_options").set_value("zu hoch\nin Ordnung")
    at.selectbox(key="svy_q2_kind").set_value("text").run()
    at.text_input(key="svy_q2_text").set_value("Was sollen wir tun?")


def test_land_composes_and_sends_a_survey(app_db):
    at = open_page("pages/befragungen.py", "lv-sachsen")
    assert not at.exception, at.exception
    _fill_survey(at)
    _button(at, "Befragung anlegen").click().run()
    assert "als Entwurf angelegt" in all_text(at), all_text(at)
    sid = _scalar(app_db, select(func.max(CallToAction.id)).where(CallToAction.kind == "survey"))
    preview = "\n".join(t.value for t in at.text)
    assert "Antworten: http" in preview and "2 Fragen" in preview
    _button(at, "Empfänger:innen zählen").click().run()
    n = int(_metric(at, "Empfänger:innen").replace(".", ""))
    _button(at, "An ").click().run()
    _button(at, "Ja, an").click().run()
    assert not at.exception, at.exception
    assert _scalar(app_db, select(func.count()).select_from(CallDelivery).where(CallDelivery.call_id == sid)) == n
    assert _metric(at, "haben geantwortet") == "0"
    assert "Frage 1" in all_text(at) and "Frage 2" in all_text(at)

    # leitung sees the sent survey's counts, not the free texts, and cannot write one.
    lt = open_page("pages/befragungen.py", "leitung")
    assert not lt.exception, lt.exception
    assert not [b for b in lt.button if b.label == "Befragung anlegen"]
    assert "Freitext-Antworten werden dir nicht gezeigt" in all_text(lt)
    assert not [b for b in lt.button if b.label == "Freitexte als CSV"]

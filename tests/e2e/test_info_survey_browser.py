"""Browser journey: lv-sachsen sends a Linksaktiv-Info and a survey to Sachsen; the mails arrive at a local SMTP
server; one recipient opens the survey link in a fresh browser without login, answers, changes a topic and
unsubscribes from information; the counts on the Info and survey pages and the consent ledger change."""

from __future__ import annotations

import re
import shutil
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from db.engine import make_engine
from db.models import Consent, Contact, ContactTopic, InfoMailing, SurveyResponse
from harness.browser import login, wait_idle
from services.mail.sender import deliver_due
from tests.support.browser import choose_option, click_until, shot
from tests.support.smtp import smtp_settings

pytestmark = pytest.mark.e2e

INFO_TITLE = "Sachsen-Info: Mieten"
SURVEY_TITLE = "Sachsen fragt: Wohnen"


def _type(page, label: str, value: str) -> None:
    wait_idle(page)
    box = page.get_by_role("textbox", name=label, exact=True)
    box.fill(value)
    box.press("Tab")
    wait_idle(page)


def _choose_topic(page, topic: str) -> None:
    topics = page.get_by_test_id("stMultiSelect").filter(has_text="Themen").get_by_role("combobox")
    choose_option(page, topics, topic)
    page.keyboard.press("Escape")


def _send(page, done_text: str) -> int:
    send = page.get_by_role("button", name=re.compile(r"^An [\d.]+ Linksaktive(:n)? senden"))
    click_until(page, page.get_by_role("button", name="Empfänger:innen zählen"), send)
    n = int(re.search(r"\d[\d.]*", send.inner_text()).group().replace(".", ""))
    confirm = page.get_by_role("button", name=re.compile(r"^Ja, an [\d.]+ senden"))
    click_until(page, send, confirm)
    click_until(page, confirm, page.get_by_text(done_text, exact=False))
    wait_idle(page)
    return n


def _link(body: str, prefix: str, base: str) -> str:
    line = next(x for x in body.splitlines() if x.startswith(prefix))
    url = urlsplit(line[len(prefix) :].strip())
    return f"{base}/?{url.query}"  # the mail points at PUBLIC_BASE_URL; the test server has its own port


def _metric(page, label: str):
    return page.get_by_test_id("stMetric").filter(has=page.get_by_text(label, exact=True))


def test_info_and_survey_from_sending_to_answer_and_unsubscribe(
    seeded_db_url, app_server_factory, browser, browser_page, tmp_path, smtp_server
):
    shutil.copy(seeded_db_url.removeprefix("sqlite:///"), tmp_path / "info.sqlite")
    url = f"sqlite:///{tmp_path / 'info.sqlite'}"
    base = app_server_factory(db_url=url)
    page = browser_page
    page.set_viewport_size({"width": 1400, "height": 1800})
    login(page, base, "lv-sachsen")

    # The Info: compose, see the mail as a recipient sees it, count per KV, send once.
    page.get_by_role("link", name="Linksaktiv-Info").click()
    expect(page.get_by_role("heading", name="Linksaktiv-Info")).to_be_visible()
    wait_idle(page)
    page.get_by_role("tab", name="Neue Info").click()
    _type(page, "Titel (Betreff der Mail)", INFO_TITLE)
    _type(page, "Text", "Am Samstag sammeln wir Unterschriften für den Mietendeckel.")
    _choose_topic(page, "Miete")
    shot(page, "info_01_new")
    click_until(page, page.get_by_role("button", name="Info anlegen"), page.get_by_text("als Entwurf angelegt"))
    expect(page.get_by_text("Meine Themen / Abmelden: http", exact=False)).to_be_visible()
    n_info = _send(page, "Die Info ist an")
    expect(_metric(page, "verschickt")).to_contain_text(str(n_info))
    shot(page, "info_02_sent")

    # The survey: two questions, ends in three weeks.
    page.get_by_role("link", name="Befragungen").click()
    expect(page.get_by_role("heading", name="Befragungen")).to_be_visible()
    wait_idle(page)
    page.get_by_role("tab", name="Neue Befragung").click()
    _type(page, "Titel (Betreff der Mail)", SURVEY_TITLE)
    _type(page, "Einleitung", "Sag uns, wie es dir mit deiner Miete geht.")
    _choose_topic(page, "Miete")
    # The end is four weeks ahead unless chosen otherwise.
    expect(page.get_by_test_id("stDateInput").filter(has_text="läuft bis").locator("input")).to_have_value(
        (date.today() + timedelta(days=28)).isoformat()
    )
    number = page.get_by_test_id("stNumberInput").locator("input")
    number.fill("2")
    number.press("Tab")
    wait_idle(page)
    _type(page, "Frage 1", "Wie findest du deine Miete?")
    options = page.get_by_role("textbox", name="Antwortmöglichkeiten zu Frage 1 (eine pro Zeile, 2 bis 10)")
    options.fill("zu hoch\nin Ordnung")
    options.press("Tab")
    wait_idle(page)
    kind2 = page.get_by_test_id("stSelectbox").filter(has_text="Art von Frage 2").get_by_role("combobox")
    choose_option(page, kind2, "Freitext")
    _type(page, "Frage 2", "Was sollen wir tun?")
    shot(page, "survey_01_new")
    click_until(page, page.get_by_role("button", name="Befragung anlegen"), page.get_by_text("als Entwurf angelegt"))
    expect(page.get_by_text("Antworten: http", exact=False)).to_be_visible()
    n_survey = _send(page, "Die Befragung ist an")
    expect(_metric(page, "haben geantwortet")).to_contain_text("0")
    shot(page, "survey_02_sent")

    # The sender delivers both to a real SMTP server.
    ctl, inbox = smtp_server
    eng = make_engine(url)
    report = deliver_due(eng, smtp_settings(ctl.port), batch=10_000)
    assert report.sent == n_info + n_survey == len(inbox.messages)
    by_subject: dict[str, dict[str, str]] = {}
    for rcpts, msg in inbox.messages:
        by_subject.setdefault(msg["Subject"], {})[rcpts[0]] = msg.get_content()
    both = sorted(set(by_subject[INFO_TITLE]) & set(by_subject[SURVEY_TITLE]))
    assert both, "nobody got both mails"
    who = both[0]
    answer_url = _link(by_subject[SURVEY_TITLE][who], "Antworten: ", base)
    topics_url = _link(by_subject[INFO_TITLE][who], "Meine Themen / Abmelden: ", base)
    with eng.connect() as conn:
        cid = conn.scalar(select(Contact.id).where(Contact.email == who))

    # The recipient, in a fresh browser without login: answer the survey.
    context = browser.new_context(viewport={"width": 900, "height": 1400}, locale="de-DE")
    person = context.new_page()
    person.set_default_timeout(60_000)
    person.goto(answer_url)
    expect(person.get_by_text(SURVEY_TITLE).first).to_be_visible()
    expect(person.get_by_role("textbox", name="Benutzername")).to_have_count(0)
    wait_idle(person)
    choose_option(person, person.get_by_test_id("stSelectbox").get_by_role("combobox"), "zu hoch")
    box = person.get_by_role("textbox", name="Antwort auf Frage 2")
    box.fill("Mehr Sozialwohnungen bauen.")
    shot(person, "survey_03_recipient_answers")
    click_until(person, person.get_by_role("button", name="Antwort abschicken"), person.get_by_text("Danke!"))
    expect(person.get_by_text("Du hast schon geantwortet", exact=False)).to_be_visible()
    shot(person, "survey_04_recipient_answered")

    # The Info's topics link: drop one topic, then unsubscribe from information.
    person.goto(topics_url)
    expect(person.get_by_text("Meine Themen")).to_be_visible()
    wait_idle(person)
    with eng.connect() as conn:
        before = set(conn.scalars(select(ContactTopic.topic).where(ContactTopic.contact_id == cid)))
    # Remove "Miete" with the tag's close button.
    person.get_by_role("button", name="Remove Miete").click()
    wait_idle(person)
    click_until(
        person,
        person.get_by_role("button", name="Themen speichern"),
        person.get_by_text("Deine Themen sind gespeichert"),
    )
    person.get_by_text(re.compile(r"^Information per")).last.click()
    click_until(person, person.get_by_role("button", name="Jetzt abmelden"), person.get_by_text("Du bist abgemeldet"))
    shot(person, "survey_05_recipient_unsubscribed")
    context.close()
    with eng.connect() as conn:
        after = set(conn.scalars(select(ContactTopic.topic).where(ContactTopic.contact_id == cid)))
        withdrawn = conn.scalar(
            select(Consent.id).where(
                Consent.contact_id == cid, Consent.purpose == "information", Consent.withdrawn_at.is_not(None)
            )
        )
        answered = conn.scalar(select(SurveyResponse.id).where(SurveyResponse.contact_id == cid))
        info_id = conn.scalar(select(InfoMailing.id).where(InfoMailing.title == INFO_TITLE))
    assert "miete" in before and after == before - {"miete"}
    assert withdrawn is not None and answered is not None and info_id
    eng.dispose()

    # Back in the Cockpit: the counts changed.
    page.get_by_role("link", name="Linksaktiv-Info").click()
    wait_idle(page)
    expect(_metric(page, "abgemeldet")).to_contain_text("1")
    shot(page, "info_03_unsubscribed_count")
    page.get_by_role("link", name="Befragungen").click()
    wait_idle(page)
    expect(_metric(page, "haben geantwortet")).to_contain_text("1")
    expect(page.get_by_text("1 Antwort, ohne Namen.")).to_be_visible()  # the free text, in a table without names
    shot(page, "survey_06_results")

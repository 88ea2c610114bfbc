"""Browser journey: lv-sachsen writes a call to action, counts its audience, sends it; the mails arrive."""

from __future__ import annotations

import re
import shutil

import pytest
from playwright.sync_api import expect

from db.engine import make_engine
from harness.browser import login, wait_idle
from services.mail.sender import deliver_due
from tests.support.browser import choose_option, click_until, shot
from tests.support.smtp import smtp_settings

pytestmark = pytest.mark.e2e

TITLE = "Infostand gegen Mietenwahnsinn"


def _type(page, label: str, value: str) -> None:
    """Fill a text field and leave it, so Streamlit has the value before the next click."""
    wait_idle(page)
    box = page.get_by_role("textbox", name=label, exact=True)
    box.fill(value)
    box.press("Tab")
    wait_idle(page)


def test_land_sends_a_call_and_the_mails_arrive(seeded_db_url, app_server_factory, browser_page, tmp_path, smtp_server):
    # A copy of the database: the deliveries must not change what other journeys see.
    shutil.copy(seeded_db_url.removeprefix("sqlite:///"), tmp_path / "calls.sqlite")
    url = f"sqlite:///{tmp_path / 'calls.sqlite'}"
    base = app_server_factory(db_url=url)
    page = browser_page
    login(page, base, "lv-sachsen")
    page.get_by_role("link", name="Aktionsaufrufe").click()
    expect(page.get_by_role("heading", name="Aktionsaufrufe")).to_be_visible()
    wait_idle(page)
    page.get_by_role("tab", name="Neuer Aufruf").click()
    _type(page, "Titel (Betreff der Mail)", TITLE)
    _type(page, "Text", "Wir stehen am Samstag um 10 Uhr am Markt. Komm vorbei!")
    topics = page.get_by_test_id("stMultiSelect").filter(has_text="Themen").get_by_role("combobox")
    choose_option(page, topics, "Miete")
    page.keyboard.press("Escape")
    _type(page, "Link (optional)", "https://example.org/infostand")
    shot(page, "aktionen_01_new_call")
    click_until(
        page,
        page.get_by_role("button", name="Aufruf anlegen"),
        page.get_by_text("Der Aufruf ist als Entwurf angelegt.", exact=False),
    )
    wait_idle(page)

    page.get_by_role("tab", name="Aufrufe", exact=True).click()
    expect(page.get_by_text("Region:")).to_be_visible()
    send = page.get_by_role("button", name=re.compile(r"^An \d+ Personen senden$"))
    click_until(page, page.get_by_role("button", name="Empfänger:innen zählen"), send)
    n = int(re.search(r"\d+", send.inner_text()).group())
    assert n > 0
    shot(page, "aktionen_02_preview")
    click_until(page, send, page.get_by_text(f"Der Aufruf ist an {n} Personen unterwegs"))
    expect(page.get_by_test_id("stMetric").filter(has_text="erreicht").first).to_be_visible()
    wait_idle(page)
    expect(send).to_have_count(0)  # sent once: no second sending offered
    expect(page.get_by_text(re.compile(r"Stand: verschickt am \d\d\.\d\d\.\d{4}"))).to_be_visible()
    # The select shows the new state too (its value is in its input; Streamlit would keep the old label).
    expect(page.get_by_role("combobox", name=re.compile("Aufruf"))).to_have_value(
        re.compile(f"{TITLE} · Sachsen · verschickt")
    )
    shot(page, "aktionen_03_sent")

    # The sender (scripts/send_mail in production) delivers the outbox to a real SMTP server.
    ctl, inbox = smtp_server
    eng = make_engine(url)
    report = deliver_due(eng, smtp_settings(ctl.port), batch=10_000)
    eng.dispose()
    assert report.sent == n and len(inbox.messages) == n
    _, msg = inbox.messages[0]
    assert msg["Subject"] == TITLE
    body = msg.get_content()
    assert body.startswith("Hallo ") and "Wir stehen am Samstag" in body and "https://example.org/infostand" in body

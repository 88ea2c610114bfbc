"""Browser journeys: a call to action is written, opened, tried as a test mail, counted, confirmed and sent; the mails arrive."""

from __future__ import annotations

import re
import shutil

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from db.engine import make_engine
from db.models import CallDelivery, CallToAction, Kreisverband, User
from domain.formatting import format_int
from harness.browser import login, wait_idle
from services.mail.sender import deliver_due
from tests.support.browser import choose_option, click_until, shot
from tests.support.smtp import smtp_settings

pytestmark = pytest.mark.e2e

TITLE = "Infostand gegen Mietenwahnsinn"


def _count_in(label: str) -> int:
    """The number in a label such as "An 1.234 Linksaktive senden …"."""
    return int(re.search(r"\d[\d.]*", label).group().replace(".", ""))


def _people(n: int) -> str:
    return "1 Linksaktive:n" if n == 1 else f"{format_int(n)} Linksaktive"


def _db_value(url: str, stmt):
    eng = make_engine(url)
    with eng.connect() as conn:
        value = conn.scalar(stmt)
    eng.dispose()
    return value


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
    page.set_viewport_size({"width": 1400, "height": 1800})  # the screenshots show the whole draft
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
        page.get_by_text("Der Aufruf ist als Entwurf angelegt", exact=False),
    )
    wait_idle(page)

    page.get_by_role("tab", name="Aufrufe", exact=True).click()
    expect(page.get_by_text("Region:")).to_be_visible()
    send = page.get_by_role("button", name=re.compile(r"^An [\d.]+ Linksaktive(:n)? senden"))
    click_until(page, page.get_by_role("button", name="Empfänger:innen zählen"), send)
    n = _count_in(send.inner_text())
    assert n > 0
    # A Land call: its recipients per KV, ranked.
    expect(page.get_by_text("Empfänger:innen nach Kreisverband")).to_be_visible()
    expect(page.get_by_test_id("stVegaLiteChart")).to_be_visible()
    shot(page, "aktionen_02_preview")
    confirm = page.get_by_role("button", name=re.compile(r"^Ja, an [\d.]+ senden"))
    click_until(page, send, confirm)
    click_until(page, confirm, page.get_by_text(f"Der Aufruf ist an {_people(n)} unterwegs"))
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


KV_TITLE = "Zeitungen verteilen in Connewitz"


def test_kv_creates_a_call_tries_it_and_sends_it_after_confirming(
    seeded_db_url, app_server_factory, browser_page, tmp_path, smtp_server
):
    shutil.copy(seeded_db_url.removeprefix("sqlite:///"), tmp_path / "kvcalls.sqlite")
    url = f"sqlite:///{tmp_path / 'kvcalls.sqlite'}"
    kv_name = _db_value(
        url, select(Kreisverband.name).join(User, User.kv_id == Kreisverband.id).where(User.username == "kv-leipzig")
    )
    base = app_server_factory(db_url=url)
    page = browser_page
    page.set_viewport_size({"width": 1400, "height": 1800})  # the screenshots show the whole draft
    login(page, base, "kv-leipzig")
    page.get_by_role("link", name="Aktionsaufrufe").click()
    expect(page.get_by_role("heading", name="Aktionsaufrufe")).to_be_visible()
    wait_idle(page)
    page.get_by_role("tab", name="Neuer Aufruf").click()
    wait_idle(page)
    _type(page, "Titel (Betreff der Mail)", KV_TITLE)
    _type(page, "Text", "Wir verteilen am Samstag die neue Zeitung. Treffpunkt: Herderpark.")
    topics = page.get_by_test_id("stMultiSelect").filter(has_text="Themen").get_by_role("combobox")
    for topic in ("Miete", "Pflege", "Umverteilung"):
        choose_option(page, topics, topic)
        page.keyboard.press("Escape")
    _type(page, "Link (optional)", "https://example.org/verteilen")
    shot(page, "aktionen_kv_01_new_call")

    # Create: the message shows, the list tab opens with the new draft chosen.
    create = page.get_by_role("button", name="Aufruf anlegen")
    click_until(page, create, page.get_by_text("Der Aufruf ist als Entwurf angelegt", exact=False))
    wait_idle(page)
    expect(page.get_by_role("tab", name="Aufrufe", exact=True)).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("combobox", name=re.compile("Aufruf"))).to_have_value(f"{KV_TITLE} · {kv_name} · Entwurf")
    expect(page.get_by_text("Stand: Entwurf", exact=False)).to_be_visible()
    shot(page, "aktionen_kv_02_draft_opened")

    # The form is empty, also after the browser has sent its state back; another click makes no second draft.
    page.get_by_role("tab", name="Neuer Aufruf").click()
    wait_idle(page)
    expect(page.get_by_role("textbox", name="Titel (Betreff der Mail)", exact=True)).to_have_value("")
    expect(page.get_by_role("textbox", name="Text", exact=True)).to_have_value("")
    expect(page.get_by_role("textbox", name="Link (optional)", exact=True)).to_have_value("")
    shot(page, "aktionen_kv_03_form_empty")
    click_until(page, create, page.get_by_text("Bitte gib dem Aufruf einen Titel."))
    assert _db_value(url, select(func.count()).select_from(CallToAction).where(CallToAction.title == KV_TITLE)) == 1
    call_id = _db_value(url, select(CallToAction.id).where(CallToAction.title == KV_TITLE))

    # A test mail to myself; the call stays a draft.
    page.get_by_role("tab", name="Aufrufe", exact=True).click()
    wait_idle(page)
    click_until(
        page,
        page.get_by_role("button", name="Testmail an mich"),
        page.get_by_text("Die Testmail an deine eigene Adresse liegt im Postausgang", exact=False),
    )
    expect(page.get_by_text("Stand: Entwurf", exact=False)).to_be_visible()
    shot(page, "aktionen_kv_04_test_mail")

    # Count: the recipients per KV; sending asks first and names the count.
    send = page.get_by_role("button", name=re.compile(r"^An [\d.]+ Linksaktive(:n)? senden"))
    click_until(page, page.get_by_role("button", name="Empfänger:innen zählen"), send)
    n = _count_in(send.inner_text())
    assert n > 0
    expect(page.get_by_text("Empfänger:innen nach Kreisverband")).to_be_visible()
    expect(page.get_by_test_id("stDataFrame").filter(has_text="Kreisverband")).to_be_visible()  # one KV: no chart
    shot(page, "aktionen_kv_05_count_by_kv")
    confirm = page.get_by_role("button", name=f"Ja, an {format_int(n)} senden")
    click_until(page, send, confirm)
    expect(page.get_by_text(f"An {_people(n)} senden?")).to_be_visible()
    expect(page.get_by_role("button", name="Abbrechen")).to_be_visible()
    assert _db_value(url, select(func.count()).select_from(CallDelivery).where(CallDelivery.call_id == call_id)) == 0
    shot(page, "aktionen_kv_06_confirm")
    page.set_viewport_size({"width": 390, "height": 1800})  # a phone: question and both buttons in view
    # Streamlit folds the sidebar away on a narrow screen; wait until it has slid out of view.
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar).to_have_attribute("data-collapsed", "true")
    expect(sidebar).not_to_be_in_viewport()
    expect(page.get_by_role("button", name="Abbrechen")).to_be_in_viewport()
    expect(confirm).to_be_in_viewport()
    shot(page, "aktionen_kv_06_confirm_390")
    page.set_viewport_size({"width": 1400, "height": 1800})
    click_until(page, confirm, page.get_by_text(f"Der Aufruf ist an {_people(n)} unterwegs"))
    wait_idle(page)
    expect(page.get_by_text(re.compile(r"Stand: verschickt am \d\d\.\d\d\.\d{4}"))).to_be_visible()
    expect(send).to_have_count(0)
    shot(page, "aktionen_kv_07_sent")

    # The outbox: the call to its n recipients, and the one test mail to kv-leipzig's own address.
    ctl, inbox = smtp_server
    eng = make_engine(url)
    report = deliver_due(eng, smtp_settings(ctl.port), batch=10_000)
    eng.dispose()
    assert report.sent == n + 1
    to_me = [msg for rcpt, msg in inbox.messages if rcpt == ["kv-leipzig@example.org"]]
    assert len(to_me) == 1 and to_me[0]["Subject"] == KV_TITLE
    body = to_me[0].get_content()
    assert body.startswith("Hallo ") and "Herderpark" in body and "https://example.org/verteilen" in body

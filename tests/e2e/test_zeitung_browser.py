"""Browser journey: kv-goerlitz orders the newspaper for one person, team approves and prints labels."""

from __future__ import annotations

import contextlib
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import make_engine
from db.models import Contact, User
from db.queries.newspaper import BatchFilter, batch_select
from harness.browser import login
from services.core.scope import scope_for
from tests.support.browser import choose_option, click_until, shot
from tests.support.pdf import pdf_text

pytestmark = pytest.mark.e2e


def _far_contact(url: str):
    eng = make_engine(url)
    with Session(eng) as s:
        scope = scope_for(s.scalar(select(User).where(User.username == "kv-goerlitz")))
        row = s.execute(
            batch_select(
                scope,
                -1,
                BatchFilter(reach_km=15.0),
                Contact.id,
                Contact.first_name,
                Contact.last_name,
                Contact.email,
                Contact.street,
            )
            .order_by(Contact.id)
            .limit(1)
        ).first()
    eng.dispose()
    return row


def _idle(page):
    # A click while the script still runs can be lost: wait until Streamlit shows no "Running".
    page.wait_for_timeout(300)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=60_000)


def test_goerlitz_orders_team_ships_labels(seeded_db_url, app_server_factory, browser, browser_page, tmp_path):
    src = seeded_db_url.removeprefix("sqlite:///")
    for suffix in ("", "-wal", "-shm"):  # a copy, so the orders never leak into other journeys
        with contextlib.suppress(FileNotFoundError):
            shutil.copy(src + suffix, str(tmp_path / "zeitung.sqlite") + suffix)
    url = f"sqlite:///{tmp_path / 'zeitung.sqlite'}"
    person = _far_contact(url)
    assert person is not None, "the demo data needs a Görlitz contact without an office in reach"
    base = app_server_factory(db_url=url)
    page = browser_page

    login(page, base, "kv-goerlitz")
    expect(page.get_by_role("heading", name="Übersicht")).to_be_visible()
    page.goto(base + "/zeitung-bestellen")
    expect(page.get_by_role("heading", name="Zeitung bestellen")).to_be_visible()
    search = page.get_by_role("textbox", name="Suche nach Name, E-Mail oder PLZ", exact=True)
    search.fill(person.email)
    search.press("Enter")
    choose_option(
        page,
        page.get_by_role("combobox", name=re.compile("Linksaktive:n öffnen")),
        re.compile(re.escape(person.last_name)),
    )
    expect(page.get_by_text("Kostenloser Versand")).to_be_visible()
    expect(page.get_by_text(person.street).first).to_be_visible()
    shot(page, "zeitung_01_kv_goerlitz_form")
    _idle(page)
    click_until(
        page,
        page.get_by_role("button", name="Zeitung bestellen"),
        page.get_by_text(re.compile(r"Bestellung \d+ angelegt")),
    )
    shot(page, "zeitung_02_kv_goerlitz_ordered")
    # The team works in its own browser (own cookies), as a colleague would.
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="de-DE", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    login(page, base, "team")
    expect(page.get_by_role("heading", name="Übersicht")).to_be_visible()
    page.goto(base + "/zeitung-versand")
    expect(page.get_by_role("heading", name="Zeitungsversand")).to_be_visible()
    expect(page.get_by_text(re.compile(r"angefragt: [1-9]")).first).to_be_visible()
    _idle(page)
    click_until(
        page,
        page.get_by_role("button", name=re.compile("Bestellungen auf „freigegeben“ setzen")),
        page.get_by_text(re.compile(r"freigegeben: [1-9]")).first,
    )
    _idle(page)
    download_button = page.get_by_role("button", name="Adressetiketten (PDF) herunterladen")
    click_until(page, page.get_by_role("button", name="Adressetiketten (PDF) erzeugen"), download_button)
    shot(page, "zeitung_03_team_documents")
    with page.expect_download() as info:
        download_button.click()
    pdf = Path(info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert f"{person.first_name} {person.last_name}" in text and person.street in text
    context.close()

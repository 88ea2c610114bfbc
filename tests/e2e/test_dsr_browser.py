"""Browser journey: admin records an access request, downloads its PDF and JSON, marks it sent, then erases another person."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from db.engine import make_engine, make_session_factory
from db.models import Assignment, Contact, VolunteerOffer
from harness.browser import login, wait_idle
from tests.support.browser import choose_option, click_until, shot

pytestmark = pytest.mark.e2e


def _copy_database(src_url: str, dst) -> str:
    """A copy of the seeded SQLite file (backup API: the shared server may hold it open in WAL mode)."""
    src = sqlite3.connect(src_url.removeprefix("sqlite:///"))
    dst_conn = sqlite3.connect(str(dst))
    with dst_conn:
        src.backup(dst_conn)
    src.close()
    dst_conn.close()
    return f"sqlite:///{dst}"


def _name_two_people(url: str) -> tuple[tuple[str, str], tuple[str, str]]:
    """Give two contacts without helper assignments unmistakable names; ((last, email), ...) for both."""
    eng = make_engine(url)
    busy = select(VolunteerOffer.contact_id).join(Assignment, Assignment.offer_id == VolunteerOffer.id)
    with make_session_factory(eng)() as s:
        people = s.scalars(select(Contact).where(Contact.id.not_in(busy)).order_by(Contact.id).limit(2)).all()
        out = []
        for c, (first, last) in zip(people, (("Ada", "Auskunftsfrau"), ("Emil", "Loeschmann"))):
            c.first_name, c.last_name, c.email = first, last, f"{first.lower()}.{last.lower()}@example.org"
            out.append((last, c.email))
        s.commit()
    eng.dispose()
    return out[0], out[1]


def _pick_person(page, last: str) -> None:
    """Search the picker of the request form and choose the one hit."""
    wait_idle(page)
    search = page.get_by_role("textbox", name="Person suchen (Name, E-Mail oder PLZ)", exact=True)
    search.fill(last)
    search.press("Enter")
    expect(page.get_by_text("Seite 1 · 1 Treffer auf dieser Seite")).to_be_visible()
    wait_idle(page)
    choice = page.get_by_role("combobox", name=re.compile("Linksaktive:n öffnen"))
    choose_option(page, choice, re.compile(re.escape(last)))
    expect(choice).to_have_value(re.compile(re.escape(last)))  # the selectbox shows its value in its input
    expect(page.get_by_role("button", name="Anfrage erfassen")).to_be_enabled()


def _choose_kind(page, label: str) -> None:
    wait_idle(page)
    kind = page.get_by_role("combobox", name=re.compile("Art der Anfrage"))
    choose_option(page, kind, label)
    expect(kind).to_have_value(label)


def _register(page) -> str:
    """Click "Anfrage erfassen" and return the new request's number."""
    wait_idle(page)
    button = page.get_by_role("button", name="Anfrage erfassen")
    expect(button).to_be_enabled()
    button.click()
    flash = page.get_by_text(re.compile(r"^Anfrage Nr\. \d+ ist erfasst\.$"))
    expect(flash).to_be_visible()
    return re.search(r"\d+", flash.inner_text()).group()


def test_admin_access_export_and_erasure(seeded_db_url, app_server_factory, browser_page, tmp_path):
    url = _copy_database(seeded_db_url, tmp_path / "dsr.sqlite")
    (access_last, _), (erase_last, erase_email) = _name_two_people(url)
    base = app_server_factory(db_url=url)
    page = browser_page

    login(page, base, "admin")
    expect(page.get_by_role("heading", name="Übersicht")).to_be_visible()
    page.get_by_test_id("stSidebar").get_by_text("Datenschutz-Anfragen", exact=True).click()
    expect(page.get_by_role("heading", name="Datenschutz-Anfragen")).to_be_visible()
    expect(page.get_by_text("Keine offene Anfrage.")).to_be_visible()
    wait_idle(page)
    page.get_by_text("Neue Anfrage erfassen", exact=True).click()

    # Access (Art. 15): record, make the export, download PDF and JSON, mark it as sent.
    _pick_person(page, access_last)
    _choose_kind(page, "Auskunft (Art. 15)")
    rid = _register(page)
    pick = page.get_by_role("combobox", name="Offene Anfrage", exact=True)
    expect(pick).to_have_value(re.compile(rf"^Nr\. {rid} · Auskunft \(Art\. 15\) · "))
    expect(page.get_by_role("button", name="Als versendet markieren")).to_be_disabled()
    shot(page, "dsr_01_access_recorded")
    wait_idle(page)
    click_until(
        page,
        page.get_by_role("button", name="Auskunft erzeugen"),
        page.get_by_text(f"Auskunft Nr. {rid} ist erzeugt (PDF und JSON).", exact=False),
    )
    for label, target in (("PDF", tmp_path / "auskunft.pdf"), ("JSON", tmp_path / "auskunft.json")):
        download = page.get_by_role("button", name=f"Auskunft Nr. {rid} als {label} herunterladen")
        expect(download).to_be_visible()
        wait_idle(page)
        with page.expect_download() as info:
            download.click()
        info.value.save_as(target)
    assert (tmp_path / "auskunft.pdf").read_bytes().startswith(b"%PDF")
    data = json.loads((tmp_path / "auskunft.json").read_text(encoding="utf-8"))
    assert data["Auskunft"]["Anfrage-Nr."] == int(rid)
    assert data["Stammdaten"]["Nachname"] == access_last
    # The request is still open until the staff say the answer went out.
    expect(pick).to_have_value(re.compile(rf"^Nr\. {rid} · Auskunft"))
    expect(page.get_by_role("button", name="Als versendet markieren")).to_be_enabled()
    # Each file is dropped from the server once downloaded: no download button is left.
    expect(page.get_by_role("button", name=re.compile(r"als (PDF|JSON) herunterladen"))).to_have_count(0)
    shot(page, "dsr_02_access_made")
    wait_idle(page)
    click_until(
        page,
        page.get_by_role("button", name="Als versendet markieren"),
        page.get_by_text(f"Auskunft Nr. {rid} ist als versendet markiert; die Anfrage ist erledigt."),
    )
    expect(page.get_by_text("Keine offene Anfrage.")).to_be_visible()
    shot(page, "dsr_02_access_sent")

    # Erasure (Art. 17): record, confirm with LÖSCHEN, carry out.
    wait_idle(page)  # elements of the previous run are gone once the run has finished
    if not page.get_by_role("textbox", name="Person suchen (Name, E-Mail oder PLZ)", exact=True).is_visible():
        page.get_by_text("Neue Anfrage erfassen", exact=True).click()
    _pick_person(page, erase_last)
    _choose_kind(page, "Löschung (Art. 17)")
    rid = _register(page)
    expect(pick).to_have_value(re.compile(rf"^Nr\. {rid} · Löschung \(Art\. 17\) · "))
    expect(page.get_by_text("Gelöscht werden die Person")).to_be_visible()
    wait_idle(page)
    confirm = page.get_by_role("textbox", name=re.compile("^Zur Bestätigung die PLZ der Person"))
    confirm.fill("LÖSCHEN")
    confirm.press("Enter")
    wait_idle(page)
    shot(page, "dsr_03_erasure_confirm")
    click_until(
        page,
        page.get_by_role("button", name="Endgültig löschen"),
        page.get_by_text(f"Die Person ist gelöscht; Anfrage Nr. {rid} ist erledigt."),
    )
    expect(page.get_by_text("Keine offene Anfrage.")).to_be_visible()
    shot(page, "dsr_04_erased")

    # The person is gone from Linksaktive, by name and by e-mail.
    wait_idle(page)
    page.get_by_test_id("stSidebar").get_by_text("Linksaktive", exact=True).click()
    expect(page.get_by_role("heading", name="Linksaktive")).to_be_visible()
    search = page.get_by_role("textbox", name="Suche nach Name, E-Mail oder PLZ", exact=True)
    for query in (erase_last, erase_email):
        wait_idle(page)
        search.fill(query)
        search.press("Enter")
        wait_idle(page)  # the message of the previous query must not count for this one
        expect(page.get_by_text("Keine Linksaktiven gefunden.")).to_be_visible()
    shot(page, "dsr_05_person_not_found")

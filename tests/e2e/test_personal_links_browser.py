"""Browser journey of the personal links: a recipient opens the links of a call-to-action mail in a fresh browser,
without any login: answers, then unsubscribes from one purpose; a PUBLIC_ONLY instance shows no login at all."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from db.engine import make_engine, make_session_factory
from db.models import CallDelivery, Consent, MailOutbox
from harness.browser import wait_idle
from services.calls import workflow as calls
from services.seed import seed_demo
from tests.support.browser import shot
from tests.support.databases import fresh_database
from tests.support.scopes import user_scope

pytestmark = pytest.mark.e2e


@pytest.fixture
def link_db(tmp_path, monkeypatch):
    """A seeded demo database of its own; this process signs links with the same key as its server."""
    from services.core.settings import get_settings

    url = fresh_database("sqlite", tmp_path, suffix="links")
    eng = make_engine(url)
    seed_demo(eng, contacts=600, seed=21)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("DEMO_MODE", "1")
    get_settings.cache_clear()
    yield url, make_session_factory(eng)
    eng.dispose()
    monkeypatch.undo()
    get_settings.cache_clear()


def _mail_links(factory) -> tuple[int, int, dict[str, str]]:
    """Send a national call; (call id, contact id, label → path with token) of its first mail."""
    with factory() as s:
        team = user_scope(s, "team")
        cid = calls.create_call(
            s, team, calls.CallForm("Mietendemo Link", "Komm mit!", "online", ("miete",), "national")
        )
        calls.send(s, team, cid, calls.preview(s, team, cid).recipients)
        mail = s.scalars(
            select(MailOutbox).where(MailOutbox.ref_type == "call_delivery").order_by(MailOutbox.id)
        ).first()
        links = {}
        for line in mail.body.splitlines():
            if "?t=" in line:
                label, _, url = line.rpartition(": ")
                links[label] = url[url.index("/?t=") :]
        return cid, mail.contact_id, links


def _no_login_no_navigation(page) -> None:
    expect(page.get_by_role("textbox", name="Benutzername", exact=True)).to_have_count(0)
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    expect(page.get_by_test_id("stSidebar")).to_have_count(0)  # no sidebar: no pages, no logout


def test_recipient_answers_and_unsubscribes_through_links_without_login(link_db, app_server_factory, browser):
    url, factory = link_db
    call_id, contact_id, links = _mail_links(factory)
    assert set(links) == {"Antworten", "Meine Themen / Abmelden"}
    base = app_server_factory(db_url=url)
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="de-DE")  # fresh: no cookies
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(base + links["Antworten"])
        expect(page.get_by_text("Mietendemo Link", exact=False).first).to_be_visible()
        wait_idle(page)
        _no_login_no_navigation(page)
        page.get_by_role("button", name="Ich bin dabei").click()
        expect(page.get_by_text("Deine Antwort ist gespeichert")).to_be_visible()
        wait_idle(page)
        shot(page, "links_01_answer_saved")
        with factory() as s:
            response = s.scalar(
                select(CallDelivery.response).where(
                    CallDelivery.call_id == call_id, CallDelivery.contact_id == contact_id
                )
            )
        assert response == "accepted"

        page.goto(base + links["Meine Themen / Abmelden"])
        expect(page.get_by_role("heading", name="Meine Themen")).to_be_visible()
        wait_idle(page)
        _no_login_no_navigation(page)
        page.get_by_text("Aktionsaufrufe per E-Mail").last.click()
        page.get_by_role("button", name="Jetzt abmelden").click()
        expect(page.get_by_text("Du bist abgemeldet")).to_be_visible()
        wait_idle(page)
        shot(page, "links_02_unsubscribed")
        with factory() as s:
            withdrawn = s.scalars(
                select(Consent.purpose).where(Consent.contact_id == contact_id, Consent.withdrawn_at.is_not(None))
            ).all()
        assert "call_to_action" in withdrawn

        # A link cut off when copied: a German page, nothing else.
        page.goto(base + links["Antworten"][:-6])
        expect(page.get_by_text("Dieser Link ist ungültig")).to_be_visible()
        _no_login_no_navigation(page)
        wait_idle(page)
        shot(page, "links_03_forged")
    finally:
        context.close()


def test_public_only_instance_serves_no_login(link_db, app_server_factory, browser_page):
    url, factory = link_db
    _, _, links = _mail_links(factory)
    base = app_server_factory({"PUBLIC_ONLY": "1"}, db_url=url)
    page = browser_page
    page.goto(base)
    expect(page.get_by_text("Bitte öffne den Link direkt aus deiner Mail")).to_be_visible()
    _no_login_no_navigation(page)
    page.goto(base + "/benutzer")  # a staff page's address: still no login, no staff page
    expect(page.get_by_text("Bitte öffne den Link direkt aus deiner Mail")).to_be_visible()
    _no_login_no_navigation(page)
    page.goto(base + links["Meine Themen / Abmelden"])
    expect(page.get_by_role("heading", name="Meine Themen")).to_be_visible()
    wait_idle(page)
    shot(page, "links_04_public_only_topics")


def test_rate_limit_counts_each_visitor_the_proxy_names(link_db, app_server_factory, browser):
    """Behind the proxy every peer is 127.0.0.1: the limit counts per X-Real-IP, so one busy visitor
    gets the German notice while another still opens their link."""
    url, factory = link_db
    _, _, links = _mail_links(factory)
    base = app_server_factory({"LINK_RATE_LIMIT": "3"}, db_url=url)
    target = base + links["Meine Themen / Abmelden"]
    busy = browser.new_context(locale="de-DE", extra_http_headers={"X-Real-IP": "203.0.113.7"})
    other = browser.new_context(locale="de-DE", extra_http_headers={"X-Real-IP": "203.0.113.8"})
    try:
        page = busy.new_page()
        for _ in range(3):
            page.goto(target)
            expect(page.get_by_role("heading", name="Meine Themen")).to_be_visible()
            wait_idle(page)
        page.goto(target)
        expect(page.get_by_text("sehr viele Anfragen")).to_be_visible()
        expect(page.get_by_role("heading", name="Meine Themen")).to_have_count(0)
        wait_idle(page)
        shot(page, "links_05_rate_limited")
        second = other.new_page()
        second.goto(target)
        expect(second.get_by_role("heading", name="Meine Themen")).to_be_visible()
    finally:
        busy.close()
        other.close()

"""The benchmark's browserless client (harness/st_protocol.py) against a real app process on SQLite.

A minted login cookie in the WebSocket handshake logs in (the Übersicht comes, not the login form),
page switches and a search arrive as runs, and a cookie the app must refuse gets the login page.
"""

from __future__ import annotations

import asyncio
import secrets
from concurrent.futures import ThreadPoolExecutor

import jwt
import pytest

from db.engine import make_engine, make_session_factory
from harness.browser import start_app
from harness.proxy import stop
from harness.st_protocol import ProtocolSession, mint_login_cookie
from services.core.settings import get_settings
from services.seed import seed_demo
from tests.support.databases import fresh_database

SEARCH = "Suche nach Name, E-Mail oder PLZ"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """(base URL, engine, cookie key) of one demo app process on a small seeded SQLite database."""
    url = fresh_database("sqlite", tmp_path_factory.mktemp("protocol"), suffix="protocol")
    engine = make_engine(url)
    seed_demo(engine, contacts=300, seed=42)
    key = secrets.token_hex(32)
    proc, base = start_app(url, {"COOKIE_KEY": key, "DEMO_MODE": "1"})
    yield base, engine, key
    stop(proc)
    engine.dispose()


def _labels(result, kind: str) -> list[str]:
    return [getattr(e, kind).label for e in result.elements if e.WhichOneof("type") == kind]


def _run(coro):
    """Run coro on an event loop of its own thread: the browser tests' Playwright leaves one running in this one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def _journey(base: str, cookie: str) -> dict:
    ps = await ProtocolSession.open(base, {get_settings().cookie_name: cookie})
    try:
        seen = {"first": await ps.rerun(), "pages": dict(ps.pages)}
        seen["karte"] = await ps.rerun("Karte")
        seen["karte_hash"] = ps.page_hash
        page = await ps.rerun("Linksaktive")
        box = page.widget("text_input", SEARCH)
        seen["search_id"] = box.id
        seen["hits"] = await ps.rerun(widgets={box.id: "a"})
        seen["none"] = await ps.rerun(widgets={box.id: "zzqxzzqx"})
        return seen
    finally:
        await ps.close()


def test_minted_cookie_logs_in_and_runs_pages_and_search(app):
    base, engine, key = app
    with make_session_factory(engine)() as s:
        cookie = mint_login_cookie(s, "kv-leipzig", key)
    seen = _run(_journey(base, cookie))

    first = seen["first"]
    assert first.errors == []
    assert "Abmelden" in _labels(first, "button")
    assert "Benutzername" not in _labels(first, "text_input")
    assert {"Übersicht", "Linksaktive", "Karte", "Zeitung bestellen"} <= set(seen["pages"])
    assert seen["karte"].errors == []
    assert seen["karte_hash"] == seen["pages"]["Karte"][0]
    assert "kontakte_query" in seen["search_id"]  # the keyed widget's id carries its key
    hits, none = seen["hits"], seen["none"]
    assert hits.errors == [] and none.errors == []
    assert any(t.startswith("Seite 1 · ") for t in hits.texts())
    assert "Keine Linksaktiven gefunden." in none.texts()


async def _first_run(base: str, cookie: str):
    ps = await ProtocolSession.open(base, {get_settings().cookie_name: cookie})
    try:
        return await ps.rerun()
    finally:
        await ps.close()


def test_refused_cookies_get_the_login_page(app):
    base, engine, key = app
    with make_session_factory(engine)() as s:
        good = mint_login_cookie(s, "kv-leipzig", key)
    claims = jwt.decode(good, key, algorithms=["HS256"])
    foreign_key = jwt.encode(claims, secrets.token_hex(32), algorithm="HS256")
    unknown_sid = jwt.encode({**claims, "sid": "nicht-vorhanden"}, key, algorithm="HS256")
    for cookie in (foreign_key, unknown_sid):
        run = _run(_first_run(base, cookie))
        assert _labels(run, "text_input") == ["Benutzername", "Passwort"]
        assert "Abmelden" not in _labels(run, "button")

"""Browser-test fixtures: a running Cockpit on a seeded demo database and Debian's Chromium."""

from __future__ import annotations

import subprocess

import pytest
from playwright.sync_api import expect

from harness.browser import CHROMIUM_ARGS, start_app
from tests.support.browser import chromium_path
from tests.support.databases import TEST_CONTACTS, fresh_database

# Streamlit reruns and first-start seeding take longer than expect()'s 5 s default.
expect.set_options(timeout=60_000)


@pytest.fixture(scope="session")
def seeded_db_url(tmp_path_factory) -> str:
    """A demo SQLite database seeded once for all browser journeys."""
    chromium_path()
    from db.engine import make_engine
    from services.seed import seed_demo

    url = fresh_database("sqlite", tmp_path_factory.mktemp("e2e"), suffix="e2e")
    eng = make_engine(url)
    seed_demo(eng, contacts=TEST_CONTACTS, seed=42)
    eng.dispose()
    return url


@pytest.fixture(scope="session")
def app_server_factory(seeded_db_url):
    """start(env_extra=None, db_url=None) -> base URL of a further app server; all stopped at the end."""
    procs = []

    def _start(env_extra: dict | None = None, db_url: str | None = None) -> str:
        proc, base = start_app(db_url or seeded_db_url, env_extra)
        procs.append(proc)
        return base

    yield _start
    for p in procs:
        p.terminate()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()


@pytest.fixture(scope="session")
def app_server(app_server_factory) -> str:
    """Base URL of the shared app server on the seeded demo database."""
    return app_server_factory()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def browser_page(browser):
    """A fresh page (own cookies) with a desktop viewport and German locale."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="de-DE", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()

"""AppTest fixtures: one seeded SQLite demo database per test session; log in without cookies."""

from __future__ import annotations

import os

import pytest

from tests.support.databases import TEST_CONTACTS, fresh_database


@pytest.fixture(scope="session")
def app_db(tmp_path_factory) -> str:
    """A seeded SQLite file the app under test uses (DATABASE_URL, demo mode)."""
    from db.engine import make_engine
    from services.seed import seed_demo

    url = fresh_database("sqlite", tmp_path_factory.mktemp("appdb"), suffix="app")
    eng = make_engine(url)
    seed_demo(eng, contacts=TEST_CONTACTS, seed=42)
    eng.dispose()
    os.environ["DATABASE_URL"] = url
    os.environ["DEMO_MODE"] = "1"
    from services.core.settings import get_settings

    get_settings.cache_clear()
    return url


@pytest.fixture
def run_page(app_db):
    """run_page(path, username) -> AppTest that shows the page for that user (or the refusal)."""
    from tests.support.apptest import open_page

    return open_page

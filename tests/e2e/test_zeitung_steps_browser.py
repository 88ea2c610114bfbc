"""Browser journeys: team steps orders forward and undoes it; kv-leipzig orders for several people at once."""

from __future__ import annotations

import contextlib
import re
import shutil

import pytest
from playwright.sync_api import expect

from harness.browser import login
from tests.support.browser import click_until, shot

pytestmark = pytest.mark.e2e


def _copy(seeded_db_url, tmp_path, name):
    src = seeded_db_url.removeprefix("sqlite:///")
    for suffix in ("", "-wal", "-shm"):  # a copy, so the orders never leak into other journeys
        with contextlib.suppress(FileNotFoundError):
            shutil.copy(src + suffix, str(tmp_path / name) + suffix)
    return f"sqlite:///{tmp_path / name}"


def _idle(page):
    page.wait_for_timeout(300)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=60_000)


def test_kv_leipzig_orders_for_several_then_team_steps_and_undoes(seeded_db_url, app_server_factory, browser, tmp_path):
    url = _copy(seeded_db_url, tmp_path, "steps.sqlite")
    # A reach of 5 km (the setting): then some of Leipzig's people have no office in reach.
    base = app_server_factory(db_url=url, env_extra={"OFFICE_REACH_KM": "5"})
    for width in (1440, 390):
        context = browser.new_context(viewport={"width": width, "height": 1000}, locale="de-DE")
        page = context.new_page()
        page.set_default_timeout(60_000)
        login(page, base, "kv-leipzig")
        page.goto(base + "/zeitung-bestellen")
        expect(page.get_by_role("heading", name="Anspruch auf kostenlosen Versand")).to_be_visible()
        if width == 1440:
            expect(page.get_by_text(re.compile(r"\d+ Personen in deinem Gebiet haben Anspruch"))).to_be_visible()
            _idle(page)
            shot(page, f"zeitung_steps_01_kv_list_{width}")
            _idle(page)
            page.get_by_text(re.compile(r"Alle \d+ auswählen")).click()
            _idle(page)
            click_until(
                page,
                page.get_by_role("button", name=re.compile(r"Zeitung für \d+ Personen bestellen")),
                page.get_by_text(re.compile(r"\d+ Bestellungen angelegt")),
            )
            expect(page.get_by_text("In deinem Gebiet hat gerade niemand Anspruch")).to_be_visible()
        _idle(page)
        shot(page, f"zeitung_steps_02_kv_ordered_{width}")
        context.close()

        context = browser.new_context(viewport={"width": width, "height": 1000}, locale="de-DE")
        page = context.new_page()
        page.set_default_timeout(60_000)
        login(page, base, "team")
        page.goto(base + "/zeitung-versand")
        expect(page.get_by_role("heading", name="Zeitungsversand")).to_be_visible()
        if width == 1440:
            _idle(page)
            click_until(
                page,
                page.get_by_role("button", name=re.compile("Bestellungen auf „freigegeben“ setzen")),
                page.get_by_role("button", name="Rückgängig machen"),
            )
            _idle(page)
            shot(page, f"zeitung_steps_03_team_stepped_{width}")
            _idle(page)
            click_until(
                page,
                page.get_by_role("button", name="Rückgängig machen"),
                page.get_by_text(re.compile(r"Rückgängig gemacht: \d+ Bestellungen")),
            )
        _idle(page)
        shot(page, f"zeitung_steps_04_team_undone_{width}")
        context.close()

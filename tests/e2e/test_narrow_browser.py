"""Browser journey on a phone-wide screen (390 px): the sidebar closes after choosing a page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from harness.browser import login, wait_idle
from tests.support.browser import shot

pytestmark = pytest.mark.e2e


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="de-DE", is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


def test_sidebar_closes_after_choosing_a_page(app_server, phone_page):
    page = phone_page
    login(page, app_server, "kv-leipzig")
    sidebar = page.get_by_test_id("stSidebar")
    page.get_by_test_id("stExpandSidebarButton").click()
    expect(sidebar).to_have_attribute("data-collapsed", "false")
    shot(page, "narrow_01_sidebar_open")
    sidebar.get_by_role("link", name="Liste").click()
    expect(page.get_by_role("heading", name="Liste", exact=True)).to_be_visible()
    wait_idle(page)
    expect(sidebar).to_have_attribute("data-collapsed", "true")
    shot(page, "narrow_02_liste")


def test_metrics_sit_two_to_a_line_on_a_phone(app_server, phone_page):
    page = phone_page
    login(page, app_server, "kv-leipzig")
    expect(page.get_by_role("heading", name="Übersicht")).to_be_visible()
    metrics = page.get_by_test_id("stMetric")
    expect(metrics.first).to_be_visible()
    first, second, third = (metrics.nth(i).bounding_box() for i in range(3))
    assert abs(first["y"] - second["y"]) < 2, "the first two figures share a line"
    assert second["x"] > first["x"] + first["width"] - 1
    assert third["y"] > first["y"] + first["height"] - 1, "the third starts the next line"
    shot(page, "narrow_03_uebersicht")

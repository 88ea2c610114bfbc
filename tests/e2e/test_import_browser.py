"""Browser journey: kv-leipzig imports a Windows-1252 list with `;`, corrects a column, previews, imports,
merges the likely duplicate in the queue and finds the merged person in the list."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from harness.browser import login, wait_idle
from tests.support.browser import choose_option, click_until, shot

pytestmark = pytest.mark.e2e


def _sidebar(page, title: str) -> None:
    wait_idle(page)
    page.get_by_test_id("stSidebar").get_by_text(title, exact=True).click()
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
    wait_idle(page)


def test_kv_leipzig_imports_merges_and_finds(app_server, browser_page, tmp_path):
    page = browser_page
    tag = uuid.uuid4().hex[:6]
    last = f"Wegener{tag}"
    # "Kontakt" holds the e-mail addresses: the guess leaves it out, the user maps it by hand.
    rows = [
        "Vorname;Nachname;Kontakt;PLZ;Straße;Interessen",
        f"Marta;{last};marta.{tag}@example.org;04109;Karl-Liebknecht-Straße 5;Miete",
        f"Marta;{last[:-1]};marta2.{tag}@example.org;04109;Karl-Liebknecht-Straße 5;Pflege",
        f"Jörg;Übermut{tag};joerg.{tag}@example.org;04229;Könneritzstraße 3;Verkehr",
        "Kaputt;Zeile;kein-mail;1067;;",
    ]
    path = tmp_path / f"infostand_{tag}.csv"
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1252"))

    login(page, app_server, "kv-leipzig")
    _sidebar(page, "Import")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    expect(page.get_by_text(re.compile(r"Gelesen als CSV, Zeichensatz .*(1252|cp1252).*Semikolon"))).to_be_visible()
    wait_idle(page)
    choose_option(page, page.get_by_role("combobox", name="Spalte 3"), "E-Mail")  # the column „Kontakt“
    shot(page, "import_01_mapping")

    click_until(
        page, page.get_by_role("button", name="Vorschau berechnen"), page.get_by_text("mögliche Dubletten", exact=True)
    )
    expect(page.get_by_test_id("stMetric").filter(has_text="abgelehnt")).to_contain_text("1")
    expect(page.get_by_test_id("stMetric").filter(has_text="neu")).to_contain_text("3")
    shot(page, "import_02_preview")
    click_until(
        page,
        page.get_by_role("button", name=re.compile(r"3 Personen importieren")),
        page.get_by_text(re.compile(r"^Import Nr\. \d+: 3 neu")),
    )
    shot(page, "import_03_imported")

    _sidebar(page, "Dubletten")
    pair = page.get_by_role("combobox", name="Paar")
    choose_option(page, pair, re.compile(re.escape(last[:-1])), type_text=last[:-1])
    shot(page, "import_04_pair")
    merge = page.get_by_role("button", name="Zusammenführen", exact=True)
    click_until(page, merge, page.get_by_text(re.compile(r"^Zusammengeführt: Nr\.")))
    shot(page, "import_05_merged")

    # The list, filtered to this import: the two Martas are one person now, beside Jörg.
    _sidebar(page, "Liste")
    page.get_by_text("Filter", exact=True).click()
    choose_option(page, page.get_by_role("combobox", name="Importstapel"), re.compile(re.escape(path.name)))
    expect(page.get_by_text("Seite 1 · 2 Linksaktive")).to_be_visible()
    table = page.get_by_test_id("stDataFrame")
    expect(table.get_by_text(last, exact=True)).to_be_attached()
    expect(table.get_by_text(f"Übermut{tag}", exact=True)).to_be_attached()
    shot(page, "import_06_list_after_merge")

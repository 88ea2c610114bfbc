"""Entwicklung in AppTest: every role sees the ladder of its area; leitung a fixed, protected view."""

from __future__ import annotations

import json
import re

import pytest

from tests.support.apptest import ROLES_USERS, open_page

PAGE = "pages/entwicklung.py"
HEADS = ["Die Leiter", "Nach Quelle", "Nach Thema", "Nach Monat des Eintritts", "Antworten, bevor sie aktiv wurden"]
COUNT_COLUMNS = ("Eingetreten", "aktiv", "Mitglied", "Personen", "zugesagt", "abgesagt", "beantwortet gesamt")


def _counts(at) -> list[str]:
    cells = [str(m.value) for m in at.metric if not any(w in m.label for w in ("Anteil", "Tage"))]
    for df in at.dataframe:
        cells += [str(v) for col in COUNT_COLUMNS if col in df.value for v in df.value[col]]
    return cells


@pytest.mark.parametrize("role", list(ROLES_USERS))
def test_every_role_sees_the_ladder(app_db, role):
    at = open_page(PAGE, ROLES_USERS[role])
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Entwicklung"]
    assert [s.value for s in at.subheader] == HEADS
    assert [m.label for m in at.metric][:6] == [
        "Eingetreten",
        "aktiv geworden",
        "Mitglied geworden",
        "Anteil aktiv",
        "Tage bis aktiv",
        "Tage bis Mitglied",
    ]
    # Charts with their numbers in a table below: the ladder, sources, months (topics on demand).
    assert len(at.get("vega_lite_chart")) >= 3
    tables = [df.value for df in at.dataframe]
    assert any("Quelle" in t for t in tables) and any("Monat" in t for t in tables)
    # Numbers are German: whole counts with a dot per thousand or '< 5', never '1,234' or '12.0'.
    for v in _counts(at):
        assert re.fullmatch(r"\d{1,3}(\.\d{3})*|< 5", v), v
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        assert spec["config"]["locale"]["number"]["decimal"] == ","  # de-DE axis labels


def test_region_widgets_follow_the_scope(app_db):
    team = open_page(PAGE, "team")
    assert [s.label for s in team.selectbox] == ["Land", "Kreisverband"]
    assert [d.label for d in team.date_input] == ["Eingetreten ab", "Eingetreten bis"]
    land = open_page(PAGE, "lv-sachsen")
    assert [s.label for s in land.selectbox] == ["Kreisverband"]
    assert "KV Leipzig" in land.selectbox[0].options
    kreis = open_page(PAGE, "kv-leipzig")
    assert not kreis.selectbox and len(kreis.date_input) == 2
    assert any("Region: KV Leipzig" in t.value for t in kreis.text)


def test_team_chooses_a_land(app_db):
    at = open_page(PAGE, "team")
    assert any("Region: Deutschland" in t.value for t in at.text)
    total = next(m.value for m in at.metric if m.label == "Eingetreten")
    at.selectbox[0].select("14").run()  # Sachsen
    assert not at.exception
    assert any("Region: Sachsen" in t.value for t in at.text)
    sachsen = next(m.value for m in at.metric if m.label == "Eingetreten")
    assert int(sachsen.replace(".", "")) < int(total.replace(".", ""))


def test_topics_on_demand_nationally_at_once_for_a_kv(app_db):
    at = open_page(PAGE, "team")
    assert not any("Thema" in df.value for df in at.dataframe)
    at.toggle[0].set_value(True).run()
    assert not at.exception
    topics = next(df.value for df in at.dataframe if "Thema" in df.value)
    assert "Miete" in list(topics["Thema"])
    kv = open_page(PAGE, "kv-leipzig")
    assert any("Thema" in df.value for df in kv.dataframe)


def test_leitung_has_a_fixed_protected_view(app_db):
    at = open_page(PAGE, "leitung")
    assert not at.selectbox and not at.date_input
    assert any("feste Auswertung" in c.value for c in at.caption)
    assert any("ausgeblendet" in c.value for c in at.caption)
    assert any("Region: Deutschland" in t.value for t in at.text)
    cells = _counts(at)
    assert cells and not [v for v in cells if v.isdigit() and 1 <= int(v) <= 4]

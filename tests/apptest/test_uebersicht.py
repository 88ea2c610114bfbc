"""Übersicht in AppTest: figures for each role; leitung sees suppression notes and no small values."""

from __future__ import annotations

import re

import pytest

from tests.support.apptest import ROLES_USERS, open_page


@pytest.mark.parametrize("role", list(ROLES_USERS))
def test_uebersicht_shows_figures(app_db, role):
    at = open_page("pages/uebersicht.py", ROLES_USERS[role])
    assert not at.exception
    assert [t.value for t in at.title] == ["Übersicht"]
    labels = [m.label for m in at.metric]
    assert labels[:3] == ["Linksaktive", "aktiv", "Mitglieder"]
    assert all(m.help for m in at.metric)  # the full label is the help text
    assert at.dataframe


def test_uebersicht_area_caption(app_db):
    at = open_page("pages/uebersicht.py", "kv-leipzig")
    assert "Gebiet: KV Leipzig" in [t.value for t in at.text]  # a KV's name is plain text, never Markdown


def test_leitung_sees_no_value_below_five(app_db):
    at = open_page("pages/uebersicht.py", "leitung")
    assert any("ausgeblendet" in i.value for i in at.info)
    values = [m.value for m in at.metric]
    for df in at.dataframe:
        if "Anzahl" in df.value:
            values += list(df.value["Anzahl"])
    for v in values:
        if re.fullmatch(r"\d+", str(v)):
            assert not 1 <= int(v) <= 4, values


def test_leitung_has_no_reach_slider_others_do(app_db):
    at = open_page("pages/uebersicht.py", "leitung")
    assert not at.slider
    assert any("feste Auswertung" in c.value for c in at.caption)
    assert open_page("pages/uebersicht.py", "team").slider


def test_leitung_without_office_has_full_label_and_integers(app_db):
    at = open_page("pages/uebersicht.py", "leitung")
    far = next(m for m in at.metric if m.label == "ohne Büro")
    assert "alle PLZ-Gebiete zusammen" in far.help and "Reichweite" in far.help  # the full label, never cut off
    assert all(not str(m.value).endswith(",0") and not str(m.value).endswith(".0") for m in at.metric)
    assert "PLZ ab 5" not in " ".join(m.label for m in at.metric)


def test_leitung_sees_the_true_national_figure_without_office(app_db):
    # Not the sum of only the PLZ with at least 5 people: the same figure the team sees at the same reach.
    leitung = open_page("pages/uebersicht.py", "leitung")
    team = open_page("pages/uebersicht.py", "team")
    far = {at: next(m.value for m in at.metric if m.label == "ohne Büro") for at in (leitung, team)}
    assert far[leitung] == far[team] and far[leitung] != "< 5"
    total = {at: next(m.value for m in at.metric if m.label == "Linksaktive") for at in (leitung, team)}
    assert total[leitung] == total[team]


def test_leitung_laender_table_shows_integers_and_without_office(app_db):
    at = open_page("pages/uebersicht.py", "leitung")
    table = next(df.value for df in at.dataframe if "je 10.000 Einw." in df.value)
    assert "ohne Büro in Reichweite" in table.columns
    for col in ("Linksaktive", "ohne Büro in Reichweite"):
        cells = [str(v) for v in table[col]]
        assert all(re.fullmatch(r"\d{1,3}(\.\d{3})*|< 5", v) for v in cells), cells  # integers or hidden
        assert not [v for v in cells if v.isdigit() and 1 <= int(v) <= 4]


@pytest.mark.parametrize("role", list(ROLES_USERS))
def test_breakdowns_are_bars_with_table(app_db, role):
    at = open_page("pages/uebersicht.py", ROLES_USERS[role])
    charts = at.get("vega_lite_chart")
    assert len(charts) >= 3  # source, status, topic (plus weekly)
    assert sum("Anzahl" in df.value for df in at.dataframe) >= 3


def test_leitung_sees_laender_comparison_and_growth_without_small_cells(app_db):
    at = open_page("pages/uebersicht.py", "leitung")
    heads = [s.value for s in at.subheader]
    assert "Länder im Vergleich (je 10.000 Einwohner:innen)" in heads
    assert "Neue Linksaktive je Land und Monat" in heads
    growth = next(df.value for df in at.dataframe if "Land" in df.value and "Linksaktive" not in df.value)
    cells = [str(v) for col in growth.columns[1:] for v in growth[col]]
    assert cells and not [v for v in cells if v.isdigit() and 1 <= int(v) <= 4]
    assert not [v for v in cells if v.endswith(".0")]


def test_kreis_has_no_laender_comparison(app_db):
    at = open_page("pages/uebersicht.py", "kv-leipzig")
    assert "Neue Linksaktive je Land und Monat" not in [s.value for s in at.subheader]


def _fields(node) -> list[str]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "field" and isinstance(v, str)] + [
            f for v in node.values() for f in _fields(v)
        ]
    if isinstance(node, list):
        return [f for v in node for f in _fields(v)]
    return []


@pytest.mark.parametrize("role", ["leitung", "team"])
def test_every_chart_field_can_be_read_by_vega(app_db, role):
    # Vega reads "a.b" as a path into the row: a column named "je 10.000 Einw." drew an empty chart.
    import json

    at = open_page("pages/uebersicht.py", ROLES_USERS[role])
    fields = [f for chart in at.get("vega_lite_chart") for f in _fields(json.loads(chart.proto.spec))]
    assert fields and not [f for f in fields if "." in f.replace("\\.", "")], fields


def test_laender_table_follows_the_chart_order(app_db):
    at = open_page("pages/uebersicht.py", "team")
    table = next(df.value for df in at.dataframe if "je 10.000 Einw." in df.value)
    rates = [float(v) for v in table["je 10.000 Einw."] if v == v]
    assert rates == sorted(rates, reverse=True) and len(rates) == 16

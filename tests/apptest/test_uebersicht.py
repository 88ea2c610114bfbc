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
    assert "mindestens 5" in far.help  # the qualifier is in full, never cut off
    assert all(not str(m.value).endswith(",0") and not str(m.value).endswith(".0") for m in at.metric)
    assert "PLZ ab 5" not in " ".join(m.label for m in at.metric)


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

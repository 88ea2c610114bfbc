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
    assert labels[:3] == ["Linksaktive", "davon aktiv", "davon Mitglieder"]
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

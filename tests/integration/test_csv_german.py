"""CSV exports open right in German Excel: decimal commas and DD.MM.YYYY (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
import re

from db.queries.map.counts import ContactFilter
from services.core.scope import Scope
from services.map import data as mapdata

TEAM = Scope(role="team", user_id=1, username="team")


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_whitespot_kreis_csv_has_decimal_commas(session):
    data, name = mapdata.whitespot_csv(session, TEAM, ContactFilter(), 15.0, "kreise")
    rows = _rows(data)
    assert name == "weisse_flecken_kreise.csv" and rows
    for col in ("Entfernung (km)", "Anteil ohne Büro (%)", "je 10.000 Einw."):
        cells = [r[col] for r in rows]
        assert all(re.fullmatch(r"\d+(,\d+)?", c) for c in cells), (col, cells[:5])
        assert any("," in c for c in cells), col  # real decimals are there, written the German way
    assert all(re.fullmatch(r"\d+", r["Linksaktive gesamt"]) for r in rows)  # counts stay whole numbers

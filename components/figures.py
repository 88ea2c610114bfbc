"""Widgets for key figures and breakdowns; a hidden figure shows as '< 5'."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.charts import ranked_bars
from domain.enums import STATUSES
from domain.formatting import format_int


def metric_row(items: list[tuple]) -> None:
    """A row of st.metric tiles (label, value[, full label as help]); None shows the hidden marker."""
    cols = st.columns(len(items))
    for col, (label, value, *full) in zip(cols, items):
        col.metric(label, format_int(value), help=full[0] if full else None)


def breakdown_table(values: dict[str, int | None], labels: dict[str, str], heading: str) -> pd.DataFrame:
    """A two-column table (label, count) sorted by count; hidden counts show '< 5'."""
    rows = [(labels.get(k, k), v) for k, v in values.items()]
    rows.sort(key=lambda r: -1 if r[1] is None else r[1], reverse=True)
    df = pd.DataFrame({heading: [r[0] for r in rows], "Anzahl": [format_int(r[1]) for r in rows]})
    # A hidden count is left out of the chart (never a bar of some size) and reads '< 5' in the table.
    shown = pd.DataFrame([(r[0], int(r[1])) for r in rows if r[1] is not None], columns=[heading, "Anzahl"])
    if not shown.empty:
        ranked_bars(shown, heading, "Anzahl")
    st.dataframe(df, hide_index=True, width="stretch")
    return df


# Long headers of count columns, shortened so that the figures fit a narrow table; the full
# name stays the tooltip and the CSV header.
_SHORT_HEADERS = {
    "Linksaktive ohne Büro": "ohne Büro",
    "Linksaktive gesamt": "gesamt",
    "Entfernung (km)": "km",
    "Nächste Geschäftsstelle": "nächstes Büro",
}
_SMALL = {"PLZ", "AGS", "je 10.000 Einw.", *STATUSES.values()}


def compact_columns(df: pd.DataFrame) -> dict:
    """st.dataframe column settings: short headers and small widths so the numbers stay in view."""
    config = {}
    for name in df.columns:
        short = next((s for prefix, s in _SHORT_HEADERS.items() if name.startswith(prefix)), None)
        width = "small" if short or name in _SMALL else "medium"
        if pd.api.types.is_float_dtype(df[name]):
            config[name] = st.column_config.NumberColumn(
                short or name, width=width, help=name if short else None, format="localized"
            )
        else:
            config[name] = st.column_config.Column(short or name, width=width, help=name if short else None)
    return config


def decimal_columns(df: pd.DataFrame) -> dict:
    """Column settings that show the frame's decimals as the browser's locale writes them (3,4 in German)."""
    return {
        name: st.column_config.NumberColumn(format="localized")
        for name in df.columns
        if pd.api.types.is_float_dtype(df[name])
    }


def key_figure_first(columns) -> list[str]:
    """Column order with the 'Linksaktive ohne Büro' count right after the name column."""
    names = list(columns)
    key = [n for n in names if n.startswith("Linksaktive ohne Büro")]
    rest = [n for n in names if n not in key]
    return rest[:1] + key + rest[1:]

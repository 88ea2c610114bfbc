"""Widgets for key figures and breakdowns; a hidden figure shows as '< 5'."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from services.formatting import format_int


def metric_row(items: list[tuple[str, int | None]]) -> None:
    """A row of st.metric tiles; None shows the hidden marker."""
    cols = st.columns(len(items))
    for col, (label, value) in zip(cols, items):
        col.metric(label, format_int(value))


def breakdown_table(values: dict[str, int | None], labels: dict[str, str], heading: str) -> pd.DataFrame:
    """A two-column table (label, count) sorted by count; hidden counts show '< 5'."""
    rows = [(labels.get(k, k), v) for k, v in values.items()]
    rows.sort(key=lambda r: -1 if r[1] is None else r[1], reverse=True)
    df = pd.DataFrame({heading: [r[0] for r in rows], "Anzahl": [format_int(r[1]) for r in rows]})
    st.dataframe(df, hide_index=True, width="stretch")
    return df

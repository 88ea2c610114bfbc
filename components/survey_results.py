"""A survey's results: per question a bar chart of the answers and the numbers per Land in a table."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.charts import ranked_bars
from domain.formatting import format_int
from services.surveys.questions import KINDS


def _counts_table(df: pd.DataFrame) -> pd.DataFrame:
    # Counts as German text; a hidden one reads '< 5'.
    out = df.copy()
    for col in out.columns:
        if col not in ("Land", "Antwort"):
            out[col] = out[col].map(format_int)
    return out


def question_result(qr) -> None:
    """Draw one question's result (a QuestionResult of services.surveys.results)."""
    st.subheader(f"Frage {qr.number}")
    st.text(qr.question.text)  # typed by staff: plain text, never Markdown
    st.caption(KINDS[qr.question.kind])
    if qr.question.kind == "text":
        if qr.texts is None:
            st.caption("Freitext-Antworten werden dir nicht gezeigt, nur gezählte Antworten.")
        elif qr.texts.empty:
            st.caption("Noch keine Antwort.")
        else:
            n = len(qr.texts)
            st.caption(("1 Antwort" if n == 1 else f"{format_int(n)} Antworten") + ", ohne Namen.")
            st.dataframe(qr.texts, hide_index=True, width="stretch")
        return
    shown = qr.totals[qr.totals["Anzahl"].notna()].astype({"Anzahl": "int64"})
    if shown["Anzahl"].sum() > 0:
        # A hidden count is left out of the chart (never a bar of some size) and reads '< 5' in the table.
        ranked_bars(shown, "Antwort", "Anzahl")
    st.dataframe(_counts_table(qr.totals), hide_index=True, width="stretch")
    if not qr.by_land.empty:
        with st.expander("Nach Land"):
            st.dataframe(_counts_table(qr.by_land), hide_index=True, width="stretch")

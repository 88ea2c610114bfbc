"""Charts of the Zeitung pages (German labels through components.charts), each with its table below."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from components.charts import RED, ranked_bars, show
from domain.enums import ORDER_STATUSES

# The order of the steps, so the bars read as a pipeline; the stopped states come last.
PIPELINE = ["requested", "approved", "packed", "shipped", "delivered", "cancelled", "returned"]
_GREY = "#8c8c8c"


def pipeline_frame(by_status: dict[str, tuple[int, int]]) -> pd.DataFrame:
    """Status, Bestellungen, Exemplare per step of the pipeline (every status, also empty ones)."""
    return pd.DataFrame(
        {
            "Status": [ORDER_STATUSES[s] for s in PIPELINE],
            "Bestellungen": [by_status.get(s, (0, 0))[0] for s in PIPELINE],
            "Exemplare": [by_status.get(s, (0, 0))[1] for s in PIPELINE],
        }
    )


def status_pipeline(by_status: dict[str, tuple[int, int]]) -> pd.DataFrame:
    """Bars of the orders per status in pipeline order, the figures in a table below; returns the table."""
    frame = pipeline_frame(by_status)
    if not frame["Bestellungen"].any():
        # Bars of nothing draw an empty axis that looks broken: say it in words.
        st.info("Für diese Ausgabe gibt es noch keine Bestellungen.")
        return frame
    stopped = {ORDER_STATUSES["cancelled"], ORDER_STATUSES["returned"]}
    data = frame.assign(Art=["gestoppt" if s in stopped else "im Ablauf" for s in frame["Status"]])
    base = alt.Chart(data).encode(
        y=alt.Y("Status:N", sort=list(frame["Status"]), title=None),
        x=alt.X("Bestellungen:Q", title="Bestellungen"),
        tooltip=[
            alt.Tooltip("Status:N"),
            alt.Tooltip("Bestellungen:Q", format=","),
            alt.Tooltip("Exemplare:Q", format=","),
        ],
    )
    bars = base.mark_bar().encode(
        color=alt.Color("Art:N", scale=alt.Scale(domain=["im Ablauf", "gestoppt"], range=[RED, _GREY]), legend=None)
    )
    text = base.mark_text(align="left", dx=3).encode(text=alt.Text("Bestellungen:Q", format=","))
    show((bars + text).properties(height=22 * len(frame) + 20))
    st.dataframe(frame, hide_index=True, width="stretch")
    return frame


def people_by_land(by_land: pd.DataFrame) -> None:
    """Bars of a batch's people per Land (largest on top), with the table below."""
    if by_land is None or by_land.empty:
        return
    ranked_bars(by_land, "Land", "Personen")
    st.dataframe(by_land, hide_index=True, width="stretch")

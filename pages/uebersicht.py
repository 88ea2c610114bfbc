"""Übersicht: key figures of the user's own area."""

import altair as alt
import streamlit as st

import appctx
from components.charts import ranked_bars, show, time_bars
from components.figures import breakdown_table, decimal_columns, metric_row
from components.reach import reach_slider
from components.text import area_line
from domain.enums import SOURCES, STATUSES, TOPICS
from domain.formatting import format_date, format_decimal, format_int
from services.core.settings import get_settings
from services.overview.figures import build_overview
from services.overview.laender import FAR_COL, build_laender

user = appctx.guard("pages/uebersicht.py")
RATE_AXIS = "Linksaktive je 10 000 Einwohnende"
st.title("Übersicht")
area_line(user.area)

reach = get_settings().reach
if user.sees_persons:
    reach_km = reach_slider(
        reach, help="Wer weiter als das von der nächsten Geschäftsstelle wohnt, gilt als ohne Büro in Reichweite."
    )
else:
    # No slider: the service always takes the configured reach for leitung.
    reach_km = reach.default_km
    st.caption("Für die Leitung gibt es eine feste Auswertung, damit sich keine kleinen Gruppen herausrechnen lassen.")
ov = appctx.read(build_overview, reach_km)
far_help = f"Linksaktive ohne Geschäftsstelle in Reichweite (weiter als {format_decimal(ov.reach_km)} km)" + (
    ", alle PLZ-Gebiete zusammen, dieselbe Zahl wie auf der Karte" if ov.suppressed else ""
)

for note in ov.notes:
    st.info(note)
metric_row(
    [
        ("Linksaktive", ov.total, "Alle Linksaktiven im Gebiet"),
        ("aktiv", ov.by_status["active"], "davon mit Status aktiv"),
        ("Mitglieder", ov.by_status["member"], "davon Parteimitglieder"),
        ("neu 7 T.", ov.new_7, "neu in den letzten 7 Tagen"),
        ("neu 30 T.", ov.new_30, "neu in den letzten 30 Tagen"),
        ("ohne Büro", ov.without_office, far_help),
    ]
)

left, right = st.columns(2)
with left:
    st.subheader("Nach Quelle")
    breakdown_table(ov.by_source, SOURCES, "Quelle")
    st.subheader("Nach Status")
    breakdown_table(ov.by_status, STATUSES, "Status")
with right:
    st.subheader("Nach Thema")
    breakdown_table(ov.by_topic, TOPICS, "Thema")

st.subheader("Neue Linksaktive pro Woche")
time_bars(ov.weekly.dropna(), "Woche ab", "Neue Linksaktive")

if user.role in ("admin", "team", "leitung"):
    with st.spinner("Vergleiche die Länder …"):
        laender, growth = appctx.read(build_laender, reach_km, fallback=(None, None))
    if laender is not None:
        st.subheader("Länder im Vergleich (je 10.000 Einwohner:innen)")
        # A hidden count is left out of the chart and reads '< 5' in the table.
        # Vega reads a dot in a field name as a path ("je 10.000 Einw." drew no bar): a name without dots.
        rate = laender.dropna(subset=["je 10.000 Einw."]).rename(columns={"je 10.000 Einw.": RATE_AXIS})
        ranked_bars(rate, "Land", RATE_AXIS)
        # In the chart's order (highest rate first, hidden ones last), counts as German integers.
        ranked = laender.sort_values("je 10.000 Einw.", ascending=False, na_position="last", kind="stable")
        shown = ranked.assign(
            Linksaktive=[format_int(v) for v in ranked["Linksaktive"]],
            **{FAR_COL: [format_int(v) for v in ranked[FAR_COL]]},
        )
        st.dataframe(shown, hide_index=True, width="stretch", column_config=decimal_columns(shown))
        st.subheader("Neue Linksaktive je Land und Monat")
        visible = growth.dropna(subset=["Neue"])
        show(
            alt.Chart(visible)
            .mark_line(point=True)
            .encode(
                x=alt.X("Monat:T", title="Monat", timeUnit="yearmonth"),
                y=alt.Y("Neue:Q", title="Neue Linksaktive"),
                color=alt.Color("Land:N", title="Land"),
                tooltip=["Land", alt.Tooltip("Monat:T", timeUnit="yearmonth"), "Neue:Q"],
            )
        )
        wide = growth.assign(Neue=[format_int(v) for v in growth["Neue"]], Monat=growth["Monat"].map(format_date))
        st.dataframe(wide.pivot(index="Land", columns="Monat", values="Neue").reset_index(), hide_index=True)

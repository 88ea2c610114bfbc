"""Entwicklung: the ladder from contact to active to member, by source, topic and month of entry."""

from datetime import date

import pandas as pd
import streamlit as st

import appctx
from components.charts import ranked_bars
from components.ladder_charts import answer_bars, step_bars
from components.text import area_line, area_name
from domain.formatting import format_date, format_decimal, format_int, format_percent
from services.ladder.view import (
    KINDS,
    OTHER_RESPONSE,
    RESPONSES,
    build_ladder,
    build_topics,
    month_label,
    region_choices,
)

user = appctx.guard("pages/entwicklung.py")
st.title("Entwicklung")
area_box = st.container()  # filled once the Land and KV selects below are read

EARLIEST = date(2000, 1, 1)
COUNTS = ("Eingetreten", "aktiv", "Mitglied")
RATES = ("Anteil aktiv", "Anteil Mitglied")
DAYS = ("Tage bis aktiv", "Tage aktiv bis Mitglied")


def _days(value) -> str:
    return "–" if value is None or pd.isna(value) else format_decimal(value)


def _table(df: pd.DataFrame) -> None:
    shown = df.copy()
    for col in COUNTS:
        shown[col] = [format_int(v) for v in df[col]]
    for col in RATES:
        shown[col] = [format_percent(None if pd.isna(v) else v) for v in df[col]]
    for col in DAYS:
        shown[col] = [_days(v) for v in df[col]]
    st.dataframe(shown, hide_index=True, width="stretch")


land_code = kv_id = start = end = land_name = kv_name = None
if user.sees_persons:
    choices = appctx.read(region_choices)
    today = date.today()
    # As many columns as widgets: a KV's staff choose only the period.
    cols = iter(st.columns(2 + bool(choices.laender) + (not choices.kvs.empty)))
    if choices.laender:
        land_code = next(cols).selectbox(
            "Land",
            [None, *choices.laender],
            format_func=lambda c: "ganz Deutschland" if c is None else choices.laender[c],
            placeholder="Bitte wählen",
        )
        land_name = choices.laender.get(land_code)
    kvs = choices.kvs if land_code is None else choices.kvs[choices.kvs["land_code"] == land_code]
    if not kvs.empty:
        names = dict(zip(kvs["id"], kvs["name"]))
        kv_id = next(cols).selectbox(
            "Kreisverband",
            [None, *names],
            format_func=lambda i: "alle" if i is None else names[i],
            placeholder="Bitte wählen",
        )
        kv_name = names.get(kv_id)
    start = next(cols).date_input(
        "Eingetreten ab", value=date(today.year - 1, today.month, 1), min_value=EARLIEST, format="DD.MM.YYYY"
    )
    end = next(cols).date_input("Eingetreten bis", value=today, min_value=EARLIEST, format="DD.MM.YYYY")

area_line(
    area_name(user.area, kv_name, land_name),
    "Vom Kontakt zur aktiven Linksaktiven und zum Mitglied: wer eingetreten ist und wie es weiterging",
    container=area_box,
)
view = appctx.read(build_ladder, start, end, land_code, kv_id)
st.text(f"Region: {view.region} · eingetreten vom {format_date(view.start)} bis {format_date(view.end)}")
for note in view.notes:
    st.caption(note)

cohort = view.cohort
cols = st.columns(6)
cols[0].metric("Eingetreten", format_int(view.entered), help="Neu als Kontakt im Zeitraum (Kontakt seit)")
cols[1].metric("aktiv geworden", format_int(view.became_active), help="Im Zeitraum aktiv geworden (Aktiv seit)")
cols[2].metric("Mitglied geworden", format_int(view.became_member), help="Im Zeitraum Mitglied geworden")
cols[3].metric("Anteil aktiv", format_percent(cohort.rate_active), help="Von den Eingetretenen sind heute aktiv")
cols[4].metric(
    "Tage bis aktiv", _days(cohort.days_to_active), help="Median der Tage vom Eintritt bis aktiv (Eingetretene)"
)
cols[5].metric(
    "Tage bis Mitglied", _days(cohort.days_to_member), help="Median der Tage von aktiv bis Mitglied (Eingetretene)"
)

st.subheader("Die Leiter")
st.caption("Von allen im Zeitraum Eingetretenen: wie viele heute aktiv sind und wie viele Mitglied.")
funnel = pd.DataFrame(
    {
        "Stufe": ["Eingetreten", "davon heute aktiv", "davon heute Mitglied"],
        "Personen": [cohort.entered, cohort.active, cohort.member],
    }
)
steps = funnel.dropna(subset=["Personen"])  # a hidden figure is left out of the chart, '< 5' in the table
ranked_bars(steps.assign(Personen=steps["Personen"].astype(int)), "Stufe", "Personen")
st.dataframe(
    funnel.assign(
        Personen=[format_int(v) for v in funnel["Personen"]],
        Anteil=[
            "",
            f"{format_percent(cohort.rate_active)} der Eingetretenen",
            f"{format_percent(cohort.rate_member)} der Aktiven",
        ],
    ),
    hide_index=True,
    width="stretch",
)

st.subheader("Nach Quelle")
step_bars(view.by_source, "Quelle")
_table(view.by_source)

st.subheader("Nach Thema")
st.caption("Wer mehrere Themen hat, zählt bei jedem.")
# Counting every topic of everyone who entered takes seconds for all Germany: there on demand.
if st.toggle(
    "Nach Thema aufschlüsseln",
    value=user.role in ("kreis", "land"),
    help="Zählt alle Eingetretenen je Thema; für ganz Deutschland dauert das einige Sekunden.",
):
    topics = appctx.read(build_topics, start, end, land_code, kv_id)
    step_bars(topics, "Thema")
    _table(topics)

st.subheader("Nach Monat des Eintritts")
st.caption("Wer in einem Monat eingetreten ist: wie viele heute aktiv und Mitglied sind, und nach wie vielen Tagen.")
months = view.by_month.assign(Monat=[month_label(m) for m in view.by_month["Monat"]])
step_bars(months, "Monat", horizontal=False)
_table(months)

st.subheader("Antworten, bevor sie aktiv wurden")
st.caption("Wer im Zeitraum aktiv geworden ist: auf welche Aufrufe und Befragungen sie vorher geantwortet haben.")
answered = view.answered
a1, a2, a3 = st.columns(3)
a1.metric("aktiv geworden", format_int(view.became_active))
a2.metric("vorher auf einen Aufruf geantwortet", format_int(answered["call"]))
a3.metric("vorher an einer Befragung teilgenommen", format_int(answered["survey"]))
ANSWERS = {"call": [*RESPONSES.values(), OTHER_RESPONSE], "survey": [OTHER_RESPONSE]}
for kind, heading in (("call", "Aufrufe"), ("survey", "Befragungen")):
    part = view.answers[view.answers["Art"] == KINDS[kind]]
    st.markdown(f"**{heading}**")
    if part.empty:
        st.caption(f"Keine {heading} vorher beantwortet.")
        continue
    answer_bars(part, ANSWERS[kind])
    shown = part[["Titel", *ANSWERS[kind], "beantwortet gesamt"]].copy() if kind == "call" else part[["Titel"]].copy()
    for col in [*ANSWERS[kind], "beantwortet gesamt"] if kind == "call" else ["beantwortet gesamt"]:
        shown[col] = [format_int(v) for v in part[col]]
    st.dataframe(shown, hide_index=True, width="stretch")

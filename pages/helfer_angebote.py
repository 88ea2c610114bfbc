"""Hilfsangebote: what volunteers offer; record one for a person with consent, or withdraw it."""

from datetime import date, timedelta

import streamlit as st

import appctx
from components.figures import decimal_columns
from components.text import area_line
from domain.enums import AVAILABILITY, SKILLS
from domain.formatting import format_date, format_decimal, format_int
from services.matching.offers import OfferInput, count_offers, create_offer, offers_frame, volunteers, withdraw_offer

user = appctx.guard("pages/helfer_angebote.py")
st.title("Hilfsangebote")
area_line(user.area, "Nur Personen mit Einwilligung zur Mithilfe.")
appctx.flash()

PAGE_SIZE = 50


def _first_page() -> None:
    st.session_state["offers_page"] = 0


show_old = st.checkbox("auch zurückgezogene Angebote zeigen", key="offers_show_old", on_change=_first_page)
total = appctx.read(count_offers, include_withdrawn=show_old)
pages = max(1, -(-total // PAGE_SIZE))
page = min(max(int(st.session_state.get("offers_page", 0)), 0), pages - 1)
df = appctx.read(offers_frame, include_withdrawn=show_old, limit=PAGE_SIZE, offset=page * PAGE_SIZE)

st.metric("Angebote", format_int(total))
if not df.empty:
    view = df.assign(
        Person=df.last_name + ", " + df.first_name,
        Zeitraum=[f"{format_date(a)} – {format_date(b)}" for a, b in zip(df.period_start, df.period_end)],
        Verfügbarkeit=[", ".join(AVAILABILITY.get(a, a) for a in str(v).split(",") if a) for v in df.availability],
    )
    table = view[
        [
            "id",
            "Person",
            "plz",
            "skills",
            "Verfügbarkeit",
            "travel_radius_km",
            "hours_per_week",
            "Zeitraum",
            "state",
            "note",
        ]
    ].rename(
        columns={
            "id": "Nr.",
            "plz": "PLZ",
            "skills": "Fähigkeiten",
            "travel_radius_km": "Umkreis (km)",
            "hours_per_week": "Std./Woche",
            "state": "Stand",
            "note": "Notiz",
        }
    )
    st.dataframe(table, hide_index=True, width="stretch", column_config=decimal_columns(table))
if total > PAGE_SIZE:
    c1, c2, c3 = st.columns([1, 3, 1])
    if c1.button("Zurück", icon=":material/chevron_left:", disabled=page == 0, key="offers_prev"):
        st.session_state["offers_page"] = page - 1
        st.rerun()
    c2.caption(
        f"Seite {page + 1} von {pages} · Angebote {format_int(page * PAGE_SIZE + 1)}–"
        f"{format_int(page * PAGE_SIZE + len(df))} von {format_int(total)}"
    )
    if c3.button("Weiter", icon=":material/chevron_right:", disabled=page >= pages - 1, key="offers_next"):
        st.session_state["offers_page"] = page + 1
        st.rerun()

HOURS = [0.5, 1, 1.5, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60]


def _hours_label(h: float) -> str:
    return f"{format_decimal(h, 1)} Std."


st.subheader("Neues Angebot erfassen")
query = st.text_input("Person suchen (Name)", key="offer_person_query")
people = appctx.read(volunteers, query, fallback={})
if not people:
    st.info("Keine Person mit Einwilligung zur Mithilfe gefunden.")
else:
    with st.form("offer_form"):
        contact_id = st.selectbox("Person", list(people), format_func=people.get)
        skills = st.multiselect("Fähigkeiten", list(SKILLS), format_func=SKILLS.get, placeholder="Bitte auswählen")
        avail = st.multiselect(
            "Verfügbarkeit", list(AVAILABILITY), format_func=AVAILABILITY.get, placeholder="Bitte auswählen"
        )
        c1, c2, c3, c4 = st.columns(4)
        radius = c1.number_input("Umkreis (km)", min_value=0, max_value=300, value=15)
        # A choice of usual values: a number field would show "2.00", English style.
        hours = c2.selectbox("Stunden pro Woche", HOURS, index=HOURS.index(2), format_func=_hours_label)
        start = c3.date_input("Von", value=date.today(), format="DD.MM.YYYY")
        end = c4.date_input("Bis", value=date.today() + timedelta(days=90), format="DD.MM.YYYY")
        note = st.text_area("Notiz")
        if st.form_submit_button("Angebot speichern", type="primary"):
            appctx.act(
                create_offer,
                contact_id,
                OfferInput(
                    skills=skills,
                    period_start=start,
                    period_end=end,
                    availability=avail,
                    travel_radius_km=float(radius),
                    hours_per_week=float(hours),
                    note=note,
                ),
                success=lambda new_id: f"Angebot {new_id} gespeichert.",
            )

open_ids = [int(i) for i in df.loc[df.state != "zurückgezogen", "id"]] if not df.empty else []
if open_ids:
    st.subheader("Angebot zurückziehen")
    st.caption(
        "Zurückgezogene Angebote bleiben in der Historie; eine laufende Vermittlung wird storniert. "
        "Zur Auswahl stehen die Angebote der angezeigten Seite."
    )
    c1, c2 = st.columns([3, 1])
    oid = c1.selectbox("Angebot Nr.", open_ids, key="withdraw_pick")
    if c2.button("Zurückziehen"):
        appctx.act(
            withdraw_offer,
            oid,
            success=lambda n: f"Angebot {oid} zurückgezogen" + (f", {n} Vermittlung storniert." if n else "."),
        )

"""Helfer:innen-Bedarf: campaign leads state what they need; they see who was handed to them."""

from datetime import date, timedelta

import streamlit as st

import appctx
from components.fresh_select import fresh_selectbox
from components.text import area_line, plain
from domain.enums import SKILLS, TOPICS
from domain.formatting import format_km
from services.matching.leads import LeadInput, kv_choices, leads, needs_frame, save_lead
from services.matching.views import assignments_view

user = appctx.guard("pages/helfer_bedarf.py")
st.title("Helfer:innen-Bedarf")
area_line(user.area, "Wahlkampfleitungen sagen, welche Unterstützung sie brauchen.")

appctx.flash()

lead_rows = appctx.read(leads)
kvs = appctx.read(kv_choices)
frame = appctx.read(needs_frame, lead_rows, kvs)
all_leads = {ld.id: ld for ld in lead_rows}
helpers = appctx.read(assignments_view, statuses=("contacted", "confirmed"))

st.subheader("Bedarf je Fähigkeit")
if frame.empty:
    st.info("Für dein Gebiet ist noch keine Wahlkampfleitung erfasst.")
else:
    st.dataframe(frame.drop(columns=["lead_id"]), hide_index=True, width="stretch")

st.subheader("Vermittelte Helfer:innen")
if helpers.empty:
    st.info("Noch keine angenommenen Vermittlungen.")
else:
    for h in helpers.itertuples():
        # Names, contact data and the KV's name come from the database: plain text, never Markdown.
        plain(
            f"{h.person} · {h.skill_label} · {h.status_label} · {h.kv}"
            + (f" · {h.kontakt}" if h.kontakt else "")
            + f" · {format_km(h.distance_km)}"
        )
    if not helpers["sichtbar"].all():
        st.caption(
            "Name und Kontaktdaten erscheinen erst, wenn die Person der Weitergabe an deinen "
            "Kreisverband zugestimmt hat. Das Linksaktiv-Team fragt sie."
        )

st.subheader("Wahlkampfleitung erfassen oder ändern")
labels = {0: "Neue Wahlkampfleitung"} | {
    i: f"{kvs.get(ld.kv_id, '')} – {ld.contact_name}" for i, ld in all_leads.items()
}
choice = fresh_selectbox("Wahlkampfleitung", list(labels), labels, key="lead_pick")
cur = all_leads.get(choice)
needs_now = dict(cur.needs) if cur else {}
with st.form(f"lead_form_{choice}"):
    kv_id = st.selectbox(
        "Kreisverband",
        list(kvs),
        format_func=kvs.get,
        index=list(kvs).index(cur.kv_id) if cur and cur.kv_id in kvs else 0,
    )
    c1, c2, c3 = st.columns(3)
    name = c1.text_input("Ansprechperson", value=cur.contact_name if cur else "")
    email = c2.text_input("E-Mail", value=cur.contact_email if cur else "")
    phone = c3.text_input("Telefon", value=cur.contact_phone if cur else "")
    c1, c2, c3 = st.columns(3)
    plz = c1.text_input("PLZ", value=cur.plz if cur else "", max_chars=5)
    start = c2.date_input("Von", value=cur.period_start if cur else date.today(), format="DD.MM.YYYY")
    end = c3.date_input("Bis", value=cur.period_end if cur else date.today() + timedelta(days=60), format="DD.MM.YYYY")
    topics = st.multiselect(
        "Themen",
        list(TOPICS),
        format_func=TOPICS.get,
        default=[t for t in (cur.topics if cur else ()) if t in TOPICS],
        placeholder="Bitte auswählen",
    )
    st.markdown("**Helfer:innen gebraucht je Fähigkeit**")
    cols = st.columns(4)
    needs = {
        sk: int(cols[i % 4].number_input(label, min_value=0, max_value=500, step=1, value=needs_now.get(sk, 0)))
        for i, (sk, label) in enumerate(SKILLS.items())
    }
    note = st.text_area("Notiz", value=cur.note if cur else "")
    active = st.checkbox("aktiv", value=cur.active if cur else True)
    if st.form_submit_button("Speichern", type="primary"):
        appctx.act(
            save_lead,
            LeadInput(
                kv_id=kv_id,
                contact_name=name,
                plz=plz,
                period_start=start,
                period_end=end,
                needs=needs,
                contact_email=email,
                contact_phone=phone,
                topics=topics,
                note=note,
                active=active,
            ),
            cur.id if cur else None,
            success=lambda lead_id: f"Gespeichert (Wahlkampfleitung {lead_id}).",
        )

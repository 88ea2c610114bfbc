"""Renders a ContactCard (master data, status, topics, consents, timeline, orders, offers). No DB access."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.text import fields, plain
from domain.enums import ACTIVITY_KINDS, CHANNELS, ORDER_STATUSES, PURPOSES, SKILLS, SOURCES, STATUSES, TOPICS
from domain.formatting import format_date, format_datetime
from services.contacts.rules import CONSENT_PAIRS


def _status_line(card) -> str:
    steps = [f"Kontakt seit {format_date(card.contact_since)}"]
    if card.active_since:
        steps.append(f"aktiv seit {format_date(card.active_since)}")
    if card.member_since:
        steps.append(f"Mitglied seit {format_date(card.member_since)}")
    return " → ".join(steps)


NO_CHANNEL = "ohne Kanal"


def consent_matrix(card) -> pd.DataFrame:
    """Purpose × channel with each pair's current state; only the pairs that exist have a cell, the others stay empty."""
    latest = {(c.purpose, c.channel): c for c in card.consents}
    columns = [ch for ch in CHANNELS if any(ch in chans for chans in CONSENT_PAIRS.values())]
    rows = []
    for purpose, channels in CONSENT_PAIRS.items():
        row = {"Zweck": PURPOSES[purpose]}
        for ch in [*columns, None]:
            if ch not in channels:
                row[CHANNELS[ch] if ch else NO_CHANNEL] = ""
                continue
            c = latest.get((purpose, ch))
            state = (
                "–"
                if c is None
                else f"✓ aktiv seit {format_datetime(c.granted_at)[:10]}"
                if c.active
                else f"widerrufen {format_datetime(c.withdrawn_at)[:10]}"
                if c.withdrawn_at
                else "nicht aktiv"
            )
            row[CHANNELS[ch] if ch else NO_CHANNEL] = state
        rows.append(row)
    return pd.DataFrame(rows)


def show_consent_matrix(card, container=None) -> None:
    """The consent matrix as a table with a legend."""
    box = container or st
    box.dataframe(consent_matrix(card), hide_index=True, width="stretch")
    box.caption("✓ aktiv · – nie erteilt · leeres Feld: diese Kombination gibt es nicht (z. B. Zeitung per SMS).")


def contact_card(card) -> None:
    """Show one contact's card."""
    # Names, addresses and the KV's name come from people and admins: plain text only (no Markdown links).
    st.subheader("Kontaktkarte", anchor=False)
    plain(f"{card.first_name} {card.last_name}")
    st.caption(f"Status: {STATUSES.get(card.status, card.status)} · {_status_line(card)}")
    master, consent, timeline, orders, offers = st.tabs(
        ["Stammdaten", "Einwilligungen", "Verlauf", "Zeitungen", "Hilfsangebote"]
    )
    with master:
        left, right = st.columns(2)
        address = ", ".join(p for p in (card.street, f"{card.plz} {card.city}".strip()) if p)
        fields([("E-Mail", card.email), ("Telefon", card.phone), ("Adresse", address)], left)
        fields(
            [
                ("Kreis", card.kreis),
                ("Kreisverband", card.kreisverband),
                ("Land", card.land),
                ("Quelle", SOURCES.get(card.source, card.source)),
            ],
            right,
        )
        topics = ", ".join(TOPICS.get(t, t) for t in card.topics) or "keine"
        fields([("Themen", topics)] + ([("Freigegeben für", ", ".join(card.shared_with))] if card.shared_with else []))
        st.caption(f"Angelegt {format_datetime(card.created_at)} · geändert {format_datetime(card.updated_at)}")
    with consent:
        show_consent_matrix(card)
        if not card.consents:
            st.info("Keine Einwilligungen: Es darf nichts an diese Person geschickt werden.")
        else:
            st.caption("Verlauf: der letzte Eintrag je Zweck und Kanal")
            st.dataframe(
                pd.DataFrame(
                    {
                        "Zweck": [PURPOSES.get(c.purpose, c.purpose) for c in card.consents],
                        "Kanal": [CHANNELS.get(c.channel, "–") if c.channel else "–" for c in card.consents],
                        "Aktiv": ["ja" if c.active else "nein" for c in card.consents],
                        "Erteilt": [format_datetime(c.granted_at) for c in card.consents],
                        "Widerrufen": [format_datetime(c.withdrawn_at) for c in card.consents],
                        "Quelle": [c.source for c in card.consents],
                        "Nachweis": [c.evidence for c in card.consents],
                    }
                ),
                hide_index=True,
                width="stretch",
            )
    with timeline:
        if not card.timeline:
            st.info("Noch keine Einträge.")
        else:
            st.dataframe(
                pd.DataFrame(
                    {
                        "Zeit": [format_datetime(a.occurred_at) for a in card.timeline],
                        "Art": [ACTIVITY_KINDS.get(a.kind, a.kind) for a in card.timeline],
                        "Notiz": [a.note for a in card.timeline],
                    }
                ),
                hide_index=True,
                width="stretch",
            )
    with orders:
        if not card.orders:
            st.info("Keine Zeitungsbestellungen.")
        else:
            st.dataframe(
                pd.DataFrame(
                    {
                        "Ausgabe": [o.edition for o in card.orders],
                        "Exemplare": [o.copies for o in card.orders],
                        "Status": [ORDER_STATUSES.get(o.status, o.status) for o in card.orders],
                        "Bestellt": [format_datetime(o.requested_at) for o in card.orders],
                        "Sendungsnummer": [o.tracking_number for o in card.orders],
                    }
                ),
                hide_index=True,
                width="stretch",
            )
    with offers:
        if not card.offers:
            st.info("Keine Hilfsangebote.")
        else:
            st.dataframe(
                pd.DataFrame(
                    {
                        "Fähigkeiten": [", ".join(SKILLS.get(s, s) for s in o.skills) for o in card.offers],
                        "Zeitraum": [
                            f"{format_date(o.period_start)} – {format_date(o.period_end)}" for o in card.offers
                        ],
                        "Stunden/Woche": [o.hours_per_week for o in card.offers],
                        "Umkreis (km)": [o.travel_radius_km for o in card.offers],
                        "Zurückgezogen": [format_datetime(o.withdrawn_at) for o in card.offers],
                    }
                ),
                hide_index=True,
                width="stretch",
            )

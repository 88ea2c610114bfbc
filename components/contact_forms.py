"""Forms to capture and care for Linksaktive. No DB access: each returns the typed input once, on submit.

Every form's key carries a generation number that the page advances with done(key) right after
a successful action: the submitted form then disappears and a fresh, empty one replaces it, so a
second click on the same submit button (double submit) finds no form to act on. Forms do not
clear on submit themselves: after a refused input the typed values stay for correcting.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from domain.enums import ACTIVITY_KINDS, CHANNELS, PURPOSES, SOURCES, STATUSES, TOPICS
from services.contacts.rules import (
    CONSENT_PAIRS,
    LADDER,
    MANUAL_KINDS,
    ConsentInput,
    ContactInput,
    today_berlin,
)

# Every purpose/channel pair that exists (services.contacts.rules.CONSENT_PAIRS), in a fixed order.
CONSENT_OPTIONS = tuple((p, c) for p in PURPOSES for c in CONSENT_PAIRS[p])
CHOOSE = "Bitte wählen"


def consent_label(option) -> str:
    """'Zeitung per Post' for ('newspaper', 'post'), 'Mithilfe' for ('volunteering', None)."""
    purpose, channel = option
    return PURPOSES[purpose] + (f" per {CHANNELS[channel]}" if channel else "")


def form_key(key: str) -> str:
    """The current generation's key of the form named key."""
    return f"{key}_{st.session_state.get(f'{key}_gen', 0)}"


def done(key: str) -> None:
    """Advance the form's generation after success: a fresh, empty form replaces the submitted one."""
    st.session_state[f"{key}_gen"] = st.session_state.get(f"{key}_gen", 0) + 1


def _date(label: str, k: str, value: date | None = None) -> date:
    return st.date_input(label, value=value or today_berlin(), max_value=today_berlin(), format="DD.MM.YYYY", key=k)


def _address_fields(k: str, card=None) -> dict:
    g = (lambda attr: getattr(card, attr) or "") if card is not None else (lambda attr: "")
    left, right = st.columns(2)
    out = {
        "first_name": left.text_input("Vorname", value=g("first_name"), key=f"{k}_first"),
        "last_name": right.text_input("Nachname", value=g("last_name"), key=f"{k}_last"),
        "email": left.text_input("E-Mail", value=g("email"), key=f"{k}_email"),
        "phone": right.text_input("Telefon", value=g("phone"), key=f"{k}_phone"),
        "street": st.text_input("Straße und Hausnummer", value=g("street"), key=f"{k}_street"),
    }
    plz, city = st.columns([1, 2])
    out["plz"] = plz.text_input(
        "PLZ",
        value=g("plz"),
        max_chars=5,
        key=f"{k}_plz",
        help="Kreis, Kreisverband und Land ergeben sich aus der PLZ.",
    )
    out["city"] = city.text_input("Ort", value=g("city"), key=f"{k}_city", help="Leer lassen: Ort aus der PLZ.")
    return out


def new_contact_form(key: str) -> ContactInput | None:
    """The capture form for a new contact; the input once submitted, else None."""
    k = form_key(key)
    with st.form(k, clear_on_submit=False):
        fields = _address_fields(k)
        left, right = st.columns(2)
        status = left.selectbox("Status", list(STATUSES), format_func=STATUSES.get, key=f"{k}_status")
        source = right.selectbox("Quelle", list(SOURCES), format_func=SOURCES.get, key=f"{k}_source")
        topics = st.multiselect(
            "Themen", list(TOPICS), format_func=TOPICS.get, key=f"{k}_topics", placeholder="Bitte auswählen"
        )
        consents = st.multiselect(
            "Einwilligungen, die die Person gegeben hat",
            CONSENT_OPTIONS,
            format_func=consent_label,
            key=f"{k}_consents",
            placeholder="Bitte auswählen",
        )
        evidence = st.text_input(
            "Nachweis der Einwilligungen",
            key=f"{k}_evidence",
            placeholder="z. B. Unterschrift auf Infostand-Liste vom 03.05.2025",
        )
        if not st.form_submit_button("Erfassen", type="primary", icon=":material/person_add:"):
            return None
    return ContactInput(
        **fields,
        status=status,
        source=source,
        topics=tuple(topics),
        consents=tuple(ConsentInput(p, c, source, evidence) for p, c in consents),
    )


def master_form(key: str, card) -> ContactInput | None:
    """Edit name, contact details and address of the card's contact; the input once submitted."""
    k = form_key(key)
    with st.form(k, clear_on_submit=False):
        fields = _address_fields(k, card)
        if not st.form_submit_button("Speichern", icon=":material/save:"):
            return None
    return ContactInput(**fields)


def status_form(key: str, card, may_step_back: bool) -> tuple[str, date] | None:
    """Choose the next status on the ladder and its date; (status, date) once submitted."""
    current = LADDER.index(card.status)
    options = [s for i, s in enumerate(LADDER) if i > current or (may_step_back and i < current)]
    if not options:
        st.caption("Die Person ist schon Mitglied: höher geht es nicht.")
        return None
    k = form_key(key)
    with st.form(k, clear_on_submit=False):
        status = st.selectbox("Neuer Status", options, format_func=STATUSES.get, key=f"{k}_status")
        day = _date("Seit", f"{k}_day")
        if may_step_back:
            st.caption("Zurücksetzen löscht die Daten der höheren Stufen.")
        if not st.form_submit_button("Status ändern", icon=":material/trending_up:"):
            return None
    return status, day


def activity_form(key: str) -> tuple[str, date, str] | None:
    """A hand-written timeline entry; (kind, date, note) once submitted."""
    k = form_key(key)
    with st.form(k, clear_on_submit=False):
        left, right = st.columns([2, 1])
        kind = left.selectbox("Art", MANUAL_KINDS, format_func=ACTIVITY_KINDS.get, key=f"{k}_kind")
        with right:
            day = _date("Datum", f"{k}_day")
        note = st.text_area("Notiz", max_chars=1000, key=f"{k}_note", height=80)
        if not st.form_submit_button("Eintragen", icon=":material/edit_note:"):
            return None
    return kind, day, note


def grant_form(key: str, default_source: str) -> ConsentInput | None:
    """Record a consent with source and evidence; the input once submitted."""
    k = form_key(key)
    with st.form(k, clear_on_submit=False):
        option = st.selectbox(
            "Einwilligung",
            CONSENT_OPTIONS,
            index=None,
            format_func=consent_label,
            key=f"{k}_option",
            placeholder=CHOOSE,
            help="Nur die Kombinationen, die es gibt. Der Kanal braucht die passende Angabe in den Stammdaten "
            "(SMS und Telefon eine Telefonnummer, Post eine Anschrift).",
        )
        sources = list(SOURCES)
        source = st.selectbox(
            "Quelle",
            sources,
            index=sources.index(default_source) if default_source in sources else 0,
            format_func=SOURCES.get,
            key=f"{k}_source",
        )
        evidence = st.text_input(
            "Nachweis", key=f"{k}_evidence", placeholder="z. B. Unterschrift auf Infostand-Liste vom 03.05.2025"
        )
        if not st.form_submit_button("Einwilligung eintragen", icon=":material/verified:"):
            return None
    if option is None:
        return ConsentInput("", None, source, evidence)  # the service says in German what is missing
    return ConsentInput(option[0], option[1], source, evidence)


def withdraw_form(key: str, card) -> tuple[str, str | None] | None:
    """Choose one of the card's active consents to withdraw; (purpose, channel) once submitted."""
    active = [(c.purpose, c.channel) for c in card.consents if c.active]
    if not active:
        st.caption("Keine aktive Einwilligung, die widerrufen werden könnte.")
        return None
    k = form_key(key)
    with st.form(k, clear_on_submit=False):
        option = st.selectbox(
            "Widerrufene Einwilligung",
            active,
            index=None,
            format_func=consent_label,
            key=f"{k}_option",
            placeholder=CHOOSE,
        )
        if not st.form_submit_button("Widerruf eintragen", icon=":material/block:"):
            return None
    return option or ("", None)


def topics_form(key: str, card) -> list[str] | None:
    """Choose the contact's topics; the list once submitted."""
    k = form_key(key)
    with st.form(k, clear_on_submit=False):
        topics = st.multiselect(
            "Themen",
            list(TOPICS),
            default=[t for t in card.topics if t in TOPICS],
            format_func=TOPICS.get,
            key=f"{k}_topics",
            placeholder="Bitte auswählen",
        )
        if not st.form_submit_button("Themen speichern", icon=":material/label:"):
            return None
    return topics

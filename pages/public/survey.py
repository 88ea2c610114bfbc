"""View of an answer link whose call is a survey: the questions, the person's answers so far, save or change."""

from __future__ import annotations

import streamlit as st

import publicctx
from components.text import plain
from services.surveys.answers import answer_by_link, form_of_link
from services.surveys.questions import MAX_FREE_TEXT, SCALE


def _field(n: int, qid: int, question, given):
    # The question was typed by staff: plain text above the widget, whose own label is the code's.
    plain(f"{n}. {question.text}")
    label, key = f"Antwort auf Frage {n}", f"survey_q{qid}"
    labels = question.labels()
    if question.kind == "single":
        options = list(labels)
        return st.selectbox(
            label,
            options,
            index=options.index(given) if given in options else None,
            format_func=labels.get,
            placeholder="Bitte wählen",
            label_visibility="collapsed",
            key=key,
        )
    if question.kind == "multi":
        return st.multiselect(
            label,
            list(labels),
            default=[o for o in (given or []) if o in labels],
            format_func=labels.get,
            placeholder="Bitte auswählen (auch mehrere)",
            label_visibility="collapsed",
            key=key,
        )
    if question.kind == "scale":
        return st.radio(
            label,
            list(SCALE),
            index=list(SCALE).index(given) if given in SCALE else None,
            format_func=SCALE.get,
            horizontal=True,
            label_visibility="collapsed",
            key=key,
        )
    return st.text_area(
        label, value=given or "", max_chars=MAX_FREE_TEXT, label_visibility="collapsed", key=key, height=120
    )


def render_survey_answer(token: str, page) -> None:
    """The survey of an answer link (page: services.links.access.LinkPage) as a form to answer or change."""
    form = publicctx.read(form_of_link, token)
    plain(f"Hallo {page.first_name},")
    st.subheader("Befragung")
    plain(form.title)
    plain(form.body)
    if form.closed:
        st.warning("Diese Befragung ist beendet. Danke fürs Mitmachen!", icon=":material/event_busy:")
        return
    if form.answered:
        st.info(
            f"Du hast schon geantwortet. Bis zum {form.closes_on} kannst du deine Antwort hier ändern.",
            icon=":material/how_to_reg:",
        )
    else:
        st.caption(f"Die Befragung läuft bis zum {form.closes_on}. Du kannst jede Frage auch leer lassen.")
    with st.form("survey_answer"):
        values = {qid: _field(n, qid, q, form.given.get(qid)) for n, (qid, q) in enumerate(form.questions, start=1)}
        label = "Antwort ändern" if form.answered else "Antwort abschicken"
        if st.form_submit_button(label, type="primary"):
            publicctx.act(
                answer_by_link,
                token,
                values,
                success=lambda changed: (
                    "Danke! Deine geänderte Antwort ist gespeichert."
                    if changed
                    else "Danke! Deine Antwort ist gespeichert."
                ),
            )

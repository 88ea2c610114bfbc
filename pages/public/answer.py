"""View of an answer link: zusagen or absagen to a call to action; a survey opens the survey's own view."""

from __future__ import annotations

import streamlit as st

import publicctx
from components.text import fields, plain
from pages.public.survey import render_survey_answer
from services.calls.responses import RESPONSES
from services.links.answers import CLOSED, LINK_RESPONSES, answer_call


def render(token: str, page) -> None:
    """The call, the person's answer so far and two buttons while the call is open."""
    view = page.view
    if view.kind == "survey":
        # Surveys are answered on their own view (pages/public/survey.py, a LinkPage with an AnswerView).
        render_survey_answer(token, page)
        return
    plain(f"Hallo {page.first_name},")
    st.markdown("du wurdest zu diesem Aufruf eingeladen:")
    st.subheader("Aktionsaufruf")
    # Title, text and link were typed by staff: plain text, never Markdown.
    fields(
        [
            (label, value)
            for label, value in (("Titel", view.title), ("Wann", view.when), ("Mehr dazu", view.link))
            if value
        ]
    )
    plain(view.body)
    if view.response:
        st.info(f"Deine Antwort bisher: **{RESPONSES[view.response]}**", icon=":material/how_to_reg:")
    if not view.is_open:
        st.warning(CLOSED, icon=":material/event_busy:")
        return
    st.markdown("Kannst du dabei sein? Du kannst deine Antwort ändern, bis der Aufruf vorbei ist.")
    left, right = st.columns(2)
    for column, (code, label) in zip((left, right), LINK_RESPONSES.items(), strict=True):
        if column.button(label, key=f"link_answer_{code}", type="primary" if code == "accepted" else "secondary"):
            publicctx.act(answer_call, token, code, success=lambda r: f"Danke! Deine Antwort ist gespeichert: **{r}**.")

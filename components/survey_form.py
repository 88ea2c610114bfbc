"""The widgets of a new survey (title, text, topics, region, end, 1–10 questions) and the SurveyForm they hold."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from domain.enums import TOPICS
from services.calls.workflow import MAX_BODY, MAX_TITLE, REGION_LEVELS
from services.surveys.questions import KINDS, MAX_QUESTIONS, QUESTION, Question, parse_options
from services.surveys.workflow import SurveyForm


def default_end() -> date:
    """A survey runs four weeks unless the user picks another end."""
    return date.today() + timedelta(days=28)


def survey_form(prefix: str, levels: list[str], land_names: dict[str, str], kv_names: dict[int, str]) -> None:
    """Draw the survey's widgets; every value lives in st.session_state under f"{prefix}_<field>"."""
    key = lambda field: f"{prefix}_{field}"  # noqa: E731
    st.text_input("Titel (Betreff der Mail)", key=key("title"), max_chars=MAX_TITLE)
    st.text_area(
        "Einleitung",
        key=key("body"),
        height=120,
        max_chars=MAX_BODY,
        help="Die Mail beginnt mit „Hallo <Vorname>,“; wie lange die Befragung läuft und der persönliche "
        "Link zum Antworten werden angehängt.",
    )
    st.multiselect("Themen", list(TOPICS), format_func=TOPICS.get, key=key("topics"), placeholder="Bitte auswählen")
    r1, r2, r3 = st.columns(3)
    level = r1.selectbox("Region", levels, format_func=REGION_LEVELS.get, key=key("level"))
    if level == "land":
        r2.selectbox("Land", list(land_names), format_func=land_names.get, key=key("land"))
    elif level == "kv":
        r2.selectbox("Kreisverband", list(kv_names), format_func=kv_names.get, key=key("kv"))
    st.session_state.setdefault(key("end"), default_end())
    r3.date_input("läuft bis (einschließlich)", format="DD.MM.YYYY", key=key("end"))
    n = st.number_input("Anzahl der Fragen", min_value=1, max_value=MAX_QUESTIONS, value=1, step=1, key=key("n"))
    for i in range(1, int(n) + 1):
        with st.container(border=True):
            c1, c2 = st.columns([1, 2])
            kind = c1.selectbox(f"Art von Frage {i}", list(KINDS), format_func=KINDS.get, key=key(f"q{i}_kind"))
            c2.text_input(f"Frage {i}", key=key(f"q{i}_text"), max_chars=QUESTION.limit)
            if kind in ("single", "multi"):
                st.text_area(
                    f"Antwortmöglichkeiten zu Frage {i} (eine pro Zeile, 2 bis 10)",
                    key=key(f"q{i}_options"),
                    height=100,
                )
            elif kind == "scale":
                st.caption("Antwort auf einer Skala von 1 (gar nicht) bis 5 (voll und ganz).")
            else:
                st.caption("Freitext, höchstens 1.000 Zeichen.")


def form_from_state(prefix: str) -> SurveyForm:
    """The SurveyForm the widgets under prefix hold now."""
    get = lambda field, default=None: st.session_state.get(f"{prefix}_{field}", default)  # noqa: E731
    level = get("level")
    questions = tuple(
        Question(get(f"q{i}_kind", "single"), get(f"q{i}_text", ""), parse_options(get(f"q{i}_options", "")))
        for i in range(1, int(get("n", 1) or 1) + 1)
    )
    return SurveyForm(
        title=get("title", ""),
        body=get("body", ""),
        topics=tuple(get("topics", ())),
        region_level=level,
        end_day=get("end"),
        questions=questions,
        land_code=get("land") if level == "land" else None,
        kv_id=get("kv") if level == "kv" else None,
    )


def clear(prefix: str) -> None:
    """Empty the form (in a callback, before its widgets are drawn); the region is kept."""
    for field, value in {"title": "", "body": "", "topics": [], "end": default_end(), "n": 1}.items():
        st.session_state[f"{prefix}_{field}"] = value
    for i in range(1, MAX_QUESTIONS + 1):
        for field, value in {"kind": "single", "text": "", "options": ""}.items():
            st.session_state[f"{prefix}_q{i}_{field}"] = value

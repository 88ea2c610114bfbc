"""The widgets of a call to action (a new one or a draft) and the CallForm they hold.

Every widget keeps its value in st.session_state under f"{prefix}_<field>", so a button's
callback can read the form, and a draft can be loaded into it before the widgets are drawn.
"""

from __future__ import annotations

from datetime import time

import streamlit as st

from domain.enums import TOPICS
from domain.formatting import BERLIN
from services.calls.workflow import MAX_BODY, MAX_TITLE, MODES, REGION_LEVELS, CallForm, CallInfo

FIELDS = ("title", "body", "mode", "topics", "level", "land", "kv", "day", "time", "all_day", "end", "link")


def call_form(prefix: str, levels: list[str], land_names: dict[str, str], kv_names: dict[int, str]) -> None:
    """Draw the call's widgets (title, text, kind, topics, region, dates, link)."""
    key = lambda field: f"{prefix}_{field}"  # noqa: E731
    st.text_input("Titel (Betreff der Mail)", key=key("title"), max_chars=MAX_TITLE)
    st.text_area(
        "Text",
        key=key("body"),
        height=160,
        max_chars=MAX_BODY,
        help="Die Mail beginnt mit „Hallo <Vorname>,“; Art, Zeit und Link werden angehängt. "
        "Bei Aktionen vor Ort schreib den Treffpunkt in den Text.",
    )
    c1, c2 = st.columns(2)
    c1.radio("Art", list(MODES), format_func=MODES.get, horizontal=True, key=key("mode"))
    c2.multiselect("Themen", list(TOPICS), format_func=TOPICS.get, key=key("topics"), placeholder="Bitte auswählen")
    r1, r2 = st.columns(2)
    level = r1.selectbox("Region", levels, format_func=REGION_LEVELS.get, key=key("level"))
    if level == "land":
        r2.selectbox("Land", list(land_names), format_func=land_names.get, key=key("land"))
    elif level == "kv":
        r2.selectbox("Kreisverband", list(kv_names), format_func=kv_names.get, key=key("kv"))
    d1, d2, d3 = st.columns(3)
    d1.date_input("Datum (optional bei online)", value=None, format="DD.MM.YYYY", key=key("day"))
    d2.time_input("Uhrzeit", value=None, key=key("time"), help="Bei Aktionen vor Ort Pflicht, außer ganztägig.")
    d2.checkbox("ganztägig", key=key("all_day"))
    d3.date_input("bis (optional)", value=None, format="DD.MM.YYYY", key=key("end"))
    st.text_input("Link (optional)", key=key("link"), placeholder="https://")


def form_from_state(prefix: str) -> CallForm:
    """The CallForm the widgets under prefix hold now."""
    get = lambda field, default=None: st.session_state.get(f"{prefix}_{field}", default)  # noqa: E731
    level, day = get("level"), get("day")
    return CallForm(
        title=get("title", ""),
        body=get("body", ""),
        mode=get("mode", "online"),
        topics=tuple(get("topics", ())),
        region_level=level,
        land_code=get("land") if level == "land" else None,
        kv_id=get("kv") if level == "kv" else None,
        start_day=day,
        start_time=None if get("all_day") else get("time") if day else None,
        all_day=bool(get("all_day")),
        end_day=get("end"),
        link=get("link", ""),
    )


# What each field holds when the form is empty. The region (level, Land, KV) is kept: the next
# call is mostly for the same one, and a selectbox has no empty value.
EMPTY = {
    "title": "",
    "body": "",
    "mode": "online",
    "topics": [],
    "day": None,
    "time": None,
    "all_day": False,
    "end": None,
    "link": "",
}


def clear(prefix: str) -> None:
    """Empty the form (call before its widgets are drawn, e.g. in a button callback).

    The keys are set to empty values, never removed: a removed key makes a new widget, and the
    browser may then send the old text back into it.
    """
    for field, value in EMPTY.items():
        st.session_state[f"{prefix}_{field}"] = list(value) if isinstance(value, list) else value


def load(prefix: str, call: CallInfo) -> None:
    """Fill the form with a draft (call before its widgets are drawn)."""
    starts = call.starts_at.astimezone(BERLIN) if call.starts_at else None
    values = {
        "title": call.title,
        "body": call.body,
        "mode": call.mode,
        "topics": list(call.topics),
        "level": call.region_level,
        "land": call.land_code,
        "kv": call.kv_id,
        "day": starts.date() if starts else None,
        "time": starts.time() if starts and starts.time() != time(0, 0) else None,
        "all_day": bool(starts and starts.time() == time(0, 0)),
        "end": call.ends_at.astimezone(BERLIN).date() if call.ends_at else None,
        "link": call.link,
    }
    for field, value in values.items():
        if value is None and field in ("land", "kv"):
            st.session_state.pop(f"{prefix}_{field}", None)
        else:
            st.session_state[f"{prefix}_{field}"] = value

"""AppTest (issue 11.11): sending a call, an Info or a survey says what it does while it runs (seconds at 1M)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta

import pytest
import streamlit as st

from domain.formatting import format_people
from tests.support.apptest import all_text, open_page


def _button(at, label):
    return [b for b in at.button if b.label.startswith(label)][0]


def _recipients(at) -> int:
    return int(str(next(m.value for m in at.metric if m.label == "Empfänger:innen")).replace(".", ""))


def _compose(at, prefix: str) -> None:
    """Title, text, topics and the Land Sachsen in the compose form of a call, an Info or a survey."""
    at.text_input(key=f"{prefix}_title").set_value(f"Spinner {prefix}")
    at.text_area(key=f"{prefix}_body").set_value("Neues vom Bündnis.")
    at.multiselect(key=f"{prefix}_topics").set_value(["miete", "pflege"])
    at.selectbox(key=f"{prefix}_level").set_value("land").run()
    at.selectbox(key=f"{prefix}_land").set_value("14")


@pytest.fixture
def spinners(monkeypatch) -> list[str]:
    """The texts of every st.spinner shown from now on."""
    shown: list[str] = []
    real = st.spinner

    @contextmanager
    def recording(text="", *args, **kwargs):
        shown.append(text)
        with real(text, *args, **kwargs):
            yield

    monkeypatch.setattr(st, "spinner", recording)
    return shown


def _send(at, spinners: list[str], n: int) -> list[str]:
    """Ask, confirm, and return the spinner texts shown during the confirmed sending."""
    _button(at, "An ").click().run()
    assert "senden?" in all_text(at)
    spinners.clear()
    _button(at, "Ja, an").click().run()
    assert not at.exception, at.exception
    assert "unterwegs" in all_text(at), all_text(at)
    return [s for s in spinners if "verschickt" in s]


def test_sending_a_call_shows_a_spinner_naming_the_count(app_db, spinners):
    at = open_page("pages/aktionen.py", "lv-sachsen")
    _compose(at, "cta")
    _button(at, "Aufruf anlegen").click().run()
    _button(at, "Empfänger:innen zählen").click().run()
    n = _recipients(at)
    assert _send(at, spinners, n) == [f"Der Aufruf wird an {format_people(n)} verschickt …"]


def test_sending_an_info_shows_a_spinner_naming_the_count(app_db, spinners):
    at = open_page("pages/info.py", "lv-sachsen")
    _compose(at, "info")
    _button(at, "Info anlegen").click().run()
    _button(at, "Empfänger:innen zählen").click().run()
    n = _recipients(at)
    assert _send(at, spinners, n) == [f"Die Info wird an {format_people(n)} verschickt …"]


def test_sending_a_survey_shows_a_spinner_naming_the_count(app_db, spinners):
    at = open_page("pages/befragungen.py", "lv-sachsen")
    _compose(at, "svy")
    at.date_input(key="svy_end").set_value(date.today() + timedelta(days=60))
    at.number_input(key="svy_n").set_value(1).run()
    at.selectbox(key="svy_q1_kind").set_value("text").run()
    at.text_input(key="svy_q1_text").set_value("Was sollen wir tun?")
    _button(at, "Befragung anlegen").click().run()
    _button(at, "Empfänger:innen zählen").click().run()
    n = _recipients(at)
    assert _send(at, spinners, n) == [f"Die Befragung wird an {format_people(n)} verschickt …"]

"""AppTest of the public survey view: the answer link from the mail opens the survey without login; one answer
per person, changed on a second visit; nothing of other people shown."""

from __future__ import annotations

import os
from datetime import date, timedelta
from urllib.parse import unquote

from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from db.engine import make_engine, make_session_factory
from db.models import CallDelivery, MailOutbox, SurveyAnswer, SurveyResponse
from domain.enums import TOPICS
from services.surveys import workflow as surveys
from services.surveys.questions import Question
from tests.support.apptest import APP, all_text
from tests.support.scopes import user_scope


def _send_survey(factory) -> tuple[int, int, str]:
    """A sent survey: (survey id, one recipient, that recipient's answer token from the queued mail)."""
    with factory() as s:
        team = user_scope(s, "team")
        form = surveys.SurveyForm(
            title="Öffentliche Befragung",
            body="Wie geht es dir?",
            topics=tuple(TOPICS),
            region_level="land",
            land_code="14",
            end_day=date.today() + timedelta(days=30),
            questions=(
                Question("single", "Wie findest du die Miete?", ("zu hoch", "in Ordnung")),
                Question("multi", "Was hilft?", ("Deckel", "Wohngeld", "Bauen")),
                Question("scale", "Wie wichtig?"),
                Question("text", "Noch etwas?"),
            ),
        )
        sid = surveys.create_survey(s, team, form)
        surveys.send(s, team, sid, surveys.preview(s, team, sid).recipients)
        cid, body = s.execute(
            select(MailOutbox.contact_id, MailOutbox.body)
            .join(CallDelivery, CallDelivery.id == MailOutbox.ref_id)
            .where(MailOutbox.ref_type == "call_delivery", CallDelivery.call_id == sid)
            .order_by(MailOutbox.id)
            .limit(1)
        ).one()
    line = next(x for x in body.splitlines() if x.startswith("Antworten: "))
    return sid, cid, unquote(line.split("?t=", 1)[1])


def _open(tok: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["t"] = tok
    at.run()
    assert not at.exception, at.exception
    return at


def test_answer_and_change_through_the_mail_link(app_db):
    from services.core.settings import get_settings

    os.environ["LINK_RATE_LIMIT"] = "100000"
    get_settings.cache_clear()
    eng = make_engine(app_db)
    factory = make_session_factory(eng)
    sid, cid, tok = _send_survey(factory)

    at = _open(tok)
    texts = [t.value for t in at.text]
    assert "Öffentliche Befragung" in texts and "1. Wie findest du die Miete?" in texts
    assert "Benutzername" not in [t.label for t in at.text_input]
    at.selectbox[0].set_value(2)  # "in Ordnung"
    at.multiselect[0].set_value([1, 3])
    at.radio[0].set_value(4)
    at.text_area[0].set_value("=Mehr Busse")
    at.button[0].click().run()
    assert "Deine Antwort ist gespeichert" in all_text(at), all_text(at)
    with factory() as s:
        rid = s.scalar(select(SurveyResponse.id).where(SurveyResponse.call_id == sid, SurveyResponse.contact_id == cid))
        rows = {
            (o, t)
            for o, t in s.execute(select(SurveyAnswer.option, SurveyAnswer.text).where(SurveyAnswer.response_id == rid))
        }
    # single: 2, multi: 1 and 3, scale: 4, free text as typed (neutralised only in exports)
    assert rows == {(2, ""), (1, ""), (3, ""), (4, ""), (None, "=Mehr Busse")}

    again = _open(tok)
    assert "Du hast schon geantwortet" in all_text(again)
    assert again.multiselect[0].value == [1, 3] and again.radio[0].value == 4
    again.multiselect[0].set_value([2])
    again.button[0].click().run()
    assert "geänderte Antwort" in all_text(again), all_text(again)
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(SurveyResponse).where(SurveyResponse.call_id == sid)) == 1
        multi = s.scalars(select(SurveyAnswer.option).where(SurveyAnswer.response_id == rid)).all()
    assert sorted(o for o in multi if o is not None) == [2, 2, 4]  # single 2, multi now 2, scale 4
    eng.dispose()

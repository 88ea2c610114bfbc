"""Demo mailings: a sent Linksaktiv-Info and a sent survey for Sachsen whose mails wait in the outbox.

A new user can take a personal link from one of these mails (scripts/seed_demo.py prints two) and open it to
see what a recipient sees. Run after seed_demo on the demo database; not part of the test seed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from db.models import CallDelivery, MailOutbox, User
from db.types import utcnow
from domain.formatting import BERLIN
from services.core.scope import scope_for
from services.info import workflow as info
from services.surveys import workflow as surveys
from services.surveys.questions import Question

INFO = info.InfoForm(
    title="Linksaktiv-Info: Mieten in Sachsen",
    body="In Leipzig und Dresden steigen die Mieten weiter. Am Samstag sammeln wir an vielen Infoständen "
    "Unterschriften für einen Mietendeckel. Hier findest du, was wir fordern und wo du mitmachen kannst.",
    topics=("miete", "verkehr"),
    region_level="land",
    land_code="14",
)
QUESTIONS = (
    Question(
        "single", "Wie viel deines Einkommens geht für die Miete drauf?", ("unter 30 %", "30 bis 40 %", "über 40 %")
    ),
    Question("multi", "Was würde dir am meisten helfen?", ("Mietendeckel", "mehr Wohngeld", "kommunaler Wohnungsbau")),
    Question("scale", "Wie wichtig ist dir das Thema Miete?"),
    Question("text", "Was möchtest du uns noch sagen?"),
)


def seed_demo_mailings(engine: Engine, now: datetime | None = None) -> dict[str, int]:
    """Send the demo Info and survey as lv-sachsen (mails queued, not delivered); returns mails per kind."""
    at = now or utcnow()
    with Session(engine) as session:
        user = session.scalar(select(User).where(User.username == "lv-sachsen"))
        if user is None:
            return {}
        lv = scope_for(user)
        info_id = info.create_info(session, lv, INFO)
        n_info = info.send(session, lv, info_id, info.preview(session, lv, info_id, now=at).recipients, now=at)
        form = surveys.SurveyForm(
            title="Befragung: Wohnen in Sachsen",
            body="Wir wollen wissen, wie es dir mit deiner Miete geht. Die Befragung dauert zwei Minuten.",
            topics=("miete", "verkehr", "pflege"),
            region_level="land",
            land_code="14",
            end_day=(at + timedelta(days=30)).astimezone(BERLIN).date(),
            questions=QUESTIONS,
        )
        survey_id = surveys.create_survey(session, lv, form, now=at)
        n_survey = surveys.send(
            session, lv, survey_id, surveys.preview(session, lv, survey_id, now=at).recipients, now=at
        )
    return {"info_mails": n_info, "survey_mails": n_survey}


def demo_links(engine: Engine) -> dict[str, str]:
    """One waiting mail's personal links of the demo Info and of the demo survey (for the seed script to print)."""
    out: dict[str, str] = {}
    with Session(engine) as session:
        info_body = session.scalar(
            select(MailOutbox.body).where(MailOutbox.ref_type == "info", MailOutbox.status == "queued").limit(1)
        )
        survey_body = session.scalar(
            select(MailOutbox.body)
            .join(CallDelivery, CallDelivery.id == MailOutbox.ref_id)
            .where(
                MailOutbox.ref_type == "call_delivery",
                MailOutbox.status == "queued",
                MailOutbox.body.like("%Antworten: %"),
            )
            .limit(1)
        )
    for name, body, prefix in (
        ("Info: Meine Themen / Abmelden", info_body, "Meine Themen / Abmelden: "),
        ("Befragung: Antworten", survey_body, "Antworten: "),
    ):
        line = next((x for x in (body or "").splitlines() if x.startswith(prefix)), "")
        if line:
            out[name] = line[len(prefix) :]
    return out

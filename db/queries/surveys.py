"""Queries of surveys (calls of kind 'survey'): questions, deliveries, one response per person, counts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, and_, delete, func, insert, literal, select
from sqlalchemy.orm import Session

from db.models import (
    Activity,
    CallDelivery,
    CallToAction,
    Contact,
    Land,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from db.queries.calls import audience_select
from db.queries.common.staging import staged
from db.scope import Scope, apply_area
from db.types import UTCDateTime


def surveys_in_area(session: Session, scope: Scope) -> list[CallToAction]:
    """The surveys of the scope's area, newest first (leitung: all, for their aggregates)."""
    stmt = (
        select(CallToAction)
        .where(CallToAction.kind == "survey")
        .order_by(CallToAction.created_at.desc(), CallToAction.id.desc())
    )
    return list(session.scalars(apply_area(stmt, scope, CallToAction.kv_id, CallToAction.land_code)))


def questions(session: Session, call_id: int) -> list[SurveyQuestion]:
    """The survey's questions in order."""
    stmt = select(SurveyQuestion).where(SurveyQuestion.call_id == call_id).order_by(SurveyQuestion.position)
    return list(session.scalars(stmt))


def replace_questions(session: Session, call_id: int, rows: list[tuple[str, str, str]]) -> None:
    """Store the questions (kind, text, options one per line) of a survey that has no answers yet."""
    session.execute(delete(SurveyQuestion).where(SurveyQuestion.call_id == call_id))
    session.add_all(
        SurveyQuestion(call_id=call_id, position=i, kind=kind, text=text, options=options)
        for i, (kind, text, options) in enumerate(rows, start=1)
    )
    session.flush()


def insert_deliveries(
    session: Session, scope: Scope, call: CallToAction, since: datetime, max_calls: int, at: datetime, user_id
) -> list[tuple[int, str, str, int]]:
    """A delivery and a timeline entry per recipient; returns (contact id, first name, e-mail, delivery id) each."""
    with staged(session, audience_select(scope, call, since, max_calls, Contact.id), "survey_audience") as audience:
        src = select(
            literal(call.id, Integer),
            Contact.id,
            literal("email", String),
            literal(at, UTCDateTime),
            literal("", String),
        ).join(audience, audience.c.id == Contact.id)
        session.execute(
            insert(CallDelivery).from_select(["call_id", "contact_id", "channel", "sent_at", "response"], src)
        )
    fresh = and_(CallDelivery.call_id == call.id, CallDelivery.sent_at == literal(at, UTCDateTime))
    rows = session.execute(
        select(Contact.id, Contact.first_name, Contact.email, CallDelivery.id)
        .join(CallDelivery, CallDelivery.contact_id == Contact.id)
        .where(fresh)
        .order_by(Contact.id)
    ).all()
    timeline = select(
        CallDelivery.contact_id,
        literal("call_to_action", String),
        literal(at, UTCDateTime),
        literal(f"Befragung: {call.title}", String),
        literal("call_to_action", String),
        literal(call.id, Integer),
        literal(user_id, Integer),
    ).where(fresh)
    session.execute(
        insert(Activity).from_select(
            ["contact_id", "kind", "occurred_at", "note", "ref_type", "ref_id", "user_id"], timeline
        )
    )
    return [(int(cid), first, email, int(did)) for cid, first, email, did in rows]


def response(session: Session, call_id: int, contact_id: int, lock: bool = False) -> SurveyResponse | None:
    """The person's response to the survey, if any."""
    stmt = select(SurveyResponse).where(SurveyResponse.call_id == call_id, SurveyResponse.contact_id == contact_id)
    return session.scalar(stmt.with_for_update() if lock else stmt)


def answers_of(session: Session, response_id: int) -> list[tuple[int, int | None, str]]:
    """(question id, option, text) of one response."""
    stmt = select(SurveyAnswer.question_id, SurveyAnswer.option, SurveyAnswer.text).where(
        SurveyAnswer.response_id == response_id
    )
    return [(int(q), o, t) for q, o, t in session.execute(stmt).all()]


def replace_answers(session: Session, response_id: int, rows: list[tuple[int, int | None, str]]) -> None:
    """The response's answers are these (question id, option, text) rows from now on."""
    session.execute(delete(SurveyAnswer).where(SurveyAnswer.response_id == response_id))
    if rows:
        session.execute(
            insert(SurveyAnswer),
            [dict(response_id=response_id, question_id=q, option=o, text=t) for q, o, t in rows],
        )


def option_counts(session: Session, scope: Scope, call_id: int) -> list[tuple[int, int, str, int]]:
    """(question id, option, Land name, count) of the survey's chosen options in the scope's area."""
    stmt = (
        select(SurveyAnswer.question_id, SurveyAnswer.option, Land.name, func.count())
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .join(Land, Land.code == SurveyResponse.land_code)
        .where(SurveyResponse.call_id == call_id, SurveyAnswer.option.is_not(None))
        .group_by(SurveyAnswer.question_id, SurveyAnswer.option, Land.name)
    )
    stmt = apply_area(stmt, scope, SurveyResponse.kv_id, SurveyResponse.land_code)
    return [(int(q), int(o), land, int(n)) for q, o, land, n in session.execute(stmt).all()]


def respondents(session: Session, scope: Scope, call_id: int) -> int:
    """How many people answered the survey, in the scope's area."""
    stmt = select(func.count()).select_from(SurveyResponse).where(SurveyResponse.call_id == call_id)
    return int(session.scalar(apply_area(stmt, scope, SurveyResponse.kv_id, SurveyResponse.land_code)) or 0)


def free_texts(session: Session, scope: Scope, call_id: int, limit: int | None = None) -> list[tuple[int, str, str]]:
    """(question id, Land name, text) of the free-text answers in the scope's area; no name, oldest first."""
    stmt = (
        select(SurveyAnswer.question_id, Land.name, SurveyAnswer.text)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .join(Land, Land.code == SurveyResponse.land_code)
        .where(SurveyResponse.call_id == call_id, SurveyAnswer.option.is_(None), SurveyAnswer.text != "")
        .order_by(SurveyAnswer.question_id, SurveyAnswer.id)
    )
    stmt = apply_area(stmt, scope, SurveyResponse.kv_id, SurveyResponse.land_code)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [(int(q), land, text) for q, land, text in session.execute(stmt).all()]


def delivery_stmt(call_id: int, contact_id: int):
    """The select of the person's delivery of the survey (it went to them)."""
    return select(CallDelivery).where(CallDelivery.call_id == call_id, CallDelivery.contact_id == contact_id)


def answers_of_person(session: Session, contact_id: int) -> list[tuple]:
    """(survey title, question, option, text, answered at, changed at) of every answer the person gave."""
    stmt = (
        select(
            CallToAction.title,
            SurveyQuestion,
            SurveyAnswer.option,
            SurveyAnswer.text,
            SurveyResponse.answered_at,
            SurveyResponse.changed_at,
        )
        .join(SurveyResponse, SurveyResponse.call_id == CallToAction.id)
        .join(SurveyAnswer, SurveyAnswer.response_id == SurveyResponse.id)
        .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
        .where(SurveyResponse.contact_id == contact_id)
        .order_by(SurveyResponse.id, SurveyQuestion.position, SurveyAnswer.option)
    )
    return [tuple(r) for r in session.execute(stmt).all()]

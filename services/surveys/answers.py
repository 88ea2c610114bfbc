"""Answering a survey through one's personal link: one response per person, changeable until the survey closes.

The public page passes the contact id and the survey id of a valid answer token (services.links); these
functions trust nothing else and show nothing of other people.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from db.models import Activity, CallDelivery, CallToAction, Contact, SurveyResponse
from db.queries import surveys as q
from db.types import utcnow
from domain.errors import NotFoundError, ValidationError
from domain.formatting import BERLIN, format_date
from services.core import audit
from services.links.answers import delivery_of_link
from services.surveys.questions import Question, check_answer, parse_options

GONE = "Diese Befragung gibt es nicht mehr, oder sie ging nicht an dich."


@dataclass(frozen=True)
class AnswerForm:
    """What the person sees: the survey, its questions (with ids), their answers so far, whether it is closed."""

    call_id: int
    title: str
    body: str
    closes_on: str
    closed: bool
    questions: tuple[tuple[int, Question], ...]
    given: dict[int, object] = field(default_factory=dict)  # question id -> option, [options] or text
    answered: bool = False


def _survey(session: Session, contact_id: int, call_id: int) -> tuple[CallToAction, CallDelivery, Contact]:
    call = session.get(CallToAction, call_id)
    person = session.get(Contact, contact_id)
    delivery = session.scalar(q.delivery_stmt(call_id, contact_id)) if call is not None else None
    if call is None or call.kind != "survey" or person is None or delivery is None:
        raise NotFoundError(GONE)
    return call, delivery, person


def _closed(call: CallToAction, now: datetime) -> bool:
    return call.ends_at is not None and now > call.ends_at


def answer_form(session: Session, contact_id: int, call_id: int, now: datetime | None = None) -> AnswerForm:
    """The survey as the person answers it, with what they answered before; NotFoundError when not theirs."""
    call, _, _ = _survey(session, contact_id, call_id)
    questions = tuple((r.id, Question(r.kind, r.text, parse_options(r.options))) for r in q.questions(session, call.id))
    kinds = {qid: question.kind for qid, question in questions}
    given: dict[int, object] = {}
    mine = q.response(session, call.id, contact_id)
    if mine is not None:
        for qid, option, text in q.answers_of(session, mine.id):
            if kinds.get(qid) == "multi":
                given.setdefault(qid, []).append(option)
            else:
                given[qid] = text if option is None else option
    closes = format_date(call.ends_at.astimezone(BERLIN).date()) if call.ends_at else ""
    return AnswerForm(
        call.id, call.title, call.body, closes, _closed(call, now or utcnow()), questions, given, mine is not None
    )


def save_answers(
    session: Session, contact_id: int, call_id: int, values: dict[int, object], now: datetime | None = None
) -> bool:
    """Store the person's answers (question id -> value), replacing earlier ones; True when it was a change.

    German ValidationError when the survey is closed, nothing is answered, or an answer is invalid;
    nothing is stored then. On the timeline and audited (ids only).
    """
    at = now or utcnow()
    call, delivery, person = _survey(session, contact_id, call_id)
    if _closed(call, at):
        raise ValidationError(
            "Diese Befragung ist beendet. Antworten lassen sich nicht mehr abgeben oder ändern. Danke fürs Mitmachen!"
        )
    rows: list[tuple[int, int | None, str]] = []
    for n, r in enumerate(q.questions(session, call.id), start=1):
        question = Question(r.kind, r.text, parse_options(r.options))
        rows += [(r.id, option, text) for option, text in check_answer(n, question, values.get(r.id))]
    if not rows:
        raise ValidationError("Du hast noch keine Frage beantwortet. Wähle oder schreib mindestens eine Antwort.")
    mine = q.response(session, call.id, contact_id, lock=True)
    changed = mine is not None
    if mine is None:
        mine = SurveyResponse(
            call_id=call.id, contact_id=contact_id, land_code=person.land_code, kv_id=person.kv_id, answered_at=at
        )
        session.add(mine)
    mine.changed_at = at
    session.flush()
    q.replace_answers(session, mine.id, rows)
    delivery.responded_at = at
    note = "Antwort auf Befragung geändert" if changed else "Befragung beantwortet"
    session.add(
        Activity(
            contact_id=contact_id,
            kind="call_to_action",
            occurred_at=at,
            note=f"{note}: {call.title}",
            ref_type="call_to_action",
            ref_id=call.id,
        )
    )
    # The person acts through their link, not an account: the audit names the response and the survey.
    audit.record(
        session,
        None,
        "survey_answer_changed" if changed else "survey_answer",
        "survey_response",
        mine.id,
        survey_id=call.id,
    )
    session.commit()
    return changed


def form_of_link(session: Session, token: str, settings=None, now: datetime | None = None) -> AnswerForm:
    """The survey an answer link names, as its person answers it (the link is checked on every call)."""
    claim, _, call = delivery_of_link(session, token, settings)
    return answer_form(session, claim.contact_id, call.id, now)


def answer_by_link(
    session: Session, token: str, values: dict[int, object], settings=None, now: datetime | None = None
) -> bool:
    """Store the answers of the person an answer link names to its survey; True when it changed earlier ones."""
    claim, _, call = delivery_of_link(session, token, settings)
    return save_answers(session, claim.contact_id, call.id, values, now)


def person_answers(session: Session, contact_id: int) -> list[dict]:
    """Every answer the person gave to a survey, readable (access, Art. 15): survey, question, answer, times."""
    out = []
    for title, row, option, text, answered, changed in q.answers_of_person(session, contact_id):
        question = Question(row.kind, row.text, parse_options(row.options))
        answer = text if option is None else question.labels().get(option, str(option))
        out.append(
            {
                "survey_title": title,
                "question": row.text,
                "answer": answer,
                "answered_at": answered.isoformat(),
                "changed_at": changed.isoformat(),
            }
        )
    return out

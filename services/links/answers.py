"""Answering a call to action (zugesagt / abgesagt) through the person's link; changeable until the call ends.

A survey is a call of the kind "survey" (issue 10, helper "info"): its link opens the survey's own view
(pages/public/survey.py); this module only says which kind the call is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from db.models import CallToAction
from db.queries import links as q
from db.types import utcnow
from domain.formatting import BERLIN, format_date, format_datetime
from services.calls.responses import RESPONSES, apply_response
from services.links.access import LINK_ACTOR, LinkPage, claim_of, person
from services.links.tokens import LinkError

# What a person may answer through the link ('attended' is for staff after the action).
LINK_RESPONSES = {"accepted": "Ich bin dabei", "declined": "Ich kann leider nicht"}
NOT_SENT = "Dieser Aufruf ging nicht an dich. Öffne bitte den Link aus deiner eigenen Mail."
CLOSED = "Dieser Aufruf ist vorbei; Antworten sind nicht mehr möglich. Danke für dein Interesse!"


@dataclass(frozen=True)
class AnswerView:
    """What the answer page shows: the call, its kind, when, the person's answer so far, whether it is open."""

    call_id: int
    kind: str  # 'call' or 'survey'
    title: str
    body: str
    when: str
    link: str
    response: str
    is_open: bool


def call_kind(call: CallToAction) -> str:
    """'survey' for a survey (a call of the kind survey), else 'call'."""
    return "survey" if getattr(call, "kind", "") == "survey" else "call"


def closes_at(call: CallToAction) -> datetime | None:
    """When answers close: a survey's or call's end, else an on-site call's start; None = open while the link lives."""
    return getattr(call, "closes_at", None) or call.ends_at or call.starts_at


def is_open(call: CallToAction, now: datetime) -> bool:
    """Whether answers are still taken (the call was sent and has not ended)."""
    end = closes_at(call)
    return call.sent_at is not None and (end is None or now <= end)


def _when(call: CallToAction) -> str:
    when = f"{format_datetime(call.starts_at)} Uhr" if call.starts_at else ""
    if call.ends_at:
        when = f"{when} bis {format_date(call.ends_at.astimezone(BERLIN).date())}".strip()
    return when


def delivery_of_link(session: Session, token: str, settings=None):
    """(claim, delivery, call) of an answer link: the call it names must have gone to the person it names."""
    claim = claim_of(token, "answer", settings)
    person(session, claim)
    if claim.ref_type != "call" or claim.ref_id is None:
        raise LinkError(NOT_SENT, "forged")
    found = q.delivery(session, claim.contact_id, claim.ref_id)
    if found is None:
        raise LinkError(NOT_SENT, "other")
    return claim, found[0], found[1]


def answer_view(session: Session, token: str, settings=None, now: datetime | None = None) -> LinkPage:
    """The page of an answer link: the call and the person's answer so far."""
    claim, delivery, call = delivery_of_link(session, token, settings)
    contact = person(session, claim)
    view = AnswerView(
        call.id,
        call_kind(call),
        call.title,
        call.body,
        _when(call),
        call.link,
        delivery.response,
        is_open(call, now or utcnow()),
    )
    return LinkPage("answer", contact.first_name, view)


def answer_call(session: Session, token: str, response: str, settings=None, now: datetime | None = None) -> str:
    """Record the person's answer (accepted/declined) to the call the link names; timeline, audit (commits)."""
    if response not in LINK_RESPONSES:
        raise LinkError("Bitte wähle: zusagen oder absagen.", "input")
    claim, delivery, call = delivery_of_link(session, token, settings)
    at = now or utcnow()
    if call_kind(call) != "call":
        raise LinkError("Diese Befragung beantwortest du auf ihrer eigenen Seite.", "purpose")
    if not is_open(call, at):
        raise LinkError(CLOSED, "closed")
    if delivery.response != response:
        apply_response(session, LINK_ACTOR, delivery, call, response, at)
        session.commit()
    return RESPONSES[response]

"""Befragungen: compose a survey (a call of kind 'survey' with 1–10 questions), preview and send it like a call.

The audience is the call's (topics, region, consent for calls to action by e-mail, the 30-day limit of
calls); each mail carries the person's own answer link and topics link. Answers: services.surveys.answers;
results: services.surveys.results.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from db.models import CallToAction
from db.queries import calls as calls_q
from db.queries import surveys as q
from db.types import utcnow
from domain.errors import ConflictError, NotFoundError, ValidationError
from domain.formatting import BERLIN, format_date, format_datetime
from services.calls import workflow as calls
from services.core import audit
from services.core.scope import Scope, require_action
from services.core.settings import get_settings
from services.mailings.personal import SAMPLE_FIRST_NAME, link_block, mail_body, queue_personal_mails
from services.surveys.questions import Question, check_questions, parse_options

PREVIEW_CONTACT_ID = 0  # the preview's links belong to nobody
FOOTER = "Du bekommst diese Mail, weil du eingewilligt hast, von Linksaktiv zu Aktionen eingeladen zu werden."


@dataclass(frozen=True)
class SurveyForm:
    """What the form of a survey holds: the call's fields, when it closes, and its questions."""

    title: str
    body: str
    topics: tuple[str, ...]
    region_level: str
    end_day: date | None
    questions: tuple[Question, ...]
    land_code: str | None = None
    kv_id: int | None = None


@dataclass(frozen=True)
class SurveyView:
    """A survey as pages keep it across reruns (no database object)."""

    id: int
    title: str
    body: str
    topics: tuple[str, ...]
    region_level: str
    land_code: str | None
    kv_id: int | None
    ends_at: datetime | None
    sent_at: datetime | None
    questions: tuple[Question, ...]

    def closed(self, now: datetime | None = None) -> bool:
        """Whether answers can no longer be given or changed."""
        return self.ends_at is not None and (now or utcnow()) > self.ends_at


def _questions(session: Session, call_id: int) -> tuple[Question, ...]:
    return tuple(Question(r.kind, r.text, parse_options(r.options)) for r in q.questions(session, call_id))


def view(session: Session, call: CallToAction) -> SurveyView:
    """The survey as a SurveyView with its questions."""
    topics = tuple(t for t in call.topics.split(",") if t)
    return SurveyView(
        call.id,
        call.title,
        call.body,
        topics,
        call.region_level,
        call.land_code,
        call.kv_id,
        call.ends_at,
        call.sent_at,
        _questions(session, call.id),
    )


def _values(session: Session, scope: Scope, form: SurveyForm, now: datetime) -> tuple[dict, list[Question]]:
    require_action(scope, "surveys.write")
    if form.end_day is None:
        raise ValidationError("Bitte gib an, bis wann die Befragung läuft: bis dahin kann man antworten.")
    if form.end_day < now.astimezone(BERLIN).date():
        raise ValidationError("Das Ende der Befragung liegt in der Vergangenheit.")
    # The call's own checks: title, text, topics, region for the user's role, the end of the day in Berlin.
    call_form = calls.CallForm(
        title=form.title,
        body=form.body,
        mode="online",
        topics=form.topics,
        region_level=form.region_level,
        land_code=form.land_code,
        kv_id=form.kv_id,
        end_day=form.end_day,
    )
    values = calls.check_form(session, scope, call_form)
    return values, check_questions(list(form.questions))


def _store_questions(session: Session, call_id: int, questions: list[Question]) -> None:
    q.replace_questions(session, call_id, [(x.kind, x.text, "\n".join(x.options)) for x in questions])


def _audit(session: Session, scope: Scope, action: str, call: CallToAction, n_questions: int) -> None:
    audit.record(
        session,
        scope,
        action,
        "survey",
        call.id,
        region_level=call.region_level,
        land=call.land_code or "",
        kv_id=call.kv_id,
        topics=call.topics.split(","),
        questions=n_questions,
    )


def create_survey(session: Session, scope: Scope, form: SurveyForm, now: datetime | None = None) -> int:
    """Validate and store a new survey (a draft) with its questions; audited; returns its id."""
    values, questions = _values(session, scope, form, now or utcnow())
    if calls_q.same_draft_exists(
        session, values["title"], values["body"], values["land_code"], values["kv_id"], values["region_level"]
    ):
        raise ValidationError("Diese Befragung gibt es schon als Entwurf. Du findest sie unter „Befragungen“.")
    call = CallToAction(**values, kind="survey", created_by=scope.user_id)
    session.add(call)
    session.flush()
    _store_questions(session, call.id, questions)
    _audit(session, scope, "survey_create", call, len(questions))
    session.commit()
    return call.id


def load(session: Session, scope: Scope, call_id: int, lock: bool = False) -> CallToAction:
    """The survey if the user writes in its area (as for calls); optionally locked."""
    require_action(scope, "surveys.write")
    call = calls.load(session, scope, call_id, lock=lock)
    if call.kind != "survey":
        raise NotFoundError("Diese Befragung gibt es nicht (oder nicht in deinem Gebiet).")
    return call


def update_draft(session: Session, scope: Scope, call_id: int, form: SurveyForm, now: datetime | None = None) -> None:
    """Change a survey that has not been sent (same checks as a new one); audited."""
    values, questions = _values(session, scope, form, now or utcnow())
    call = load(session, scope, call_id, lock=True)
    if call.sent_at is not None:
        raise ConflictError("Diese Befragung ist schon verschickt; ihre Fragen lassen sich nicht mehr ändern.")
    for name, value in values.items():
        setattr(call, name, value)
    _store_questions(session, call.id, questions)
    _audit(session, scope, "survey_update", call, len(questions))
    session.commit()


def delete_draft(session: Session, scope: Scope, call_id: int) -> None:
    """Delete a survey that has not been sent (with its questions); audited."""
    call = load(session, scope, call_id, lock=True)
    if call.sent_at is not None:
        raise ConflictError("Eine verschickte Befragung bleibt erhalten; nur Entwürfe lassen sich löschen.")
    session.delete(call)
    audit.record(session, scope, "survey_delete", "survey", call_id)
    session.commit()


def surveys(session: Session, scope: Scope) -> list[SurveyView]:
    """The surveys of the user's area, newest first (leitung: all, for the results)."""
    require_action(scope, "surveys.results")
    return [view(session, c) for c in q.surveys_in_area(session, scope)]


def mail_text(survey: SurveyView | CallToAction, n_questions: int) -> str:
    """The mail after "Hallo <first name>": the text, how long the survey runs, how to answer, why they get it."""
    until = format_date(survey.ends_at.astimezone(BERLIN).date()) if survey.ends_at else ""
    count = "eine Frage" if n_questions == 1 else f"{n_questions} Fragen"
    return "\n".join(
        [
            ",",
            "",
            survey.body,
            "",
            f"Die Befragung hat {count} und läuft bis zum {until}. Antworte über den Link „Antworten“ unten; "
            "bis dahin kannst du deine Antwort auch ändern.",
            "",
            "Solidarische Grüße",
            "dein Linksaktiv-Team",
            "",
            "--",
            FOOTER,
        ]
    )


def mail_preview(session: Session, scope: Scope, call_id: int) -> tuple[str, str]:
    """(subject, body) exactly as a recipient gets it, with sample links that belong to nobody."""
    call = load(session, scope, call_id)
    links = link_block(get_settings(), PREVIEW_CONTACT_ID, "call", call.id, True)
    return call.title, mail_body(SAMPLE_FIRST_NAME, mail_text(call, len(q.questions(session, call.id))), links)


def preview(session: Session, scope: Scope, call_id: int, now: datetime | None = None) -> calls.AudiencePreview:
    """Whom the survey would reach now (the call's audience and limit); changes nothing."""
    load(session, scope, call_id)
    return calls.preview(session, scope, call_id, now=now)


def send(session: Session, scope: Scope, call_id: int, expected: int, now: datetime | None = None) -> int:
    """Send the survey to its audience once (deliveries, mails with answer links, timeline), if the count holds."""
    calls_q.lock_sending(session)
    call = load(session, scope, call_id, lock=True)
    if call.sent_at is not None:
        raise ConflictError(
            f"Diese Befragung wurde schon am {format_datetime(call.sent_at)} verschickt. "
            "Es wurde nichts noch einmal gesendet."
        )
    at = now or utcnow()
    if call.ends_at is not None and call.ends_at < at:
        raise ValidationError("Die Befragung ist schon beendet. Setze im Entwurf ein späteres Ende.")
    since = at - calls.WINDOW
    max_calls = calls._max_calls()
    recipients, _ = calls_q.audience_counts(session, scope, call, since, max_calls)
    if recipients != expected:
        raise ConflictError(
            f"Die Befragung würde jetzt {recipients} statt {expected} Personen erreichen. "
            "Es wurde nichts gesendet; bitte prüfe die neue Vorschau."
        )
    if recipients == 0:
        raise ValidationError(
            "Die Befragung erreicht niemanden: niemand in der Region hat eines der Themen und eine "
            "Einwilligung für Aufrufe per E-Mail (oder alle haben ihr Limit erreicht)."
        )
    people = q.insert_deliveries(session, scope, call, since, max_calls, at, scope.user_id)
    if len(people) != recipients:
        session.rollback()
        raise ConflictError("Die Empfänger:innen haben sich beim Senden verändert; es wurde nichts gesendet.")
    made = queue_personal_mails(
        session,
        get_settings(),
        people,
        subject=call.title,
        body_after_greeting=mail_text(call, len(q.questions(session, call.id))),
        purpose="call_to_action",
        ref_type="call_delivery",
        link_ref=("call", call.id),
        answer=True,
        at=at,
    )
    call.sent_at = at
    audit.record(session, scope, "survey_send", "survey", call.id, recipients=made)
    session.commit()
    return made

"""Calls to action (Aktionsaufrufe): write, preview the audience, send once through the mail outbox.

The audience is every contact in the call's region with one of its topics, an e-mail address
and an active consent for calls to action by e-mail (DESIGN §2); nobody gets more than
`max_calls_per_30_days` calls in 30 days. KV staff work in their KV, Land staff in their Land,
the team everywhere (answers: services.call_responses).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlparse

import pandas as pd
from sqlalchemy.orm import Session

from db.models import CallToAction, Kreisverband, User
from db.queries import calls as q
from db.types import utcnow
from domain.enums import TOPICS
from domain.errors import ConflictError, NotFoundError, ValidationError
from domain.formatting import BERLIN, format_date, format_datetime
from services.core import audit, validate
from services.core.scope import Scope, require_action
from services.core.settings import get_settings
from services.links.mail_links import call_link_blocks
from services.mail.outbox import enqueue, valid_address

MODES = {"online": "online", "on_site": "vor Ort"}
REGION_LEVELS = {"national": "bundesweit", "land": "Land", "kv": "Kreisverband"}
WINDOW = timedelta(days=30)
MAX_TITLE, MAX_BODY, MAX_LINK = (validate.field(f"call.{k}").limit for k in ("title", "body", "link"))
FOOTER = (
    "Du bekommst diese Mail, weil du eingewilligt hast, von Linksaktiv zu Aktionen eingeladen zu werden. "
    "Wenn du das nicht mehr möchtest, melde dich über deinen Link „Meine Themen / Abmelden“ ab "
    "oder antworte einfach mit „Abmelden“ auf diese Mail."
)


@dataclass(frozen=True)
class CallForm:
    """What the form for a new call holds."""

    title: str
    body: str
    mode: str
    topics: tuple[str, ...]
    region_level: str
    land_code: str | None = None
    kv_id: int | None = None
    start_day: date | None = None
    start_time: time | None = None
    end_day: date | None = None
    link: str = ""
    all_day: bool = False


@dataclass(frozen=True)
class CallInfo:
    """A call as pages keep it across reruns (no database object)."""

    id: int
    title: str
    body: str
    mode: str
    topics: tuple[str, ...]
    region_level: str
    land_code: str | None
    kv_id: int | None
    starts_at: datetime | None
    ends_at: datetime | None
    link: str
    sent_at: datetime | None


@dataclass(frozen=True)
class AudiencePreview:
    """Who a call would reach now."""

    recipients: int
    at_limit: int
    sample: pd.DataFrame
    by_kv: pd.DataFrame  # Kreisverband, Land, Empfänger:innen; the largest first, adding up to recipients


def _info(c: CallToAction) -> CallInfo:
    return CallInfo(
        c.id,
        c.title,
        c.body,
        c.mode,
        tuple(t for t in c.topics.split(",") if t),
        c.region_level,
        c.land_code,
        c.kv_id,
        c.starts_at,
        c.ends_at,
        c.link,
        c.sent_at,
    )


def region_levels(session: Session, scope: Scope) -> list[str]:
    """The levels (keys of REGION_LEVELS) the user may write calls for, as _check_region allows them."""
    require_action(scope, "calls.write")
    if scope.role == "kreis":
        return ["kv"]  # a KV writes for its own KV
    if scope.role == "land":
        return ["land", "kv"]  # a Land for itself or a KV in it; national calls are the team's
    return list(REGION_LEVELS)


def _check_region(session: Session, scope: Scope, form: CallForm) -> tuple[str | None, int | None]:
    # Returns (land_code, kv_id) to store; a KV call also stores its Land, so Land staff find it.
    if form.region_level not in REGION_LEVELS:
        raise ValidationError("Bitte wähle, wo der Aufruf gilt: bundesweit, ein Land oder ein Kreisverband.")
    if scope.role == "kreis" and form.region_level != "kv":
        raise ValidationError("Als Kreisverband verschickst du Aufrufe für deinen Kreisverband.")
    if form.region_level == "national":
        if scope.role == "land":
            raise ValidationError(
                "Bundesweite Aufrufe verschickt das Linksaktiv-Team. Wähle dein Land oder einen Kreisverband darin."
            )
        return None, None
    if form.region_level == "land":
        if not form.land_code:
            raise ValidationError("Bitte wähle das Land.")
        if scope.role == "land" and form.land_code != scope.land_code:
            raise ValidationError("Du kannst Aufrufe nur für dein eigenes Land verschicken.")
        return form.land_code, None
    kv = session.get(Kreisverband, form.kv_id) if form.kv_id else None
    if kv is None:
        raise ValidationError("Bitte wähle den Kreisverband.")
    if scope.role == "land" and kv.land_code != scope.land_code:
        raise ValidationError("Du kannst Aufrufe nur für Kreisverbände in deinem Land verschicken.")
    if scope.role == "kreis" and kv.id != scope.kv_id:
        raise ValidationError("Du kannst Aufrufe nur für deinen eigenen Kreisverband verschicken.")
    return kv.land_code, kv.id


def _check_text(form: CallForm) -> tuple[str, str, str]:
    title = validate.text(form.title, "call.title")  # one line: it becomes the mail's subject
    body = validate.text(form.body, "call.body")
    if not title:
        raise ValidationError("Bitte gib dem Aufruf einen Titel.")
    if not body:
        raise ValidationError("Bitte schreib, worum es geht: der Text ist der Inhalt der Mail.")
    raw_link = (form.link or "").strip()
    if any(ch.isspace() for ch in raw_link):
        raise ValidationError("Der Link muss mit http:// oder https:// beginnen, z. B. https://example.org/aktion.")
    link = validate.text(raw_link, "call.link")
    if link:
        parsed = urlparse(link)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValidationError("Der Link muss mit http:// oder https:// beginnen, z. B. https://example.org/aktion.")
    return title, body, link


def _check_dates(form: CallForm) -> tuple[datetime | None, datetime | None]:
    if form.mode == "on_site" and form.start_day is None:
        raise ValidationError("Ein Aufruf vor Ort braucht ein Datum.")
    if form.mode == "on_site" and form.start_time is None and not form.all_day:
        raise ValidationError("Ein Aufruf vor Ort braucht eine Uhrzeit. Oder kreuze „ganztägig“ an.")
    starts = None
    if form.start_day is not None:
        starts = datetime.combine(form.start_day, form.start_time or time(0, 0), BERLIN)
    ends = None
    if form.end_day is not None:
        if form.start_day is not None and form.end_day < form.start_day:
            raise ValidationError("Das Ende liegt vor dem Beginn.")
        ends = datetime.combine(form.end_day, time(23, 59), BERLIN)
    return starts, ends


def check_form(session: Session, scope: Scope, form: CallForm) -> dict:
    """The columns a valid form stores; a German ValidationError for the first thing wrong."""
    title, body, link = _check_text(form)
    if form.mode not in MODES:
        raise ValidationError("Bitte wähle: online oder vor Ort.")
    topics = tuple(dict.fromkeys(form.topics))
    if not topics:
        raise ValidationError(
            "Bitte wähle mindestens ein Thema: der Aufruf geht an alle, die sich dafür interessieren."
        )
    unknown = [t for t in topics if t not in TOPICS]
    if unknown:
        raise ValidationError(f"Unbekanntes Thema: {', '.join(unknown)}.")
    land_code, kv_id = _check_region(session, scope, form)
    starts, ends = _check_dates(form)
    return dict(
        title=title,
        body=body,
        mode=form.mode,
        topics=",".join(topics),
        region_level=form.region_level,
        land_code=land_code,
        kv_id=kv_id,
        starts_at=starts,
        ends_at=ends,
        link=link,
    )


def _audit(session: Session, scope: Scope, action: str, call_id: int, values: dict) -> None:
    # Region and topics only: title and text may name people.
    audit.record(
        session,
        scope,
        action,
        "call_to_action",
        call_id,
        region_level=values["region_level"],
        land=values["land_code"] or "",
        kv_id=values["kv_id"],
        topics=values["topics"].split(","),
    )


def create_call(session: Session, scope: Scope, form: CallForm) -> int:
    """Validate and store a new call (not sent yet); audited; returns its id."""
    require_action(scope, "calls.write")
    values = check_form(session, scope, form)
    if q.same_draft_exists(
        session, values["title"], values["body"], values["land_code"], values["kv_id"], values["region_level"]
    ):
        # A form submitted twice (double click, reload) must not leave two drafts to send.
        raise ValidationError("Diesen Aufruf gibt es schon als Entwurf. Du findest ihn unter „Aufrufe“.")
    call = CallToAction(**values, created_by=scope.user_id)
    session.add(call)
    session.flush()
    _audit(session, scope, "call_create", call.id, values)
    session.commit()
    return call.id


def update_draft(session: Session, scope: Scope, call_id: int, form: CallForm) -> None:
    """Change a call that has not been sent yet (same checks as a new one); audited."""
    require_action(scope, "calls.write")
    values = check_form(session, scope, form)
    call = load(session, scope, call_id, lock=True)
    if call.sent_at is not None:
        raise ConflictError("Dieser Aufruf ist schon verschickt und lässt sich nicht mehr ändern.")
    for name, value in values.items():
        setattr(call, name, value)
    _audit(session, scope, "call_update", call_id, values)
    session.commit()


def calls(session: Session, scope: Scope) -> list[CallInfo]:
    """The calls of the user's area, newest first."""
    require_action(scope, "calls.write")
    return [_info(c) for c in q.calls_in_area(session, scope)]


def load(session: Session, scope: Scope, call_id: int, lock: bool = False) -> CallToAction:
    """The call if the user works with it (kreis: its KV's, land: its Land's); optionally locked."""
    require_action(scope, "calls.write")
    call = q.lock_call(session, call_id) if lock else session.get(CallToAction, call_id)
    if call is None or not q.call_in_area(call, scope):
        raise NotFoundError("Diesen Aufruf gibt es nicht (oder nicht in deinem Gebiet).")
    return call


def _max_calls() -> int:
    return get_settings().max_calls_per_30_days


def preview(session: Session, scope: Scope, call_id: int, now: datetime | None = None) -> AudiencePreview:
    """How many the call would reach now, how many are left out by the limit, and a sample; changes nothing."""
    call = load(session, scope, call_id)
    since = (now or utcnow()) - WINDOW
    recipients, at_limit = q.audience_counts(session, scope, call, since, _max_calls())
    # Everyone who may open this page works with persons in their area (DESIGN §3.1); the counts
    # per KV are the same people the sample lists, so no small-cell suppression applies here
    # (that is for leitung, who does not see calls at all).
    by_kv = pd.DataFrame(
        q.audience_by_kv(session, scope, call, since, _max_calls()),
        columns=["Kreisverband", "Land", "Empfänger:innen"],
    )
    return AudiencePreview(recipients, at_limit, q.audience_sample(session, scope, call, since, _max_calls()), by_kv)


def mail_text(call: CallInfo | CallToAction) -> str:
    """The mail after "Hallo <first name>": the call's text, when and where, the link, why they get it."""
    lines = [",", "", call.body, ""]
    when = f"{format_datetime(call.starts_at)} Uhr" if call.starts_at else ""
    if call.ends_at:
        when = f"{when} bis {format_date(call.ends_at.astimezone(BERLIN).date())}".strip()
    lines.append(f"Art: {MODES[call.mode]}" + (f" · Wann: {when}" if when else ""))
    if call.link:
        lines.append(f"Mehr dazu: {call.link}")
    lines += ["", "Solidarische Grüße", "dein Linksaktiv-Team", "", "--", FOOTER]
    return "\n".join(lines)


NO_OWN_ADDRESS = (
    "In deinem Konto ist keine E-Mail-Adresse eingetragen, an die die Testmail gehen kann. "
    "Trag sie unter „Mein Konto“ ein oder bitte die Administration, sie einzutragen."
)


def send_test_mail(session: Session, scope: Scope, call_id: int) -> int:
    """Queue the call, as a recipient would get it, to the logged-in user's own address; audited.

    It is not a sending of the call: no delivery, no timeline entry, nothing counts towards the
    30-day limit, and the call stays a draft. Returns the outbox id.
    """
    call = load(session, scope, call_id)
    user = session.get(User, scope.user_id) if scope.user_id is not None else None
    address = (user.email or "").strip() if user is not None else ""
    if not address:
        raise ValidationError(NO_OWN_ADDRESS)
    if not valid_address(address):
        raise ValidationError(
            "Die E-Mail-Adresse in deinem Konto ist ungültig. Lass sie unter „Mein Konto“ "
            "oder von der Administration berichtigen.",
            detail=address,
        )
    first_name = (user.display_name or user.username or "").split(maxsplit=1)[:1]
    # A service mail to a staff member's own account address: no Linksaktive:r, so no consent.
    mail = enqueue(
        session,
        address,
        call.title,
        f"Hallo {''.join(first_name)}{mail_text(call)}",
        "service",
        "call_test",
        call.id,
    )
    session.flush()
    audit.record(session, scope, "call_test_mail", "call_to_action", call.id, mail_id=mail.id)
    session.commit()
    return mail.id


def send(session: Session, scope: Scope, call_id: int, expected: int, now: datetime | None = None) -> int:
    """Send the call to its audience once (deliveries, mails, timeline), if the preview's count still holds."""
    q.lock_sending(session)  # first statement: sends run one after another, so the limit holds
    call = load(session, scope, call_id, lock=True)
    if call.sent_at is not None:
        raise ConflictError(
            f"Dieser Aufruf wurde schon am {format_datetime(call.sent_at)} verschickt. "
            "Es wurde nichts noch einmal gesendet."
        )
    at = now or utcnow()
    since = at - WINDOW
    recipients, _ = q.audience_counts(session, scope, call, since, _max_calls())
    if recipients != expected:
        raise ConflictError(
            f"Der Aufruf würde jetzt {recipients} statt {expected} Personen erreichen. "
            "Es wurde nichts gesendet; bitte prüfe die neue Vorschau."
        )
    if recipients == 0:
        raise ValidationError(
            "Der Aufruf erreicht niemanden: niemand in der Region hat eines der Themen und "
            "eine Einwilligung für Aufrufe per E-Mail (oder alle haben ihr Limit erreicht)."
        )
    made = q.insert_deliveries(
        session,
        scope,
        call,
        since,
        _max_calls(),
        at,
        call.title,
        mail_text(call),
        scope.user_id,
        body_suffix=call_link_blocks(call.id),  # each mail: the person's own Antworten and Meine Themen links
    )
    if made != recipients:
        session.rollback()
        raise ConflictError("Die Empfänger:innen haben sich beim Senden verändert; es wurde nichts gesendet.")
    call.sent_at = at
    audit.record(session, scope, "call_send", "call_to_action", call.id, recipients=made)
    session.commit()
    return made


def delete_draft(session: Session, scope: Scope, call_id: int) -> None:
    """Delete a call that has not been sent; audited."""
    call = load(session, scope, call_id, lock=True)
    if call.sent_at is not None:
        raise ConflictError("Ein verschickter Aufruf bleibt erhalten; nur Entwürfe lassen sich löschen.")
    session.delete(call)
    audit.record(session, scope, "call_delete", "call_to_action", call_id)
    session.commit()

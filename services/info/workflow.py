"""Linksaktiv-Info: write, preview the audience, send once through the mail outbox, see what became of it.

The audience is every contact in the Info's region with one of its topics, an e-mail address, an
active consent for information by e-mail and no sign-up waiting for confirmation (DESIGN §2); nobody
gets more than `max_infos_per_30_days` Infos in 30 days (counted apart from calls to action). The team
writes for Germany, Land staff for their Land (or a KV in it), KV staff for their KV.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy.orm import Session

from db.models import InfoMailing, Kreisverband
from db.queries import calls as calls_q
from db.queries import info as q
from db.types import utcnow
from domain.enums import TOPICS
from domain.errors import ConflictError, NotFoundError, ValidationError
from domain.formatting import format_datetime
from services.core import audit, validate
from services.core.scope import Scope, require_action
from services.core.settings import get_settings
from services.mailings.personal import SAMPLE_FIRST_NAME, link_block, mail_body, queue_personal_mails

REGION_LEVELS = {"national": "bundesweit", "land": "Land", "kv": "Kreisverband"}
WINDOW = timedelta(days=30)
TITLE = validate.Field("der Titel", "der Info einen Titel", 200)
BODY = validate.Field("der Text", "den Text", validate.LONG_TEXT_MAX, multiline=True)
PREVIEW_CONTACT_ID = 0  # the preview's links belong to nobody: no real person's token is shown to staff


@dataclass(frozen=True)
class InfoForm:
    """What the form of an Info holds."""

    title: str
    body: str
    topics: tuple[str, ...]
    region_level: str
    land_code: str | None = None
    kv_id: int | None = None


@dataclass(frozen=True)
class InfoView:
    """An Info as pages keep it across reruns (no database object)."""

    id: int
    title: str
    body: str
    topics: tuple[str, ...]
    region_level: str
    land_code: str | None
    kv_id: int | None
    sent_at: datetime | None
    recipients: int


@dataclass(frozen=True)
class AudiencePreview:
    """Who an Info would reach now."""

    recipients: int
    at_limit: int
    sample: pd.DataFrame
    by_kv: pd.DataFrame  # Kreisverband, Land, Empfänger:innen; the largest first


@dataclass(frozen=True)
class InfoFigures:
    """What became of a sent Info."""

    sent: int
    delivered: int
    waiting: int
    failed: int
    cancelled: int
    unsubscribed: int


def _view(i: InfoMailing) -> InfoView:
    topics = tuple(t for t in i.topics.split(",") if t)
    return InfoView(i.id, i.title, i.body, topics, i.region_level, i.land_code, i.kv_id, i.sent_at, i.recipients)


def region_levels(session: Session, scope: Scope) -> list[str]:
    """The levels (keys of REGION_LEVELS) the user may write Infos for."""
    require_action(scope, "info.send")
    return {"kreis": ["kv"], "land": ["land", "kv"]}.get(scope.role, list(REGION_LEVELS))


def _check_region(session: Session, scope: Scope, form: InfoForm) -> tuple[str | None, int | None]:
    if form.region_level not in region_levels(session, scope):
        if scope.role == "land" and form.region_level == "national":
            raise ValidationError(
                "Bundesweite Infos verschickt das Linksaktiv-Team. Wähle dein Land oder einen Kreisverband darin."
            )
        if scope.role == "kreis":
            raise ValidationError("Als Kreisverband verschickst du Infos für deinen Kreisverband.")
        raise ValidationError("Bitte wähle, wo die Info gilt: bundesweit, ein Land oder ein Kreisverband.")
    if form.region_level == "national":
        return None, None
    if form.region_level == "land":
        if not form.land_code:
            raise ValidationError("Bitte wähle das Land.")
        if scope.role == "land" and form.land_code != scope.land_code:
            raise ValidationError("Du kannst Infos nur für dein eigenes Land verschicken.")
        return form.land_code, None
    kv = session.get(Kreisverband, form.kv_id) if form.kv_id else None
    if kv is None:
        raise ValidationError("Bitte wähle den Kreisverband.")
    if (scope.role == "land" and kv.land_code != scope.land_code) or (scope.role == "kreis" and kv.id != scope.kv_id):
        raise ValidationError("Du kannst Infos nur für Kreisverbände in deinem Gebiet verschicken.")
    return kv.land_code, kv.id


def check_form(session: Session, scope: Scope, form: InfoForm) -> dict:
    """The columns a valid form stores; a German ValidationError for the first thing wrong."""
    title = validate.text(form.title, TITLE)
    body = validate.text(form.body, BODY)
    if not title:
        raise ValidationError("Bitte gib der Info einen Titel: er ist der Betreff der Mail.")
    if not body:
        raise ValidationError("Bitte schreib den Text der Info: er ist der Inhalt der Mail.")
    topics = tuple(dict.fromkeys(form.topics))
    if not topics:
        raise ValidationError("Bitte wähle mindestens ein Thema: die Info geht an alle, die sich dafür interessieren.")
    unknown = [t for t in topics if t not in TOPICS]
    if unknown:
        raise ValidationError(f"Unbekanntes Thema: {', '.join(unknown)}.")
    land_code, kv_id = _check_region(session, scope, form)
    return dict(
        title=title,
        body=body,
        topics=",".join(topics),
        region_level=form.region_level,
        land_code=land_code,
        kv_id=kv_id,
    )


def _audit(session: Session, scope: Scope, action: str, info_id: int, values: dict) -> None:
    # Region and topics only: title and text may name people.
    audit.record(
        session,
        scope,
        action,
        "info_mailing",
        info_id,
        region_level=values["region_level"],
        land=values["land_code"] or "",
        kv_id=values["kv_id"],
        topics=values["topics"].split(","),
    )


def create_info(session: Session, scope: Scope, form: InfoForm) -> int:
    """Validate and store a new Info (a draft); audited; returns its id."""
    values = check_form(session, scope, form)
    if q.same_draft_exists(session, values):
        raise ValidationError("Diese Info gibt es schon als Entwurf. Du findest sie unter „Infos“.")
    info = InfoMailing(**values, created_by=scope.user_id)
    session.add(info)
    session.flush()
    _audit(session, scope, "info_create", info.id, values)
    session.commit()
    return info.id


def load(session: Session, scope: Scope, info_id: int, lock: bool = False) -> InfoMailing:
    """The Info if the user works with it (kreis: its KV's, land: its Land's); optionally locked."""
    require_action(scope, "info.send")
    info = q.lock_info(session, info_id) if lock else session.get(InfoMailing, info_id)
    if info is None or not q.info_in_area(info, scope):
        raise NotFoundError("Diese Info gibt es nicht (oder nicht in deinem Gebiet).")
    return info


def update_draft(session: Session, scope: Scope, info_id: int, form: InfoForm) -> None:
    """Change an Info that has not been sent (same checks as a new one); audited."""
    values = check_form(session, scope, form)
    info = load(session, scope, info_id, lock=True)
    if info.sent_at is not None:
        raise ConflictError("Diese Info ist schon verschickt und lässt sich nicht mehr ändern.")
    for name, value in values.items():
        setattr(info, name, value)
    _audit(session, scope, "info_update", info_id, values)
    session.commit()


def delete_draft(session: Session, scope: Scope, info_id: int) -> None:
    """Delete an Info that has not been sent; audited."""
    info = load(session, scope, info_id, lock=True)
    if info.sent_at is not None:
        raise ConflictError("Eine verschickte Info bleibt erhalten; nur Entwürfe lassen sich löschen.")
    session.delete(info)
    audit.record(session, scope, "info_delete", "info_mailing", info_id)
    session.commit()


def infos(session: Session, scope: Scope) -> list[InfoView]:
    """The Infos of the user's area, newest first."""
    require_action(scope, "info.send")
    return [_view(i) for i in q.infos_in_area(session, scope)]


def _max_infos() -> int:
    return get_settings().max_infos_per_30_days


def preview(session: Session, scope: Scope, info_id: int, now: datetime | None = None) -> AudiencePreview:
    """How many the Info would reach now, how many the limit leaves out, per KV and a sample; changes nothing."""
    info = load(session, scope, info_id)
    since = (now or utcnow()) - WINDOW
    per_kv = [row for row in q.audience_by_kv_counts(session, scope, info, since, _max_infos()) if row[1] or row[2]]
    names = q.kv_names(session, [kv for kv, _, _ in per_kv])
    rows = sorted(((names[kv][0], names[kv][1], n) for kv, n, _ in per_kv if n), key=lambda r: (-r[2], r[0]))
    by_kv = pd.DataFrame(rows, columns=["Kreisverband", "Land", "Empfänger:innen"])
    recipients, at_limit = sum(n for _, n, _ in per_kv), sum(c for _, _, c in per_kv)
    return AudiencePreview(recipients, at_limit, q.audience_sample(session, scope, info, since, _max_infos()), by_kv)


def mail_text(info: InfoView | InfoMailing) -> str:
    """The mail after "Hallo <first name>": the Info's text, greetings, and why the person gets it."""
    codes = info.topics if isinstance(info.topics, tuple) else tuple(info.topics.split(","))
    topics = ", ".join(TOPICS.get(t, t) for t in codes if t)
    return "\n".join(
        [
            ",",
            "",
            info.body,
            "",
            "Solidarische Grüße",
            "dein Linksaktiv-Team",
            "",
            "--",
            f"Du bekommst diese Linksaktiv-Info, weil du dich für {topics} interessierst und eingewilligt hast, "
            "von Linksaktiv per E-Mail informiert zu werden.",
        ]
    )


def mail_preview(session: Session, scope: Scope, info_id: int) -> tuple[str, str]:
    """(subject, body) exactly as a recipient gets it, with sample links that belong to nobody."""
    info = load(session, scope, info_id)
    links = link_block(get_settings(), PREVIEW_CONTACT_ID, q.MAIL_REF, info.id, False)
    return info.title, mail_body(SAMPLE_FIRST_NAME, mail_text(info), links)


def send(session: Session, scope: Scope, info_id: int, expected: int, now: datetime | None = None) -> int:
    """Send the Info to its audience once (deliveries, mails with personal links), if the preview's count holds."""
    calls_q.lock_sending(session)  # sends run one after another, so the limit holds
    info = load(session, scope, info_id, lock=True)
    if info.sent_at is not None:
        raise ConflictError(
            f"Diese Info wurde schon am {format_datetime(info.sent_at)} verschickt. Es wurde nichts noch einmal gesendet."
        )
    at = now or utcnow()
    # The audience is staged once and counted there: if it changed since the preview, nothing stays.
    people = q.insert_deliveries(session, scope, info, at - WINDOW, _max_infos(), at)
    if len(people) != expected:
        session.rollback()
        raise ConflictError(
            f"Die Info würde jetzt {len(people)} statt {expected} Personen erreichen. "
            "Es wurde nichts gesendet; bitte prüfe die neue Vorschau."
        )
    if not people:
        session.rollback()
        raise ValidationError(
            "Die Info erreicht niemanden: niemand in der Region hat eines der Themen und eine Einwilligung "
            "für Informationen per E-Mail (oder alle haben ihr Limit erreicht)."
        )
    made = queue_personal_mails(
        session,
        get_settings(),
        people,
        subject=info.title,
        body_after_greeting=mail_text(info),
        purpose="information",
        ref_type=q.MAIL_REF,
        link_ref=(q.MAIL_REF, info.id),
        answer=False,
        at=at,
    )
    info.sent_at, info.recipients = at, made
    audit.record(session, scope, "info_send", "info_mailing", info.id, recipients=made)
    session.commit()
    return made


def figures(session: Session, scope: Scope, info_id: int) -> InfoFigures:
    """Sent, delivered, waiting, failed, cancelled, and unsubscribed because of this Info."""
    info = load(session, scope, info_id)
    by_status = q.mail_status_counts(session, info.id)
    from db.queries.links import unsubscribed_count

    return InfoFigures(
        sent=info.recipients,
        delivered=by_status.get("sent", 0),
        waiting=by_status.get("queued", 0),
        failed=by_status.get("failed", 0),
        cancelled=by_status.get("cancelled", 0),
        unsubscribed=int(unsubscribed_count(session, q.MAIL_REF, info.id)),
    )

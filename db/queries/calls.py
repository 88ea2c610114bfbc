"""Queries of the calls to action (Aktionsaufrufe): audience, deliveries with their mails, responses."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import Integer, Select, String, and_, case, exists, func, insert, literal, or_, select, text
from sqlalchemy.orm import Session

from db.models import Activity, CallDelivery, CallToAction, Contact, ContactTopic, Kreisverband, Land, MailOutbox
from db.queries.common.staging import staged
from db.queries.contacts.consent import active_consent_filter
from db.queries.links import staged_texts
from db.scope import Scope, apply_area, apply_scope, require_persons
from db.types import UTCDateTime

# Any fixed number: the key of the PostgreSQL advisory lock that lets one call be sent at a time.
SEND_LOCK_KEY = 0x4C41_4354


def lock_call(session: Session, call_id: int) -> CallToAction | None:
    """Lock the call for this transaction (row lock on PostgreSQL, write lock on SQLite) and load it."""
    session.execute(text("UPDATE call_to_action SET title = title WHERE id = :id"), {"id": call_id})
    return session.get(CallToAction, call_id, populate_existing=True)


def lock_sending(session: Session) -> None:
    """Let one sending transaction at a time count the 30-day limit (two calls sent at once
    would each see the other's recipients under the limit). SQLite's write lock already does this."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SEND_LOCK_KEY})


def same_draft_exists(
    session: Session, title: str, body: str, land_code: str | None, kv_id: int | None, region_level: str
) -> bool:
    """Whether an unsent call with this title, text and region exists."""
    stmt = select(CallToAction.id).where(
        CallToAction.sent_at.is_(None),
        CallToAction.title == title,
        CallToAction.body == body,
        CallToAction.region_level == region_level,
        CallToAction.land_code.is_(None) if land_code is None else CallToAction.land_code == land_code,
        CallToAction.kv_id.is_(None) if kv_id is None else CallToAction.kv_id == kv_id,
    )
    return session.scalar(stmt.limit(1)) is not None


def calls_in_area(session: Session, scope: Scope) -> list[CallToAction]:
    """The calls the scope works with, newest first: kreis its KV's, land its Land's (and its KVs'), team all.

    Surveys (kind 'survey') are calls too, but have their own page (services.surveys)."""
    stmt = (
        select(CallToAction)
        .where(CallToAction.kind == "call")
        .order_by(CallToAction.created_at.desc(), CallToAction.id.desc())
    )
    return list(session.scalars(apply_area(stmt, scope, CallToAction.kv_id, CallToAction.land_code)))


def call_in_area(call: CallToAction, scope: Scope) -> bool:
    """Whether one call is among calls_in_area for the scope."""
    if scope.role == "kreis":
        return call.kv_id == scope.kv_id
    if scope.role == "land":
        return call.land_code == scope.land_code
    return True


def _region(stmt: Select, call: CallToAction) -> Select:
    if call.region_level == "kv":
        return stmt.where(Contact.kv_id == call.kv_id)
    if call.region_level == "land":
        return stmt.where(Contact.land_code == call.land_code)
    return stmt


def _reachable(call: CallToAction) -> list:
    # In the region, interested in one of the call's topics, with an address and an active
    # consent for calls to action by e-mail, and not yet sent this call.
    topics = [t for t in call.topics.split(",") if t]
    return [
        Contact.email.like("%@%.%"),
        exists(
            select(ContactTopic.contact_id).where(ContactTopic.contact_id == Contact.id, ContactTopic.topic.in_(topics))
        ),
        active_consent_filter("call_to_action", "email"),
        ~exists(select(CallDelivery.id).where(CallDelivery.call_id == call.id, CallDelivery.contact_id == Contact.id)),
    ]


def _recent_calls(since: datetime):
    return (
        select(func.count(CallDelivery.id))
        .where(CallDelivery.contact_id == Contact.id, CallDelivery.sent_at >= literal(since, UTCDateTime))
        .scalar_subquery()
    )


def _reachable_in_scope(scope: Scope, call: CallToAction, *columns) -> Select:
    # Reachable contacts of the call's region that the scope may see, before the 30-day limit.
    return apply_scope(_region(select(*columns).select_from(Contact).where(*_reachable(call)), call), scope)


def audience_select(scope: Scope, call: CallToAction, since: datetime, max_calls: int, *columns) -> Select:
    """Contacts the call goes to: reachable, in the scope, and under the limit of calls since `since`."""
    return _reachable_in_scope(scope, call, *columns).where(_recent_calls(since) < max_calls)


def audience_counts(
    session: Session, scope: Scope, call: CallToAction, since: datetime, max_calls: int
) -> tuple[int, int]:
    """(recipients, left out because they already got max_calls calls since `since`)."""
    at_limit = case((_recent_calls(since) >= max_calls, 1), else_=0).label("at_limit")
    sub = _reachable_in_scope(scope, call, Contact.id, at_limit).subquery()
    row = session.execute(select(func.count(), func.coalesce(func.sum(sub.c.at_limit), 0))).one()
    total, capped = int(row[0]), int(row[1])
    return total - capped, capped


def audience_by_kv(
    session: Session, scope: Scope, call: CallToAction, since: datetime, max_calls: int
) -> list[tuple[str, str, int]]:
    """The recipients per Kreisverband: (KV name, Land name, count), the largest first; they add up to audience_counts."""
    sub = audience_select(scope, call, since, max_calls, Contact.kv_id.label("kv_id")).subquery()
    stmt = (
        select(Kreisverband.name, Land.name, func.count())
        .select_from(sub)
        .join(Kreisverband, Kreisverband.id == sub.c.kv_id)
        .join(Land, Land.code == Kreisverband.land_code)
        .group_by(Kreisverband.id, Kreisverband.name, Land.name)
        .order_by(func.count().desc(), Kreisverband.name)
    )
    return [(kv, land, int(n)) for kv, land, n in session.execute(stmt).all()]


def audience_sample(
    session: Session, scope: Scope, call: CallToAction, since: datetime, max_calls: int, n: int = 10
) -> pd.DataFrame:
    """A few recipients for the preview."""
    stmt = (
        audience_select(scope, call, since, max_calls, Contact.first_name, Contact.last_name, Contact.plz, Contact.city)
        .order_by(Contact.id)
        .limit(n)
    )
    return pd.DataFrame(session.execute(stmt).all(), columns=["Vorname", "Nachname", "PLZ", "Ort"])


def insert_deliveries(
    session: Session,
    scope: Scope,
    call: CallToAction,
    since: datetime,
    max_calls: int,
    at: datetime,
    subject: str,
    body_after_greeting: str,
    user_id: int | None,
    body_suffix=None,
) -> int:
    """One delivery, one queued mail (naming the person) and one timeline entry per recipient (INSERT ... SELECT each).

    body_suffix(contact_ids) -> [(contact_id, text)], when given, ends each mail with its own text (the
    person's links), staged in a temporary table and joined into the one INSERT of the mails.
    """
    with staged(session, audience_select(scope, call, since, max_calls, Contact.id), "call_audience") as audience:
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
    made = int(
        session.scalar(
            select(func.count())
            .select_from(CallDelivery)
            .where(CallDelivery.call_id == call.id, CallDelivery.sent_at == literal(at, UTCDateTime))
        )
        or 0
    )
    fresh = and_(CallDelivery.call_id == call.id, CallDelivery.sent_at == literal(at, UTCDateTime))
    rows = body_suffix(list(session.scalars(select(CallDelivery.contact_id).where(fresh)))) if body_suffix else []
    with staged_texts(session, rows, "mail_suffix") as suffix:
        _insert_mails(session, fresh, subject, body_after_greeting, at, suffix if body_suffix else None)
    timeline = select(
        CallDelivery.contact_id,
        literal("call_to_action", String),
        literal(at, UTCDateTime),
        literal(call.title, String),
        literal("call_to_action", String),
        literal(call.id, Integer),
        literal(user_id, Integer),
    ).where(fresh)
    session.execute(
        insert(Activity).from_select(
            ["contact_id", "kind", "occurred_at", "note", "ref_type", "ref_id", "user_id"], timeline
        )
    )
    return made


def _insert_mails(session: Session, fresh, subject: str, body_after_greeting: str, at: datetime, suffix) -> None:
    # The greeting is built in the database: the text is the same for everyone but the first name;
    # suffix (a staged table: key = contact id, text) adds each person's own ending.
    body = literal("Hallo ", String) + Contact.first_name + literal(body_after_greeting, String)
    if suffix is not None:
        body = body + func.coalesce(suffix.c.text, literal("", String))
    mails = (
        select(
            Contact.id,
            Contact.email,
            literal(subject, String),
            body,
            literal("call_to_action", String),
            literal("email", String),
            literal("call_delivery", String),
            CallDelivery.id,
            literal("queued", String),
            literal(0, Integer),
            literal("", String),
            literal(at, UTCDateTime),
            literal(at, UTCDateTime),
        )
        .join(Contact, Contact.id == CallDelivery.contact_id)
        .where(fresh)
    )
    if suffix is not None:
        mails = mails.outerjoin(suffix, suffix.c.key == Contact.id)
    session.execute(
        insert(MailOutbox).from_select(
            [
                "contact_id",
                "to_addr",
                "subject",
                "body",
                "purpose",
                "channel",
                "ref_type",
                "ref_id",
                "status",
                "attempts",
                "last_error",
                "created_at",
                "next_attempt_at",
            ],
            mails,
        )
    )


def delivery_figures(session: Session, scope: Scope, call_id: int) -> tuple[dict[str, int], pd.DataFrame]:
    """Deliveries of a call in the scope's area: counts by response ('' = none yet) and by Land."""
    base = apply_scope(
        select(CallDelivery.response, Land.name, func.count())
        .select_from(CallDelivery)
        .join(Contact, Contact.id == CallDelivery.contact_id)
        .join(Land, Land.code == Contact.land_code)
        .where(CallDelivery.call_id == call_id)
        .group_by(CallDelivery.response, Land.name),
        scope,
    )
    rows = session.execute(base).all()
    by_response: dict[str, int] = {}
    for response, _, n in rows:
        by_response[response] = by_response.get(response, 0) + n
    by_land = pd.DataFrame([(land, response, n) for response, land, n in rows], columns=["Land", "response", "n"])
    return by_response, by_land


def find_deliveries(session: Session, scope: Scope, call_id: int, search: str, limit: int = 50) -> list[tuple]:
    """Deliveries of a call in the scope whose recipient matches search (name, e-mail or PLZ)."""
    require_persons(scope)
    stmt = (
        select(
            CallDelivery.id,
            Contact.first_name,
            Contact.last_name,
            Contact.email,
            Contact.plz,
            CallDelivery.response,
            CallDelivery.responded_at,
        )
        .join(Contact, Contact.id == CallDelivery.contact_id)
        .where(CallDelivery.call_id == call_id)
    )
    term = (search or "").strip()
    if term:
        like = f"%{term.lower()}%"
        full = func.lower(Contact.first_name + literal(" ", String) + Contact.last_name)
        stmt = stmt.where(or_(full.like(like), func.lower(Contact.email).like(like), Contact.plz == term))
    stmt = apply_scope(stmt, scope).order_by(Contact.last_name, Contact.first_name, CallDelivery.id).limit(limit)
    return [tuple(r) for r in session.execute(stmt).all()]


def delivery_in_scope(session: Session, scope: Scope, delivery_id: int) -> CallDelivery | None:
    """The delivery, if its recipient is inside the scope."""
    stmt = apply_scope(
        select(CallDelivery).join(Contact, Contact.id == CallDelivery.contact_id).where(CallDelivery.id == delivery_id),
        scope,
    )
    return session.scalar(stmt)


def withdraw_delivery(session: Session, delivery_id: int) -> None:
    """Take back a delivery whose mail was not sent: it no longer counts as reached or towards the limit,
    and the timeline says why."""
    delivery = session.get(CallDelivery, delivery_id)
    if delivery is None:
        return
    title = session.scalar(select(CallToAction.title).where(CallToAction.id == delivery.call_id)) or ""
    session.add(
        Activity(
            contact_id=delivery.contact_id,
            kind="call_to_action",
            ref_type="call_to_action",
            ref_id=delivery.call_id,
            note=f"nicht gesendet (Einwilligung widerrufen): {title}",
        )
    )
    session.delete(delivery)

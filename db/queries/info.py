"""Queries of the Linksaktiv-Info: audience by topic, region and consent, the 30-day limit, deliveries, figures."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import Integer, Select, case, exists, func, insert, literal, literal_column, select, text
from sqlalchemy.orm import Session

from db.models import Contact, ContactTopic, InfoDelivery, InfoMailing, Kreisverband, Land, MailOutbox
from db.queries.calls import _region as region_filter  # one region rule for calls, surveys and Infos
from db.queries.common.staging import staged
from db.queries.contacts.consent import active_consent_filter
from db.scope import Scope, apply_area, apply_scope
from db.types import UTCDateTime

MAIL_REF = "info"  # mail_outbox.ref_type of an Info's mails (ref_id = the Info's id)


def lock_info(session: Session, info_id: int) -> InfoMailing | None:
    """Lock the Info for this transaction (row lock on PostgreSQL, write lock on SQLite) and load it."""
    session.execute(text("UPDATE info_mailing SET title = title WHERE id = :id"), {"id": info_id})
    return session.get(InfoMailing, info_id, populate_existing=True)


def infos_in_area(session: Session, scope: Scope) -> list[InfoMailing]:
    """The Infos the scope works with, newest first: kreis its KV's, land its Land's, team all."""
    stmt = select(InfoMailing).order_by(InfoMailing.created_at.desc(), InfoMailing.id.desc())
    return list(session.scalars(apply_area(stmt, scope, InfoMailing.kv_id, InfoMailing.land_code)))


def info_in_area(info: InfoMailing, scope: Scope) -> bool:
    """Whether one Info is among infos_in_area for the scope."""
    if scope.role == "kreis":
        return info.kv_id == scope.kv_id
    if scope.role == "land":
        return info.land_code == scope.land_code
    return True


def same_draft_exists(session: Session, values: dict) -> bool:
    """Whether an unsent Info with this title, text and region exists."""
    stmt = select(InfoMailing.id).where(
        InfoMailing.sent_at.is_(None),
        InfoMailing.title == values["title"],
        InfoMailing.body == values["body"],
        InfoMailing.region_level == values["region_level"],
        InfoMailing.land_code.is_(None)
        if values["land_code"] is None
        else InfoMailing.land_code == values["land_code"],
        InfoMailing.kv_id.is_(None) if values["kv_id"] is None else InfoMailing.kv_id == values["kv_id"],
    )
    return session.scalar(stmt.limit(1)) is not None


# The address check as a literal, not a bound parameter: it is the predicate of the partial index
# ix_contact_mailable (migration 0020), which a planner may use only when it sees this very text.
MAILABLE = literal_column("'%@%.%'")


def _reachable(info: InfoMailing, one_by_one: bool = False) -> list:
    # Interested in one of the topics, with an address, an active consent for information by e-mail,
    # and not waiting for the sign-up confirmation.
    topics = [t for t in info.topics.split(",") if t]
    if one_by_one:
        # A few people in id order (the sample): check each contact, so the query stops after the first few.
        topic_filter = exists(
            select(ContactTopic.contact_id).where(ContactTopic.contact_id == Contact.id, ContactTopic.topic.in_(topics))
        )
    else:
        # IN over the (topic, contact id) index: the people with a topic come in id order, as do the contacts
        # (ix_contact_mailable) and the consents, so PostgreSQL merges the three instead of hashing them.
        topic_filter = Contact.id.in_(select(ContactTopic.contact_id).where(ContactTopic.topic.in_(topics)))
    return [
        Contact.email.like(MAILABLE),
        Contact.unconfirmed_since.is_(None),
        topic_filter,
        active_consent_filter("information", "email"),
    ]  # "not sent this Info yet" holds by itself: an Info is counted and sent only while it is a draft


def _capped(since: datetime, max_infos: int):
    # Who already got max_infos Infos since `since`: one set, joined once. A count per reachable person
    # (a correlated subquery) cost 200,000 lookups for a national Info, more than the rest of the query.
    return (
        select(InfoDelivery.contact_id)
        .where(InfoDelivery.sent_at >= literal(since, UTCDateTime))
        .group_by(InfoDelivery.contact_id)
        .having(func.count() >= max_infos)
        .subquery("capped")
    )


def _reachable_in_scope(scope: Scope, info: InfoMailing, capped, *columns) -> Select:
    src = Contact.__table__.outerjoin(capped, capped.c.contact_id == Contact.id)
    return apply_scope(region_filter(select(*columns).select_from(src).where(*_reachable(info)), info), scope)


def audience_select(scope: Scope, info: InfoMailing, since: datetime, max_infos: int, *columns) -> Select:
    """Contacts the Info goes to: reachable, in the scope, and under the limit of Infos since `since`."""
    capped = _capped(since, max_infos)
    return _reachable_in_scope(scope, info, capped, *columns).where(capped.c.contact_id.is_(None))


def audience_by_kv_counts(
    session: Session, scope: Scope, info: InfoMailing, since: datetime, max_infos: int
) -> list[tuple[int, int, int]]:
    """(KV id, recipients, left out by the limit) per Kreisverband, in one pass over the reachable people."""
    capped = _capped(since, max_infos)
    is_capped = case((capped.c.contact_id.is_not(None), 1), else_=0)
    stmt = _reachable_in_scope(
        scope, info, capped, Contact.kv_id, func.count(), func.coalesce(func.sum(is_capped), 0)
    ).group_by(Contact.kv_id)
    return [(int(kv), int(n) - int(c), int(c)) for kv, n, c in session.execute(stmt).all()]


def audience_counts(
    session: Session, scope: Scope, info: InfoMailing, since: datetime, max_infos: int
) -> tuple[int, int]:
    """(recipients, left out because they already got max_infos Infos since `since`)."""
    capped = _capped(since, max_infos)
    is_capped = case((capped.c.contact_id.is_not(None), 1), else_=0)
    stmt = _reachable_in_scope(scope, info, capped, func.count(), func.coalesce(func.sum(is_capped), 0))
    total, out = session.execute(stmt).one()
    return int(total) - int(out), int(out)


def kv_names(session: Session, kv_ids: list[int]) -> dict[int, tuple[str, str]]:
    """KV id -> (KV name, Land name)."""
    stmt = (
        select(Kreisverband.id, Kreisverband.name, Land.name)
        .join(Land, Land.code == Kreisverband.land_code)
        .where(Kreisverband.id.in_(kv_ids))
    )
    return {int(k): (kv, land) for k, kv, land in session.execute(stmt).all()}


def audience_sample(
    session: Session, scope: Scope, info: InfoMailing, since: datetime, max_infos: int, n: int = 10
) -> pd.DataFrame:
    """A few recipients for the preview."""
    # The first few in id order, each checked on its own (its topics, its Infos since `since`): the sets that
    # the counts join would cost more than finding ten people.
    recent = (
        select(func.count(InfoDelivery.id))
        .where(InfoDelivery.contact_id == Contact.id, InfoDelivery.sent_at >= literal(since, UTCDateTime))
        .scalar_subquery()
    )
    columns = (Contact.first_name, Contact.last_name, Contact.plz, Contact.city)
    stmt = select(*columns).where(*_reachable(info, one_by_one=True), recent < max_infos)
    stmt = apply_scope(region_filter(stmt, info), scope).order_by(Contact.id).limit(n)
    return pd.DataFrame(session.execute(stmt).all(), columns=["Vorname", "Nachname", "PLZ", "Ort"])


def insert_deliveries(
    session: Session, scope: Scope, info: InfoMailing, since: datetime, max_infos: int, at: datetime
) -> list[tuple[int, str, str, int]]:
    """One delivery per recipient (INSERT ... SELECT from the staged audience); returns (contact id, first
    name, e-mail, Info id) each. The delivery is the person's record of the Info (no timeline entry: Infos
    are regular, a timeline full of them would hide what the person did)."""
    audience_stmt = audience_select(scope, info, since, max_infos, Contact.id, Contact.first_name, Contact.email)
    with staged(session, audience_stmt, "info_audience") as audience:
        src = select(literal(info.id, Integer), audience.c.id, literal(at, UTCDateTime))
        session.execute(insert(InfoDelivery).from_select(["info_id", "contact_id", "sent_at"], src))
        rows = session.execute(
            select(audience.c.id, audience.c.first_name, audience.c.email).order_by(audience.c.id)
        ).all()
    return [(int(cid), first, email, info.id) for cid, first, email in rows]


def mail_status_counts(session: Session, info_id: int) -> dict[str, int]:
    """The Info's mails by outbox status (queued, sent, failed, cancelled)."""
    stmt = (
        select(MailOutbox.status, func.count())
        .where(MailOutbox.ref_type == MAIL_REF, MailOutbox.ref_id == info_id)
        .group_by(MailOutbox.status)
    )
    return {status: int(n) for status, n in session.execute(stmt).all()}


def deliveries_of(session: Session, contact_id: int) -> list[tuple[int, str, datetime]]:
    """(Info id, title, sent at) of every Info that went to the person (access, Art. 15)."""
    stmt = (
        select(InfoMailing.id, InfoMailing.title, InfoDelivery.sent_at)
        .join(InfoDelivery, InfoDelivery.info_id == InfoMailing.id)
        .where(InfoDelivery.contact_id == contact_id)
        .order_by(InfoDelivery.sent_at, InfoMailing.id)
    )
    return [tuple(r) for r in session.execute(stmt).all()]

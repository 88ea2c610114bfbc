"""Read queries behind the Entwicklung page: the ladder contact → active → member in an area and period.

Every query is an aggregate over the scope's area (db.scope.apply_area) narrowed to a region inside it.
Medians are computed from histograms of whole days (group by the day difference), which both SQLite and
PostgreSQL answer the same way; services.ladder turns them into medians.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import Integer, and_, cast, func, literal, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

from db import topic_mask
from db.models import CallDelivery, CallToAction, Contact, Kreisverband
from db.scope import Scope, apply_area


@dataclass(frozen=True)
class Region:
    """A region inside the scope's area: all of it, a Land or a KV; and the period of entry [start, end]."""

    start: date
    end: date
    land_code: str | None = None
    kv_id: int | None = None


def _frame(rows, columns: list[str]) -> pd.DataFrame:
    """A DataFrame of result rows, built column by column (pandas is slow on a list of Row objects)."""
    data = list(zip(*rows)) if rows else [()] * len(columns)
    return pd.DataFrame(dict(zip(columns, data)), columns=columns)


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def days_between(session: Session, later, earlier):
    """SQL expression: whole days from earlier to later (two DATE columns), NULL when one is NULL."""
    if _postgres(session):
        return later - earlier
    return cast(func.julianday(later) - func.julianday(earlier), Integer)


def month_of(session: Session, day_col):
    """SQL expression: the month of a DATE column as a number YYYYMM (cheaper to group by than text)."""
    if _postgres(session):
        return cast(func.extract("year", day_col) * 100 + func.extract("month", day_col), Integer)
    return cast(func.substr(day_col, 1, 4).op("||")(func.substr(day_col, 6, 2)), Integer)


def _day(session: Session, ts_col):
    """SQL expression: the calendar day (UTC) of a timestamp column, comparable with a DATE column."""
    if _postgres(session):
        return cast(ts_col, Contact.contact_since.type)
    return func.date(ts_col)


def _not_by_index(session: Session, col):
    """On SQLite the column behind a unary + (no index may serve the term), elsewhere the column itself."""
    if _postgres(session):
        return col
    return UnaryExpression(col, operator=operators.custom_op("+"), type_=col.type)


def _region(stmt, scope: Scope, region: Region):
    stmt = apply_area(stmt, scope, Contact.kv_id, Contact.land_code)
    if region.land_code:
        stmt = stmt.where(Contact.land_code == region.land_code)
    if region.kv_id is not None:
        stmt = stmt.where(Contact.kv_id == region.kv_id)
    return stmt


def _between(col, region: Region):
    return and_(col >= literal(region.start), col <= literal(region.end))


def cohort_counts(session: Session, scope: Scope, region: Region) -> pd.DataFrame:
    """People who entered in the period, per day of entry and source: how many, of them active now, members now.

    Grouped in the order of the ladder index (ix_contact_ladder, migration 0019), so no sort is needed.
    Columns: day, source, entered, active, member."""
    stmt = select(
        Contact.contact_since,
        Contact.source,
        func.count(),
        func.count(Contact.active_since),
        func.count(Contact.member_since),
    ).where(_between(Contact.contact_since, region))
    stmt = _region(stmt.group_by(Contact.contact_since, Contact.source), scope, region)
    return _frame(session.execute(stmt).all(), ["day", "source", "entered", "active", "member"])


def step_days(session: Session, scope: Scope, region: Region, step: str) -> pd.DataFrame:
    """Of those who entered in the period and took the step ('active' or 'member'): how many took it after how many
    days (from entry to active, or from active to member), per source and month of entry. Columns: source, month,
    days, n."""
    later, earlier = (
        (Contact.active_since, Contact.contact_since)
        if step == "active"
        else (Contact.member_since, Contact.active_since)
    )
    days = days_between(session, later, earlier).label("days")
    month = month_of(session, Contact.contact_since).label("month")  # YYYYMM
    stmt = select(Contact.source, month, days, func.count()).where(
        _between(Contact.contact_since, region), later.is_not(None)
    )
    stmt = _region(stmt.group_by(Contact.source, month, days), scope, region)
    df = _frame(session.execute(stmt).all(), ["source", "month", "days", "n"])
    names = {m: f"{int(m) // 100:04d}-{int(m) % 100:02d}" for m in df["month"].unique()}
    return df.assign(month=df["month"].map(names))


def topic_days(session: Session, scope: Scope, region: Region) -> pd.DataFrame:
    """Of those who entered in the period, per topic (a person counts once per topic): days to active and days
    from active to member (None where the step is not taken), with how many. Columns: topic, to_active, to_member, n.

    Grouped by the topic bits (db/topic_mask.py) from the ladder index, then expanded: a join with the topic
    rows cost 1-2.5 s for all Germany at 1M contacts."""
    to_active = days_between(session, Contact.active_since, Contact.contact_since).label("to_active")
    to_member = days_between(session, Contact.member_since, Contact.active_since).label("to_member")
    stmt = (
        select(Contact.topic_mask, to_active, to_member, func.count())
        .where(_between(Contact.contact_since, region), Contact.topic_mask != 0)
        .group_by(Contact.topic_mask, to_active, to_member)
    )
    grouped = _frame(session.execute(_region(stmt, scope, region)).all(), ["mask", "to_active", "to_member", "n"])
    columns = ["topic", "to_active", "to_member", "n"]
    parts = [
        grouped.loc[(grouped["mask"] & bit) != 0, columns[1:]].assign(topic=topic)
        for topic, bit in topic_mask.BITS.items()
    ]
    per_topic = pd.concat(parts, ignore_index=True) if parts else _frame([], columns)
    # One row per (topic, to_active, to_member), as the join's GROUP BY gave.
    return per_topic.groupby(columns[:3], dropna=False, as_index=False, sort=False)["n"].sum()[columns]


def steps_in_period(session: Session, scope: Scope, region: Region) -> dict[str, int]:
    """How many people of the region became active and became members within the period (by the step's date)."""
    became_active = select(func.count()).select_from(Contact).where(_between(Contact.active_since, region))
    became_member = select(func.count()).select_from(Contact).where(_between(Contact.member_since, region))
    return {
        "active": session.scalar(_region(became_active, scope, region)) or 0,
        "member": session.scalar(_region(became_member, scope, region)) or 0,
    }


def _answered_before_active(session: Session):
    # A delivery answered on or before the day its person became active (who became active in the period).
    return and_(
        CallDelivery.responded_at.is_not(None),
        _day(session, CallDelivery.responded_at) <= Contact.active_since,
    )


def answered_before_active(session: Session, scope: Scope, region: Region) -> pd.DataFrame:
    """Every answer given before becoming active, by those who became active in the period: one row per answered
    delivery (one scan for the figures per call and the persons). Columns: contact_id, call_id, response."""
    stmt = (
        select(CallDelivery.contact_id, CallDelivery.call_id, CallDelivery.response)
        .select_from(Contact)
        .join(CallDelivery, CallDelivery.contact_id == Contact.id)
        # SQLite: nationally, reading the answered deliveries in person order and looking each person up is
        # several times faster than looking up the answers of everyone who became active (the planner's
        # choice); a Land or KV still starts from its people.
        .where(_between(_not_by_index(session, Contact.active_since), region), _answered_before_active(session))
    )
    return _frame(session.execute(_region(stmt, scope, region)).all(), ["contact_id", "call_id", "response"])


def calls(session: Session, ids) -> pd.DataFrame:
    """Title and kind ('call' or 'survey') of the given calls. Columns: call_id, title, kind."""
    ids = sorted({int(i) for i in ids})
    if not ids:
        return _frame([], ["call_id", "title", "kind"])
    stmt = select(CallToAction.id, CallToAction.title, CallToAction.kind).where(CallToAction.id.in_(ids))
    return _frame(session.execute(stmt).all(), ["call_id", "title", "kind"])


def kreisverbaende(session: Session, scope: Scope) -> pd.DataFrame:
    """The Kreisverbände inside the scope's area: id, name, land_code (reference data, no persons)."""
    stmt = select(Kreisverband.id, Kreisverband.name, Kreisverband.land_code).order_by(Kreisverband.name)
    stmt = apply_area(stmt, scope, Kreisverband.id, Kreisverband.land_code)
    return pd.DataFrame(session.execute(stmt).all(), columns=["id", "name", "land_code"])

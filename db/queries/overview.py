"""Read queries behind the Übersicht: counts by status, source, topic, week and PLZ."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Contact, ContactTopic, Plz
from db.queries.common.dialect import weeks_since
from db.scope import Scope, apply_area


def _area(stmt, scope: Scope):
    return apply_area(stmt, scope, Contact.kv_id, Contact.land_code)


def counts_by_status(session: Session, scope: Scope) -> dict[str, int]:
    """Contacts per status in the scope's area."""
    stmt = _area(select(Contact.status, func.count()).group_by(Contact.status), scope)
    return dict(session.execute(stmt).tuples().all())


def count_created_since(session: Session, scope: Scope, since: datetime) -> int:
    """Contacts created at or after since."""
    stmt = _area(select(func.count()).select_from(Contact).where(Contact.created_at >= since), scope)
    return session.scalar(stmt) or 0


def counts_by_source(session: Session, scope: Scope) -> dict[str, int]:
    """Contacts per source."""
    stmt = _area(select(Contact.source, func.count()).group_by(Contact.source), scope)
    return dict(session.execute(stmt).tuples().all())


def counts_by_topic(session: Session, scope: Scope) -> dict[str, int]:
    """Contacts per topic of interest (a contact counts once per topic)."""
    if scope.level == "national":
        stmt = select(ContactTopic.topic, func.count()).group_by(ContactTopic.topic)
    else:
        stmt = _area(
            select(ContactTopic.topic, func.count())
            .join(Contact, Contact.id == ContactTopic.contact_id)
            .group_by(ContactTopic.topic),
            scope,
        )
    return dict(session.execute(stmt).tuples().all())


def weekly_new(session: Session, scope: Scope, start: datetime) -> pd.DataFrame:
    """New contacts per week since start: columns week (0-based), count."""
    week = weeks_since(session, Contact.created_at, start).label("week")
    stmt = _area(select(week, func.count().label("count")).where(Contact.created_at >= start).group_by(week), scope)
    return pd.DataFrame(session.execute(stmt).all(), columns=["week", "count"])


def counts_by_plz(session: Session, scope: Scope) -> pd.DataFrame:
    """Contacts per PLZ in the area: columns plz, count."""
    stmt = _area(select(Contact.plz, func.count()).group_by(Contact.plz), scope)
    return pd.DataFrame(session.execute(stmt).all(), columns=["plz", "count"])


def plz_distances(session: Session) -> pd.DataFrame:
    """Every PLZ with the distance to its nearest open office (None without offices): plz, km."""
    return pd.DataFrame(session.execute(select(Plz.plz, Plz.nearest_office_km)).all(), columns=["plz", "km"])


def counts_by_land(session: Session, scope: Scope) -> dict[str, int]:
    """Contacts per Land code in the area."""
    stmt = _area(select(Contact.land_code, func.count()).group_by(Contact.land_code), scope)
    return {k: v for k, v in session.execute(stmt).tuples().all() if k}


def created_by_land(session: Session, scope: Scope, start: datetime) -> pd.DataFrame:
    """Land code and creation time of every contact created since start: columns land_code, created_at."""
    stmt = _area(select(Contact.land_code, Contact.created_at).where(Contact.created_at >= start), scope)
    return pd.DataFrame(session.execute(stmt).all(), columns=["land_code", "created_at"])

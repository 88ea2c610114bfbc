"""Read queries behind the Übersicht: counts by status, source, topic, week and PLZ, from the rollups.

The rollups (db/models/rollup.py) hold a few rows per KV and key, kept by triggers; a read sums them, so
all Germany costs thousands of rows, not a million. Only the partial first day of "new since" reads
contacts (by the creation-time indexes).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Contact, Plz, RollupKvDay, RollupKvSource, RollupPlzStatus, RollupPlzTopic
from db.queries.common.frames import frame
from db.scope import Scope, apply_area


def _summed(session: Session, scope: Scope, table, *keys) -> list[tuple]:
    """(key..., count) per key in the scope's area; keys whose rows cancel out are left out."""
    total = func.sum(table.n)
    stmt = select(*keys, total).group_by(*keys).having(total != 0)
    return session.execute(apply_area(stmt, scope, table.kv_id, table.land_code)).tuples().all()


def counts_by_status(session: Session, scope: Scope) -> dict[str, int]:
    """Contacts per status in the scope's area."""
    return {k: int(v) for k, v in _summed(session, scope, RollupPlzStatus, RollupPlzStatus.status)}


def count_created_since(session: Session, scope: Scope, since: datetime) -> int:
    """Contacts created at or after since: whole days from the rollup, the rest of since's day counted."""
    utc = since.astimezone(UTC) if since.tzinfo else since
    next_day = utc.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    days = apply_area(
        select(func.coalesce(func.sum(RollupKvDay.n), 0)).where(RollupKvDay.day >= next_day.date()),
        scope,
        RollupKvDay.kv_id,
        RollupKvDay.land_code,
    )
    first = apply_area(
        select(func.count()).select_from(Contact).where(Contact.created_at >= since, Contact.created_at < next_day),
        scope,
        Contact.kv_id,
        Contact.land_code,
    )
    return int(session.scalar(days) or 0) + int(session.scalar(first) or 0)


def counts_by_source(session: Session, scope: Scope) -> dict[str, int]:
    """Contacts per source."""
    return {k: int(v) for k, v in _summed(session, scope, RollupKvSource, RollupKvSource.source)}


def counts_by_topic(session: Session, scope: Scope) -> dict[str, int]:
    """Contacts per topic of interest (a contact counts once per topic)."""
    return {k: int(v) for k, v in _summed(session, scope, RollupPlzTopic, RollupPlzTopic.topic)}


def weekly_new(session: Session, scope: Scope, start: datetime) -> pd.DataFrame:
    """New contacts per week since start (midnight UTC): columns week (0-based), count."""
    stmt = select(RollupKvDay.day, func.sum(RollupKvDay.n)).where(RollupKvDay.day >= start.date())
    rows = session.execute(
        apply_area(stmt.group_by(RollupKvDay.day), scope, RollupKvDay.kv_id, RollupKvDay.land_code)
    ).all()
    df = frame(rows, ["day", "count"])
    df["week"] = [(day - start.date()).days // 7 for day in df["day"]]
    out = df.groupby("week", as_index=False)["count"].sum()
    out["count"] = out["count"].astype(int)
    return out[out["count"] != 0][["week", "count"]]


def counts_by_plz(session: Session, scope: Scope) -> pd.DataFrame:
    """Contacts per PLZ in the area: columns plz, count."""
    rows = _summed(session, scope, RollupPlzStatus, RollupPlzStatus.plz)
    return frame(rows, ["plz", "count"]).astype({"count": int})


def plz_distances(session: Session) -> pd.DataFrame:
    """Every PLZ with the distance to its nearest open office (None without offices): plz, km."""
    return frame(session.execute(select(Plz.plz, Plz.nearest_office_km)), ["plz", "km"])


def counts_by_land(session: Session, scope: Scope) -> dict[str, int]:
    """Contacts per Land code in the area."""
    return {k: int(v) for k, v in _summed(session, scope, RollupPlzStatus, RollupPlzStatus.land_code) if k}


def created_by_land(session: Session, scope: Scope, start: datetime) -> pd.DataFrame:
    """New contacts per Land and UTC day since start: columns land_code, day, n."""
    stmt = (
        select(RollupKvDay.land_code, RollupKvDay.day, func.sum(RollupKvDay.n))
        .where(RollupKvDay.day >= start.date())
        .group_by(RollupKvDay.land_code, RollupKvDay.day)
    )
    rows = session.execute(apply_area(stmt, scope, RollupKvDay.kv_id, RollupKvDay.land_code)).all()
    return frame(rows, ["land_code", "day", "n"])

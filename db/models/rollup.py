"""Rollups: contact counts per area kept by database triggers, so national figures read thousands of rows.

Each table is append-only: a trigger adds a row +1 or -1 for every change of the counted columns, and a
read sums n per key. Appending never waits on another writer's row lock (an import in one KV would
otherwise block every write in the same KV until it commits); `db.rollups.compact` folds the rows into
one per key from time to time. The triggers themselves live in `db.rollups` (migration 0021).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base


class RollupPlzStatus(Base):
    """Contacts per KV, Land, PLZ and status (totals, statuses, per PLZ and per Land, the Karte)."""

    __tablename__ = "rollup_plz_status"
    __table_args__ = (Index("ix_rollup_plz_status_kv", "kv_id"), Index("ix_rollup_plz_status_land", "land_code"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kv_id: Mapped[int | None] = mapped_column(Integer)
    land_code: Mapped[str | None] = mapped_column(String(2))
    plz: Mapped[str | None] = mapped_column(String(5))
    status: Mapped[str | None] = mapped_column(String(10))
    n: Mapped[int] = mapped_column(Integer)


class RollupPlzTopic(Base):
    """Topic mentions per KV, Land, PLZ and topic (a contact counts once per topic)."""

    __tablename__ = "rollup_plz_topic"
    __table_args__ = (Index("ix_rollup_plz_topic_kv", "kv_id"), Index("ix_rollup_plz_topic_land", "land_code"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kv_id: Mapped[int | None] = mapped_column(Integer)
    land_code: Mapped[str | None] = mapped_column(String(2))
    plz: Mapped[str | None] = mapped_column(String(5))
    topic: Mapped[str] = mapped_column(String(20))
    n: Mapped[int] = mapped_column(Integer)


class RollupKvSource(Base):
    """Contacts per KV, Land and source."""

    __tablename__ = "rollup_kv_source"
    __table_args__ = (Index("ix_rollup_kv_source_kv", "kv_id"), Index("ix_rollup_kv_source_land", "land_code"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kv_id: Mapped[int | None] = mapped_column(Integer)
    land_code: Mapped[str | None] = mapped_column(String(2))
    source: Mapped[str | None] = mapped_column(String(20))
    n: Mapped[int] = mapped_column(Integer)


class RollupKvDay(Base):
    """Contacts per KV, Land and UTC day of creation (new per week, per month, in the last 7 and 30 days)."""

    __tablename__ = "rollup_kv_day"
    __table_args__ = (
        Index("ix_rollup_kv_day_day", "day"),
        Index("ix_rollup_kv_day_kv", "kv_id", "day"),
        Index("ix_rollup_kv_day_land", "land_code", "day"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kv_id: Mapped[int | None] = mapped_column(Integer)
    land_code: Mapped[str | None] = mapped_column(String(2))
    day: Mapped[date | None] = mapped_column(Date)
    n: Mapped[int] = mapped_column(Integer)

"""What survives an erasure: a tombstone per erased person (id, when, why), never personal data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base
from db.types import UTCDateTime, utcnow


class ErasureTombstone(Base):
    """One erased person: written by every erasure (Art. 17 and retention), re-applied after a restore.

    No foreign key: the contact row is gone; the id is what a restored backup is searched for. Not
    unique: SQLite gives the next contact the highest id + 1, so an erased newest person's id comes
    back; a restore applies a tombstone only to a contact created before its erasure.
    """

    __tablename__ = "erasure_tombstone"
    __table_args__ = (CheckConstraint("reason IN ('art17','retention')", name="reason"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(Integer, index=True)
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    reason: Mapped[str] = mapped_column(String(20))

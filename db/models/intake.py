"""How people get into the database: import batches, mapping presets, duplicate candidates (DESIGN §10)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base
from db.types import UTCDateTime, utcnow


class ImportBatch(Base):
    """One imported file: who, when, where from, with what consent evidence, mapping and counts."""

    __tablename__ = "import_batch"
    __table_args__ = (CheckConstraint("status IN ('imported','rolled_back')", name="status"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(Integer)
    username: Mapped[str] = mapped_column(String(80), default="")
    # The importer's area when the batch was made: who may see and roll it back.
    kv_id: Mapped[int | None] = mapped_column(Integer)
    land_code: Mapped[str | None] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    file_name: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(20))
    source_date: Mapped[str] = mapped_column(String(10), default="")
    place: Mapped[str] = mapped_column(String(200), default="")
    consent_evidence: Mapped[str] = mapped_column(Text, default="")
    mapping: Mapped[dict] = mapped_column(JSON, default=dict)
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(12), default="imported")
    rolled_back_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MappingPreset(Base):
    """A named column mapping for files of one source, remembered for the next import."""

    __tablename__ = "mapping_preset"
    __table_args__ = (UniqueConstraint("name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    source: Mapped[str] = mapped_column(String(20))
    mapping: Mapped[dict] = mapped_column(JSON, default=dict)
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DuplicateCandidate(Base):
    """Two contacts that may be one person; staff merge them or keep them apart (never proposed again)."""

    __tablename__ = "duplicate_candidate"
    __table_args__ = (
        UniqueConstraint("contact_a", "contact_b"),
        CheckConstraint("contact_a < contact_b", name="ordered"),
        CheckConstraint("status IN ('open','merged','kept_apart')", name="status"),
        Index("ix_duplicate_candidate_kv_status", "kv_id", "status"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # CASCADE: a merge or an erasure removes the pair with the person (the audit keeps both ids).
    contact_a: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    contact_b: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    kv_id: Mapped[int] = mapped_column(Integer)
    land_code: Mapped[str] = mapped_column(String(2))
    score: Mapped[float] = mapped_column(Float)
    agreeing: Mapped[list] = mapped_column(JSON, default=list)
    origin: Mapped[str] = mapped_column(String(10), default="import")
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(12), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(Integer)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

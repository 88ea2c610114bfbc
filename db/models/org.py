"""Structure and places: Länder, Kreise, Kreisverbände, PLZ, offices, users, audit, settings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base
from db.types import UTCDateTime, utcnow


class Land(Base):
    __tablename__ = "land"
    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    abbr: Mapped[str] = mapped_column(String(4))


class Kreisverband(Base):
    __tablename__ = "kreisverband"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    land_code: Mapped[str] = mapped_column(ForeignKey("land.code"), index=True)
    kreise: Mapped[list[Kreis]] = relationship(back_populates="kv")


class Kreis(Base):
    __tablename__ = "kreis"
    ags: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(60), default="")
    land_code: Mapped[str] = mapped_column(ForeignKey("land.code"), index=True)
    kv_id: Mapped[int] = mapped_column(ForeignKey("kreisverband.id"), index=True)
    population: Mapped[int] = mapped_column(Integer, default=0)
    area_km2: Mapped[float] = mapped_column(Float, default=0.0)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    kv: Mapped[Kreisverband] = relationship(back_populates="kreise")


class Office(Base):
    __tablename__ = "office"
    __table_args__ = (CheckConstraint("kind IN ('geschaeftsstelle','buergerbuero','wahlkreisbuero')", name="kind"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kv_id: Mapped[int] = mapped_column(ForeignKey("kreisverband.id"), index=True)
    name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(20), default="geschaeftsstelle")
    street: Mapped[str] = mapped_column(String(160), default="")
    plz: Mapped[str] = mapped_column(ForeignKey("plz.plz"))
    city: Mapped[str] = mapped_column(String(120), default="")
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    opening_hours: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(160), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Plz(Base):
    """A postcode with its centroid and, kept up to date, its nearest open office."""

    __tablename__ = "plz"
    plz: Mapped[str] = mapped_column(String(5), primary_key=True)
    place: Mapped[str] = mapped_column(String(120))
    places: Mapped[str] = mapped_column(Text, default="")
    kreis_ags: Mapped[str] = mapped_column(ForeignKey("kreis.ags"), index=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    # No FK to office: offices reference plz, and the cycle would complicate bulk loads.
    nearest_office_id: Mapped[int | None] = mapped_column(Integer)
    nearest_office_km: Mapped[float | None] = mapped_column(Float, index=True)


class User(Base):
    __tablename__ = "app_user"
    __table_args__ = (CheckConstraint("role IN ('admin','team','land','kreis','leitung')", name="role"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(160), default="")
    password_hash: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(10))
    land_code: Mapped[str | None] = mapped_column(ForeignKey("land.code"))
    kv_id: Mapped[int | None] = mapped_column(ForeignKey("kreisverband.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sessions_revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditEvent(Base):
    """Append-only: ids and action names only, never personal values."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_object", "object_type", "object_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    username: Mapped[str] = mapped_column(String(60), default="")
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(40), default="")
    object_id: Mapped[str] = mapped_column(String(40), default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)


class AppSetting(Base):
    """Settings an admin may change at run time (overrides the defaults)."""

    __tablename__ = "app_setting"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

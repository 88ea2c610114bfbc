"""Campaign work: calls to action, newspapers, campaign leads, volunteers, the mail outbox."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base
from db.types import UTCDateTime, utcnow

_NOT_CANCELLED = text("status <> 'cancelled'")
_ASSIGNMENT_ACTIVE = text("status IN ('proposed','contacted','confirmed')")


class CallToAction(Base):
    __tablename__ = "call_to_action"
    __table_args__ = (
        CheckConstraint("mode IN ('online','on_site')", name="mode"),
        CheckConstraint("region_level IN ('national','land','kv')", name="region_level"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    mode: Mapped[str] = mapped_column(String(10), default="online")
    topics: Mapped[str] = mapped_column(Text, default="")  # comma-separated topic codes
    region_level: Mapped[str] = mapped_column(String(10), default="national")
    land_code: Mapped[str | None] = mapped_column(ForeignKey("land.code"))
    kv_id: Mapped[int | None] = mapped_column(ForeignKey("kreisverband.id"))
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    link: Mapped[str] = mapped_column(String(300), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # 'call' or 'survey' (a Befragung with questions: db.models.mailings; migration 0017).
    kind: Mapped[str] = mapped_column(String(10), default="call", server_default="call")


class CallDelivery(Base):
    __tablename__ = "call_delivery"
    __table_args__ = (
        UniqueConstraint("call_id", "contact_id"),
        Index("ix_call_delivery_contact_sent", "contact_id", "sent_at"),
        # What people answered before they became active (Entwicklung, migration 0019).
        Index(
            "ix_call_delivery_answered",
            "contact_id",
            "responded_at",
            "call_id",
            "response",
            sqlite_where=text("responded_at IS NOT NULL"),
            postgresql_where=text("responded_at IS NOT NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call_to_action.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(10), default="email")
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response: Mapped[str] = mapped_column(String(20), default="")


class NewspaperEdition(Base):
    __tablename__ = "newspaper_edition"
    __table_args__ = (
        CheckConstraint("copies_in_stock >= 0", name="stock_nonneg"),
        CheckConstraint("copies_per_bundle > 0", name="bundle_pos"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    campaign: Mapped[str] = mapped_column(String(200), default="")
    edition_date: Mapped[date] = mapped_column(Date)
    copies_in_stock: Mapped[int] = mapped_column(Integer)
    copies_per_bundle: Mapped[int] = mapped_column(Integer, default=50)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DispatchOrder(Base):
    __tablename__ = "dispatch_order"
    __table_args__ = (
        CheckConstraint(
            "status IN ('requested','approved','packed','shipped','delivered','cancelled','returned')",
            name="status",
        ),
        CheckConstraint("copies > 0", name="copies_pos"),
        # At most one order per edition and contact that is not cancelled (both databases).
        Index(
            "uq_dispatch_order_edition_contact_open",
            "edition_id",
            "contact_id",
            unique=True,
            sqlite_where=_NOT_CANCELLED,
            postgresql_where=_NOT_CANCELLED,
        ),
        Index("ix_dispatch_order_edition_status", "edition_id", "status"),
        Index("ix_dispatch_order_contact", "contact_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("newspaper_edition.id"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"))
    copies: Mapped[int] = mapped_column(Integer)
    ship_name: Mapped[str] = mapped_column(String(200))
    ship_street: Mapped[str] = mapped_column(String(200))
    ship_plz: Mapped[str] = mapped_column(String(5))
    ship_city: Mapped[str] = mapped_column(String(120))
    kv_id: Mapped[int] = mapped_column(ForeignKey("kreisverband.id"))
    land_code: Mapped[str] = mapped_column(ForeignKey("land.code"))
    free_shipping: Mapped[bool] = mapped_column(Boolean, default=True)
    override_reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="requested")
    tracking_number: Mapped[str] = mapped_column(String(60), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    packed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CampaignLead(Base):
    """The Wahlkampfleitung of a KV and what it needs."""

    __tablename__ = "campaign_lead"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kv_id: Mapped[int] = mapped_column(ForeignKey("kreisverband.id"), index=True)
    # The Linksaktive:r who is the contact person, when there is one (same e-mail or phone; migration 0011):
    # access and erasure find the lead by this id, whatever the person's address is now.
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"), index=True)
    contact_name: Mapped[str] = mapped_column(String(160))
    contact_email: Mapped[str] = mapped_column(String(160), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    plz: Mapped[str] = mapped_column(ForeignKey("plz.plz"))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    topics: Mapped[str] = mapped_column(Text, default="")  # comma-separated topic codes
    note: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    needs: Mapped[list[LeadNeed]] = relationship(cascade="all, delete-orphan")


class LeadNeed(Base):
    __tablename__ = "lead_need"
    __table_args__ = (CheckConstraint("needed >= 0", name="needed_nonneg"),)
    lead_id: Mapped[int] = mapped_column(ForeignKey("campaign_lead.id", ondelete="CASCADE"), primary_key=True)
    skill: Mapped[str] = mapped_column(String(20), primary_key=True)
    needed: Mapped[int] = mapped_column(Integer)


class VolunteerOffer(Base):
    __tablename__ = "volunteer_offer"
    __table_args__ = (CheckConstraint("travel_radius_km >= 0", name="radius_nonneg"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    availability: Mapped[str] = mapped_column(String(100), default="")  # comma-separated codes
    travel_radius_km: Mapped[float] = mapped_column(Float, default=10.0)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    hours_per_week: Mapped[float] = mapped_column(Float, default=2.0)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    skills: Mapped[list[OfferSkill]] = relationship(cascade="all, delete-orphan")


class OfferSkill(Base):
    __tablename__ = "offer_skill"
    offer_id: Mapped[int] = mapped_column(ForeignKey("volunteer_offer.id", ondelete="CASCADE"), primary_key=True)
    skill: Mapped[str] = mapped_column(String(20), primary_key=True)


class Assignment(Base):
    __tablename__ = "assignment"
    __table_args__ = (
        CheckConstraint("status IN ('proposed','contacted','confirmed','declined','cancelled')", name="status"),
        # A volunteer offer has at most one active assignment.
        Index(
            "uq_assignment_offer_active",
            "offer_id",
            unique=True,
            sqlite_where=_ASSIGNMENT_ACTIVE,
            postgresql_where=_ASSIGNMENT_ACTIVE,
        ),
        Index("ix_assignment_lead_status", "lead_id", "status"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("volunteer_offer.id", ondelete="CASCADE"))
    lead_id: Mapped[int] = mapped_column(ForeignKey("campaign_lead.id", ondelete="CASCADE"))
    skill: Mapped[str] = mapped_column(String(20))
    score: Mapped[float] = mapped_column(Float, default=0.0)
    distance_km: Mapped[float] = mapped_column(Float, default=0.0)
    reason: Mapped[str] = mapped_column(Text, default="")
    manual: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(10), default="proposed")
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    contacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MailOutbox(Base):
    """Every mail the Cockpit sends; a sender delivers them over SMTP with retries.

    contact_id names the person the mail goes to (a Linksaktive:r; NULL for mails to someone who is
    none): access and erasure find it by this id, and the sender checks that person's consent for
    purpose and channel at send time. A mail that may not go out is cancelled with a reason code.
    """

    __tablename__ = "mail_outbox"
    __table_args__ = (
        CheckConstraint("status IN ('queued','sent','failed','cancelled')", name="status"),
        Index("ix_mail_outbox_status_next", "status", "next_attempt_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"), index=True)
    to_addr: Mapped[str] = mapped_column(String(160))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(10), default="email", server_default="email")
    ref_type: Mapped[str] = mapped_column(String(30), default="")
    ref_id: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    # Why a queued mail was not sent: no_consent, consent_withdrawn, objection, no_person (services/mail/outbox).
    cancel_reason: Mapped[str] = mapped_column(String(30), default="", server_default="")
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

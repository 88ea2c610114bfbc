"""Contacts (Linksaktive), their topics, consents, activities and data-subject requests."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base
from db.types import UTCDateTime, utcnow

# Columns of the ladder indexes after the area (ix_contact_ladder and its Land and KV variants).
LADDER = ("contact_since", "source", "active_since", "member_since", "topic_mask")


class Contact(Base):
    __tablename__ = "contact"
    __table_args__ = (
        CheckConstraint("status IN ('contact','active','member')", name="status"),
        # With the id (migration 0023): a KV's, a Land's or a status's people from the index alone, merged
        # or hashed with the topic and consent indexes when the Liste counts (no read of the table).
        Index("ix_contact_kv_status", "kv_id", "status", "id"),
        Index("ix_contact_status_id", "status", "id"),
        Index("ix_contact_land_status", "land_code", "status", "id"),
        Index("ix_contact_plz_status", "plz", "status"),
        Index("ix_contact_kv_created", "kv_id", "created_at"),
        # A Land's Übersicht (migration 0007).
        Index("ix_contact_land_source", "land_code", "source"),
        Index("ix_contact_land_created", "land_code", "created_at"),
        Index("ix_contact_land_plz", "land_code", "plz"),
        # Newspaper batch: contacts with a complete address per PLZ (migration 0006).
        Index(
            "ix_contact_plz_address",
            "plz",
            sqlite_where=text("street <> '' AND city <> ''"),
            postgresql_where=text("street <> '' AND city <> ''"),
        ),
        # Name-search indexes differ per database; they are created in the migration.
        # Exact duplicate keys (migration 0008): normalised e-mail and E.164 phone.
        Index(
            "ix_contact_email_key",
            "email_key",
            sqlite_where=text("email_key <> ''"),
            postgresql_where=text("email_key <> ''"),
        ),
        Index(
            "ix_contact_phone_key",
            "phone_key",
            sqlite_where=text("phone_key <> ''"),
            postgresql_where=text("phone_key <> ''"),
        ),
        # The ladder on the Entwicklung page (migration 0019): entries per day and source with their steps,
        # nationally, per Land and per KV, read from the index alone; who became active or a member in a period.
        # The topic bits last (migration 0024): the split by topic reads the same indexes.
        Index("ix_contact_ladder", *LADDER),
        Index("ix_contact_land_ladder", "land_code", *LADDER),
        Index("ix_contact_kv_ladder", "kv_id", *LADDER),
        Index(
            "ix_contact_active_since",
            "active_since",
            "land_code",
            "kv_id",
            "id",
            sqlite_where=text("active_since IS NOT NULL"),
            postgresql_where=text("active_since IS NOT NULL"),
        ),
        Index(
            "ix_contact_member_since",
            "member_since",
            "land_code",
            "kv_id",
            sqlite_where=text("member_since IS NOT NULL"),
            postgresql_where=text("member_since IS NOT NULL"),
        ),
        # The people of one import batch; typed-in contacts (NULL) stay out (migration 0022).
        Index(
            "ix_contact_import_batch_id",
            "import_batch_id",
            sqlite_where=text("import_batch_id IS NOT NULL"),
            postgresql_where=text("import_batch_id IS NOT NULL"),
        ),
        # Sign-ups waiting for their double opt-in (migration 0016): the sender and the lapse job.
        Index(
            "ix_contact_unconfirmed_since",
            "unconfirmed_since",
            sqlite_where=text("unconfirmed_since IS NOT NULL"),
            postgresql_where=text("unconfirmed_since IS NOT NULL"),
        ),
        # The Info audience (migration 0020): the contacts one can mail, in id order, read from the index alone;
        # the predicate is the literal text of db.queries.info._reachable.
        Index(
            "ix_contact_mailable",
            "id",
            "kv_id",
            "land_code",
            sqlite_where=text("unconfirmed_since IS NULL AND email LIKE '%@%.%'"),
            postgresql_where=text("unconfirmed_since IS NULL AND email LIKE '%@%.%'"),
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str] = mapped_column(String(160), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    street: Mapped[str] = mapped_column(String(160), default="")
    plz: Mapped[str] = mapped_column(ForeignKey("plz.plz"))
    city: Mapped[str] = mapped_column(String(120), default="")
    # Derived from the PLZ, never typed by hand (services/geo.resolve_plz).
    kreis_ags: Mapped[str] = mapped_column(ForeignKey("kreis.ags"), index=True)
    kv_id: Mapped[int] = mapped_column(ForeignKey("kreisverband.id"))
    land_code: Mapped[str] = mapped_column(ForeignKey("land.code"))
    status: Mapped[str] = mapped_column(String(10), default="contact")
    contact_since: Mapped[date] = mapped_column(Date)
    active_since: Mapped[date | None] = mapped_column(Date)
    member_since: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(20), index=True)
    # The topics as bits (db/topic_mask.py), kept by triggers on contact_topic; never written by the ORM.
    topic_mask: Mapped[int] = mapped_column(Integer, server_default="0", nullable=False)
    birth_year: Mapped[int | None] = mapped_column(Integer)
    # Keys for exact duplicate matches, kept by every write path (services.contacts.keys).
    email_key: Mapped[str] = mapped_column(String(160), default="", server_default="")
    phone_key: Mapped[str] = mapped_column(String(20), default="", server_default="")
    # The import batch that created this person (rollback, list filter); NULL when typed in.
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id", ondelete="SET NULL"))
    # Double opt-in (issue 10): NULL = nothing to confirm; set = the sign-up waits for confirmation since then.
    unconfirmed_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, index=True)

    topics: Mapped[list[ContactTopic]] = relationship(cascade="all, delete-orphan")
    consents: Mapped[list[Consent]] = relationship(cascade="all, delete-orphan")


class ContactTopic(Base):
    __tablename__ = "contact_topic"
    # The people with a topic in id order (migration 0020), for the Info audience's merge with the contacts.
    __table_args__ = (Index("ix_contact_topic_topic_contact", "topic", "contact_id"),)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True)
    topic: Mapped[str] = mapped_column(String(20), primary_key=True, index=True)
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id", ondelete="SET NULL"))


class Consent(Base):
    """One consent record; the latest per (contact, purpose, channel) decides."""

    __tablename__ = "consent"
    __table_args__ = (
        Index("ix_consent_lookup", "contact_id", "purpose", "channel", "granted_at"),
        # Covers "latest record decides" for one purpose/channel (migration 0006) and, as its leading part,
        # the lookups by purpose and channel (ix_consent_purpose_channel, dropped in migration 0022).
        Index("ix_consent_pc_latest", "purpose", "channel", "contact_id", "granted_at", "id", "withdrawn_at"),
        # The withdrawn records alone (a tenth; migration 0020): the "withdrawn later" side of "latest decides".
        Index(
            "ix_consent_withdrawn",
            "purpose",
            "channel",
            "contact_id",
            "granted_at",
            "id",
            "withdrawn_at",
            sqlite_where=text("withdrawn_at IS NOT NULL"),
            postgresql_where=text("withdrawn_at IS NOT NULL"),
        ),
        CheckConstraint(
            "purpose IN ('information','call_to_action','newspaper','volunteering','pass_to_branch')",
            name="purpose",
        ),
        CheckConstraint("channel IS NULL OR channel IN ('email','phone','sms','post')", name="channel"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str | None] = mapped_column(String(10))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(String(40), default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id", ondelete="SET NULL"))


class ConsentActive(Base):
    """One active consent per (purpose, channel, contact), derived from the ledger by triggers (db/consent_state.py).

    channel '' stands for a consent without a channel. No foreign key: the consent triggers remove the
    row when the ledger's records go (also by cascade), and a key of its own would only slow the load.
    """

    __tablename__ = "consent_active"
    purpose: Mapped[str] = mapped_column(String(20), primary_key=True)
    channel: Mapped[str] = mapped_column(String(10), primary_key=True)
    contact_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


class Activity(Base):
    """An entry of a contact's timeline."""

    __tablename__ = "activity"
    __table_args__ = (
        Index("ix_activity_contact_at", "contact_id", "occurred_at"),
        # Unsubscribes through a personal link per mailing (migration 0016, db.queries.links.unsubscribed_count).
        Index(
            "ix_activity_link_unsubscribe",
            "ref_type",
            "ref_id",
            sqlite_where=text("kind = 'link_unsubscribe'"),
            postgresql_where=text("kind = 'link_unsubscribe'"),
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")
    ref_type: Mapped[str] = mapped_column(String(30), default="")
    ref_id: Mapped[int | None] = mapped_column(Integer)
    user_id: Mapped[int | None] = mapped_column(Integer)
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id", ondelete="SET NULL"))


class DataSubjectRequest(Base):
    """A GDPR request (Auskunft, Berichtigung, Löschung) and its handling."""

    __tablename__ = "data_subject_request"
    __table_args__ = (
        CheckConstraint("kind IN ('access','rectification','erasure','objection')", name="kind"),
        CheckConstraint("status IN ('open','done','rejected')", name="status"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # SET NULL so that erasing the person keeps the request's fact (and the audit).
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default="open")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Text, default="")


class ContactShare(Base):
    """An explicit, audited handover: a KV outside the contact's own may see this person."""

    __tablename__ = "contact_share"
    __table_args__ = (Index("ix_contact_share_kv", "kv_id", "revoked_at", "contact_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    kv_id: Mapped[int] = mapped_column(ForeignKey("kreisverband.id"))
    reason: Mapped[str] = mapped_column(String(40), default="volunteer_handover")
    ref_id: Mapped[int | None] = mapped_column(Integer)
    granted_by: Mapped[int | None] = mapped_column(Integer)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

"""Linksaktiv-Infos (mailings by topic and region) and surveys (questions, one response per person)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base
from db.types import UTCDateTime, utcnow


class InfoMailing(Base):
    """A Linksaktiv-Info: title and text by topic and region, sent once through the outbox."""

    __tablename__ = "info_mailing"
    __table_args__ = (CheckConstraint("region_level IN ('national','land','kv')", name="region_level"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    topics: Mapped[str] = mapped_column(Text, default="")  # comma-separated topic codes
    region_level: Mapped[str] = mapped_column(String(10), default="national")
    land_code: Mapped[str | None] = mapped_column(ForeignKey("land.code"))
    kv_id: Mapped[int | None] = mapped_column(ForeignKey("kreisverband.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recipients: Mapped[int] = mapped_column(Integer, default=0)


class InfoDelivery(Base):
    """One person an Info went to; the per-person limit of Infos in 30 days counts these."""

    __tablename__ = "info_delivery"
    __table_args__ = (
        UniqueConstraint("info_id", "contact_id"),
        Index("ix_info_delivery_contact_sent", "contact_id", "sent_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    info_id: Mapped[int] = mapped_column(ForeignKey("info_mailing.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SurveyQuestion(Base):
    """A question of a survey (a call_to_action of kind 'survey'); options one per line."""

    __tablename__ = "survey_question"
    __table_args__ = (
        UniqueConstraint("call_id", "position"),
        CheckConstraint("kind IN ('single','multi','scale','text')", name="kind"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call_to_action.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(String(300))
    options: Mapped[str] = mapped_column(Text, default="")


class SurveyResponse(Base):
    """One person's answer to a survey (at most one; changeable until the survey closes)."""

    __tablename__ = "survey_response"
    __table_args__ = (UniqueConstraint("call_id", "contact_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call_to_action.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    # Where the person lived when answering: results per Land and area without a join to contact.
    land_code: Mapped[str] = mapped_column(ForeignKey("land.code"))
    kv_id: Mapped[int] = mapped_column(ForeignKey("kreisverband.id"))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SurveyAnswer(Base):
    """One chosen option (single, multi: one row each; scale: 1–5) or a free text of a response."""

    __tablename__ = "survey_answer"
    __table_args__ = (Index("ix_survey_answer_question_option", "question_id", "option"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("survey_response.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_question.id", ondelete="CASCADE"))
    option: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")

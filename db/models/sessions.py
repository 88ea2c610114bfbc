"""Login sessions kept on the server (ASVS V3): the login cookie names one, every run checks it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base
from db.types import UTCDateTime, utcnow

END_REASONS = ("logout", "idle", "password_changed", "password_reset", "deactivated", "logged_out_everywhere", "locked")


class UserSession(Base):
    """One login of one user in one browser: open until ended_at is set (then never again).

    The id is a random secret (secrets.token_urlsafe) carried in the signed login cookie; idle time
    is kept here, per session, not per user.
    """

    __tablename__ = "user_session"
    __table_args__ = (CheckConstraint(f"end_reason IN {END_REASONS!r}", name="end_reason"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(24))

"""Personal links (issue 10): the uses of one-time tokens, so a used confirmation link works only once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base
from db.types import UTCDateTime, utcnow


class LinkTokenUse(Base):
    """One used one-time token (its random nonce); linked to the person so an erasure removes it."""

    __tablename__ = "link_token_use"
    nonce: Mapped[str] = mapped_column(String(40), primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

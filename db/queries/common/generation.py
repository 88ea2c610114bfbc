"""Generations: a token in the database that changes with a kind of change no contact row shows.

Cache keys carry a fingerprint read from the database (never from the process), so that a change
made through one app process is seen through every other at its next action. Moving a Kreis to
another KV changes who counts where without touching a contact's own data (updated_at stays):
such writes renew the `structure` generation, and the fingerprint includes it.
"""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AppSetting
from db.types import utcnow

_PREFIX = "generation:"


def renew(session: Session, name: str) -> None:
    """Give the generation `name` a new random token (in the caller's transaction)."""
    key, token = _PREFIX + name, secrets.token_hex(8)
    row = session.get(AppSetting, key)
    if row is None:
        session.add(AppSetting(key=key, value=token, updated_at=utcnow()))
    else:
        row.value, row.updated_at = token, utcnow()


def current(session: Session, name: str) -> str:
    """The generation's token ('' before its first change)."""
    return session.scalar(select(AppSetting.value).where(AppSetting.key == _PREFIX + name)) or ""

"""Signed personal-link tokens (issue 10): one person, one purpose, expiring; HMAC by itsdangerous.

A token names the person (contact id), the purpose and a reference (which call, which Info), and
one-time tokens a random nonce whose use is recorded (link_token_use). The page that opens a link
trusts nothing but a token that this installation signed (the secret LINK_SECRET) and that has not
expired (LINK_MAX_AGE_DAYS). Purposes:

- confirm: confirm a sign-up (double opt-in); one-time.
- answer: answer a call to action or a survey; ref `call:<id>`; reusable until the call closes.
- topics: change one's topics or unsubscribe; ref names the mailing the link came in
  (`info:<id>`, `call:<id>`) or is empty.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets as random_secrets
import time
from dataclasses import dataclass
from functools import lru_cache

from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from itsdangerous.encoding import int_to_bytes

from domain.errors import UserError

PURPOSES = ("confirm", "answer", "topics")
ONE_TIME = ("confirm",)
_SALT = "linksaktiv-personal-link"
_REF = re.compile(r"^([a-z_]+:\d+)?$")


class LinkError(UserError):
    """A link that cannot be used (forged, expired, for something else, used, closed); nothing was changed.

    reason is a code for tests and the page: forged, expired, purpose, used, closed, gone.
    """

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


FORGED = (
    "Dieser Link ist ungültig. Vielleicht wurde er beim Kopieren abgeschnitten. Öffne ihn bitte direkt aus deiner Mail."
)
EXPIRED = (
    "Dieser Link ist abgelaufen. Aus Sicherheitsgründen gelten persönliche Links nur eine Weile. "
    "Mit der nächsten Mail von Linksaktiv bekommst du neue Links."
)
WRONG_PURPOSE = "Dieser Link ist für etwas anderes gedacht. Öffne bitte den passenden Link aus deiner Mail."


@dataclass(frozen=True)
class LinkClaim:
    """What a valid token says: whose link, for what, about which mailing, and its one-time nonce ('' if reusable)."""

    contact_id: int
    purpose: str
    ref: str = ""
    nonce: str = ""

    @property
    def ref_type(self) -> str:
        """The kind of mailing the link came in ('call', 'info') or ''."""
        return self.ref.split(":", 1)[0] if self.ref else ""

    @property
    def ref_id(self) -> int | None:
        """The id of the mailing the link came in, or None."""
        return int(self.ref.split(":", 1)[1]) if self.ref else None


@lru_cache(maxsize=4)
def _serializer(secret: str) -> URLSafeTimedSerializer:
    if len((secret or "").encode()) < 32:
        raise ValueError("the link secret must have at least 32 bytes")
    return URLSafeTimedSerializer(secret, salt=_SALT)


@lru_cache(maxsize=4)
def _mac(secret: str):
    # The HMAC of itsdangerous' signer with its derived key, kept: a mail to 100,000 people signs 200,000 links.
    return hmac.new(_serializer(secret).make_signer(_SALT).derive_key(), digestmod=hashlib.sha1)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def issue_token(secret: str, contact_id: int, purpose: str, ref: str = "", *, one_time: bool = False) -> str:
    """A signed, URL-safe token for contact_id and purpose (ref e.g. 'call:12'); one-time ones carry a nonce.

    The same bytes as itsdangerous' URLSafeTimedSerializer.dumps (a test holds them equal), five times faster.
    """
    if purpose not in PURPOSES:
        raise ValueError(f"unknown link purpose {purpose!r}")
    if not _REF.match(ref or ""):
        raise ValueError(f"bad link reference {ref!r}")
    nonce = f',"{random_secrets.token_urlsafe(12)}"' if one_time or purpose in ONE_TIME else ""
    payload = f'[{int(contact_id)},"{purpose}","{ref or ""}"{nonce}]'
    value = f"{_b64(payload.encode())}.{_b64(int_to_bytes(int(time.time())))}"
    mac = _mac(secret).copy()
    mac.update(value.encode())
    return f"{value}.{_b64(mac.digest())}"


def token_signer(secret: str, purpose: str, ref: str = ""):
    """issue_token(secret, contact_id, purpose, ref) as a function of contact_id alone, for one mailing's many links.

    What every token of the mailing shares (key, payload frame, timestamp) is prepared once, so a link costs
    one HMAC and two base64 encodings; the tokens are the same bytes issue_token makes. Not for one-time
    purposes: their nonce makes each token different (use issue_token).
    """
    if purpose in ONE_TIME:
        raise ValueError(f"one-time link purpose {purpose!r} needs issue_token")
    issue_token(secret, 0, purpose, ref)  # the same checks of purpose, reference and secret
    key = _serializer(secret).make_signer(_SALT).derive_key()
    head, tail = b"[", f',"{purpose}","{ref or ""}"]'.encode()
    b64, digest = base64.urlsafe_b64encode, hmac.digest
    stamp: list = [None, b""]  # (second, ".<its base64>") of the last token: tokens within a second share it

    def sign(contact_id: int) -> str:
        now = int(time.time())
        if now != stamp[0]:
            stamp[0], stamp[1] = now, b"." + b64(int_to_bytes(now)).rstrip(b"=")
        value = b64(head + str(int(contact_id)).encode() + tail).rstrip(b"=") + stamp[1]
        return (value + b"." + b64(digest(key, value, "sha1")).rstrip(b"=")).decode()

    return sign


def read_token(secret: str, token: str, purpose: str, *, max_age_days: float) -> LinkClaim:
    """The claim of a token this installation signed for purpose, not older than max_age_days; else a LinkError."""
    try:
        payload = _serializer(secret).loads((token or "").strip(), max_age=int(max_age_days * 86400))
    except SignatureExpired as exc:
        raise LinkError(EXPIRED, "expired") from exc
    except (BadData, ValueError, TypeError) as exc:
        raise LinkError(FORGED, "forged") from exc
    if not isinstance(payload, list) or len(payload) not in (3, 4):
        raise LinkError(FORGED, "forged")
    contact_id, got, ref = payload[:3]
    nonce = payload[3] if len(payload) == 4 else ""
    if not isinstance(contact_id, int) or got not in PURPOSES or not isinstance(ref, str) or not _REF.match(ref):
        raise LinkError(FORGED, "forged")
    if got != purpose:
        raise LinkError(WRONG_PURPOSE, "purpose")
    if got in ONE_TIME and not nonce:
        raise LinkError(FORGED, "forged")
    return LinkClaim(contact_id, got, ref, nonce)


def peek_purpose(secret: str, token: str, *, max_age_days: float) -> str:
    """The purpose a valid token was issued for (to choose the page's view); a LinkError when it is not valid."""
    try:
        payload = _serializer(secret).loads((token or "").strip(), max_age=int(max_age_days * 86400))
    except SignatureExpired as exc:
        raise LinkError(EXPIRED, "expired") from exc
    except (BadData, ValueError, TypeError) as exc:
        raise LinkError(FORGED, "forged") from exc
    if not isinstance(payload, list) or len(payload) < 3 or payload[1] not in PURPOSES:
        raise LinkError(FORGED, "forged")
    return payload[1]

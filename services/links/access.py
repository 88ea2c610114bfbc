"""What a personal link opens (no login): the token checked, the person found, the view of its purpose.

The public page trusts the token and nothing else: every read and every action checks it again and
touches only the person it names. Actions are audited under the actor "persönlicher Link".
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from db.models import Contact
from db.queries import links as q
from services.core.scope import Scope
from services.core.settings import get_settings
from services.links.tokens import LinkClaim, LinkError, peek_purpose, read_token

# Who acts when a person uses their link: no account, so no user id (the audit names the person's id).
LINK_ACTOR = Scope(role="", user_id=None, username="persönlicher Link")
GONE = "Zu diesem Link gibt es keine Daten mehr. Wenn du weiter von Linksaktiv hören möchtest, melde dich neu an."


@dataclass(frozen=True)
class LinkPage:
    """What the public page shows for a link: its purpose, the person's first name and the purpose's view."""

    purpose: str
    first_name: str
    view: object


def settings_or_default(settings=None):
    """The settings passed, else the process's settings."""
    return settings if settings is not None else get_settings()


def claim_of(token: str, purpose: str, settings=None) -> LinkClaim:
    """The token's claim for purpose under this installation's secret and expiry; LinkError otherwise."""
    s = settings_or_default(settings)
    return read_token(s.link_secret, token, purpose, max_age_days=s.link_max_age_days)


def person(session: Session, claim: LinkClaim) -> Contact:
    """The person the claim names; LinkError when they are no longer in the database."""
    contact = q.contact(session, claim.contact_id)
    if contact is None:
        raise LinkError(GONE, "gone")
    return contact


def open_link(session: Session, token: str, settings=None) -> LinkPage:
    """The page a token opens: the view of its purpose (services.links.signup/answers/preferences)."""
    from services.links import answers, preferences, signup

    s = settings_or_default(settings)
    purpose = peek_purpose(s.link_secret, token, max_age_days=s.link_max_age_days)
    opener = {"confirm": signup.confirm_view, "answer": answers.answer_view, "topics": preferences.topics_view}
    return opener[purpose](session, token, s)

"""Input rules for caring for contacts: plain checks that raise German ValidationErrors, no database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from domain.enums import ACTIVITY_KINDS, CHANNELS, PURPOSES, SOURCES, STATUSES, TOPICS
from domain.errors import ValidationError
from services.core import validate

BERLIN = ZoneInfo("Europe/Berlin")
LADDER = ("contact", "active", "member")
# Purposes that are not about a channel (DESIGN §2); all others need one.
CHANNEL_LESS = ("volunteering", "pass_to_branch")
# The purpose × channel pairs that exist (DESIGN §2): the newspaper comes by post, calls to action reach
# people by e-mail, SMS or phone, information by e-mail, post or phone; the channel-less purposes have None.
# A pair outside this table (newspaper by SMS) is refused, so nobody records a consent nothing can use.
CONSENT_PAIRS: dict[str, tuple[str | None, ...]] = {
    "information": ("email", "phone", "post"),
    "call_to_action": ("email", "sms", "phone"),
    "newspaper": ("post",),
    "volunteering": (None,),
    "pass_to_branch": (None,),
}
# Timeline kinds a person may write by hand; the others are written by the acts they describe.
MANUAL_KINDS = ("note", "call", "email", "infostand", "haustuer", "veranstaltung")
NOTE_MAX = validate.field("activity.note").limit
EVIDENCE_MAX = validate.field("consent.evidence").limit


@dataclass(frozen=True)
class ConsentInput:
    """A consent given at capture or later: purpose, channel (None for channel-less purposes), evidence."""

    purpose: str
    channel: str | None
    source: str
    evidence: str


@dataclass(frozen=True)
class ContactInput:
    """The master data typed into a form (Kreis, KV and Land are never typed: they come from the PLZ)."""

    first_name: str
    last_name: str
    email: str = ""
    phone: str = ""
    street: str = ""
    plz: str = ""
    city: str = ""
    status: str = "contact"
    source: str = "infostand"
    topics: tuple[str, ...] = ()
    consents: tuple[ConsentInput, ...] = field(default_factory=tuple)


def today_berlin() -> date:
    """Today's date in Germany (dates of status steps are calendar days there)."""
    return datetime.now(BERLIN).date()


def clean_email(value, current: str | None = None) -> str:
    """The e-mail address normalised, or '' when empty; German ValidationError when it is not one address.

    current: the stored address, kept as it is when sent back unchanged.
    """
    return validate.email(value, "contact.email", current=current)


def clean_phone(value, current: str | None = None) -> str:
    """The phone number as typed (spaces folded), or '' when empty; German ValidationError when no valid number.

    current: the stored number, kept as it is when sent back unchanged (older entries were checked less).
    """
    return validate.phone(value, "contact.phone", current=current)


def clean_master(data: ContactInput, current=None) -> dict:
    """Checked master data as column values (without the place, which the PLZ decides).

    current: the contact as stored, when it is edited: its unchanged e-mail and phone stay as they are.
    """
    return {
        "first_name": validate.text(data.first_name, "contact.first_name", required=True),
        "last_name": validate.text(data.last_name, "contact.last_name", required=True),
        "email": clean_email(data.email, getattr(current, "email", None)),
        "phone": clean_phone(data.phone, getattr(current, "phone", None)),
        "street": validate.text(data.street, "contact.street"),
        "city": validate.text(data.city, "contact.city"),
    }


def check_source(source: str) -> str:
    """A known source code or ValidationError."""
    if source not in SOURCES:
        raise ValidationError("Bitte wähle, wo die Person zu uns gekommen ist (Quelle).")
    return source


def check_status(status: str) -> str:
    """A known status code or ValidationError."""
    if status not in STATUSES:
        raise ValidationError("Diesen Status gibt es nicht (Kontakt, Aktiv oder Mitglied).")
    return status


def check_topics(topics) -> list[str]:
    """Known topic codes, sorted and without repeats, or ValidationError."""
    codes = sorted(set(topics or ()))
    unknown = [t for t in codes if t not in TOPICS]
    if unknown:
        raise ValidationError("Mindestens ein Thema kennen wir nicht. Bitte wähle aus der Liste.")
    return codes


def check_consent(c: ConsentInput) -> ConsentInput:
    """A consent with known purpose, a fitting channel, a source and evidence; ValidationError otherwise."""
    if c.purpose not in PURPOSES:
        raise ValidationError("Bitte wähle einen Zweck der Einwilligung.")
    channel = c.channel or None
    if c.purpose in CHANNEL_LESS:
        if channel is not None:
            raise ValidationError(
                f"Die Einwilligung „{PURPOSES[c.purpose]}“ gilt ohne Kanal. Bitte wähle keinen Kanal."
            )
    elif channel not in CHANNELS:
        raise ValidationError(f"Für „{PURPOSES[c.purpose]}“ brauchen wir den Kanal (E-Mail, Telefon, SMS oder Post).")
    elif channel not in CONSENT_PAIRS[c.purpose]:
        labels = [CHANNELS[ch] for ch in CONSENT_PAIRS[c.purpose]]
        allowed = ", ".join(labels[:-1]) + " oder " + labels[-1] if len(labels) > 1 else labels[0]
        raise ValidationError(
            f"„{PURPOSES[c.purpose]} per {CHANNELS[channel]}“ gibt es nicht: {PURPOSES[c.purpose]} geht nur per {allowed}."
        )
    source = check_source(c.source)
    evidence = validate.text(c.evidence, "consent.evidence", required=True)
    return ConsentInput(c.purpose, channel, source, evidence)


def check_consents(consents) -> list[ConsentInput]:
    """Checked consents; the same purpose and channel twice in one capture is refused."""
    out = [check_consent(c) for c in consents or ()]
    keys = [(c.purpose, c.channel) for c in out]
    if len(set(keys)) != len(keys):
        raise ValidationError("Jede Einwilligung (Zweck und Kanal) bitte nur einmal angeben.")
    return out


def check_day(day, label: str, not_before: date | None = None) -> date:
    """A date not in the future (and not before not_before); ValidationError otherwise."""
    if not isinstance(day, date):
        raise ValidationError(f"Bitte gib {label} an.")
    if isinstance(day, datetime):
        day = day.date()
    if day > today_berlin():
        raise ValidationError(f"{label[0].upper()}{label[1:]} darf nicht in der Zukunft liegen.")
    if not_before is not None and day < not_before:
        raise ValidationError(f"{label[0].upper()}{label[1:]} darf nicht vor dem {not_before:%d.%m.%Y} liegen.")
    return day


def check_activity(kind: str, day, note) -> tuple[str, date, str]:
    """A hand-written timeline entry: manual kind, a day not in the future, a short note."""
    if kind not in MANUAL_KINDS:
        raise ValidationError("Bitte wähle die Art des Eintrags (Notiz, Telefonat, E-Mail, …).")
    day = check_day(day, "das Datum")
    text = validate.text(note, "activity.note")
    if kind == "note" and not text:
        raise ValidationError("Eine Notiz braucht einen Text.")
    return kind, day, text


def moment_of(day: date) -> datetime:
    """When an entry dated day happened: now for today, noon (Berlin) for earlier days."""
    now = datetime.now(BERLIN)
    if day >= now.date():
        return now
    return datetime.combine(day, time(12, 0), tzinfo=BERLIN)


def status_label(code: str) -> str:
    """German label of a status code."""
    return STATUSES.get(code, code)


def activity_label(code: str) -> str:
    """German label of an activity kind."""
    return ACTIVITY_KINDS.get(code, code)

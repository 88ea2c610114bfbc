"""Keys that identify a person exactly: the normalised e-mail address and the phone number in E.164."""

from __future__ import annotations

import phonenumbers


def email_key(email: str | None) -> str:
    """The address as compared for duplicates: trimmed and lower-cased ('' when empty)."""
    return (email or "").strip().lower()


def phone_key(phone: str | None, region: str = "DE") -> str:
    """The number in E.164 ('+4934112345'), German numbers without prefix assumed; '' when not a number."""
    text = (phone or "").strip()
    if not text:
        return ""
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(parsed):
        return ""
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def name_key(text: str | None) -> str:
    """A name as compared for "the same one twice" (an office, an edition): spaces collapsed, case folded."""
    return " ".join((text or "").split()).casefold()

"""German display formats: dates in Europe/Berlin, numbers with German separators."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")


def format_datetime(value: datetime | None) -> str:
    """'24.12.2026, 18:30' in Berlin time; '' for None."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo("UTC"))
    return value.astimezone(BERLIN).strftime("%d.%m.%Y, %H:%M")


def format_date(value: date | None) -> str:
    """'24.12.2026'; '' for None."""
    return value.strftime("%d.%m.%Y") if value else ""


def format_int(value: int | None, hidden: str = "< 5") -> str:
    """'12.345' with German thousands separator; the hidden marker for a suppressed count."""
    if value is None:
        return hidden
    return f"{int(value):,}".replace(",", ".")


def format_people(n: int) -> str:
    """'1.234 Linksaktive', '1 Linksaktive:n': a count of people as the send buttons and messages say it."""
    return "1 Linksaktive:n" if n == 1 else f"{format_int(n)} Linksaktive"


def format_decimal(value: float, digits: int = 1) -> str:
    """'1.234,5' with German separators, rounded to digits; whole numbers without decimals ('15')."""
    rounded = round(float(value), digits)
    if rounded.is_integer():
        return format_int(int(rounded))
    return f"{rounded:,.{digits}f}".replace(",", "_").replace(".", ",").replace("_", ".")


def format_km(value: float) -> str:
    """'15 km', '7,5 km': a distance with German decimals."""
    return f"{format_decimal(value, 1)} km"


def format_percent(ratio: float | None, digits: int = 1) -> str:
    """'91,9 %' for 0.919; '–' when there is no ratio."""
    if ratio is None:
        return "–"
    return f"{format_decimal(ratio * 100, digits)} %"

"""German display formats: separators, rounding, Berlin time."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.formatting import format_date, format_datetime, format_decimal, format_int, format_people


def test_integers_get_german_thousands_separators_and_hidden_counts_a_marker():
    assert format_int(1234567) == "1.234.567"
    assert format_int(None) == "< 5"


def test_decimals_use_a_comma_and_drop_a_zero_fraction():
    assert format_decimal(3.34) == "3,3"
    assert format_decimal(1234.56) == "1.234,6"
    assert format_decimal(15.0) == "15"
    assert format_decimal(14.96) == "15"
    assert format_decimal(0.0612, 2) == "0,06"


def test_times_show_in_berlin():
    winter = datetime(2026, 1, 10, 23, 30, tzinfo=UTC)
    summer = datetime(2026, 7, 10, 22, 30, tzinfo=UTC)
    assert format_datetime(winter) == "11.01.2026, 00:30"
    assert format_datetime(summer) == "11.07.2026, 00:30"
    assert format_date(winter.date()) == "10.01.2026"


def test_a_count_of_people_is_singular_for_one_and_grouped_above():
    assert format_people(1) == "1 Linksaktive:n"
    assert format_people(0) == "0 Linksaktive"
    assert format_people(12345) == "12.345 Linksaktive"

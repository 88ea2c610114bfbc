"""Retention rules without a database: the cutoff in calendar months, the confirmation, the journal file."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.errors import ValidationError
from services.privacy import tombstones
from services.privacy.retention import check_confirmation, cutoff, months_before


@pytest.mark.parametrize(
    "moment, months, expected",
    [
        (datetime(2026, 11, 28, 3, 15, tzinfo=UTC), 24, datetime(2024, 11, 28, 3, 15, tzinfo=UTC)),
        (datetime(2026, 3, 31, tzinfo=UTC), 1, datetime(2026, 2, 28, tzinfo=UTC)),
        (datetime(2026, 3, 31, tzinfo=UTC), 25, datetime(2024, 2, 29, tzinfo=UTC)),
        (datetime(2026, 1, 15, tzinfo=UTC), 13, datetime(2024, 12, 15, tzinfo=UTC)),
    ],
)
def test_months_before_counts_calendar_months(moment, months, expected):
    assert months_before(moment, months) == expected


def test_cutoff_uses_the_setting_unless_given():
    now = datetime(2026, 6, 1, tzinfo=UTC)
    assert cutoff(now) == datetime(2024, 6, 1, tzinfo=UTC)
    assert cutoff(now, months=6) == datetime(2025, 12, 1, tzinfo=UTC)


@pytest.mark.parametrize("typed", ["ANONYMISIEREN", " anonymisieren "])
def test_confirmation_accepts_the_word(typed):
    check_confirmation(typed)


@pytest.mark.parametrize("typed", ["", "ja", "LÖSCHEN", "ANONYM"])
def test_confirmation_refuses_anything_else(typed):
    with pytest.raises(ValidationError):
        check_confirmation(typed)


def test_journal_appends_and_survives_a_cut_off_last_line(tmp_path):
    at = datetime(2026, 1, 2, 3, 4, 5, 678, tzinfo=UTC)
    tombstones.append(tmp_path, [tombstones.line(7, at, "art17")])
    tombstones.append(tmp_path, [tombstones.line(8, at, "retention")])
    with tombstones.journal_path(tmp_path).open("a") as fh:
        fh.write('{"contact_id": 9, "erased_')  # a crash in the middle of a line
    assert [(e["contact_id"], e["reason"]) for e in tombstones.read_journal(tmp_path)] == [
        (7, "art17"),
        (8, "retention"),
    ]
    tombstones.append(tmp_path, [tombstones.line(10, at, "art17")])  # the next line after the cut stays whole
    assert [e["contact_id"] for e in tombstones.read_journal(tmp_path)] == [7, 8, 10]
    assert tombstones.read_journal(tmp_path)[0]["erased_at"] == at.isoformat()
    assert tombstones.read_journal(tmp_path / "fehlt") == []


def test_unknown_reason_is_refused():
    with pytest.raises(ValueError):
        tombstones.record(None, 1, "weil", datetime.now(UTC))

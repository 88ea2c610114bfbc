"""Unit tests of the data-subject request rules: deadlines, consent withdrawal, scrubbing, confirmation, FKs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from db.models import Base
from domain.errors import ValidationError
from services.privacy.erasure import ERASED, check_confirmation, scrub
from services.privacy.objection import latest_records
from services.privacy.requests import add_month, deadline, is_overdue


def test_add_month_clamps_to_month_end():
    assert add_month(date(2025, 1, 31)) == date(2025, 2, 28)
    assert add_month(date(2024, 1, 31)) == date(2024, 2, 29)
    assert add_month(date(2025, 12, 15)) == date(2026, 1, 15)
    assert add_month(date(2025, 3, 31)) == date(2025, 4, 30)


def test_deadline_counts_in_berlin():
    # 23:30 UTC on 31 March is already 1 April in Berlin.
    assert deadline(datetime(2025, 3, 31, 23, 30, tzinfo=UTC)) == date(2025, 5, 1)
    assert deadline(datetime(2025, 3, 31, 12, 0, tzinfo=UTC)) == date(2025, 4, 30)


def test_overdue_only_when_open_and_past_deadline():
    received = datetime(2025, 1, 10, 9, 0, tzinfo=UTC)
    assert not is_overdue(received, "open", date(2025, 2, 10))
    assert is_overdue(received, "open", date(2025, 2, 11))
    assert not is_overdue(received, "done", date(2026, 1, 1))


@dataclass
class FakeConsent:
    id: int
    purpose: str
    channel: str | None
    granted_at: datetime
    withdrawn_at: datetime | None = None


def test_latest_records_by_granted_at_then_id():
    t1, t2 = datetime(2024, 1, 1), datetime(2024, 2, 1)
    recs = [
        FakeConsent(1, "newspaper", "post", t2),
        FakeConsent(2, "newspaper", "post", t1),
        FakeConsent(3, "information", "email", t1),
        FakeConsent(4, "information", "email", t1),
        FakeConsent(5, "information", None, t1),
    ]
    assert sorted(r.id for r in latest_records(recs)) == [1, 4, 5]


def test_scrub_replaces_whole_words_in_any_case():
    text = "Hallo Kai Müller, kai@example.org, Kaiserslautern, +49 30 123, MÜLLER"
    out = scrub(text, ["Kai Müller", "kai@example.org", "+49 30 123", "Müller", "Kai"])
    assert "Kaiserslautern" in out
    for gone in ("Kai ", "kai@", "+49", "MÜLLER", "Müller"):
        assert gone not in out
    assert out.count(ERASED) == 4


@pytest.mark.parametrize("typed", ["LÖSCHEN", "löschen", " 04109 "])
def test_confirmation_accepts_plz_or_word(typed):
    check_confirmation(typed, "04109")


@pytest.mark.parametrize("typed", ["", "ja", "0410", "LOESCHEN"])
def test_confirmation_refuses_anything_else(typed):
    with pytest.raises(ValidationError):
        check_confirmation(typed, "04109")


def _referrers(table_name: str):
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == table_name:
                yield table.name, fk.parent.name, (fk.ondelete or "").upper()


def test_every_reference_to_a_person_cascades_or_is_handled_by_erasure():
    # Erasure deletes the contact row and relies on these rules; a new FK must decide too.
    seen = {}
    todo = ["contact"]
    while todo:
        parent = todo.pop()
        for table, col, ondelete in _referrers(parent):
            seen[(table, col)] = ondelete
            if ondelete == "CASCADE":
                todo.append(table)
    set_null = {k for k, v in seen.items() if v == "SET NULL"}
    # services/privacy/erasure.py blanks dispatch_order, clears data_subject_request, deletes or blanks the
    # mails to the person and blanks the campaign leads that name the person itself.
    assert set_null == {
        ("dispatch_order", "contact_id"),
        ("data_subject_request", "contact_id"),
        ("mail_outbox", "contact_id"),
        ("campaign_lead", "contact_id"),
    }
    assert all(v in ("CASCADE", "SET NULL") for v in seen.values()), seen
    assert {t for t, _ in seen} >= {
        "contact_topic",
        "consent",
        "activity",
        "contact_share",
        "volunteer_offer",
        "offer_skill",
        "assignment",
        "call_delivery",
    }

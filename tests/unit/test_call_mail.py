"""The text of a call-to-action mail: greeting slot, text, kind and time in Berlin, link, why and how to opt out."""

from __future__ import annotations

from datetime import UTC, datetime

from services.calls.workflow import CallInfo, mail_text


def _call(**kw) -> CallInfo:
    base = dict(
        id=1,
        title="Infostand",
        body="Wir stehen am Markt.",
        mode="on_site",
        topics=("miete",),
        region_level="land",
        land_code="14",
        kv_id=None,
        starts_at=None,
        ends_at=None,
        link="",
        sent_at=None,
    )
    base.update(kw)
    return CallInfo(**base)


def test_on_site_call_with_time_in_berlin_and_link():
    text = mail_text(_call(starts_at=datetime(2031, 6, 6, 8, tzinfo=UTC), link="https://example.org/a"))
    lines = text.splitlines()
    assert lines[:3] == [",", "", "Wir stehen am Markt."]  # the page and the sender put "Hallo <Vorname>" first
    assert "Art: vor Ort · Wann: 06.06.2031, 10:00 Uhr" in lines  # summer time: UTC+2
    assert "Mehr dazu: https://example.org/a" in lines
    assert "Abmelden" in lines[-1] and "eingewilligt" in lines[-1]


def test_online_call_over_days_without_link():
    text = mail_text(
        _call(
            mode="online",
            starts_at=datetime(2031, 1, 10, 17, tzinfo=UTC),
            ends_at=datetime(2031, 1, 12, 22, 59, tzinfo=UTC),
        )
    )
    assert "Art: online · Wann: 10.01.2031, 18:00 Uhr bis 12.01.2031" in text.splitlines()
    assert "Mehr dazu" not in text
    assert mail_text(_call(mode="online")).splitlines()[4] == "Art: online"

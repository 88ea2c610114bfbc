"""The contact card shows names from the database literally: no Markdown links or images (DESIGN §3.5)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _card_app():
    from datetime import UTC, date, datetime  # AppTest runs this function's source alone

    from components.contact_card import contact_card
    from services.contacts.card import ContactCard

    now = datetime(2024, 5, 1, tzinfo=UTC)
    contact_card(
        ContactCard(
            id=1,
            first_name="![x](https://tracker.example/p.png)",
            last_name="[klick](https://evil.example)",
            email="",
            phone="",
            street="",
            plz="04109",
            city="Leipzig",
            kreis="Leipzig",
            kreisverband="KV Leipzig",
            land="Sachsen",
            source="infostand",
            status="contact",
            contact_since=date(2024, 5, 1),
            active_since=None,
            member_since=None,
            created_at=now,
            updated_at=now,
        )
    )


def test_name_in_card_header_is_escaped():
    at = AppTest.from_function(_card_app).run()
    assert not at.exception
    header = at.subheader[0].value
    # Every Markdown bracket is escaped, so neither an image nor a link can render.
    assert "](" not in header.replace("\\]\\(", "")
    assert "\\[klick\\]" in header and "\\!\\[x\\]" in header

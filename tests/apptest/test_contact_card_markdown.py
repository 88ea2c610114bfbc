"""The contact card shows names from the database literally: plain text, no Markdown links or images (§3.5)."""

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
            email="www.evil.example@example.org",
            phone="",
            street="https://x%2Ey",
            plz="04109",
            city="Leipzig",
            kreis="Leipzig",
            kreisverband="KV www.evil.example",
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


def test_names_in_the_card_are_plain_text():
    from tests.support.markdown import markdown_strings, plain_strings

    at = AppTest.from_function(_card_app).run()
    assert not at.exception
    plain = "\n".join(plain_strings(at))
    assert "![x](https://tracker.example/p.png) [klick](https://evil.example)" in plain
    assert "KV www.evil.example" in plain and "https://x%2Ey" in plain
    # Escaping is not enough (Streamlit links www.… after it): no value reaches a Markdown element.
    for text in markdown_strings(at):
        assert not any(v in text.replace("\\", "") for v in ("evil.example", "tracker.example", "x%2Ey")), text

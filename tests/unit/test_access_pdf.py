"""The Art. 15 access PDF: German headings, every filled value, Unicode names, long texts across pages."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from services.privacy.access import german_document
from services.privacy.access_pdf import access_pdf
from tests.support.pdf import pdf_text

AT = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)


def _data(body: str = "Hallo Łucja,\nbis bald.", mails: int = 1) -> dict:
    """collect()'s shape with one person and a few records."""
    empty = {k: [] for k in ("activities", "dispatch_orders", "volunteer_offers", "assignments", "contact_shares")}
    return {
        "contact": {
            "id": 7,
            "first_name": "Łucja",
            "last_name": "Ağaoğlu-Ștefănescu",
            "email": "lucja@example.org",
            "phone": "",
            "street": "Gänseblümchenweg 7",
            "plz": "02826",
            "city": "Görlitz",
            "kreis": "Görlitz",
            "kreis_ags": "14626",
            "kreisverband": "KV Görlitz",
            "land": "Sachsen",
            "status": "member",
            "contact_since": "2024-01-05",
            "active_since": None,
            "member_since": "2025-06-30",
            "source": "infostand",
            "created_at": "2024-01-05T09:00:00+00:00",
            "updated_at": "2026-07-01T10:15:00",
        },
        "topics": [{"code": "miete", "label": "Miete"}],
        "consents": [
            {
                "id": 3,
                "purpose": "newspaper",
                "channel": "post",
                "granted_at": "2024-03-01T10:00:00+00:00",
                "withdrawn_at": None,
                "source": "infostand",
                "evidence": "Formular 12",
            }
        ],
        **empty,
        "call_deliveries": [],
        "campaign_leads_as_contact": [],
        "mails": [
            {
                "id": 40 + i,
                "to_addr": "lucja@example.org",
                "subject": "Zeitung",
                "body": body,
                "purpose": "newspaper",
                "channel": "email",
                "status": "cancelled",
                "cancel_reason": "objection",
                "created_at": "2026-01-02T08:00:00+00:00",
                "sent_at": None,
                "cancelled_at": "2026-01-03T08:00:00+00:00",
            }
            for i in range(mails)
        ],
        "data_subject_requests": [
            {"id": 9, "kind": "access", "status": "open", "received_at": "2026-12-01T12:00:00+00:00", "note": ""}
        ],
    }


def test_german_document_has_german_keys_and_values():
    doc = german_document(_data(), 9, AT)
    assert doc["Auskunft"]["Erstellt am"] == "05.12.2026, 10:30" and doc["Auskunft"]["Anfrage-Nr."] == 9
    person = doc["Stammdaten"]
    assert person["Status"] == "Mitglied" and person["Quelle"] == "Infostand"
    assert person["Mitglied seit"] == "30.06.2025" and person["Aktiv seit"] is None and person["Telefon"] is None
    assert person["Zuletzt geändert am"] == "01.07.2026, 12:15"  # naive times are UTC
    assert doc["Einwilligungen"] == [
        {
            "Nummer": 3,
            "Zweck": "Zeitung",
            "Kanal": "Post",
            "Erteilt am": "01.03.2024, 11:00",
            "Widerrufen am": None,
            "Quelle": "Infostand",
            "Nachweis": "Formular 12",
        }
    ]
    mail = doc["E-Mails"][0]
    assert mail["Status"] == "nicht versandt" and mail["Grund, warum sie nicht versandt wurde"].startswith(
        "Widerspruch"
    )
    assert doc["Datenschutz-Anfragen"][0]["Art"] == "Auskunft (Art. 15)"
    assert doc["Datenschutz-Anfragen"][0]["Status"] == "offen"
    assert doc["Hilfsangebote"] == [] and doc["Themen"] == ["Miete"]


def test_pdf_shows_every_filled_value_with_unicode_names():
    pdf = access_pdf(german_document(_data(), 9, AT))
    text = pdf_text(pdf)
    for shown in (
        "Auskunft nach Art. 15 DSGVO",
        "Ağaoğlu-Ștefănescu",
        "Łucja",
        "Gänseblümchenweg 7",
        "Mitglied",
        "Einwilligungen (1)",
        "Nr. 3",
        "01.03.2024, 11:00",
        "Hilfsangebote (0)",
        "Keine Einträge.",
        "Widerspruch nach Art. 21 DSGVO",
        "Deine Rechte",
    ):
        assert shown in text, shown
    assert re.search(r"Auskunft Nr\. 9 · Seite 1 von\s*\d", text)  # the footer on every page
    assert "Aktiv seit" not in text  # empty values are left out of the PDF (the JSON keeps them as null)


def test_long_mail_texts_and_many_records_run_across_pages():
    body = "\n".join(f"Zeile {i}: Gänsefüßchen und Ähnliches, immer weiter." for i in range(400))
    pdf = access_pdf(german_document(_data(body=body, mails=30), 9, AT))
    text = pdf_text(pdf)
    pages = int(re.search(r"Seite 1 von\s*(\d+)", text).group(1))
    assert pages > 30
    assert "Zeile 399: Gänsefüßchen und Ähnliches, immer weiter." in text
    assert text.count("Nr. 69") == 1  # the last mail is there


def test_characters_outside_the_font_do_not_break_the_pdf():
    pdf = access_pdf(german_document(_data(body="Grüße 🌹 und 你好\tmit Tab\r\nund CR"), 9, AT))
    assert pdf.startswith(b"%PDF") and "Grüße" in pdf_text(pdf)

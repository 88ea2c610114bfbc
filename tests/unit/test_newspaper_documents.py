"""Unit tests of the shipping documents: label PDF text (Unicode), sheet layout, CSVs."""

from __future__ import annotations

import pandas as pd

from services.core.export import safe_csv
from services.newspaper.documents import labels_pdf, packing_frame, postal_frame, split_street
from tests.support.pdf import pdf_text

ADDRESSES = [
    ("Łukasz Gößmann-Ştefănescu", "Hauptstraße 12a", "02826", "Görlitz"),
    (
        "Ayşe Yıldırım Çağlayan Karadağ-Schmidt von und zu Müller-Lüdenscheidt-Oberhausen",
        "Lange Straße der Deutschen Einheit 112 b",
        "01067",
        "Dresden",
    ),
]


def test_label_pdf_prints_unicode_names():
    pdf = labels_pdf(ADDRESSES * 13)
    text = pdf_text(pdf)
    for name, street, plz, city in ADDRESSES[:1]:
        assert name in text and street in text and f"{plz} {city}" in text
    assert "Ayşe Yıldırım" in text and "Müller-Lüdenscheidt" in text
    assert "?" not in text
    assert pdf.count(b"/Type /Page\n") == 2  # 26 labels: 24 per sheet
    assert b"DejaVu" in pdf


def test_split_street_and_postal_csv():
    assert split_street("Hauptstraße 12a") == ("Hauptstraße", "12a")
    assert split_street("Am Markt 3 - 5") == ("Am Markt", "3-5")
    assert split_street("Dorfplatz") == ("Dorfplatz", "")
    orders = pd.DataFrame(
        {
            "id": [7],
            "name": ["=HYPERLINK()"],
            "street": ["Weg 1"],
            "plz": ["02826"],
            "city": ["Görlitz"],
            "kv": ["KV Görlitz"],
            "copies": [50],
            "status": ["approved"],
        }
    )
    data = safe_csv(postal_frame(orders)).decode("utf-8-sig")
    assert data.splitlines()[1].startswith("'=HYPERLINK()")
    assert "Z7" in data and "DEU" in data
    assert "freigegeben" in safe_csv(packing_frame(orders)).decode("utf-8-sig")

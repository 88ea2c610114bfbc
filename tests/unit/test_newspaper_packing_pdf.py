"""Unit tests of the packing list PDF: grouping by Land and KV, bundles, page and group totals, Unicode."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pandas as pd
import pytest

from domain.errors import ValidationError
from services.newspaper.packing_pdf import packing_pdf
from tests.support.pdf import pdf_text

AT = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def _orders(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        [
            dict(
                id=i + 1,
                name="Łucja Ağaoğlu-Ștefănescu" if i == 0 else f"Person {i}",
                plz=f"{1000 + i:05d}",
                city="Görlitz" if i % 2 else "Weißwasser",
                copies=10 if i % 3 else 25,
                kv="Görlitz" if i % 2 else "Bautzen",
                land="Sachsen" if i % 5 else "Thüringen",
            )
            for i in range(n)
        ]
    )


def _ints(text: str) -> int:
    return int(text.replace(".", ""))


def test_unicode_groups_and_bundles():
    text = pdf_text(packing_pdf(_orders(12), 10, "Extrablatt ß", AT))
    assert "Łucja Ağaoğlu-Ștefănescu" in text
    assert "Sachsen · Kreisverband Görlitz" in text and "Thüringen · Kreisverband Bautzen" in text
    assert "Packliste · Extrablatt ß" in text and "25.11.2026, 13:00" in text
    # 25 copies with bundles of 10 are 3 bundles (a started bundle is packed).
    lines = text.split("\n")
    first = lines.index("Łucja Ağaoğlu-Ștefănescu")
    assert lines[first + 3 : first + 5] == ["25", "3"]
    assert "Gesamt: 12 Bestellungen" in text


def test_page_totals_add_up_to_the_grand_total():
    df = _orders(180)
    text = pdf_text(packing_pdf(df, 10, "Ausgabe", AT))
    lines = text.split("\n")
    pages = [i for i, line in enumerate(lines) if line == "Summe dieser Seite"]
    assert len(pages) >= 4  # 180 orders need several pages, each with its own total
    copies = sum(_ints(lines[i + 1]) for i in pages)
    bundles = sum(_ints(lines[i + 2]) for i in pages)
    assert copies == df["copies"].sum()
    assert bundles == sum(-(-c // 10) for c in df["copies"])
    subtotal_copies = [_ints(lines[i + 1]) for i, line in enumerate(lines) if re.match(r"Summe \w+: ", line)]
    assert sum(subtotal_copies) == df["copies"].sum()


def test_long_names_are_shortened_not_overprinted():
    df = _orders(2)
    df.loc[0, "name"] = "Maximiliane-Friederike von und zu Hohenzollern-Sigmaringen-Wittelsbach"
    text = pdf_text(packing_pdf(df, 10, "Ausgabe", AT))
    assert any(line.startswith("Maximiliane-Friederike") and line.endswith("…") for line in text.split("\n"))


def test_empty_is_refused():
    with pytest.raises(ValidationError):
        packing_pdf(_orders(0), 10, "Ausgabe", AT)

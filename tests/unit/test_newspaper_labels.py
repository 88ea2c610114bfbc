"""Unit test: each address label carries the sender line, the order reference and the copies."""

from __future__ import annotations

from services.core.settings import DEFAULT_LABEL_SENDER, load_settings
from services.newspaper.documents import labels_pdf
from tests.support.pdf import pdf_text


def test_label_has_sender_order_reference_and_copies():
    rows = [("Erika Beispiel", "Hauptstraße 12a", "02826", "Görlitz", 4711, 20)] * 25
    text = pdf_text(labels_pdf(rows, "Linksaktiv-Team · Musterweg 1 · 10115 Berlin"))
    assert "Abs.: Linksaktiv-Team · Musterweg 1 · 10115 Berlin" in text
    assert "Bestellung Z4711 · 20 Exemplare" in text
    assert "Erika Beispiel" in text and "02826 Görlitz" in text
    assert text.count("Bestellung Z4711") == 25


def test_sender_line_is_a_setting_with_a_default():
    assert load_settings(env={}).label_sender == DEFAULT_LABEL_SENDER
    assert load_settings(env={"LABEL_SENDER": "KV Test, Postfach 1, 01067 Dresden"}).label_sender.startswith("KV Test")

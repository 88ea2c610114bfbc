"""Shipping documents: address labels (PDF, A4 sheets of 3 × 8 labels 70 × 37 mm), packing list, postal CSV."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from fpdf import FPDF
from sqlalchemy.orm import Session

from db.models import NewspaperEdition
from db.queries import newspaper as q
from db.types import utcnow
from domain.enums import ORDER_STATUSES
from domain.errors import ValidationError
from domain.formatting import format_int
from services.core import audit
from services.core.export import safe_csv
from services.core.scope import Scope, require_action
from services.newspaper.packing_pdf import packing_pdf

FONT_DIR = Path(__file__).resolve().parents[2] / "static" / "fonts"
LABEL_W, LABEL_H, COLS, ROWS = 70.0, 37.0, 3, 8
TOP = (297.0 - ROWS * LABEL_H) / 2  # 0.5 mm: the sheet's rows are centred vertically
PAD = 5.0
MAX_SIZE, MIN_SIZE = 10.0, 6.0
DOCUMENT_STATUSES = ("approved", "packed")
# About 2,100 label sheets: a print job a shop handles, built in a few seconds and well within memory.
MAX_DOCUMENT_ORDERS = 50_000
_HOUSE_NO = re.compile(r"^(.*?)\s+(\d+\s*[A-Za-z]?(?:\s*[-/]\s*\d+\s*[A-Za-z]?)?)$")
KINDS = {
    "labels": ("etiketten", "application/pdf", "pdf"),
    "packing": ("packliste", "text/csv", "csv"),
    "packing_pdf": ("packliste", "application/pdf", "pdf"),
    "postal": ("post-upload", "text/csv", "csv"),
}


def _fit(pdf: FPDF, text: str, style: str, width: float) -> list[tuple[str, float, str]]:
    # Shrink the line until it fits; below the minimum size wrap it at spaces instead of cutting.
    size = MAX_SIZE
    while size > MIN_SIZE:
        pdf.set_font("DejaVu", style, size)
        if pdf.get_string_width(text) <= width:
            return [(text, size, style)]
        size -= 0.5
    pdf.set_font("DejaVu", style, MIN_SIZE)
    lines, current = [], ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if current and pdf.get_string_width(trial) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    lines.append(current)
    return [(line, MIN_SIZE, style) for line in lines]


def _new_pdf() -> FPDF:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_title("Adressetiketten")
    return pdf


def labels_pdf(addresses: list[tuple[str, str, str, str]]) -> bytes:
    """A4 label sheets (70 × 37 mm, 24 per page) for (name, street, plz, city) tuples."""
    if not addresses:
        raise ValidationError("Es gibt keine Adressen für Etiketten.")
    pdf = _new_pdf()
    width = LABEL_W - 2 * PAD
    for i, (name, street, plz, city) in enumerate(addresses):
        slot = i % (COLS * ROWS)
        if slot == 0:
            pdf.add_page()
        x = (slot % COLS) * LABEL_W + PAD
        y = TOP + (slot // COLS) * LABEL_H + PAD
        lines = _fit(pdf, name, "B", width) + _fit(pdf, street, "", width) + _fit(pdf, f"{plz} {city}", "", width)
        for text, size, style in lines:
            pdf.set_font("DejaVu", style, size)
            y += size * 0.3528 * 1.25  # points to mm, with line spacing
            if y > TOP + (slot // COLS + 1) * LABEL_H - 2:
                break  # never print into the next label
            pdf.text(x, y, text)
    return bytes(pdf.output())


def split_street(street: str) -> tuple[str, str]:
    """Street and house number ("Hauptstraße 12a" → ("Hauptstraße", "12a")); no number: ("…", "")."""
    m = _HOUSE_NO.match((street or "").strip())
    return (m.group(1), m.group(2).replace(" ", "")) if m else ((street or "").strip(), "")


def packing_frame(orders: pd.DataFrame) -> pd.DataFrame:
    """The packing list: one row per order, sorted by PLZ, with copies and Kreisverband."""
    return pd.DataFrame(
        {
            "Bestellung": orders["id"],
            "Name": orders["name"],
            "Straße": orders["street"],
            "PLZ": orders["plz"],
            "Ort": orders["city"],
            "Kreisverband": orders["kv"],
            "Exemplare": orders["copies"],
            "Status": orders["status"].map(ORDER_STATUSES),
        }
    )


def postal_frame(orders: pd.DataFrame) -> pd.DataFrame:
    """Rows for a postal bulk upload: name, street and house number apart, PLZ, place, country."""
    parts = [split_street(s) for s in orders["street"]]
    return pd.DataFrame(
        {
            "NAME": orders["name"],
            "STRASSE": [p[0] for p in parts],
            "HAUSNUMMER": [p[1] for p in parts],
            "PLZ": orders["plz"],
            "ORT": orders["city"],
            "LAND": "DEU",
            "REFERENZ": [f"Z{int(i)}" for i in orders["id"]],
            "EXEMPLARE": orders["copies"],
        }
    )


def build_document(
    session: Session, scope: Scope, edition_id: int, kind: str, statuses=DOCUMENT_STATUSES, land_code: str | None = None
) -> tuple[bytes, str, str]:
    """Build one shipping document for the edition's orders in statuses; audited. Returns (data, name, mime)."""
    require_action(scope, "newspaper.dispatch")
    if kind not in KINDS:
        raise ValidationError("Unbekannte Dokumentart.")
    statuses = tuple(statuses)
    n = q.count_orders(session, scope, edition_id, statuses, land_code)
    if n == 0:
        raise ValidationError("Keine Bestellungen in den gewählten Status – es gibt nichts zu drucken.")
    if n > MAX_DOCUMENT_ORDERS:
        # Never cut a print run silently: a missing label is a person who gets no newspaper.
        raise ValidationError(
            f"Das sind {format_int(n)} Bestellungen – ein Dokument fasst höchstens "
            f"{format_int(MAX_DOCUMENT_ORDERS)}. Wähle ein Bundesland, um den Versand aufzuteilen."
        )
    orders = q.orders_frame(session, scope, edition_id, statuses, limit=n, land_code=land_code)
    if kind == "labels":
        data = labels_pdf(list(orders[["name", "street", "plz", "city"]].itertuples(index=False, name=None)))
    elif kind == "packing":
        data = safe_csv(packing_frame(orders))
    elif kind == "packing_pdf":
        edition = session.get(NewspaperEdition, edition_id)
        data = packing_pdf(orders, edition.copies_per_bundle, edition.title, utcnow())
    else:
        data = safe_csv(postal_frame(orders))
    stem, mime, ext = KINDS[kind]
    audit.record(
        session,
        scope,
        f"newspaper_export_{kind}",
        "newspaper_edition",
        edition_id,
        rows=len(orders),
        statuses=list(statuses),
        land=land_code or "",
    )
    session.commit()
    part = f"-{land_code}" if land_code else ""
    return data, f"zeitung-{edition_id}{part}-{stem}.{ext}", mime

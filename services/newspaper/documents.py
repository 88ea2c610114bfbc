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
from services.core.settings import get_settings
from services.newspaper.packing_pdf import packing_pdf

FONT_DIR = Path(__file__).resolve().parents[2] / "static" / "fonts"
LABEL_W, LABEL_H, COLS, ROWS = 70.0, 37.0, 3, 8
TOP = (297.0 - ROWS * LABEL_H) / 2  # 0.5 mm: the sheet's rows are centred vertically
PAD = 5.0
MAX_SIZE, MIN_SIZE = 10.0, 6.0
SMALL = 5.5  # sender line and order reference
PT_MM = 0.3528
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


def labels_pdf(addresses: list[tuple], sender: str = "") -> bytes:
    """A4 label sheets (70 × 37 mm, 24 per page) for (name, street, plz, city[, order id, copies]) tuples.

    Each label carries the sender line (return address) small on top and, when given, the order
    reference and the number of copies small at its foot, so the packer puts the right bundle in.
    """
    if not addresses:
        raise ValidationError("Es gibt keine Adressen für Etiketten.")
    pdf = _new_pdf()
    width = LABEL_W - 2 * PAD
    for i, row in enumerate(addresses):
        name, street, plz, city = row[:4]
        slot = i % (COLS * ROWS)
        if slot == 0:
            pdf.add_page()
        x = (slot % COLS) * LABEL_W + PAD
        top = TOP + (slot // COLS) * LABEL_H
        bottom = top + LABEL_H - 2
        y = top + PAD - 1.5
        if sender:
            pdf.set_font("DejaVu", "", SMALL)
            y += SMALL * PT_MM
            pdf.text(x, y, _shorten(pdf, f"Abs.: {sender}", width))
            pdf.set_line_width(0.1)
            pdf.line(x, y + 0.8, x + width, y + 0.8)
            y += 1.2
        footer = ""
        if len(row) >= 6:
            footer = f"Bestellung Z{int(row[4])} · {format_int(int(row[5]))} Exemplare"
            bottom -= SMALL * PT_MM * 1.25
        lines = _fit(pdf, name, "B", width) + _fit(pdf, street, "", width) + _fit(pdf, f"{plz} {city}", "", width)
        for text, size, style in lines:
            pdf.set_font("DejaVu", style, size)
            y += size * PT_MM * 1.25  # points to mm, with line spacing
            if y > bottom:
                break  # never print into the footer or the next label
            pdf.text(x, y, text)
        if footer:
            pdf.set_font("DejaVu", "", SMALL)
            pdf.text(x, top + LABEL_H - 2 - 0.5, _shorten(pdf, footer, width))
    return bytes(pdf.output())


def _shorten(pdf: FPDF, text: str, width: float) -> str:
    # A small line that is still too wide loses its end, marked with an ellipsis.
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


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
        rows = orders[["name", "street", "plz", "city", "id", "copies"]].itertuples(index=False, name=None)
        data = labels_pdf(list(rows), get_settings().label_sender)
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

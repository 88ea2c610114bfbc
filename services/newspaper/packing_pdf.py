"""Packing list as PDF: orders grouped by Land and Kreisverband, bundles, totals per page, group and list."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
from fpdf import FPDF

from domain.errors import ValidationError
from domain.formatting import format_datetime, format_int

FONT_DIR = Path(__file__).resolve().parents[2] / "static" / "fonts"
FONT = "DejaVu"
# Columns: (heading, width in mm, align); A4 portrait with 12 mm margins = 186 mm.
COLUMNS = (
    ("Nr.", 20, "R"),
    ("Name", 62, "L"),
    ("PLZ", 14, "L"),
    ("Ort", 50, "L"),
    ("Exemplare", 20, "R"),
    ("Bündel", 20, "R"),
)
ROW_H = 5.6
MARGIN = 12.0
BOTTOM = 297.0 - MARGIN - 2 * ROW_H  # room for the page total line


def _clip(pdf: FPDF, text: str, width: float) -> str:
    # Long names are shortened with an ellipsis instead of running into the next column.
    text = str(text or "")
    if pdf.get_string_width(text) <= width - 1.5:
        return text
    while text and pdf.get_string_width(text + "…") > width - 1.5:
        text = text[:-1]
    return text + "…"


class _Packing:
    """Writes rows and keeps the running totals of the current page."""

    def __init__(self, pdf: FPDF, title: str):
        self.pdf, self.title = pdf, title
        self.page_copies = self.page_bundles = 0

    def header(self) -> None:
        pdf = self.pdf
        pdf.add_page()
        pdf.set_font(FONT, "B", 12)
        pdf.set_xy(MARGIN, MARGIN)
        pdf.cell(0, 7, _clip(pdf, self.title, 186), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "B", 8.5)
        for head, width, align in COLUMNS:
            pdf.cell(width, ROW_H, head, border="B", align=align)
        pdf.ln(ROW_H)
        self.page_copies = self.page_bundles = 0

    def page_total(self) -> None:
        pdf = self.pdf
        pdf.set_font(FONT, "B", 8.5)
        pdf.set_y(max(pdf.get_y(), BOTTOM))
        pdf.cell(sum(w for _, w, _ in COLUMNS[:4]), ROW_H, "Summe dieser Seite", border="T")
        pdf.cell(COLUMNS[4][1], ROW_H, format_int(self.page_copies), border="T", align="R")
        pdf.cell(COLUMNS[5][1], ROW_H, format_int(self.page_bundles), border="T", align="R")

    def ensure_room(self, rows: int = 1) -> None:
        if self.pdf.get_y() + rows * ROW_H > BOTTOM:
            self.page_total()
            self.header()

    def line(self, cells: list[str]) -> None:
        pdf = self.pdf
        pdf.set_font(FONT, "", 8.5)
        for (_, width, align), text in zip(COLUMNS, cells):
            pdf.cell(width, ROW_H, _clip(pdf, text, width), align=align)
        pdf.ln(ROW_H)

    def label_line(self, label: str, copies: int | None = None, bundles: int | None = None) -> None:
        """A bold line whose label spans the text columns (group heading or subtotal)."""
        pdf = self.pdf
        pdf.set_font(FONT, "B", 8.5)
        text_w = sum(w for _, w, _ in COLUMNS[:4])
        heading = copies is None
        pdf.cell(
            text_w if not heading else text_w + COLUMNS[4][1] + COLUMNS[5][1],
            ROW_H,
            _clip(pdf, label, text_w),
            fill=heading,
        )
        if not heading:
            pdf.cell(COLUMNS[4][1], ROW_H, format_int(copies), align="R")
            pdf.cell(COLUMNS[5][1], ROW_H, format_int(bundles), align="R")
        pdf.ln(ROW_H)


def packing_pdf(orders: pd.DataFrame, copies_per_bundle: int, title: str, at: datetime) -> bytes:
    """The packing list for orders (columns id, name, plz, city, copies, kv, land) as PDF bytes."""
    if orders.empty:
        raise ValidationError("Es gibt keine Bestellungen für die Packliste.")
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_fill_color(238, 238, 238)
    pdf.set_title("Packliste")
    writer = _Packing(pdf, f"Packliste · {title} · Stand {format_datetime(at)}")
    writer.header()
    per_bundle = max(int(copies_per_bundle), 1)
    df = orders.assign(bundles=[-(-int(c) // per_bundle) for c in orders["copies"]])
    df = df.sort_values(["land", "kv", "plz", "id"], kind="stable")
    for (land, kv), group in df.groupby(["land", "kv"], sort=False):
        writer.ensure_room(3)
        writer.label_line(f"{land} · Kreisverband {kv}")
        for row in group.itertuples(index=False):
            writer.ensure_room()
            writer.line(
                [str(int(row.id)), row.name, row.plz, row.city, format_int(row.copies), format_int(row.bundles)]
            )
            writer.page_copies += int(row.copies)
            writer.page_bundles += int(row.bundles)
        writer.ensure_room()
        writer.label_line(
            f"Summe {kv}: {format_int(len(group))} Bestellungen", group["copies"].sum(), group["bundles"].sum()
        )
    writer.ensure_room()
    writer.label_line(f"Gesamt: {format_int(len(df))} Bestellungen", df["copies"].sum(), df["bundles"].sum())
    writer.page_total()
    return bytes(pdf.output())

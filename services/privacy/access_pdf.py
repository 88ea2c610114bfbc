"""The Art. 15 access document as a readable German PDF (A4, DejaVu Sans so that every name prints)."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from domain.formatting import format_decimal, format_int

FONT_DIR = Path(__file__).resolve().parents[2] / "static" / "fonts"
FONT = "DejaVu"
MARGIN = 15.0
LABEL_W = 52.0  # the label column of a record; the value takes the rest of the 180 mm
EMPTY = "Keine Einträge."
LONG_CHARS, LONG_LINES = 1200, 20
INTRO = (
    "Diese Auskunft enthält alles, was im Linksaktiv Cockpit über dich gespeichert ist: deine Stammdaten, "
    "Themen, Einwilligungen, die Zeitleiste, Zeitungsbestellungen, Hilfsangebote, Vermittlungen, Freigaben, "
    "Aktionsaufrufe, E-Mails und Datenschutz-Anfragen. Leere Angaben sind weggelassen; die JSON-Datei "
    "derselben Auskunft enthält sie alle."
)


class _Pdf(FPDF):
    def footer(self) -> None:
        """Request number and page x of n at the bottom of every page."""
        self.set_y(-12)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(110, 110, 110)
        self.cell(0, 5, f"{self.title} · Seite {self.page_no()} von {{nb}}", align="C")
        self.set_text_color(0, 0, 0)


def _text(value) -> str:
    """A value of the German document as PDF text: lists joined, numbers with German separators."""
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_decimal(value, 2)
    # Tabs and carriage returns would print as boxes; line breaks stay.
    return str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")


def _filled(record: dict) -> list[tuple[str, str]]:
    return [(k, _text(v)) for k, v in record.items() if v is not None and v != "" and v != []]


def _long(value: str) -> bool:
    # A table row must fit on one page; a long mail text is written below its label instead.
    return len(value) > LONG_CHARS or value.count("\n") > LONG_LINES


def _table(pdf: FPDF, rows: list[tuple[str, str]]) -> None:
    with pdf.table(
        col_widths=(LABEL_W, pdf.epw - LABEL_W),
        first_row_as_headings=False,
        borders_layout="HORIZONTAL_LINES",
        line_height=5,
        padding=1,
        text_align="LEFT",
        v_align="TOP",
    ) as table:
        for label, value in rows:
            row = table.row()
            row.cell(label, style=FontFace(emphasis="BOLD"))
            row.cell(value)


def _record(pdf: FPDF, rows: list[tuple[str, str]]) -> None:
    """One record as a two-column table (German label, wrapped value); long texts run across pages below it."""
    short: list[tuple[str, str]] = []
    for label, value in rows:
        if not _long(value):
            short.append((label, value))
            continue
        if short:
            _table(pdf, short)
            short = []
        pdf.set_font(FONT, "B", 9)
        pdf.cell(0, 6, label, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "", 9)
        pdf.multi_cell(0, 5, value, new_x="LMARGIN", new_y="NEXT")
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + pdf.epw, pdf.get_y())
    if short:
        _table(pdf, short)
    pdf.ln(3)


def _entry(pdf: FPDF, record: dict) -> None:
    """One entry of a list section: a shaded 'Nr. …' line, then its filled fields; kept on one page if short."""
    rows = _filled(record)
    number = dict(rows).get("Nummer")
    rows = [(k, v) for k, v in rows if k != "Nummer"]
    if len(rows) <= 14 and pdf.will_page_break(7 + 6 * len(rows)):
        pdf.add_page()
    if number is not None:
        pdf.set_font(FONT, "B", 9)
        pdf.set_fill_color(235, 235, 235)
        pdf.cell(0, 6, f"Nr. {number}", fill=True, new_x="LMARGIN", new_y="NEXT")
        pdf.set_fill_color(255, 255, 255)
        pdf.set_font(FONT, "", 9)
    _record(pdf, rows)


def _heading(pdf: FPDF, text: str) -> None:
    if pdf.will_page_break(24):
        pdf.add_page()
    pdf.ln(2)
    pdf.set_font(FONT, "B", 12)
    pdf.cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)


def access_pdf(doc: dict) -> bytes:
    """The German access document (services.privacy.access.german_document) as PDF bytes."""
    meta = doc["Auskunft"]
    pdf = _Pdf(orientation="P", unit="mm", format="A4")
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_title(f"Auskunft Nr. {meta['Anfrage-Nr.']}")
    pdf.set_lang("de")
    pdf.set_creator(meta["Verantwortlich"])
    pdf.add_page()

    pdf.set_font(FONT, "B", 16)
    pdf.cell(0, 10, "Auskunft nach Art. 15 DSGVO", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(0, 5, INTRO, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    _record(pdf, _filled(meta))

    for title, content in doc.items():
        if title == "Auskunft":
            continue
        if isinstance(content, dict):
            _heading(pdf, title)
            _record(pdf, _filled(content))
        elif isinstance(content, str):
            _heading(pdf, title)
            pdf.multi_cell(0, 5, content, new_x="LMARGIN", new_y="NEXT")
        elif title == "Themen":
            _heading(pdf, title)
            pdf.multi_cell(0, 5, ", ".join(content) if content else EMPTY, new_x="LMARGIN", new_y="NEXT")
        else:
            _heading(pdf, f"{title} ({format_int(len(content))})")
            if not content:
                pdf.multi_cell(0, 5, EMPTY, new_x="LMARGIN", new_y="NEXT")
            for record in content:
                _entry(pdf, record)
    return bytes(pdf.output())

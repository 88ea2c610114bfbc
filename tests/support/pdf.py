"""Text out of the PDFs the Cockpit makes (fpdf2 with embedded TTF fonts), for assertions."""

from __future__ import annotations

import re
import zlib


def _streams(pdf: bytes) -> dict[int, bytes]:
    out = {}
    for m in re.finditer(rb"(\d+) 0 obj\s*<<((?:(?!endobj).)*?)>>\s*stream\r?\n", pdf, re.S):
        # Read exactly /Length bytes: compressed data can itself contain "endstream".
        length = re.search(rb"/Length (\d+)(?![\d ]*\d+ R)", m.group(2))
        if length:
            data = pdf[m.end() : m.end() + int(length.group(1))]
        else:
            data = pdf[m.end() : pdf.index(b"endstream", m.end())].rstrip(b"\r\n")
        if b"/FlateDecode" in m.group(2):
            data = zlib.decompress(data)
        out[int(m.group(1))] = data
    return out


def _unescape(raw: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(raw):
        c = raw[i]
        if c == 0x5C:  # backslash
            n = raw[i + 1]
            if 0x30 <= n <= 0x37:
                j = i + 1
                while j < min(i + 4, len(raw)) and 0x30 <= raw[j] <= 0x37:
                    j += 1
                out.append(int(raw[i + 1 : j], 8) & 0xFF)
                i = j
                continue
            out.append({ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("f"): 12}.get(n, n))
            i += 2
            continue
        out.append(c)
        i += 1
    return bytes(out)


def pdf_text(pdf: bytes) -> str:
    """The text of an fpdf2 PDF with embedded TTF fonts, one line per text draw (tests only)."""
    streams = _streams(pdf)
    fonts = {}
    for name, obj in re.findall(rb"/(F\d+) (\d+) 0 R", pdf):
        m = re.search(rb"\n" + obj + rb" 0 obj\s*<<(.*?)>>", pdf, re.S)
        tu = re.search(rb"/ToUnicode (\d+) 0 R", m.group(1)) if m else None
        if tu:
            cmap = streams[int(tu.group(1))]
            fonts[name.decode()] = {
                int(a, 16): chr(int(b, 16)) for a, b in re.findall(rb"<([0-9A-Fa-f]{4})> <([0-9A-Fa-f]{4})>", cmap)
            }
    lines = []
    for data in streams.values():
        if b" Tj" not in data:
            continue
        font = None
        for m in re.finditer(rb"/(F\d+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\) Tj", data, re.S):
            if m.group(1):
                font = m.group(1).decode()
                continue
            raw = _unescape(m.group(2))
            cmap = fonts.get(font, {})
            lines.append("".join(cmap.get(int.from_bytes(raw[k : k + 2], "big"), "?") for k in range(0, len(raw), 2)))
    return "\n".join(lines)

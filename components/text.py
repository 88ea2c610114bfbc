"""Text that users or admins typed is shown as plain text, never as Markdown (DESIGN §3.5).

Escaping Markdown is not enough: Streamlit turns www.… and https://… into links even after escaping,
so an image or link in a name would reach every browser. A name, an area, a title or a note therefore
goes into st.text (or a table cell, or a selectbox option); Markdown — captions, headings, alerts,
widget labels, flash messages — carries only the code's own words and numbers.
"""

from __future__ import annotations

import streamlit as st


def plain(value, container=None) -> None:
    """Show a value from the database or a form literally (st.text: no Markdown, no links)."""
    (container or st).text("" if value is None else str(value))


def area_line(area: str, note: str = "", container=None) -> None:
    """The "Gebiet" line under a page title: the area (a KV name an admin gave) as plain text, the note as caption."""
    box = container or st
    box.text(f"Gebiet: {area}")
    if note:
        box.caption(note)


def area_name(own: str, *chosen: str | None) -> str:
    """The area a page shows: the first chosen name (pass a KV before its Land), else the user's own area."""
    return next((name for name in chosen if name), own)


def fields(pairs, container=None) -> None:
    """Lines of "label: value" (the labels are the code's, the values from the database) as one plain text."""
    (container or st).text("\n".join(f"{label}: {value if value not in (None, '') else '–'}" for label, value in pairs))

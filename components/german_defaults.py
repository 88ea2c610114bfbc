"""German defaults for Streamlit's own texts: select placeholders and the uploader's size line.

Streamlit has no locale setting: an empty selectbox says "Choose an option", a multiselect
"Choose options", the uploader "200MB per file". Each call could pass its own placeholder, but
one forgotten call shows English again; so the default is set once per process, here, and a
call's own placeholder still wins.
"""

from __future__ import annotations

import functools

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

SELECT_PLACEHOLDER = "Bitte wählen"
MULTI_PLACEHOLDER = "Bitte auswählen (auch mehrere)"
# The uploader's own instruction line is English and cannot be set; it is hidden and the page
# says the same in German (upload_hint).
UPLOADER_CSS = '[data-testid="stFileUploaderDropzoneInstructions"]{display:none}'
# A text field's own hint ("Press Enter to submit form", "Press Ctrl+Enter to apply", with the
# character count) is English and cannot be set: hidden; a field's max_chars still holds.
INSTRUCTIONS_CSS = '[data-testid="InputInstructions"]{display:none}'
# The date field is built with the locale en-US whatever the browser says, so an empty one reads
# "dd.mm.yyyy". Its empty parts are marked (data-placeholder, data-type): their English letters
# are hidden and German ones drawn in their place.
_DATE_PART = '[data-testid="stDateInput"] [data-placeholder][data-type="{part}"]'
DATE_CSS = "".join(
    f"{_DATE_PART.format(part=part)}{{visibility:hidden;font-size:0}}"
    f'{_DATE_PART.format(part=part)}::before{{visibility:visible;font-size:0.875rem;content:"{german}"}}'
    for part, german in (("day", "TT"), ("month", "MM"), ("year", "JJJJ"))
)


def _with_placeholder(method, placeholder: str):
    @functools.wraps(method)
    def wrapped(self, *args, **kwargs):
        kwargs.setdefault("placeholder", placeholder)
        if kwargs["placeholder"] is None:
            kwargs["placeholder"] = placeholder
        return method(self, *args, **kwargs)

    wrapped.__german__ = True
    return wrapped


def install() -> None:
    """Give selectbox and multiselect German placeholders in every container (idempotent)."""
    for name, placeholder in (("selectbox", SELECT_PLACEHOLDER), ("multiselect", MULTI_PLACEHOLDER)):
        method = getattr(DeltaGenerator, name)
        if getattr(method, "__german__", False):
            continue
        patched = _with_placeholder(method, placeholder)
        setattr(DeltaGenerator, name, patched)
        # st.selectbox is bound to the main container when streamlit is imported: bind it anew.
        setattr(st, name, patched.__get__(st._main))


def upload_hint(types: list[str], max_mb: int) -> str:
    """The uploader's size and type line in German, e.g. 'Höchstens 200 MB je Datei · CSV, XLSX'."""
    return f"Höchstens {max_mb} MB je Datei · " + ", ".join(t.upper() for t in types)


def style() -> None:
    """The page's German replacements for texts only CSS can reach (call once per run)."""
    st.html(f"<style>{UPLOADER_CSS}{INSTRUCTIONS_CSS}{DATE_CSS}</style>")


def file_uploader(label: str, types: list[str], **kwargs):
    """st.file_uploader with its English size line replaced by a German caption below it (style() hides it)."""
    file = st.file_uploader(label, type=types, **kwargs)
    st.caption(upload_hint(types, int(st.get_option("server.maxUploadSize"))))
    return file

"""Scoped contact picker: search box, one page of hits, Zurück/Weiter, selection. No DB access.

It gets a search(query, page) -> (rows, has_next) callable; rows have id, last_name, first_name,
email, plz, city and status. It never loads more than one page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
import streamlit as st

from domain.enums import STATUSES

SearchFn = Callable[[str, int], tuple[Sequence, bool]]


def _label(row) -> str:
    return f"{row.last_name}, {row.first_name} · {row.plz} {row.city} · {row.email}".strip(" ·")


def contact_picker(
    search: SearchFn, key: str = "contact_picker", label: str = "Suche nach Name, E-Mail oder PLZ"
) -> int | None:
    """Render the picker and return the selected contact id (None until one is chosen).

    A link with ?kontakt=<id> (e.g. from the Karte's PLZ list) preselects that person until another
    is chosen; the page's service checks the scope and audits the opening as for any pick.
    """
    page_key, query_key, preset_key = f"{key}_page", f"{key}_last_query", f"{key}_preset"
    if (wanted := st.query_params.get("kontakt", "")).isdigit():
        del st.query_params["kontakt"]
        st.session_state[preset_key] = int(wanted)
    preset = st.session_state.get(preset_key)
    query = st.text_input(label, key=f"{key}_query", placeholder="z. B. Müller, anna@…, 04109")
    if st.session_state.get(query_key) != query:
        # A new search starts on its first page.
        st.session_state[query_key] = query
        st.session_state[page_key] = 0
    page = int(st.session_state.get(page_key, 0))
    rows, has_next = search(query, page)
    if not rows:
        st.info("Keine Linksaktiven gefunden." if query or page else "Noch keine Linksaktiven in deinem Gebiet.")
        return preset
    table = pd.DataFrame(
        {
            "Nachname": [r.last_name for r in rows],
            "Vorname": [r.first_name for r in rows],
            "E-Mail": [r.email for r in rows],
            "PLZ": [r.plz for r in rows],
            "Ort": [r.city for r in rows],
            "Status": [STATUSES.get(r.status, r.status) for r in rows],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")
    back, info, forward = st.columns([1, 2, 1])
    if back.button("Zurück", key=f"{key}_back", disabled=page == 0, icon=":material/chevron_left:"):
        st.session_state[page_key] = page - 1
        st.rerun()
    info.caption(f"Seite {page + 1} · {len(rows)} Treffer auf dieser Seite")
    if forward.button("Weiter", key=f"{key}_next", disabled=not has_next, icon=":material/chevron_right:"):
        st.session_state[page_key] = page + 1
        st.rerun()
    labels = {r.id: _label(r) for r in rows}
    chosen = st.selectbox(
        "Linksaktive:n öffnen",
        options=[None, *labels],
        key=f"{key}_choice_{page}",
        format_func=lambda cid: "– bitte wählen –" if cid is None else labels[cid],
    )
    if chosen is not None:
        st.session_state.pop(preset_key, None)
        return chosen
    return preset

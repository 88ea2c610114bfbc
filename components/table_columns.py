"""Wide tables on small screens: the user picks the columns, the first one stays pinned."""

from __future__ import annotations

import pandas as pd
import streamlit as st


def table_with_column_choice(df: pd.DataFrame, key: str, *, always: str, default: list[str] | None = None) -> None:
    """Show df with a 'Spalten' choice above it; the column always stays, pinned at the left.

    The choice is kept for the session (per key), so paging or filtering does not reset it.
    """
    optional = [c for c in df.columns if c != always]
    state = f"{key}_columns"
    if state not in st.session_state:
        st.session_state[state] = [c for c in (default or optional) if c in optional]
    st.pills("Spalten", optional, selection_mode="multi", key=state, help="Welche Spalten die Tabelle zeigt")
    shown = [always, *[c for c in optional if c in st.session_state[state]]]
    st.dataframe(
        df,
        hide_index=True,
        width="stretch",
        column_order=shown,
        column_config={always: st.column_config.Column(pinned=True)},
    )

"""Phone-wide screens: close the sidebar once a page was chosen from it."""

from __future__ import annotations

import streamlit as st

# Streamlit closes the sidebar after a click only in its own page list, and only on phones it
# recognises by name; our links are st.page_link (the list follows the role), so this does it
# for every screen where the sidebar lies over the page. The script runs when its text changes,
# i.e. once per page change, never on a rerun of the same page (a sidebar opened there stays).
_SCRIPT = """<script>
// page: {page}
const doc = window.parent.document;
if (window.parent.matchMedia("(max-width: {max_px}px)").matches) {{
  const open = doc.querySelector('[data-testid="stSidebar"][data-collapsed="false"]');
  const button = open && open.querySelector('[data-testid="stSidebarCollapseButton"] button');
  if (button) button.click();
}}
</script>"""
NARROW_MAX_PX = 768


def close_sidebar_after_navigation(page_key: str) -> None:
    """On a narrow screen, close the open sidebar when the page page_key is shown for the first time."""
    st.iframe(_SCRIPT.format(page=page_key, max_px=NARROW_MAX_PX), height=1)


# Below 640 px Streamlit stacks every column under the other: six metrics fill two screens.
# A row of metrics stays a row here, two to a line, with smaller numbers.
NARROW_CSS = """<style>
@media (max-width: 640px) {
  [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] [data-testid="stMetric"]) {
    flex-flow: row wrap; gap: 0.5rem 1rem;
  }
  [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] [data-testid="stMetric"]) > [data-testid="stColumn"] {
    flex: 1 1 calc(50% - 1rem) !important; min-width: calc(50% - 1rem) !important; width: calc(50% - 1rem) !important;
  }
  [data-testid="stMetricValue"] { font-size: 1.6rem; }
}
</style>"""


def compact_on_phones() -> None:
    """Styles for narrow screens on this run's page: metrics two to a line, smaller figures."""
    st.html(NARROW_CSS)

"""Phone-wide screens: close the sidebar once a page was chosen from it."""

from __future__ import annotations

import streamlit.components.v1 as components

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
    components.html(_SCRIPT.format(page=page_key, max_px=NARROW_MAX_PX), height=0)

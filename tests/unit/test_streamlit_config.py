"""The Streamlit configuration keeps the privacy settings the app relies on."""

from __future__ import annotations

import tomllib
from pathlib import Path

CONFIG = Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml"


def test_privacy_relevant_streamlit_settings():
    cfg = tomllib.loads(CONFIG.read_text())
    # No usage statistics leave the machine.
    assert cfg["browser"]["gatherUsageStats"] is False
    # st.dataframe's own CSV download/copy would bypass the audited, neutralised export.
    assert cfg["client"]["disableDataExport"] is True
    # Streamlit's page list would show every page file to anyone, logged in or not.
    assert cfg["client"]["showSidebarNavigation"] is False
    # The map's Leaflet copies are served from static/.
    assert cfg["server"]["enableStaticServing"] is True

"""Safe text for Streamlit's Markdown: database values must not inject links, images or HTML."""

from __future__ import annotations

import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def md(text) -> str:
    """Escape database text for st.markdown (no injected links, HTML or formatting)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text or ""))

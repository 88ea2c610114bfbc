"""The one slider for an office's reach: bounds and default come from the Reach setting."""

from __future__ import annotations

import streamlit as st

from services.core.settings import Reach

LABEL = "Reichweite einer Geschäftsstelle (km)"


def reach_slider(reach: Reach, container=None, key: str | None = None, help: str | None = None) -> float:
    """A km slider within the setting's bounds, starting at the configured reach."""
    where = container if container is not None else st
    value = where.slider(
        LABEL, int(reach.min_km), int(round(reach.max_km)), int(round(reach.default_km)), key=key, help=help
    )
    return float(value)

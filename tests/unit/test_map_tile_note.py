"""The note that the background tiles failed wraps on a narrow map (390 px) instead of being cut off."""

import re

from components.map_extras import _CSS


def _rule(selector: str) -> dict[str, str]:
    body = re.search(re.escape(selector) + r"\{([^}]*)\}", _CSS).group(1)
    return dict(part.split(":", 1) for part in body.split(";") if part)


def test_the_tile_note_wraps_between_the_map_controls():
    note = _rule(".karte-tile-error")
    # Cut off at 390 px before: one line, hidden overflow and an ellipsis.
    assert note.get("white-space", "normal") == "normal"
    assert "text-overflow" not in note and note.get("overflow", "visible") == "visible"
    # Its width is the map's minus room for the zoom (left) and layer (right) controls, centred.
    assert note["left"] == note["right"] and note["margin"] == "0 auto" and note["width"] == "fit-content"
    assert note["text-align"] == "center"

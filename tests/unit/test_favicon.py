"""Issue 14, finding 7: the browser takes the page icon from the app itself, not from a third-party host."""

from __future__ import annotations

import ast
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]


def _page_icon() -> ast.expr:
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    calls = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "set_page_config"
    ]
    assert len(calls) == 1
    return next(k.value for k in calls[0].keywords if k.arg == "page_icon")


def test_page_icon_is_the_shipped_png():
    # A ":material/…:" icon makes every browser fetch the favicon from fonts.gstatic.com (DESIGN §7).
    icon = _page_icon()
    assert not isinstance(icon, ast.Constant), "page_icon must be the local file, not a string"
    assert ast.unparse(icon) == "FAVICON"
    from components.static_assets import FAVICON

    assert FAVICON.is_file()
    with Image.open(FAVICON) as img:
        assert img.format == "PNG" and img.size[0] == img.size[1] >= 32

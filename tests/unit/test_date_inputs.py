"""Every date field of the UI shows German dates (DD.MM.YYYY), never Streamlit's default YYYY/MM/DD."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _date_inputs():
    for folder in ("pages", "components"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "attr", getattr(node.func, "id", "")) == "date_input"
                ):
                    yield f"{path.relative_to(ROOT)}:{node.lineno}", node


def test_every_date_input_uses_the_german_format():
    found = list(_date_inputs())
    assert len(found) >= 10  # the scan sees the date fields of the pages and forms
    wrong = [
        where
        for where, call in found
        if not any(
            k.arg == "format" and isinstance(k.value, ast.Constant) and k.value.value == "DD.MM.YYYY"
            for k in call.keywords
        )
    ]
    assert wrong == []

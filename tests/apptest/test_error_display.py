"""German error messages may quote database values: they never become links or images."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _page():
    import appctx
    from domain.errors import ValidationError

    appctx.show_error(ValidationError("Abholung bei ![x](https://tracker.example/p.png) [hier](https://evil.example)"))


def test_error_message_cannot_carry_an_image_or_link():
    at = AppTest.from_function(_page)
    at.run()
    shown = at.error[0].value
    assert "Abholung bei" in shown
    assert "![x](" not in shown and "[hier](" not in shown

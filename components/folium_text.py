"""Map elements whose rendered script goes into the page as text, never through Jinja a second time.

branca's MacroElement.render wraps each rendered macro in ``Element(text)``, and Element compiles
its argument as a Jinja template. For our layers that text is hundreds of kilobytes of GeoJSON
(lexing it cost about 0.15 s per national map) and holds names typed into the Cockpit: an office
called ``{% raw %}`` broke the map, and ``{{ … }}`` in it was evaluated on the server (not sandboxed).
"""

from __future__ import annotations

from types import SimpleNamespace

from branca.element import Element
from jinja2 import Template


class RenderedText(Element):
    """Text that is already rendered: it is output as it is."""

    _template = Template("{{ this.text }}")  # compiled once; Jinja does not re-read the value

    def __init__(self, text: str):
        """text: the rendered header, html or script part of a map element."""
        super().__init__()
        self.text = text


class _Captured:
    """Stands in for an element's template while folium renders it: each macro returns "" (which
    branca wraps and compiles, cheaply) and keeps its real output for RenderedText."""

    def __init__(self, template: Template):
        self.texts: dict[str, str] = {}
        macros = template.module.__dict__
        parts = {part: self._keeper(part, macros[part]) for part in ("header", "html", "script") if part in macros}
        self.module = SimpleNamespace(**parts)

    def _keeper(self, part: str, macro):
        def keep(this, kwargs) -> str:
            self.texts[part] = macro(this, kwargs)
            return ""

        return keep


class AsText:
    """Mixin (first base) for a folium MacroElement: its rendered macros reach the page as RenderedText.

    folium's own render chain still runs (script links, the layer's addTo, its children); only the
    text branca would compile once more is swapped, in place, for the same text uncompiled.
    """

    def render(self, **kwargs):
        """Render as folium does, then put the macros' real output where branca put its placeholders."""
        own = self.__dict__.get("_template")
        captured = _Captured(self._template)
        self._template = captured
        try:
            super().render(**kwargs)
        finally:
            if own is None:
                del self._template
            else:
                self._template = own
        figure = self.get_root()
        for part, text in captured.texts.items():
            # Same name: the entry keeps its place among the figure's scripts.
            getattr(figure, part).add_child(RenderedText(text), name=self.get_name())

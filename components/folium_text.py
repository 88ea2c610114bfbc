"""Map elements whose rendered script goes into the page as text, never through Jinja a second time.

branca's MacroElement.render wraps each rendered macro in ``Element(text)``, and Element compiles
its argument as a Jinja template. For our layers that text is hundreds of kilobytes of GeoJSON
(lexing it cost about 0.15 s per national map) and holds names typed into the Cockpit: an office
called ``{% raw %}`` broke the map, and ``{{ … }}`` in it would have been evaluated on the server.
"""

from __future__ import annotations

from branca.element import CssLink, Element, Figure, JavascriptLink
from jinja2 import Template


class RenderedText(Element):
    """Text that is already rendered: it is output as it is."""

    _template = Template("{{ this.text }}")  # compiled once; Jinja does not re-read the value

    def __init__(self, text: str):
        """text: the rendered header, html or script part of a map element."""
        super().__init__()
        self.text = text


class AsText:
    """Mixin (first base) for a folium MacroElement: its macros go to the figure as RenderedText."""

    def render(self, **kwargs):
        """As branca's MacroElement.render, without compiling the output again."""
        if getattr(self, "includes", None):  # folium's Class.include(): not used by our layers
            raise NotImplementedError("AsText layers take no includes")
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError("You cannot render this Element if it is not in a Figure.")
        # What folium's JSCSSMixin.render does, which this render replaces: the script and style links.
        for name, url in getattr(self, "default_js", []):
            figure.header.add_child(JavascriptLink(url), name=name)
        for name, url in getattr(self, "default_css", []):
            figure.header.add_child(CssLink(url), name=name)
        macros = self._template.module.__dict__
        for part in ("header", "html", "script"):
            macro = macros.get(part)
            if macro is not None:
                getattr(figure, part).add_child(RenderedText(macro(self, kwargs)), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)

"""What a page renders as Markdown (where www.… and https://… become links) and what it shows as plain text."""

from __future__ import annotations

from streamlit.testing.v1 import element_tree as et

# Option labels of these widgets are Markdown too; a selectbox's or multiselect's options are plain text.
_MARKDOWN_OPTIONS = ("radio", "button_group")


def _nodes(at):
    stack = [at._tree]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(getattr(node, "children", {}).values())


def markdown_strings(at) -> list[str]:
    """Every string of the page that Streamlit renders as Markdown: bodies of markdown, captions, headings and
    alerts; labels, help texts and captions of widgets, expanders, tabs and metrics; radio options."""
    found = []
    for node in _nodes(at):
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        if isinstance(node, (et.Markdown, et.HeadingBase, et.AlertBase)) or getattr(node, "type", "") == "toast":
            found.append(node.proto.body)
        for name in ("label", "help", "caption"):
            value = getattr(proto, name, None)
            if isinstance(value, str) and value:
                found.append(value)
        if getattr(node, "type", "") in _MARKDOWN_OPTIONS:
            found.extend(str(o) for o in getattr(proto, "options", ()))
    return found


def plain_strings(at) -> list[str]:
    """Every string the page shows as plain text: st.text and st.code bodies, table cells, selectbox options."""
    found = []
    for node in _nodes(at):
        if isinstance(node, (et.Text, et.Code)):
            found.append(node.value)
        elif isinstance(node, et.Dataframe):
            frame = node.value
            found += [str(c) for c in frame.columns] + [str(v) for v in frame.astype(str).to_numpy().ravel()]
        elif getattr(node, "type", "") in ("selectbox", "multiselect"):
            found += [str(o) for o in getattr(node, "options", ())]
    return found

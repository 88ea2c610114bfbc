"""Every audit action code the code writes has a German label; unknown codes fall back to the code."""

from __future__ import annotations

import ast
from pathlib import Path

from domain.audit_actions import ACTIONS, OBJECT_TYPES, action_label, object_label
from domain.enums import ASSIGNMENT_STATUSES, ORDER_STATUSES
from services.newspaper.documents import KINDS as DOCUMENT_KINDS

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [p for d in ("services", "db", "pages", "components", "scripts", "harness") for p in (ROOT / d).rglob("*.py")]
SOURCES += [ROOT / "app.py", ROOT / "appctx.py"]


def _strings(node: ast.AST) -> set[str]:
    """The string constants an expression can evaluate to ('a' if x else 'b' gives both)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _strings(node.body) | _strings(node.orelse)
    return set()


def _calls(name: str):
    """Every call of audit.record (or a helper passing the action on) in the sources: (file, call)."""
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                f = node.func
                if (isinstance(f, ast.Attribute) and f.attr == name and getattr(f.value, "id", "") == "audit") or (
                    isinstance(f, ast.Name) and f.id == name
                ):
                    yield path, node


def _written_codes() -> set[str]:
    codes: set[str] = set()
    for _path, call in _calls("record"):
        codes |= _strings(call.args[2])
    # Helpers that take the action and pass it to audit.record (offices, calls).
    for helper in ("_after_change", "_audit"):
        for _path, call in _calls(helper):
            codes |= _strings(call.args[2])
    return codes


def test_the_scan_finds_the_codes_written_by_the_services():
    codes = _written_codes()
    # A scan that finds nothing would pass the next test: it must see codes from several places.
    assert {"login", "user_created", "office_closed", "call_create", "dsr_registered", "lead_update"} <= codes
    assert len(codes) > 60


def test_every_written_action_code_has_a_german_label():
    missing = sorted(c for c in _written_codes() if c not in ACTIONS)
    assert missing == []


def test_status_built_codes_have_labels():
    # newspaper_order_<status>, assignment_<status>, newspaper_export_<kind> are built with f-strings.
    for status in ORDER_STATUSES:
        assert action_label(f"newspaper_order_{status}") != f"newspaper_order_{status}"
    for status in ASSIGNMENT_STATUSES:
        assert action_label(f"assignment_{status}") != f"assignment_{status}"
    for kind in DOCUMENT_KINDS:
        assert action_label(f"newspaper_export_{kind}") != f"newspaper_export_{kind}"


def test_labels_are_german_and_unknown_codes_fall_back():
    assert action_label("user_created") == "Benutzer:in angelegt"
    assert action_label("newspaper_order_shipped") == "Zeitungsbestellung: versandt"
    assert action_label("something_new") == "something_new"
    assert object_label("data_subject_request") == "Datenschutz-Anfrage"
    assert object_label("") == "" and object_label("thing") == "thing"
    assert all("_" not in label for label in [*ACTIONS.values(), *OBJECT_TYPES.values()])


def test_every_audited_object_type_has_a_german_name():
    types: set[str] = set()
    for _path, call in _calls("record"):
        if len(call.args) > 3:
            types |= _strings(call.args[3])
    assert {"contact", "user", "office"} <= types
    assert sorted(t for t in types if t not in OBJECT_TYPES) == []

"""The dependency direction of DESIGN §4 holds, and pages reach services only through the doors in appctx."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ABOVE_DB = ("services", "components", "pages", "appctx", "registry", "app", "streamlit", "harness", "tests", "bench")


def imported_modules(path: Path) -> set[str]:
    """Top-level dotted names of every module a file imports (also imports inside functions)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _files(target: str) -> list[Path]:
    path = ROOT / target
    return [path] if path.suffix == ".py" else sorted(path.rglob("*.py"))


def offenders(target: str, forbidden: tuple[str, ...], allowed: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """Files of a package (or one file) that import a module under a forbidden prefix, unless allowed."""

    def under(m: str, prefixes: tuple[str, ...]) -> bool:
        return any(m == p or m.startswith(p + ".") for p in prefixes)

    found = {}
    for path in _files(target):
        bad = sorted(m for m in imported_modules(path) if under(m, forbidden) and not under(m, allowed))
        if bad:
            found[str(path.relative_to(ROOT))] = bad
    return found


@pytest.mark.parametrize(
    "target, forbidden",
    [
        ("domain", ("db", "sqlalchemy", *ABOVE_DB)),
        ("db", ABOVE_DB),
        ("services", ("streamlit", "components", "pages", "appctx", "registry", "app", "harness", "tests", "bench")),
        ("components", ("db", "sqlalchemy", "pages", "appctx", "app", "tests", "bench")),
        # Pages talk to services through appctx; the data layer and its sessions are out of reach.
        (
            "pages",
            ("db", "sqlalchemy", "services.core.runtime", "services.core.scope", "domain.errors", "tests", "bench"),
        ),
        ("registry.py", ("db", "services", "components", "pages", "appctx", "streamlit")),
        ("appctx.py", ("db", "components", "pages", "sqlalchemy")),
        ("app.py", ("db.engine", "db.queries", "db.models", "db.scope", "sqlalchemy", "pages")),
        ("bench", ("tests", "pages", "appctx", "streamlit")),
        ("harness", ("tests", "pages", "appctx", "streamlit")),
    ],
)
def test_no_layer_imports_from_above(target, forbidden):
    # The harness may speak Streamlit's wire format (its protobuf messages) to drive the app from
    # outside (harness/st_protocol.py), but never imports the runtime itself.
    allowed = ("streamlit.proto",) if target == "harness" else ()
    assert offenders(target, forbidden, allowed=allowed) == {}


def test_tests_import_only_shared_helpers_from_tests():
    """A test module never imports another test module: shared helpers live in tests/support/."""
    assert offenders("tests", ("tests",), allowed=("tests.support",)) == {}


def page_offences(name: str, source: str) -> list[str]:
    """What in a page's source bypasses the doors: sessions, caught UserErrors, a scope of its own."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ExceptHandler) and node.type is not None:
            caught = ast.unparse(node.type)
            if "Error" in caught and "ValueError" not in caught:
                found.append(f"{name}: except {caught}")
        if isinstance(node, ast.Attribute) and node.attr in (
            "db_session",
            "session_scope",
            "scope",
            "run_action",
            "cockpit_engine",
        ):
            found.append(f"{name}: .{node.attr}")
        if isinstance(node, ast.Name) and node.id in ("Session", "session_scope", "scope_for"):
            found.append(f"{name}: {node.id}")
    return found


def test_pages_open_no_session_and_catch_no_user_error():
    """Pages use appctx.read/act: no `with ...session`, no `except UserError`, no scope of their own."""
    found = []
    for path in sorted((ROOT / "pages").glob("*.py")):
        found += page_offences(path.name, path.read_text(encoding="utf-8"))
    assert found == []


def test_appctx_offers_pages_two_doors():
    """appctx's public functions for pages: read and act, besides guard, flash, errors and the user."""
    tree = ast.parse((ROOT / "appctx.py").read_text(encoding="utf-8"))
    public = {n.name for n in tree.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")}
    assert public == {
        "read",
        "act",
        "guard",
        "flash",
        "errors",
        "current_user",
        "cockpit_engine",
        "show_error",
        "before_login",
    }


def test_the_checks_see_forbidden_code(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from services.core.scope import Scope\n", encoding="utf-8")
    assert "services.core.scope" in imported_modules(bad)
    page = "try:\n    x()\nexcept UserError:\n    pass\nwith appctx.db_session() as s:\n    s.scope = user.scope\n"
    assert sorted(page_offences("p.py", page)) == [
        "p.py: .db_session",
        "p.py: .scope",
        "p.py: .scope",
        "p.py: except UserError",
    ]

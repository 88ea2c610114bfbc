"""The dependency direction of DESIGN §4 holds: pages → components, services → db; db knows nothing above it."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(path: Path) -> set[str]:
    """Top-level dotted names of every module a file imports (also imports inside functions)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def offenders(package: str, forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    """Files of package that import any module under one of the forbidden prefixes."""
    found = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        bad = sorted(m for m in imported_modules(path)
                     if any(m == f or m.startswith(f + ".") for f in forbidden))
        if bad:
            found[str(path.relative_to(ROOT))] = bad
    return found


@pytest.mark.parametrize("package, forbidden", [
    ("db", ("services", "components", "pages", "appctx", "registry", "streamlit")),
    ("services", ("streamlit", "components", "pages", "appctx", "registry")),
    ("components", ("db.engine", "db.queries", "db.models", "sqlalchemy", "pages", "appctx")),
    # Pages talk to services; from db they may use only the vocabularies (domain.enums).
    ("pages", ("db.engine", "db.queries", "db.models", "db.scope", "sqlalchemy")),
])
def test_no_layer_imports_from_above(package, forbidden):
    assert offenders(package, forbidden) == {}


def test_the_check_sees_a_forbidden_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from services.scope import Scope\n", encoding="utf-8")
    assert "services.scope" in imported_modules(bad)

"""Links between areas are visible: real imports (no `importlib` strings), and what one area needs from
another is called by name (no registries filled at import time)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "ai_register"
MODULES = {str(path.relative_to(PACKAGE.parent)): path.read_text(encoding="utf-8")
           for path in sorted(PACKAGE.rglob("*.py"))}
TREES = {path: ast.parse(text) for path, text in MODULES.items()}


def test_no_string_imports():
    found = [path for path, tree in TREES.items()
             if any(isinstance(node, ast.Import | ast.ImportFrom)
                    and ("importlib" in {a.name for a in node.names} or (node.__class__ is ast.ImportFrom
                                                                           and node.module == "importlib"))
                    for node in ast.walk(tree))]
    assert not found


def test_no_dynamic_imports_by_name():
    """Nor the other ways to import a module named by a string: `__import__(...)` and werkzeug's
    `import_string`."""
    found = [f"{path}:{node.lineno}" for path, tree in TREES.items() for node in ast.walk(tree)
             if (isinstance(node, ast.Call) and (getattr(node.func, "id", None) or getattr(node.func, "attr", None))
                 in {"__import__", "import_string"})
             or (isinstance(node, ast.ImportFrom) and any(a.name == "import_string" for a in node.names))]
    assert not found


def test_no_registries_filled_at_import_time():
    """A module-level call that registers something (`register_…(…)`) is a link a reader cannot follow;
    the app factory registers blueprints, handlers and commands inside create_app."""
    found = []
    for path, tree in TREES.items():
        for node in tree.body:
            call = node.value if isinstance(node, ast.Expr) else None
            if isinstance(call, ast.Call):
                name = ast.unparse(call.func).rsplit(".", 1)[-1]
                if name.startswith("register"):
                    found.append(f"{path}:{node.lineno} {ast.unparse(call)}")
    assert not found

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


def _register_names(tree: ast.Module) -> set[str]:
    """The names a module imports from the register's own modules."""
    return {alias.asname or alias.name for node in tree.body
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ai_register")
            for alias in node.names}


def test_no_attributes_assigned_onto_imported_classes():
    """What a model holds stands in its class (a relationship to another area's model names it by string):
    no module sets an attribute on a class it imported from the register
    (`Solution.current_oversight = relationship(...)`, `setattr(Solution, ...)`), where a reader of that
    class would not find it."""
    found = []
    for path, tree in TREES.items():
        imported = _register_names(tree)
        for node in tree.body:
            targets = (node.targets if isinstance(node, ast.Assign)
                       else [node.target] if isinstance(node, ast.AnnAssign | ast.AugAssign) else [])
            for target in targets:
                if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) \
                        and target.value.id in imported:
                    found.append(f"{path}:{node.lineno} {ast.unparse(target)}")
            call = node.value if isinstance(node, ast.Expr) else None
            if isinstance(call, ast.Call) and getattr(call.func, "id", None) == "setattr" and call.args \
                    and isinstance(call.args[0], ast.Name) and call.args[0].id in imported:
                found.append(f"{path}:{node.lineno} {ast.unparse(call)}")
    assert not found


def test_models_declare_their_relationships_in_the_class():
    """Nor a model's own module adds a relationship after the class (`Solution.pending_transition = …`):
    every mapped attribute is declared in the model's class body."""
    found = []
    for path, tree in TREES.items():
        classes = {node.name for node in tree.body if isinstance(node, ast.ClassDef)
                   and any(ast.unparse(base) == "db.Model" for base in node.bases)}
        for node in tree.body:
            if isinstance(node, ast.Assign):
                found += [f"{path}:{node.lineno} {ast.unparse(target)}" for target in node.targets
                          if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                          and target.value.id in classes]
    assert not found

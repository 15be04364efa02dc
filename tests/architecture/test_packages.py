"""A module split into a package by job keeps one home per name: the package's `__init__` is its map (a
docstring), not a second place to import the names from. Importers name the module that owns the name."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SPLIT_PACKAGES = ("ai_register/solutions/lifecycle", "ai_register/reports/pdf", "ai_register/rules")


@pytest.mark.parametrize("package", SPLIT_PACKAGES)
def test_split_package_init_is_only_a_map(package):
    tree = ast.parse((ROOT / package / "__init__.py").read_text(encoding="utf-8"))
    docstring = ast.get_docstring(tree)
    assert docstring, f"{package}/__init__.py should say which module holds what"
    statements = [node for node in tree.body[1:]
                  if not (isinstance(node, ast.ImportFrom) and node.module == "__future__")]
    assert not statements, f"{package}/__init__.py defines or re-exports names (line {statements[0].lineno})"
    modules = {path.stem for path in (ROOT / package).glob("*.py")} - {"__init__"}
    missing = sorted(name for name in modules if name not in docstring)
    assert not missing, f"{package}/__init__.py's map does not name {missing}"


# `ai_register` itself hands out the factory on first use (its `__getattr__`), so `flask --app ai_register` works.
LAZY_EXPORTS = {("ai_register", "create_app")}


def _module_names() -> dict[str, Path]:
    modules = {}
    for path in (ROOT / "ai_register").rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _own_and_imported(path: Path) -> tuple[set[str], set[str]]:
    """The names a module defines at its top level (also inside if/try), and those it only imports."""
    own: set[str] = set()
    imported: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        for inner in ast.walk(node) if isinstance(node, (ast.If, ast.Try)) else [node]:
            if isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                own.add(inner.name)
            elif isinstance(inner, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = inner.targets if isinstance(inner, ast.Assign) else [inner.target]
                own.update(name.id for target in targets for name in ast.walk(target) if isinstance(name, ast.Name))
            elif isinstance(inner, (ast.Import, ast.ImportFrom)):
                imported.update((alias.asname or alias.name).split(".")[0] for alias in inner.names)
    return own, imported - own


# `from ai_register.x import a, b` or `from ai_register.x import (\n a,  # why\n b,\n)` anywhere in a file
IMPORT_FROM = re.compile(r"^[ \t]*from (ai_register(?:\.\w+)*) import (\([^)]*\)|[^\n]*)", re.MULTILINE)


def test_names_are_imported_from_the_module_that_defines_them():
    """`from ai_register.x import Name` names Name's home: a module does not hand on a name it imported."""
    modules = _module_names()
    homes: dict[str, tuple[set[str], set[str]]] = {}
    passed_on = []
    for folder in ("ai_register", "tests", "tools", "bench"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            for match in IMPORT_FROM.finditer(text):
                module = match[1]
                if module not in modules:
                    continue
                if module not in homes:
                    homes[module] = _own_and_imported(modules[module])
                own, imported = homes[module]
                listed = re.sub(r"#[^\n]*", "", match[2]).strip("()")
                for alias in filter(None, (part.strip() for part in listed.split(","))):
                    name = alias.split(" as ")[0].strip()
                    if (f"{module}.{name}" in modules or (module, name) in LAZY_EXPORTS
                            or name in own or name not in imported):
                        continue
                    line = text.count("\n", 0, match.start()) + 1
                    passed_on.append(f"{path.relative_to(ROOT)}:{line}: {name} from {module}")
    assert not passed_on, "import these from the module that defines them:\n" + "\n".join(passed_on)

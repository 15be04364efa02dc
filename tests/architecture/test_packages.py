"""A module split into a package by job keeps one home per name: the package's `__init__` is its map (a
docstring), not a second place to import the names from. Importers name the module that owns the name."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SPLIT_PACKAGES = ("ai_register/solutions/lifecycle", "ai_register/reports/pdf")


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

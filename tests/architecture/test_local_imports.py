"""Imports stand at the top of a module. A function-local import stays only where a module-level one would
close an import cycle, or where it keeps a pure module importable without Flask (or a heavy library off
the import path); a comment on the line above says which (`# cycle: a → b → a` or `# lazy: …`)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "ai_register"
REASONS = ("# cycle:", "# lazy:")


def _local_imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    found = []
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            found.extend(node for node in ast.walk(function) if isinstance(node, ast.Import | ast.ImportFrom))
    return found


def _explained(lines: list[str], node: ast.stmt) -> bool:
    """The comment sits on the line above the import (or above a run of imports it explains)."""
    index = node.lineno - 2
    while index >= 0:
        text = lines[index].strip()
        if text.startswith(REASONS):
            return True
        if not (text.startswith(("from ", "import ")) or text.startswith("# ")):
            return False
        index -= 1
    return False


def unexplained(source: str) -> list[str]:
    lines = source.splitlines()
    return [f"line {node.lineno}: {ast.unparse(node)}" for node in _local_imports(ast.parse(source))
            if not _explained(lines, node)]


def test_every_function_local_import_names_its_reason():
    offenders = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        found = unexplained(path.read_text(encoding="utf-8"))
        if found:
            offenders[str(path.relative_to(PACKAGE.parent))] = found
    assert not offenders, offenders


def test_the_check_sees_an_unexplained_import():
    source = (
        "def a():\n    from x import y\n    return y\n\n"
        "def b():\n    # cycle: x → this → x\n    from x import z\n    import w\n    return z, w\n\n"
        "def c():\n    # lazy: keeps this module importable without Flask\n    import flask\n    return flask\n"
    )
    assert unexplained(source) == ["line 2: from x import y"]

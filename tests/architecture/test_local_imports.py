"""Imports stand at the top of a module. A function-local import stays only where a module-level one would
close an import cycle, or where it keeps a pure module importable without Flask (or a heavy library off
the import path); a comment on the line above says which (`# cycle: a → b → a` or `# lazy: …`)."""

from __future__ import annotations

import ast
import re
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


CYCLE = re.compile(r"#\s*cycle:\s*(.+)$", re.MULTILINE)


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(node: ast.Import | ast.ImportFrom) -> set[str]:
    """The modules an import statement names (for `from a import b`: `a` and `a.b`, b may be a module)."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names}
    return {node.module or ""} | {f"{node.module}.{alias.name}" for alias in node.names}


def _top_level_imports(module: str) -> set[str]:
    path = PACKAGE.parent / Path(*module.split("."))
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {name for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom) for name in _imported(node)}


def named_cycles(path: Path) -> list[tuple[int, list[str], set[str]]]:
    """Each `# cycle: a → b → a` comment of a module: its line, the modules it names (under ai_register.), and
    what the function-local import below it imports."""
    lines = path.read_text(encoding="utf-8").splitlines()
    local = {node.lineno: _imported(node) for node in _local_imports(ast.parse("\n".join(lines)))}
    found = []
    for number, line in enumerate(lines, start=1):
        match = CYCLE.search(line)
        if match:
            names = [f"ai_register.{name.strip()}" for name in re.split(r"→|->", match.group(1))]
            below = next((local[n] for n in range(number + 1, number + 4) if n in local), set())
            found.append((number, names, below))
    return found


def test_every_named_cycle_is_an_import_loop():
    """A `# cycle:` comment names a real loop: each step but the last is a module-level import of the next, the
    loop closes on the module it stands in, and its last step is the function-local import below it. A comment
    that outlived its cycle (an import moved, a module split) fails here, and the import can go to the top."""
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if not CYCLE.search(path.read_text(encoding="utf-8")):  # most modules have none: skip the parse
            continue
        for line, names, below in named_cycles(path):
            where = f"{path.relative_to(PACKAGE.parent)}:{line}"
            if len(names) < 3 or names[0] != names[-1] or names[-2] != _module_name(path) or names[-1] not in below:
                wrong.append(f"{where}: the loop must end in this module's import below the comment: {names}")
                continue
            wrong += [f"{where}: {a} does not import {b} at module level"
                      for a, b in zip(names[:-2], names[1:-1], strict=True) if b not in _top_level_imports(a)]
    assert not wrong, wrong

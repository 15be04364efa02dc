"""Schemas only describe shapes: no `schemas.py` imports a service (`services`, `queries`) or any other
module that reads the database, so what an answer shows beyond a record's columns (valid today, overdue,
a message) is computed by the area's service (`shown`) and read by an `apikit.Shown` field."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "ai_register"
SERVICE_LAYER = ("services", "queries")
# Shared pieces a schema may use although they touch the database themselves: the API toolkit (paging),
# the extensions (the id range) and the permission check (the role names).
TOOLKIT = {"ai_register.apikit", "ai_register.extensions", "ai_register.security"}


def _module_path(name: str) -> Path | None:
    relative = Path(*name.split(".")[1:])
    for candidate in (PACKAGE / relative.with_suffix(".py"), PACKAGE / relative / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every ai_register module `path` imports (`from a.b import c` names a.b.c when
    c is a module)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ai_register"):
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.append((node.lineno, submodule if _module_path(submodule) else node.module))
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names
                         if alias.name.startswith("ai_register"))
    return found


def _reads_database(name: str) -> bool:
    path = _module_path(name)
    if path is None or name in TOOLKIT or name.endswith((".models", ".schemas")):
        return False
    return any(module == "ai_register.extensions" and "db" in names
               for module, names in _from_imports(path))


def _from_imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module, {alias.name for alias in node.names}


def _offences(path: Path) -> list[str]:
    found = []
    for line, module in _imports(path):
        if module.rsplit(".", 1)[-1] in SERVICE_LAYER:
            found.append(f"line {line}: {module} (a service)")
        elif _reads_database(module):
            found.append(f"line {line}: {module} (reads the database)")
    return found


def test_schemas_call_no_service():
    offenders = {str(path.relative_to(PACKAGE.parent)): found
                 for path in sorted(PACKAGE.rglob("schemas.py")) if (found := _offences(path))}
    assert not offenders, offenders


def test_the_check_sees_a_service_import(tmp_path):
    sample = tmp_path / "schemas.py"
    sample.write_text("from ai_register.solutions.services import region_today\n"
                      "from ai_register.notifications import services\n"
                      "from ai_register.portfolio import queries\n"
                      "from ai_register.solutions.access import get_solution\n"
                      "from ai_register.apikit import StrictSchema\n"
                      "from ai_register.solutions.lifecycle.phases import Phase\n"
                      "from ai_register.incidents.models import DUTY_OPEN\n")
    assert [finding.split(":")[0] for finding in _offences(sample)] == ["line 1", "line 2", "line 3", "line 4"]

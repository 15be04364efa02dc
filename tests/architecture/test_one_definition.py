"""The API's plumbing has one definition each (ai_register/apikit.py), and the "load the child, check its
solution" lookup one (solutions.access.get_child): a copy would drift."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "ai_register"


def _modules() -> list[tuple[str, ast.Module, str]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        found.append((str(path.relative_to(PACKAGE.parent)), ast.parse(text), text))
    return found


MODULES = _modules()


def _definitions(name: str) -> list[str]:
    return [f"{path}:{node.lineno}" for path, tree, _ in MODULES for node in ast.walk(tree)
            if isinstance(node, ast.ClassDef | ast.FunctionDef) and node.name == name]


@pytest.mark.parametrize(("name", "home"), [
    ("StrictSchema", "ai_register/apikit.py"),
    ("UtcDateTime", "ai_register/apikit.py"),
    ("PageArgsSchema", "ai_register/apikit.py"),
    ("page_of", "ai_register/apikit.py"),
    ("page_window", "ai_register/apikit.py"),
    ("page_schema", "ai_register/apikit.py"),
    ("text_field", "ai_register/apikit.py"),
    ("get_child", "ai_register/solutions/access.py"),
])
def test_defined_once(name, home):
    places = _definitions(name)
    assert len(places) == 1 and places[0].startswith(home + ":"), places


def _is_strict_meta_only(node: ast.ClassDef) -> bool:
    body = [n for n in node.body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
    return (len(body) == 1 and isinstance(body[0], ast.ClassDef) and body[0].name == "Meta"
            and "RAISE" in ast.unparse(body[0]))


def test_no_copy_of_the_strict_base_schema_under_another_name():
    copies = [f"{path}:{node.lineno} {node.name}" for path, tree, _ in MODULES for node in ast.walk(tree)
              if isinstance(node, ast.ClassDef) and _is_strict_meta_only(node) and path != "ai_register/apikit.py"]
    assert not copies


def test_no_utc_datetime_field_besides_the_toolkit():
    copies = [f"{path}:{node.lineno} {node.name}" for path, tree, _ in MODULES for node in ast.walk(tree)
              if isinstance(node, ast.ClassDef) and path != "ai_register/apikit.py"
              and any(ast.unparse(base).endswith("fields.DateTime") for base in node.bases)]
    assert not copies


def test_every_api_time_is_written_with_its_zone():
    """A plain marshmallow DateTime writes SQLite's zone-less times without an offset (the spec says
    date-time, RFC 3339): every schema's time is apikit.UtcDateTime."""
    plain = [f"{path}:{node.lineno}" for path, tree, _ in MODULES for node in ast.walk(tree)
             if isinstance(node, ast.Call) and ast.unparse(node.func).endswith("fields.DateTime")
             and path != "ai_register/apikit.py"]
    assert not plain


PAGE_ARITHMETIC = re.compile(r"""\(\s*(?:args\[["']page["']\]|page)\s*-\s*1\s*\)\s*\*""")


def test_page_offsets_are_computed_in_one_place():
    """Every page's offset comes from apikit.page_window."""
    copies = [f"{path}:{text.count(chr(10), 0, match.start()) + 1}" for path, _, text in MODULES
              if path != "ai_register/apikit.py" for match in PAGE_ARITHMETIC.finditer(text)]
    assert not copies


def _field_names(node: ast.ClassDef) -> set[str]:
    return {target.id for statement in node.body if isinstance(statement, ast.Assign)
            for target in statement.targets if isinstance(target, ast.Name)}


def test_a_plain_list_answer_is_declared_with_page_schema():
    """A list answer of nothing but `items` and `total` (and `page`, `per_page`) is `apikit.page_schema(...)`,
    not a hand-written copy; a list answer with members of its own (a summary, a cursor) stays a class."""
    copies = [f"{path}:{node.lineno} {node.name}" for path, tree, _ in MODULES for node in ast.walk(tree)
              if isinstance(node, ast.ClassDef)
              and _field_names(node) in ({"items", "total"}, {"items", "total", "page", "per_page"})]
    assert not copies


def _reraises_not_found(node: ast.Try) -> bool:
    return any(handler.type is not None and "NotFound" in ast.unparse(handler.type)
               and any(isinstance(statement, ast.Raise) and statement.exc is not None
                       and "NotFound" in ast.unparse(statement.exc) for statement in ast.walk(handler))
               for handler in node.handlers)


def test_a_child_is_found_through_get_child():
    """"Load the child, then its solution, and answer the solution's 404 as the child's" is written once
    (solutions.access.get_child); an area that also needs the solution takes it from the session after."""
    copies = [f"{path}:{node.lineno}" for path, tree, _ in MODULES if path != "ai_register/solutions/access.py"
              for node in ast.walk(tree) if isinstance(node, ast.Try) and _reraises_not_found(node)]
    assert not copies

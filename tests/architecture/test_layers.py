"""Services speak the domain: only the web/API layer knows HTTP. Outside it no module imports werkzeug's
exceptions, the HTTP problem (`errors.Problem`), or Flask's request-bound `request`, `g`, `session` and
`abort`; services raise `ai_register.exceptions` and `errors.py` maps them."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "ai_register"

# The web/API layer: blueprints (api, views, forms and the web shell), the factory, the one error handler,
# the one permission check (it reads the request's credentials) and the OpenAPI glue.
WEB_MODULES = ("api.py", "views.py", "forms.py")  # also users/admin_views.py
WEB_PACKAGES = ("web",)
WEB_FILES = ("app.py", "errors.py", "security.py", "openapi.py", "health.py", "request_limits.py")

FLASK_REQUEST_BOUND = frozenset({"request", "g", "session", "abort"})


def _in_web_layer(path: Path) -> bool:
    relative = path.relative_to(PACKAGE)
    return (path.name.endswith(WEB_MODULES) or relative.parts[0] in WEB_PACKAGES
            or str(relative) in WEB_FILES)


def _http_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = {alias.name for alias in node.names}
            if node.module.startswith("werkzeug.exceptions"):
                found.append(f"line {node.lineno}: werkzeug.exceptions {sorted(names)}")
            elif node.module == "flask" and names & FLASK_REQUEST_BOUND:
                found.append(f"line {node.lineno}: flask {sorted(names & FLASK_REQUEST_BOUND)}")
            elif node.module == "ai_register.errors" and "Problem" in names:
                found.append(f"line {node.lineno}: ai_register.errors.Problem")
            elif node.module == "werkzeug" and "exceptions" in names:
                found.append(f"line {node.lineno}: werkzeug.exceptions")
            elif node.module == "ai_register" and "errors" in names:
                found.append(f"line {node.lineno}: ai_register.errors")
        elif isinstance(node, ast.Import):
            found.extend(f"line {node.lineno}: {alias.name}" for alias in node.names
                         if alias.name.startswith("werkzeug.exceptions") or alias.name == "ai_register.errors")
        elif (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "flask"
              and node.attr in FLASK_REQUEST_BOUND):
            found.append(f"line {node.lineno}: flask.{node.attr}")
    return found


def test_only_the_web_layer_speaks_http():
    offenders = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if _in_web_layer(path):
            continue
        found = _http_imports(path)
        if found:
            offenders[str(path.relative_to(PACKAGE.parent))] = found
    assert not offenders, offenders


def test_the_check_sees_an_http_import(tmp_path):
    module = PACKAGE / "solutions" / "services.py"
    assert not _in_web_layer(module)
    sample = tmp_path / "sample.py"
    sample.write_text("from werkzeug.exceptions import NotFound\nfrom flask import g, current_app\n"
                      "from ai_register.errors import Problem\nfrom werkzeug import exceptions\n"
                      "from ai_register import errors\nimport flask\nflask.request.args\nflask.current_app\n")
    assert len(_http_imports(sample)) == 6


# The web pages: the shell (web/), an area's views and forms (also `*_views.py`, e.g. solutions/page_views.py
# that gathers the solution page) and the factory that registers them.
WEB_PAGE_MODULES = ("views.py", "forms.py")
WEB_PAGE_FILES = ("app.py",)


def _is_web_page(module: str) -> bool:
    """The shell (`ai_register.web…`) or an area's page module (`….views`, `….page_views`, `….forms`)."""
    parts = module.split(".")
    last = parts[-1]
    return parts[0] == "ai_register" and (parts[1:2] == ["web"] or last in ("views", "forms")
                                          or last.endswith(("_views", "_forms")))


def _web_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            modules = [node.module] if _is_web_page(node.module) else [
                f"{node.module}.{alias.name}" for alias in node.names if _is_web_page(f"{node.module}.{alias.name}")]
            found.extend(f"line {node.lineno}: {module}" for module in modules)
        elif isinstance(node, ast.Import):
            found.extend(f"line {node.lineno}: {alias.name}" for alias in node.names if _is_web_page(alias.name))
    return found


def test_only_web_pages_import_the_web_shell():
    """The web pages sit on top: the shell (layout, navigation, form helpers, charts, the gate checklist) and
    an area's views and forms are imported by web pages only; services, the API, the reports and the words
    for an area's codes (`<area>/labels.py`) never import them."""
    offenders = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if path.name.endswith(WEB_PAGE_MODULES) or relative.parts[0] in WEB_PACKAGES or str(relative) in WEB_PAGE_FILES:
            continue
        found = _web_imports(path)
        if found:
            offenders[str(relative)] = found
    assert not offenders, offenders

"""Services take the acting user as an argument (`by: User` when they decide or write, `user` when they
read what someone may see): only the HTTP layer knows who is signed in. Outside it no module imports or
calls `security.actor()`, Flask-Login's `current_user`, or reads the user from the acting context
(`acting.current().user`; the audit trail reads only its id, channel and request id)."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.architecture.test_layers import PACKAGE, _in_web_layer


def _acting_user_reads(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = {alias.name for alias in node.names}
            if node.module == "ai_register.security" and "actor" in names:
                found.append(f"line {node.lineno}: imports security.actor")
            elif node.module.startswith("flask_login") and "current_user" in names:
                found.append(f"line {node.lineno}: imports flask_login.current_user")
        elif isinstance(node, ast.Attribute):
            if node.attr == "actor" and isinstance(node.value, ast.Name) and node.value.id == "security":
                found.append(f"line {node.lineno}: security.actor")
            elif node.attr == "current_user" or (node.attr == "user" and isinstance(node.value, ast.Call)
                                                 and ast.unparse(node.value.func).endswith("current")):
                found.append(f"line {node.lineno}: {ast.unparse(node)}")
    return found


def test_only_the_http_layer_knows_who_is_signed_in():
    offenders = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if _in_web_layer(path):
            continue
        found = _acting_user_reads(path)
        if found:
            offenders[str(path.relative_to(PACKAGE.parent))] = found
    assert not offenders, offenders


def test_the_check_sees_the_signed_in_user(tmp_path):
    assert not _in_web_layer(PACKAGE / "incidents" / "services.py")
    assert _in_web_layer(PACKAGE / "incidents" / "deviation_views.py")
    sample = tmp_path / "sample.py"
    sample.write_text("from ai_register.security import COMPLIANCE, actor\n"
                      "from flask_login import current_user\n"
                      "from ai_register import acting, security\n"
                      "who = security.actor()\n"
                      "also = acting.current().user\n"
                      "channel = acting.current().channel\n")
    assert sorted(finding.split(":")[0] for finding in _acting_user_reads(sample)) == [
        "line 1", "line 2", "line 4", "line 5"]

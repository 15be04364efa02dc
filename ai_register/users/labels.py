"""The accounts' codes as words: a role as people read it (Swedish first, through Flask-Babel)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ROLES = {
    "owner": _l("AI owner"),
    "compliance": _l("Compliance officer"),
    "auditor": _l("Auditor"),
    "admin": _l("Administrator"),
    "staff": _l("Staff member"),
}


def role_label(role: str | None) -> str:
    return str(ROLES.get(role, role or ""))

"""The goals' codes as words: a goal's perspective."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ai_register.formats import lookup

PERSPECTIVES = {
    "society_citizens": _l("Society and citizens"),
    "operations": _l("Operations"),
    "staff_managers": _l("Staff and managers"),
    "knowledge_renewal": _l("Knowledge and renewal"),
    "economy": _l("Economy"),
}


def perspective_label(code: str | None) -> str:
    return lookup(PERSPECTIVES, code)

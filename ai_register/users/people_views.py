"""Search-as-you-type for the people who can own a solution (the co-owner field of the solution form,
web/_people.html with static/js/lookup.js). Those who register and change solutions ask it; it answers
names, e-mail addresses and roles of active owner and compliance accounts, nothing more."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _

from ai_register.security import COMPLIANCE, OWNER, access
from ai_register.users import people
from ai_register.users.labels import role_label

bp = Blueprint("people_web", __name__)


def compliance_warning() -> str:
    return _("A compliance officer who becomes co-owner can no longer review this solution (four eyes).")


def person_item(user) -> dict:
    item = {"id": user.id, "name": user.display_name, "detail": f"{user.email} · {role_label(user.role)}"}
    if user.role == COMPLIANCE:
        item["warning"] = compliance_warning()
    return item


@bp.get("/people/lookup")
@access(OWNER, COMPLIANCE)
def lookup():
    """The first few active accounts that can own a solution whose name or e-mail holds `q`."""
    found = people.search_possible_owners(request.args.get("q") or "")
    response = jsonify(items=[person_item(user) for user in found])
    response.headers["Cache-Control"] = "no-store"
    return response

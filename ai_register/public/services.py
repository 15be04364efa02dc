"""Writing the region's plain words for a solution's public page (audited), and reading them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ai_register.audit import services as audit
from ai_register.exceptions import InvalidInput
from ai_register.extensions import db
from ai_register.public.models import TEXT_FIELDS, PublicDescription
from ai_register.public.readability import PERSONAL_NUMBER
from ai_register.solutions.models import Solution
from ai_register.users.models import User

ENTITY = "public_description"
FIELDS = tuple(f"{stem}_{lang}" for stem in TEXT_FIELDS for lang in ("sv", "en")) + ("contact",)


def description_for(solution_id: int) -> PublicDescription | None:
    return db.session.get(PublicDescription, solution_id)


def save_description(solution: Solution, data: Mapping[str, Any], *, by: User) -> PublicDescription:
    """Create or change the public description of `solution` with the fields `data` holds (blank text is
    none); the change is recorded in the audit trail with its before and after."""
    description = description_for(solution.id)
    values = {name: ((data.get(name) or "").strip() or None) for name in FIELDS if name in data}
    found = {name: ["A personal identity number must not be published."] for name, value in values.items()
             if value and PERSONAL_NUMBER.search(value)}
    if found:
        raise InvalidInput("The public description cannot identify anyone.", errors=found)
    if description is None:
        description = PublicDescription(solution_id=solution.id, updated_by_id=by.id, **values)
        db.session.add(description)
        db.session.flush()
        audit.record("create", ENTITY, solution.id, solution_id=solution.id, actor_id=by.id,
                     data={"record": {name: getattr(description, name) for name in FIELDS}})
        return description
    before = {name: getattr(description, name) for name in FIELDS}
    for name, value in values.items():
        setattr(description, name, value)
    after = {name: getattr(description, name) for name in FIELDS}
    changes = {name: {"before": before[name], "after": after[name]} for name in FIELDS if before[name] != after[name]}
    if changes:
        description.updated_by_id = by.id
        db.session.flush()
        audit.record("update", ENTITY, solution.id, solution_id=solution.id, actor_id=by.id,
                     data={"changes": changes})
    return description

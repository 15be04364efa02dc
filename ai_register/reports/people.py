"""Names of the people a report mentions: accounts by id, person records (people without accounts), and
which keys of a stored record name an account."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ai_register.audit.models import AuditEvent
from ai_register.extensions import db
from ai_register.oversight import models as oversight_models
from ai_register.users.models import User


def user_names(ids: set[int]) -> dict[int, str]:
    ids = {i for i in ids if isinstance(i, int)}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all())


def solution_actor_names(solution_id: int) -> dict[int, str]:
    """Names of everyone who acted on the solution, for the events table (one query)."""
    actors = (select(AuditEvent.actor_id).where(AuditEvent.solution_id == solution_id).distinct()
              .scalar_subquery())
    return dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(actors))).all())


def is_user_key(key: str) -> bool:
    return key.endswith(("_by_id", "user_id")) or key == "owner_id"


def referenced_user_ids(value: Any, key: str = "") -> set[int]:
    found: set[int] = set()
    if isinstance(value, dict):
        for k, v in value.items():
            found |= referenced_user_ids(v, k)
    elif isinstance(value, list):
        if key.endswith("_ids"):
            found |= {v for v in value if isinstance(v, int)}
        else:
            for v in value:
                found |= referenced_user_ids(v, key)
    elif isinstance(value, int) and is_user_key(key):
        found.add(value)
    return found


def person_names(ids: set[Any]) -> dict[int, dict[str, Any]]:
    """Person records (people without accounts) as they are now: name, title, unit."""
    model = oversight_models.Person
    ids = {i for i in ids if isinstance(i, int)}
    if not ids:
        return {}
    rows = db.session.execute(select(model.id, model.name, model.title, model.unit).where(model.id.in_(ids)))
    return {row.id: {"name": row.name, "title": row.title, "unit": row.unit} for row in rows}

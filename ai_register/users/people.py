"""Finding the people who can own a solution (active owner and compliance accounts), by a few letters of
their name or e-mail address: the co-owner search of the solution form. Reads only."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, or_, select

from ai_register.extensions import db
from ai_register.security import COMPLIANCE, OWNER
from ai_register.users.models import User

OWNING_ROLES = (OWNER, COMPLIANCE)
SEARCH_LIMIT = 15


def _owning():
    return select(User).where(User.active.is_(True), User.role.in_(OWNING_ROLES))


def search_possible_owners(text: str, limit: int = SEARCH_LIMIT) -> list[User]:
    """Active accounts that can own a solution whose name or e-mail holds `text` (case-insensitive)."""
    text = text.strip()[:200]
    if not text:
        return []
    hit = or_(User.display_name.icontains(text, autoescape=True), User.email.icontains(text, autoescape=True))
    return list(db.session.scalars(_owning().where(hit).order_by(User.display_name, User.id).limit(limit)))


def possible_owners(ids: Iterable[int]) -> list[User]:
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    found = {u.id: u for u in db.session.scalars(_owning().where(User.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def resolve_possible_owner(entry: str) -> User | None:
    """The one account that can own a solution with this e-mail address, or with exactly this name when
    only one has it; None otherwise (unknown, inactive, not an owning role, or an ambiguous name)."""
    entry = entry.strip()
    if not entry:
        return None
    by_email = db.session.scalar(_owning().where(func.lower(User.email) == entry.lower()))
    if by_email is not None:
        return by_email
    named = list(db.session.scalars(_owning().where(func.lower(User.display_name) == entry.lower()).limit(2)))
    return named[0] if len(named) == 1 else None


def accounts(ids: Iterable[int]) -> list[User]:
    """The accounts with these ids in the given order, whatever their role or state (to show who is chosen)."""
    ids = list(dict.fromkeys(ids))
    found = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    return [found[i] for i in ids if i in found]

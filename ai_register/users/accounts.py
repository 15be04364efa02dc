"""Account administration as an administrator does it in the web: find, create, change role, deactivate,
revoke tokens; and a person's own password (a one-time password to replace, a set-password link).

Operations flush and audit; the request or CLI command commits. They raise the register's domain
exceptions (`ai_register.exceptions`) the way the rest of `users.services` does, so the API and the web
page tell the same story.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, or_, select

from ai_register.apikit import page_of
from ai_register.exceptions import Conflict, InvalidInput, NotAllowed, NotFound
from ai_register.extensions import db
from ai_register.onboarding import sso
from ai_register.onboarding.models import ExternalIdentity
from ai_register.security import ADMIN, ALL_ROLES
from ai_register.users import services
from ai_register.users.models import User

SET_PASSWORD_SALT = "ai-register-set-password"  # noqa: S105 - a salt that names the purpose, not a secret
SET_PASSWORD_MAX_AGE = 72 * 3600  # seconds: a link sent on Friday still works on Monday
STATUSES = ("active", "inactive")


# --------------------------------------------------------------------------- reading


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    return user


def identities(user_ids: list[int]) -> dict[int, ExternalIdentity]:
    """Each account's link to the identity provider (the latest, when someone has more than one)."""
    if not user_ids:
        return {}
    rows = db.session.scalars(select(ExternalIdentity).where(ExternalIdentity.user_id.in_(user_ids))
                              .order_by(ExternalIdentity.id))
    return {row.user_id: row for row in rows}


def role_from_identity_provider(user: User, identity: ExternalIdentity | None = None) -> bool:
    """True when the region's sign-in sets this person's role from a group at every sign-in: a role
    set by hand would be overwritten at their next sign-in, so it is not changed here."""
    if not sso.enabled():
        return False
    if identity is None:
        identity = identities([user.id]).get(user.id)
    return identity is not None


def last_sign_in(user: User, identity: ExternalIdentity | None) -> datetime | None:
    moments = [m for m in (user.last_sign_in_at, identity.last_sign_in_at if identity else None) if m]
    return max(moments, key=lambda m: m if m.tzinfo else m.replace(tzinfo=UTC)) if moments else None


def search_accounts(*, q: str = "", role: str = "", status: str = "", page: int = 1,
                    per_page: int = 50) -> dict:
    """Accounts by name or e-mail, role and status; `items` are (user, identity) pairs."""
    query = select(User)
    if q.strip():
        needle = f"%{q.strip().lower()}%"
        query = query.where(or_(func.lower(User.display_name).like(needle), func.lower(User.email).like(needle)))
    if role in ALL_ROLES:
        query = query.where(User.role == role)
    if status in STATUSES:
        query = query.where(User.active.is_(status == "active"))
    found = page_of(query.order_by(func.lower(User.display_name), User.id), {"page": page, "per_page": per_page})
    linked = identities([user.id for user in found["items"]])
    return {**found, "items": [(user, linked.get(user.id)) for user in found["items"]]}


def active_administrators() -> int:
    return db.session.scalar(select(func.count(User.id)).where(User.role == ADMIN, User.active.is_(True)))


def is_last_active_administrator(user: User) -> bool:
    return user.role == ADMIN and user.active and active_administrators() <= 1


# --------------------------------------------------------------------------- administering


def one_time_password() -> str:
    """Sixteen characters from the URL-safe alphabet: about 96 bits, readable over the phone in groups."""
    return secrets.token_urlsafe(12)


def create_account(email: str, role: str, *, display_name: str | None, delivery: str) -> tuple[User, str]:
    """A new account. `delivery` "password": a one-time password the administrator hands over (returned,
    never stored in clear; the person picks their own at first sign-in); "link": a set-password link,
    returned for the e-mail. Either way the returned secret is shown or sent once."""
    if delivery not in ("password", "link"):
        raise InvalidInput("Choose how the person gets their first password.")
    secret = one_time_password() if delivery == "password" else None
    user = services.create_user(email, role, display_name=display_name, password=secret)
    if secret is not None:
        user.password_must_change = True
        db.session.flush()
        return user, secret
    db.session.flush()
    return user, set_password_token(user)


def change_role(user: User, role: str, *, reason: str | None = None) -> User:
    if role not in ALL_ROLES:
        raise InvalidInput(f"Unknown role '{role}'.")
    if role == user.role:
        return user
    if role_from_identity_provider(user):
        raise Conflict("This person's role comes from a group at the region's sign-in; change the group there.")
    return services.update_user(user, role=role, reason=reason)


def set_active(user: User, active: bool, *, reason: str | None = None) -> User:
    """Deactivate (every token revoked, sign-in refused) or reactivate an account."""
    if active == user.active:
        return user
    return services.update_user(user, active=active, reason=reason)


def sign_out_everywhere(user: User) -> int:
    """Every token revoked and every web session ended, without deactivating the account."""
    return services.sign_out_everywhere(user)


def reset_password(user: User) -> str:
    """A new one-time password for a local account: the old password, the person's sessions and sign-in
    tokens stop working now; the person chooses their own at the next sign-in."""
    if role_from_identity_provider(user):
        raise Conflict("This person signs in through the region's sign-in, not with a password here.")
    secret = one_time_password()
    services.change_password(user, secret, by="administrator")
    user.password_must_change = True
    return secret


# --------------------------------------------------------------------------- own password


def _password_fingerprint(user: User) -> str:
    # A set-password link names the password it replaces, so it works once: setting a password changes it.
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SET_PASSWORD_SALT)


def set_password_token(user: User) -> str:
    return _serializer().dumps({"u": user.id, "p": _password_fingerprint(user)})


def user_for_set_password_token(token: str) -> User:
    """The account a set-password link is for; Forbidden when it is expired, used or not ours."""
    try:
        data = _serializer().loads(token, max_age=SET_PASSWORD_MAX_AGE)
    except SignatureExpired as error:
        raise NotAllowed("This link has expired; ask an administrator for a new one.") from error
    except BadSignature as error:
        raise NotAllowed("This link is not valid; ask an administrator for a new one.") from error
    user = db.session.get(User, int(data.get("u", 0))) if isinstance(data, dict) else None
    if user is None or not user.active or data.get("p") != _password_fingerprint(user):
        raise NotAllowed("This link has already been used or is not valid; ask an administrator for a new one.")
    return user


def set_password_from_link(token: str, password: str) -> User:
    """The person's first (or forgotten) password, through the link; the link stops working with it."""
    user = user_for_set_password_token(token)
    services.change_password(user, password, by="set_password_link")
    return user


def record_sign_in(user: User) -> None:
    """Not an audit event (it changes nothing of the register), but what an administrator looks at first."""
    user.last_sign_in_at = datetime.now(UTC)
